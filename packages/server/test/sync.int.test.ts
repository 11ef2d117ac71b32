import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStore } from '@feige/client';
import type { MessageDto, UpdateDto } from '@feige/protocol';
import {
  friendsWithChat,
  makeFriends,
  newClient,
  online,
  record,
  startTestServer,
  waitFor,
  type TestServer,
} from '@feige/test-kit';

const newMessages = (updates: UpdateDto[], conversationId: string): MessageDto[] =>
  updates.flatMap((u) => (u.type === 'message.new' && u.message.conversationId === conversationId ? [u.message] : []));

const ptsOf = (updates: UpdateDto[]) => updates.map((u) => u.pts);
const isGapless = (pts: number[]) => pts.every((p, i) => i === 0 || p === (pts[i - 1] ?? 0) + 1);

for (const database of ['sqlite', 'postgres'] as const) {
  describe(`sync and resume (${database})`, () => {
    let server: TestServer;
    afterEach(async () => {
      await server?.close();
    });

    it('a device whose socket dropped gets exactly the missed messages, in order, when it reconnects by itself', async () => {
      server = await startTestServer({ database });
      const { a, b, conversationId } = await friendsWithChat(server);
      const onB = record(b.client);
      // Keep B's socket down while A sends: terminate it and hold the reconnect until A is done.
      b.client.disconnect();
      for (let i = 1; i <= 3; i++) await a.client.call('messages.send', { conversationId, clientMsgId: `n${i}`, text: `number ${i}` });
      b.client.connect();
      await online(b.client);
      await waitFor(() => newMessages(onB.updates, conversationId).length >= 3, 'the missed messages');
      expect(newMessages(onB.updates, conversationId).map((m) => m.text)).toEqual(['number 1', 'number 2', 'number 3']);
      expect(isGapless(ptsOf(onB.updates))).toBe(true);
    });

    it('a connection cut without a close handshake recovers and delivers what was sent meanwhile exactly once', async () => {
      server = await startTestServer({ database });
      const { a, b, conversationId } = await friendsWithChat(server);
      const onB = record(b.client);
      server.app.gateway.terminateUser(b.id);
      const sends = [1, 2, 3].map((i) => a.client.call('messages.send', { conversationId, clientMsgId: `cut${i}`, text: `cut ${i}` }));
      await Promise.all(sends);
      await waitFor(() => newMessages(onB.updates, conversationId).length >= 3, 'the messages after the cut');
      await online(b.client);
      // Give any duplicate a chance to show up before asserting there is none.
      await a.client.call('messages.send', { conversationId, clientMsgId: 'marker', text: 'marker' });
      await waitFor(() => newMessages(onB.updates, conversationId).length >= 4, 'the marker');
      expect(newMessages(onB.updates, conversationId).map((m) => m.text)).toEqual(['cut 1', 'cut 2', 'cut 3', 'marker']);
    });

    it('after three drops and recoveries one new message arrives exactly once and no dead subscription is left', async () => {
      server = await startTestServer({ database });
      const { a, b, conversationId } = await friendsWithChat(server);
      const onA = record(a.client);
      let drops = 0;
      a.client.on('state', (state) => {
        if (state === 'offline') drops++;
      });
      for (let i = 1; i <= 3; i++) {
        expect(server.app.gateway.terminateUser(a.id)).toBe(1);
        await waitFor(() => drops === i, 'the client to notice the drop');
        await online(a.client);
      }
      await b.client.call('messages.send', { conversationId, clientMsgId: 'once', text: 'exactly once' });
      await waitFor(() => newMessages(onA.updates, conversationId).length === 1, 'the message');
      await b.client.call('messages.send', { conversationId, clientMsgId: 'twice', text: 'marker' });
      await waitFor(() => newMessages(onA.updates, conversationId).length === 2, 'the marker');
      expect(newMessages(onA.updates, conversationId).map((m) => m.text)).toEqual(['exactly once', 'marker']);
      // Two users online, one socket each: exactly one subscription per user.
      expect(server.app.stats()).toMatchObject({ sockets: 2, users: 2, subscriptions: 2 });
      a.client.disconnect();
      b.client.disconnect();
      await waitFor(() => server.app.stats().subscriptions === 0 && server.app.stats().sockets === 0, 'every subscription to go');
    });
  });
}

