import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '@feige/client';
import type { MessageDto, UpdateDto } from '@feige/protocol';
import { friendsWithChat, online, record, startTestServer, waitFor, type TestServer } from '@feige/test-kit';

const newMessages = (updates: UpdateDto[], conversationId: string): MessageDto[] =>
  updates.flatMap((u) => (u.type === 'message.new' && u.message.conversationId === conversationId ? [u.message] : []));

describe('1:1 chat between friends', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('delivers a message to every device of both users, the sender’s other device included', async () => {
    const { a, b, conversationId } = await friendsWithChat(server);
    const a2 = await a.device();
    const b2 = await b.device();
    const seen = [b.client, b2, a2].map(record);
    const { message, duplicate } = await a.client.call('messages.send', { conversationId, clientMsgId: 'hello-1', text: '你好 👋' });
    expect(duplicate).toBe(false);
    expect(message.seq).toBe(1);
    for (const s of seen) {
      await waitFor(() => newMessages(s.updates, conversationId).length === 1, 'delivery');
      expect(newMessages(s.updates, conversationId)[0]).toEqual(message);
    }
  });

  it('returns the original message when a send is retried with the same clientMsgId, and stores it once', async () => {
    const { a, b, conversationId } = await friendsWithChat(server);
    const seen = record(b.client);
    const first = await a.client.call('messages.send', { conversationId, clientMsgId: 'retry-me', text: 'once' });
    const again = await a.client.call('messages.send', { conversationId, clientMsgId: 'retry-me', text: 'once' });
    expect(again.duplicate).toBe(true);
    expect(again.message).toEqual(first.message);
    const history = await b.client.call('messages.history', { conversationId });
    expect(history.messages.map((m) => m.text)).toEqual(['once']);
    await waitFor(() => newMessages(seen.updates, conversationId).length === 1, 'delivery');
    await a.client.call('messages.send', { conversationId, clientMsgId: 'after', text: 'later' });
    await waitFor(() => newMessages(seen.updates, conversationId).length === 2, 'second delivery');
    expect(newMessages(seen.updates, conversationId).map((m) => m.text)).toEqual(['once', 'later']);
  });

  it('refuses a reused clientMsgId with different text as message.id_conflict', async () => {
    const { a, conversationId } = await friendsWithChat(server);
    await a.client.call('messages.send', { conversationId, clientMsgId: 'k1', text: 'one' });
    await expect(a.client.call('messages.send', { conversationId, clientMsgId: 'k1', text: 'two' })).rejects.toMatchObject({
      code: 'message.id_conflict',
    });
  });

  it('stores and shows 20 messages sent as fast as possible in send order on both sides', async () => {
    const { a, b, conversationId } = await friendsWithChat(server);
    const seen = record(b.client);
    const texts = Array.from({ length: 20 }, (_, i) => `message ${i + 1}`);
    for (const text of texts) a.client.sendMessage(conversationId, text);
    await waitFor(() => newMessages(seen.updates, conversationId).length === 20, '20 deliveries');
    expect(newMessages(seen.updates, conversationId).map((m) => m.text)).toEqual(texts);
    expect(newMessages(seen.updates, conversationId).map((m) => m.seq)).toEqual(texts.map((_, i) => i + 1));
    const history = await a.client.call('messages.history', { conversationId });
    expect(history.messages.map((m) => m.text)).toEqual(texts);
    await waitFor(() => a.client.outbox.length === 0, 'the outbox to empty');
  });

  it('refuses a message with a NUL character as request.invalid and keeps the connection working', async () => {
    const { a, b, conversationId } = await friendsWithChat(server);
    const error = await a.client.call('messages.send', { conversationId, clientMsgId: 'nul', text: 'a\u0000b' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('request.invalid');
    expect(a.client.state).toBe('online');
    const ok = await a.client.call('messages.send', { conversationId, clientMsgId: 'fine', text: 'still here' });
    expect(ok.message.seq).toBe(1);
    const history = await b.client.call('messages.history', { conversationId });
    expect(history.messages.map((m) => m.text)).toEqual(['still here']);
  });

  it('refuses white-space-only text as message.empty', async () => {
    const { a, conversationId } = await friendsWithChat(server);
    await expect(a.client.call('messages.send', { conversationId, clientMsgId: 'ws', text: ' \n\t ' })).rejects.toMatchObject({
      code: 'message.empty',
    });
  });

  it('round-trips emoji ZWJ sequences, skin tones, flags, Chinese and right-to-left text byte-exact', async () => {
    const { a, b, conversationId } = await friendsWithChat(server);
    const b2 = await b.device();
    const seen = record(b2);
    const text = '👩‍👩‍👧‍👦 👍🏽 🇨🇳 🏳️‍🌈 天气很好 مرحبا بالعالم שלום';
    await a.client.call('messages.send', { conversationId, clientMsgId: 'emoji', text });
    await waitFor(() => newMessages(seen.updates, conversationId).length === 1, 'delivery');
    expect(Buffer.from(newMessages(seen.updates, conversationId)[0]?.text ?? '')).toEqual(Buffer.from(text));
    const history = await b.client.call('messages.history', { conversationId });
    expect(Buffer.from(history.messages[0]?.text ?? '')).toEqual(Buffer.from(text));
  });

  it('accepts 4,000 characters and refuses 4,001', async () => {
    const { a, conversationId } = await friendsWithChat(server);
    const long = 'x'.repeat(4000);
    expect((await a.client.call('messages.send', { conversationId, clientMsgId: 'long', text: long })).message.text).toBe(long);
    await expect(a.client.call('messages.send', { conversationId, clientMsgId: 'too-long', text: `${long}y` })).rejects.toMatchObject({
      code: 'request.invalid',
    });
  });

  it('orders the conversation list by last activity with a preview and unread counts', async () => {
    const { a, b, conversationId } = await friendsWithChat(server);
    await a.client.call('messages.send', { conversationId, clientMsgId: 'p1', text: 'first' });
    await a.client.call('messages.send', { conversationId, clientMsgId: 'p2', text: 'second' });
    const { conversations } = await b.client.call('conversations.list', {});
    expect(conversations).toHaveLength(1);
    expect(conversations[0]).toMatchObject({ id: conversationId, unreadCount: 2, lastSeq: 2, canSend: true });
    expect(conversations[0]?.lastMessage?.text).toBe('second');
    expect(conversations[0]?.peer.id).toBe(a.id);
    const mine = await a.client.call('conversations.list', {});
    expect(mine.conversations[0]?.unreadCount).toBe(0);
  });

  it('pages history backwards', async () => {
    const { a, conversationId } = await friendsWithChat(server);
    for (let i = 1; i <= 7; i++) await a.client.call('messages.send', { conversationId, clientMsgId: `h${i}`, text: `m${i}` });
    const newest = await a.client.call('messages.history', { conversationId, limit: 3 });
    expect(newest.messages.map((m) => m.seq)).toEqual([5, 6, 7]);
    expect(newest.hasMore).toBe(true);
    const older = await a.client.call('messages.history', { conversationId, limit: 3, beforeSeq: 5 });
    expect(older.messages.map((m) => m.seq)).toEqual([2, 3, 4]);
    const oldest = await a.client.call('messages.history', { conversationId, limit: 3, beforeSeq: 2 });
    expect(oldest).toEqual({ messages: [expect.objectContaining({ seq: 1 })], hasMore: false });
  });

  it('clears unread on the reader’s other devices and shows the sender a read receipt', async () => {
    const { a, b, conversationId } = await friendsWithChat(server);
    const b2 = await b.device();
    const onB2 = record(b2);
    const onA = record(a.client);
    await a.client.call('messages.send', { conversationId, clientMsgId: 'r1', text: 'read me' });
    await a.client.call('messages.send', { conversationId, clientMsgId: 'r2', text: 'me too' });
    await b.client.call('messages.read', { conversationId, seq: 2 });
    const isRead = (u: UpdateDto) => u.type === 'conversation.read' && u.userId === b.id && u.readSeq === 2;
    await waitFor(() => onB2.updates.some(isRead), 'the read mark on device 2');
    await waitFor(() => onA.updates.some(isRead), 'the read receipt for the sender');
    const list = await b2.call('conversations.list', {});
    expect(list.conversations[0]).toMatchObject({ unreadCount: 0, readSeq: 2 });
    const senderView = await a.client.call('conversations.list', {});
    expect(senderView.conversations[0]?.peerReadSeq).toBe(2);
  });

  it('never moves a read mark backwards, also when a device switches chats quickly', async () => {
    const { a, b, conversationId } = await friendsWithChat(server);
    for (let i = 1; i <= 3; i++) await a.client.call('messages.send', { conversationId, clientMsgId: `q${i}`, text: `${i}` });
    await Promise.all([
      b.client.call('messages.read', { conversationId, seq: 3 }),
      b.client.call('messages.read', { conversationId, seq: 1 }),
      b.client.call('messages.read', { conversationId, seq: 2 }),
    ]);
    const list = await b.client.call('conversations.list', {});
    expect(list.conversations[0]).toMatchObject({ readSeq: 3, unreadCount: 0 });
  });

  it('sends typing to the peer only, and never stores it', async () => {
    const { a, b, conversationId } = await friendsWithChat(server);
    const onB = record(b.client);
    const onA = record(a.client);
    const before = (await b.client.call('sync.get', { since: 0 })).pts;
    await a.client.call('typing.start', { conversationId });
    await waitFor(() => onB.events.some((e) => e.type === 'typing' && e.userId === a.id), 'typing');
    expect(onA.events.filter((e) => e.type === 'typing')).toEqual([]);
    expect((await b.client.call('sync.get', { since: 0 })).pts).toBe(before);
  });

  it('lets only members read a conversation', async () => {
    const { conversationId } = await friendsWithChat(server);
    const { b: stranger } = await friendsWithChat(server);
    await expect(stranger.client.call('messages.history', { conversationId })).rejects.toMatchObject({ code: 'conversation.not_found' });
    await expect(
      stranger.client.call('messages.send', { conversationId, clientMsgId: 'x', text: 'intrude' }),
    ).rejects.toMatchObject({ code: 'conversation.not_found' });
  });

  it('shows friends’ presence live', async () => {
    const { a, b } = await friendsWithChat(server);
    const onA = record(a.client);
    b.client.disconnect();
    await waitFor(() => onA.events.some((e) => e.type === 'presence' && e.userId === b.id && !e.online), 'offline presence');
    expect((await a.client.call('friends.list', {})).friends[0]?.online).toBe(false);
    b.client.connect();
    await online(b.client);
    await waitFor(() => onA.events.some((e) => e.type === 'presence' && e.userId === b.id && e.online), 'online presence');
    expect((await a.client.call('friends.list', {})).friends[0]?.online).toBe(true);
  });
});
