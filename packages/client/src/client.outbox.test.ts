import { describe, expect, it } from 'vitest';
import { fail } from './test/fakes.js';
import { createWorld } from './test/harness.js';

describe('client outbox', () => {
  it('sends a message at once when online and reports the stored message when acked', async () => {
    const { clock, onlineClient } = createWorld();
    const { client, sent } = await onlineClient();
    const entry = client.sendMessage('c1', 'hello');
    expect(client.outbox).toEqual([entry]);
    await clock.advance(0);
    expect(client.outbox).toEqual([]);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.entry.clientMsgId).toBe(entry.clientMsgId);
    expect(sent[0]!.message).toMatchObject({ clientMsgId: entry.clientMsgId, text: 'hello', seq: 1 });
  });

  it('keeps messages written offline as pending and flushes them in order on reconnect, with the same ids', async () => {
    const { clock, server, onlineClient } = createWorld();
    const { client, outboxEvents } = await onlineClient();
    server.accepting = false;
    server.live!.drop(1006);
    await clock.advance(0);
    const written = ['one', 'two', 'three'].map((text) => client.sendMessage('c1', text));
    await clock.advance(2_000);
    expect(client.outbox.map((e) => [e.text, e.state])).toEqual([
      ['one', 'pending'],
      ['two', 'pending'],
      ['three', 'pending'],
    ]);
    expect(outboxEvents.at(-1)).toHaveLength(3);
    expect(server.opsSent('messages.send')).toEqual([]);

    server.accepting = true;
    await clock.advance(30_000);
    expect(server.opsSent('messages.send').map((d: { clientMsgId: string }) => d.clientMsgId)).toEqual(
      written.map((e) => e.clientMsgId),
    );
    expect(server.messages.map((m) => [m.text, m.seq])).toEqual([
      ['one', 1],
      ['two', 2],
      ['three', 3],
    ]);
    expect(client.outbox).toEqual([]);
    expect(outboxEvents.at(-1)).toEqual([]);
  });

  it('resends with the same clientMsgId when the socket died before the ack, so the server stores it once', async () => {
    const { clock, server, onlineClient } = createWorld();
    const { client, sent } = await onlineClient();
    server.handlers.set('messages.send', (data, socket) => {
      server.builtin('messages.send')(data, socket); // committed…
      socket!.drop(1006); // …but the reply never leaves
      return new Promise(() => {});
    });
    const entry = client.sendMessage('c1', 'only once');
    await clock.advance(0);
    expect(client.outbox).toMatchObject([{ clientMsgId: entry.clientMsgId, state: 'pending' }]);

    server.handlers.delete('messages.send');
    await clock.advance(5_000);
    expect(server.opsSent('messages.send').map((d: { clientMsgId: string }) => d.clientMsgId)).toEqual([
      entry.clientMsgId,
      entry.clientMsgId,
    ]);
    expect(server.messages).toHaveLength(1);
    expect(sent).toHaveLength(1);
    expect(client.outbox).toEqual([]);
  });

  it('marks a message failed on a non-retryable error, sends the rest, and sends it again on retry()', async () => {
    const { clock, server, onlineClient } = createWorld();
    const { client } = await onlineClient();
    server.handlers.set('messages.send', (data: { conversationId: string }, socket) =>
      data.conversationId === 'c-stranger' ? fail('friend.not_friends') : server.builtin('messages.send')(data, socket),
    );
    const refused = client.sendMessage('c-stranger', 'hi stranger');
    client.sendMessage('c1', 'hi friend');
    await clock.advance(0);
    expect(client.outbox).toEqual([
      expect.objectContaining({
        clientMsgId: refused.clientMsgId,
        state: 'failed',
        error: expect.objectContaining({ code: 'friend.not_friends' }),
      }),
    ]);
    expect(server.messages.map((m) => m.text)).toEqual(['hi friend']);

    server.handlers.delete('messages.send'); // they became friends
    expect(client.retry(refused.clientMsgId)).toBe(true);
    await clock.advance(0);
    expect(server.messages.map((m) => [m.text, m.clientMsgId])).toEqual([
      ['hi friend', expect.any(String)],
      ['hi stranger', refused.clientMsgId],
    ]);
    expect(client.outbox).toEqual([]);
  });

  it('keeps a rate-limited message pending and sends it after retryAfterMs', async () => {
    const { clock, server, onlineClient } = createWorld();
    const { client } = await onlineClient();
    server.handlers.set('messages.send', () => fail('rate.limited', { retryAfterMs: 3_000 }));
    client.sendMessage('c1', 'patience');
    await clock.advance(1_000);
    expect(client.outbox).toMatchObject([{ state: 'pending' }]);
    server.handlers.delete('messages.send');
    await clock.advance(2_000);
    expect(server.messages.map((m) => m.text)).toEqual(['patience']);
    expect(client.outbox).toEqual([]);
  });

  it('survives a restart: a new client on the same storage has the token, user, cursor and outbox, and flushes it', async () => {
    const { clock, server, onlineClient, makeClient } = createWorld();
    const first = await onlineClient();
    server.append({ type: 'friend.removed', userId: 'u-bob' });
    await clock.advance(0);
    first.client.disconnect();
    const written = [first.client.sendMessage('c1', 'before reload'), first.client.sendMessage('c1', 'me too')];

    const second = makeClient();
    expect(second.client.token).toBe(first.client.token);
    expect(second.client.user).toEqual(first.client.user);
    expect(second.client.cursor).toBe(1);
    expect(second.client.outbox).toEqual(written);

    second.client.connect();
    await clock.advance(0);
    expect(server.messages.map((m) => [m.text, m.clientMsgId])).toEqual(written.map((e) => [e.text, e.clientMsgId]));
    expect(second.client.outbox).toEqual([]);
    expect(makeClient().client.outbox).toEqual([]);
  });

  it('keeps failed entries across a restart, and discard() drops them', async () => {
    const { clock, server, onlineClient, makeClient } = createWorld();
    const { client } = await onlineClient();
    server.handlers.set('messages.send', () => fail('message.empty'));
    const entry = client.sendMessage('c1', '   ');
    await clock.advance(0);
    client.disconnect();
    const restarted = makeClient().client;
    expect(restarted.outbox).toMatchObject([{ clientMsgId: entry.clientMsgId, state: 'failed', error: { code: 'message.empty' } }]);
    expect(restarted.discard(entry.clientMsgId)).toBe(true);
    expect(makeClient().client.outbox).toEqual([]);
  });

  it('does not hand one account’s cursor and outbox to another account on the same device', async () => {
    const { clock, server, storage, onlineClient, makeClient } = createWorld();
    const { client } = await onlineClient();
    server.appendMissed(3);
    server.append({ type: 'friend.removed', userId: 'x' });
    await clock.advance(0);
    client.disconnect();
    client.sendMessage('c1', 'alice wrote this');
    storage.set('feige:owner', JSON.stringify('u-somebody-else'));
    const other = makeClient().client;
    await other.login({ username: 'alice', password: 'correct horse' });
    expect(other.cursor).toBeNull();
    expect(other.outbox).toEqual([]);
  });
});