describe('offline devices and the outbox', () => {
  let server: TestServer;
  afterEach(async () => {
    await server?.close();
  });

  it('an offline device gets everything on its next connect, across several sync pages', async () => {
    server = await startTestServer();
    const { a, b, conversationId } = await friendsWithChat(server);
    const b2 = await b.device();
    const onB2 = record(b2);
    b2.disconnect();
    // More than one sync page (500) of updates for B: A's messages plus B's own read marks.
    // Set up through the service itself: the socket's frame rate limit is not what this test is about.
    const actor = { userId: a.id, sessionId: a.client.session?.id ?? '' };
    for (let i = 1; i <= 520; i++)
      await server.app.services.messages.send(actor, { conversationId, clientMsgId: `bulk${i}`, text: `bulk ${i}` });
    await b.client.call('messages.read', { conversationId, seq: 520 });
    b2.connect();
    await online(b2);
    await waitFor(() => onB2.updates.some((u) => u.type === 'conversation.read' && u.readSeq === 520), 'the read mark', 20_000);
    const texts = newMessages(onB2.updates, conversationId).map((m) => m.text);
    expect(texts).toEqual(Array.from({ length: 520 }, (_, i) => `bulk ${i + 1}`));
    expect(isGapless(ptsOf(onB2.updates))).toBe(true);
  });

  it('messages sent while offline stay pending, then arrive exactly once and in order — ten times over', async () => {
    server = await startTestServer();
    const { a, b, conversationId } = await friendsWithChat(server);
    const onB = record(b.client);
    const sent: string[] = [];
    a.client.on('sent', (entry) => sent.push(entry.text));
    const expected: string[] = [];
    for (let round = 1; round <= 10; round++) {
      a.client.disconnect();
      for (let i = 1; i <= 3; i++) {
        const text = `round ${round} message ${i}`;
        expected.push(text);
        expect(a.client.sendMessage(conversationId, text).state).toBe('pending');
      }
      expect(a.client.outbox.map((e) => e.state)).toEqual(['pending', 'pending', 'pending']);
      a.client.connect();
      await waitFor(() => a.client.outbox.length === 0, 'the outbox to drain');
    }
    await waitFor(() => newMessages(onB.updates, conversationId).length === 30, 'all 30 messages');
    expect(newMessages(onB.updates, conversationId).map((m) => m.text)).toEqual(expected);
    expect(sent).toEqual(expected);
    const history = await b.client.call('messages.history', { conversationId, limit: 100 });
    expect(history.messages.map((m) => m.text)).toEqual(expected);
  });

  it('the outbox survives a reload: a new client on the same storage sends what the old one could not', async () => {
    server = await startTestServer();
    const { a, b, conversationId } = await friendsWithChat(server);
    const storage = createMemoryStore();
    const device = newClient(server, { storage });
    await device.login({ username: a.username, password: a.password });
    device.sendMessage(conversationId, 'written offline, before the reload');
    expect(device.outbox).toHaveLength(1);
    // "Reload": the page goes away without ever connecting; a new page starts from the same storage.
    const reloaded = newClient(server, { storage });
    expect(reloaded.outbox.map((e) => e.text)).toEqual(['written offline, before the reload']);
    reloaded.connect();
    await waitFor(() => reloaded.outbox.length === 0, 'the outbox to drain');
    const history = await b.client.call('messages.history', { conversationId });
    expect(history.messages.map((m) => m.text)).toEqual(['written offline, before the reload']);
    reloaded.disconnect();
  });

  it('a message that really cannot be sent is marked failed with its error, and retry sends it once allowed', async () => {
    server = await startTestServer();
    const { a, b, conversationId } = await friendsWithChat(server);
    await b.client.call('friends.remove', { userId: a.id });
    const entry = a.client.sendMessage(conversationId, 'are you there?');
    await waitFor(() => a.client.outbox.find((e) => e.clientMsgId === entry.clientMsgId)?.state === 'failed', 'the failed state');
    expect(a.client.outbox[0]?.error?.code).toBe('friend.not_friends');
    await makeFriends(b, a);
    expect(a.client.retry(entry.clientMsgId)).toBe(true);
    await waitFor(() => a.client.outbox.length === 0, 'the retry to be acked');
    const history = await b.client.call('messages.history', { conversationId });
    expect(history.messages.map((m) => m.text)).toEqual(['are you there?']);
  });

  it('what one device sends shows on the sender’s other device live and, after it was away, on reconnect', async () => {
    server = await startTestServer();
    const { a, conversationId } = await friendsWithChat(server);
    const a2 = await a.device();
    const onA2 = record(a2);
    await a.client.call('messages.send', { conversationId, clientMsgId: 'live', text: 'live' });
    await waitFor(() => newMessages(onA2.updates, conversationId).length === 1, 'the live copy');
    a2.disconnect();
    await a.client.call('messages.send', { conversationId, clientMsgId: 'later', text: 'while device 2 was away' });
    a2.connect();
    await waitFor(() => newMessages(onA2.updates, conversationId).length === 2, 'the synced copy');
    expect(newMessages(onA2.updates, conversationId).map((m) => m.text)).toEqual(['live', 'while device 2 was away']);
  });
});
