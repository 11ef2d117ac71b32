import type { MessageDto } from '@feige/protocol';
import { describe, expect, it } from 'vitest';
import { ApiError, NetworkError } from './errors.js';
import { createOutbox, type OutboxEntry } from './outbox.js';
import { deferred, FakeClock, settle } from './test/fakes.js';

const apiError = (code: ApiError['code'], retryAfterMs?: number) =>
  new ApiError({ code, message: code, requestId: 'r', ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });

const messageFor = (entry: OutboxEntry, seq: number): MessageDto => ({
  id: `m-${seq}`,
  conversationId: entry.conversationId,
  seq,
  senderId: 'u-alice',
  clientMsgId: entry.clientMsgId,
  text: entry.text,
  createdAt: 0,
});

/** An outbox over a scripted server: `reply` decides each send's fate; `online` toggles the socket. */
function harness(initial: OutboxEntry[] = []) {
  const clock = new FakeClock();
  let ids = 0;
  const world = {
    online: true,
    attempts: [] as { clientMsgId: string; text: string }[],
    reply: (entry: OutboxEntry): Promise<MessageDto> => Promise.resolve(messageFor(entry, world.attempts.length)),
    persisted: [] as OutboxEntry[],
    sent: [] as string[],
  };
  const outbox = createOutbox({
    initial,
    persist: (entries) => (world.persisted = [...entries]),
    send: (entry) => {
      world.attempts.push({ clientMsgId: entry.clientMsgId, text: entry.text });
      return world.reply(entry);
    },
    canSend: () => world.online,
    timers: clock,
    retryDelay: () => 1_000,
    newId: () => `cm-${++ids}`,
    onChange: () => {},
    onSent: (entry) => world.sent.push(entry.text),
  });
  return { clock, world, outbox };
}

describe('outbox', () => {
  it('keeps messages written offline as pending and sends them in order, with their ids, once flushed', async () => {
    const { world, outbox } = harness();
    world.online = false;
    const a = outbox.add('c1', 'first');
    const b = outbox.add('c1', 'second');
    await settle();
    expect(world.attempts).toEqual([]);
    expect(outbox.entries().map((e) => e.state)).toEqual(['pending', 'pending']);
    expect(world.persisted.map((e) => e.text)).toEqual(['first', 'second']);

    world.online = true;
    outbox.flush();
    await settle();
    expect(world.attempts).toEqual([
      { clientMsgId: a.clientMsgId, text: 'first' },
      { clientMsgId: b.clientMsgId, text: 'second' },
    ]);
    expect(world.sent).toEqual(['first', 'second']);
    expect(outbox.entries()).toEqual([]);
    expect(world.persisted).toEqual([]);
  });

  it('waits for each ack before sending the next entry', async () => {
    const { world, outbox } = harness();
    const acks: ((m: MessageDto) => void)[] = [];
    world.reply = () => new Promise((resolve) => acks.push(resolve));
    const a = outbox.add('c1', 'first');
    outbox.add('c1', 'second');
    await settle();
    expect(world.attempts.map((x) => x.text)).toEqual(['first']);
    acks[0]!(messageFor(a, 1));
    await settle();
    expect(world.attempts.map((x) => x.text)).toEqual(['first', 'second']);
  });

  it('keeps an entry pending when the socket dies mid-send and resends it with the same clientMsgId', async () => {
    const { world, outbox } = harness();
    world.reply = () => Promise.reject(new NetworkError('socket closed before the reply'));
    const entry = outbox.add('c1', 'hello');
    await settle();
    expect(outbox.entries()).toMatchObject([{ clientMsgId: entry.clientMsgId, state: 'pending' }]);

    world.reply = (e) => Promise.resolve(messageFor(e, 1));
    outbox.flush();
    await settle();
    expect(world.attempts.map((x) => x.clientMsgId)).toEqual([entry.clientMsgId, entry.clientMsgId]);
    expect(outbox.entries()).toEqual([]);
  });

  it('marks an entry failed on a non-retryable error, goes on with the next, and retry() sends it again', async () => {
    const { world, outbox } = harness();
    world.reply = (e) =>
      e.text === 'to a stranger' ? Promise.reject(apiError('friend.not_friends')) : Promise.resolve(messageFor(e, 1));
    const bad = outbox.add('c1', 'to a stranger');
    outbox.add('c1', 'to a friend');
    await settle();
    expect(outbox.entries()).toEqual([
      expect.objectContaining({ clientMsgId: bad.clientMsgId, state: 'failed', error: expect.objectContaining({ code: 'friend.not_friends' }) }),
    ]);
    expect(world.sent).toEqual(['to a friend']);

    world.reply = (e) => Promise.resolve(messageFor(e, 2));
    expect(outbox.retry(bad.clientMsgId)).toBe(true);
    await settle();
    expect(world.attempts.at(-1)).toEqual({ clientMsgId: bad.clientMsgId, text: 'to a stranger' });
    expect(outbox.entries()).toEqual([]);
  });

  it('discards only failed entries', async () => {
    const { world, outbox } = harness();
    world.online = false;
    const pending = outbox.add('c1', 'on its way');
    expect(outbox.discard(pending.clientMsgId)).toBe(false);
    world.online = true;
    world.reply = () => Promise.reject(apiError('message.empty'));
    outbox.flush();
    await settle();
    expect(outbox.discard(pending.clientMsgId)).toBe(true);
    expect(outbox.entries()).toEqual([]);
  });

  it('waits retryAfterMs after rate.limited and sends the same entry again, keeping later ones behind it', async () => {
    const { clock, world, outbox } = harness();
    let limited = true;
    world.reply = (e) => {
      if (limited) {
        limited = false;
        return Promise.reject(apiError('rate.limited', 2_000));
      }
      return Promise.resolve(messageFor(e, world.attempts.length));
    };
    const first = outbox.add('c1', 'first');
    outbox.add('c1', 'second');
    await clock.advance(1_999);
    expect(world.attempts.map((x) => x.text)).toEqual(['first']);
    expect(outbox.entries().map((e) => e.state)).toEqual(['pending', 'pending']);
    await clock.advance(1);
    expect(world.attempts.map((x) => x.clientMsgId).slice(0, 2)).toEqual([first.clientMsgId, first.clientMsgId]);
    expect(world.sent).toEqual(['first', 'second']);
  });

  it('keeps an entry pending when the session ends mid-send, for the next login', async () => {
    const { world, outbox } = harness();
    world.reply = () => Promise.reject(apiError('auth.session_revoked'));
    outbox.add('c1', 'hello');
    await settle();
    expect(outbox.entries()).toMatchObject([{ state: 'pending' }]);
    expect(outbox.entries()[0]).not.toHaveProperty('error');
  });

  it('starts from the persisted entries, and after clear() a late ack does not bring one back', async () => {
    const stored: OutboxEntry = { clientMsgId: 'cm-old', conversationId: 'c1', text: 'from before', createdAt: 1, state: 'pending' };
    const { world, outbox } = harness([stored]);
    const ack = deferred<MessageDto>();
    world.reply = () => ack.promise;
    outbox.flush();
    await settle();
    expect(world.attempts).toEqual([{ clientMsgId: 'cm-old', text: 'from before' }]);
    outbox.clear();
    ack.resolve(messageFor(stored, 1));
    await settle();
    expect(outbox.entries()).toEqual([]);
    expect(world.sent).toEqual([]);
  });
});
