import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '@feige/client';
import type { FriendRequestDto, FriendRequestState, MessageDto, UpdateDto } from '@feige/protocol';
import {
  friendsWithChat,
  makeFriends,
  newClient,
  record,
  registerUser,
  startTestServer,
  waitFor,
  type TestServer,
} from '@feige/test-kit';

const newMessages = (updates: UpdateDto[], conversationId: string): MessageDto[] =>
  updates.flatMap((u) => (u.type === 'message.new' && u.message.conversationId === conversationId ? [u.message] : []));

const requestUpdates = (updates: UpdateDto[], requestId: string, state?: FriendRequestState): FriendRequestDto[] =>
  updates.flatMap((u) =>
    u.type === 'friend.request' && u.request.id === requestId && (state === undefined || u.request.state === state) ? [u.request] : [],
  );

const hasFriendAdded = (updates: UpdateDto[], friendId: string) =>
  updates.some((u) => u.type === 'friend.added' && u.friend.id === friendId);

const hasFriendRemoved = (updates: UpdateDto[], userId: string) =>
  updates.some((u) => u.type === 'friend.removed' && u.userId === userId);

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => new Error('expected a refusal, got success'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe.each(['sqlite', 'postgres'] as const)('the core friend flow on %s', (database) => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer({ database });
  });
  afterEach(async () => {
    await server.close();
  });

  it('a request with a note reaches the other user’s devices live, acceptance makes both friends live, and they chat', async () => {
    const a = await registerUser(server, 'alice');
    const b = await registerUser(server, 'bob');
    const b2 = await b.device();
    const onA = record(a.client);
    const onB = record(b.client);
    const onB2 = record(b2);

    const { request } = await a.client.call('friends.request', { userId: b.id, note: '你好，我是爱丽丝 👋' });
    expect(request).toMatchObject({ state: 'pending', note: '你好，我是爱丽丝 👋', from: { id: a.id }, to: { id: b.id } });
    for (const seen of [onB, onB2]) {
      await waitFor(() => requestUpdates(seen.updates, request.id, 'pending').length === 1, 'the live friend request');
      expect(requestUpdates(seen.updates, request.id)[0]).toEqual(request);
    }
    const { incoming } = await b2.call('friends.requests', {});
    expect(incoming.map((r) => r.id)).toEqual([request.id]);

    const accepted = await b.client.call('friends.accept', { requestId: request.id });
    expect(accepted.request.state).toBe('accepted');
    await waitFor(() => hasFriendAdded(onA.updates, b.id), 'friend.added for alice');
    await waitFor(() => hasFriendAdded(onB.updates, a.id), 'friend.added for bob');
    await waitFor(() => hasFriendAdded(onB2.updates, a.id), 'friend.added for bob’s other device');
    expect((await a.client.call('friends.list', {})).friends.map((f) => f.user.id)).toEqual([b.id]);
    expect((await b.client.call('friends.list', {})).friends.map((f) => f.user.id)).toEqual([a.id]);
    expect(await b.client.call('friends.requests', {})).toEqual({ incoming: [], outgoing: [] });

    const { conversation } = await a.client.call('conversations.openDirect', { userId: b.id });
    expect(conversation.canSend).toBe(true);
    const { message } = await a.client.call('messages.send', { conversationId: conversation.id, clientMsgId: 'hi', text: '终于是朋友了' });
    await waitFor(() => newMessages(onB2.updates, conversation.id).length === 1, 'the first message on bob’s device');
    expect(newMessages(onB2.updates, conversation.id)[0]).toEqual(message);
    const reply = await b.client.call('messages.send', { conversationId: conversation.id, clientMsgId: 'hi-back', text: '是的！' });
    expect(reply.message.seq).toBe(2);
    await waitFor(() => newMessages(onA.updates, conversation.id).length === 2, 'the reply on alice’s device');
  });
});

describe.each(['sqlite', 'postgres'] as const)('friend requests racing each other on %s', (database) => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer({ database });
  });
  afterEach(async () => {
    await server.close();
  });

  it('makes two users who request each other at the same moment friends, with no request left pending', async () => {
    const pairs = await Promise.all(
      Array.from({ length: 4 }, async () => [await registerUser(server, 'left', { connect: false }), await registerUser(server, 'right', { connect: false })] as const),
    );
    await Promise.all(
      pairs.map(([a, b]) =>
        Promise.all([a.client.call('friends.request', { userId: b.id }), b.client.call('friends.request', { userId: a.id })]),
      ),
    );
    for (const [a, b] of pairs) {
      expect(await a.client.call('friends.requests', {})).toEqual({ incoming: [], outgoing: [] });
      expect(await b.client.call('friends.requests', {})).toEqual({ incoming: [], outgoing: [] });
      expect((await a.client.call('friends.list', {})).friends.map((f) => f.user.id)).toEqual([b.id]);
    }
  });

  it('keeps one pending request when the same request is sent twice at the same moment', async () => {
    const a = await registerUser(server, 'eager', { connect: false });
    const targets = await Promise.all(Array.from({ length: 4 }, () => registerUser(server, 'target', { connect: false })));
    await Promise.all(
      targets.map((b) =>
        Promise.all([
          a.client.call('friends.request', { userId: b.id, note: 'hi' }),
          a.client.call('friends.request', { userId: b.id, note: 'hi' }),
        ]),
      ),
    );
    for (const b of targets) expect((await b.client.call('friends.requests', {})).incoming).toHaveLength(1);
    expect((await a.client.call('friends.requests', {})).outgoing).toHaveLength(targets.length);
  });
});

describe.each(['sqlite', 'postgres'] as const)('searching display names in other scripts on %s', (database) => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer({ database });
  });
  afterEach(async () => {
    await server.close();
  });

  it('finds a display name whatever its case, in Cyrillic and accented Latin too', async () => {
    const maria = await newClient(server).register({ username: 'maria_i', displayName: 'Мария Иванова', password: 'correct horse battery' });
    const elodie = await newClient(server).register({ username: 'elodie_d', displayName: 'Élodie Dupont', password: 'correct horse battery' });
    const me = await registerUser(server, 'searcher', { connect: false });
    expect((await me.client.call('users.search', { query: 'Мария' })).users.map((u) => u.id)).toEqual([maria.user.id]);
    expect((await me.client.call('users.search', { query: 'мария' })).users.map((u) => u.id)).toEqual([maria.user.id]);
    expect((await me.client.call('users.search', { query: 'ИВАНОВА' })).users.map((u) => u.id)).toEqual([maria.user.id]);
    expect((await me.client.call('users.search', { query: 'élodie' })).users.map((u) => u.id)).toEqual([elodie.user.id]);
  });
});

describe('finding people', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('finds users by username prefix whatever the case, by display-name substring, and never returns myself', async () => {
    const alice = newClient(server);
    const aliceAuth = await alice.register({ username: 'alice_w', displayName: 'Alice Wonder', password: 'correct horse battery' });
    const kitty = newClient(server);
    const kittyAuth = await kitty.register({ username: 'kit', displayName: '快乐的小猫 Kitty', password: 'correct horse battery' });
    const alicia = newClient(server);
    const aliciaAuth = await alicia.register({ username: 'Alicia', displayName: 'Someone', password: 'correct horse battery' });
    const me = await registerUser(server, 'searcher', { connect: false });

    const byPrefix = await me.client.call('users.search', { query: 'ALI' });
    expect(byPrefix.users.map((u) => u.id).sort()).toEqual([aliceAuth.user.id, aliciaAuth.user.id].sort());
    expect((await me.client.call('users.search', { query: 'aliCI' })).users.map((u) => u.id)).toEqual([aliciaAuth.user.id]);
    expect((await me.client.call('users.search', { query: '小猫' })).users.map((u) => u.id)).toEqual([kittyAuth.user.id]);
    expect((await me.client.call('users.search', { query: 'KITTY' })).users.map((u) => u.id)).toEqual([kittyAuth.user.id]);
    expect((await me.client.call('users.search', { query: 'wonder' })).users.map((u) => u.id)).toEqual([aliceAuth.user.id]);
    // A username match is a prefix match, not a substring one.
    expect((await me.client.call('users.search', { query: 'licia' })).users).toEqual([]);

    // Myself, neither by username nor by display name.
    expect((await alice.call('users.search', { query: 'ali' })).users.map((u) => u.id)).toEqual([aliciaAuth.user.id]);
    expect((await alice.call('users.search', { query: 'Wonder' })).users).toEqual([]);
    expect((await me.client.call('users.search', { query: me.username })).users).toEqual([]);
    // Results carry public fields only.
    expect(Object.keys(byPrefix.users[0] ?? {}).sort()).toEqual(['displayName', 'id', 'username']);
  });

  it('treats % and _ in a search as literal characters', async () => {
    const under = newClient(server);
    const underAuth = await under.register({ username: 'a_b_c', displayName: 'Under Score', password: 'correct horse battery' });
    const plain = newClient(server);
    await plain.register({ username: 'axbxc', displayName: '100 percent', password: 'correct horse battery' });
    const me = await registerUser(server, 'searcher', { connect: false });
    expect((await me.client.call('users.search', { query: 'a_b' })).users.map((u) => u.id)).toEqual([underAuth.user.id]);
    expect((await me.client.call('users.search', { query: '%' })).users).toEqual([]);
  });
});

describe('friend requests', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('a declined request tells the sender live and makes no friendship', async () => {
    const a = await registerUser(server, 'alice');
    const b = await registerUser(server, 'bob');
    const onA = record(a.client);
    const { request } = await a.client.call('friends.request', { userId: b.id, note: 'hi' });
    const declined = await b.client.call('friends.decline', { requestId: request.id });
    expect(declined.request.state).toBe('declined');
    await waitFor(() => requestUpdates(onA.updates, request.id, 'declined').length === 1, 'the decline on alice’s side');
    expect((await a.client.call('friends.list', {})).friends).toEqual([]);
    expect(await a.client.call('friends.requests', {})).toEqual({ incoming: [], outgoing: [] });
    expect(await b.client.call('friends.requests', {})).toEqual({ incoming: [], outgoing: [] });
    expect((await refusal(b.client.call('friends.accept', { requestId: request.id }))).code).toBe('friend.request_not_found');
    expect((await refusal(a.client.call('conversations.openDirect', { userId: b.id }))).code).toBe('friend.not_friends');
  });

  it('a cancelled request disappears for the recipient live and can no longer be accepted', async () => {
    const a = await registerUser(server, 'alice');
    const b = await registerUser(server, 'bob');
    const onB = record(b.client);
    const { request } = await a.client.call('friends.request', { userId: b.id });
    await waitFor(() => requestUpdates(onB.updates, request.id, 'pending').length === 1, 'the request');
    const cancelled = await a.client.call('friends.cancel', { requestId: request.id });
    expect(cancelled.request.state).toBe('cancelled');
    await waitFor(() => requestUpdates(onB.updates, request.id, 'cancelled').length === 1, 'the cancellation');
    expect((await b.client.call('friends.requests', {})).incoming).toEqual([]);
    expect((await refusal(b.client.call('friends.accept', { requestId: request.id }))).code).toBe('friend.request_not_found');
    expect((await b.client.call('friends.list', {})).friends).toEqual([]);
  });

  it('only the recipient may accept or decline, and only the sender may cancel', async () => {
    const a = await registerUser(server, 'alice');
    const b = await registerUser(server, 'bob');
    const c = await registerUser(server, 'carol');
    const { request } = await a.client.call('friends.request', { userId: b.id });
    expect((await refusal(a.client.call('friends.accept', { requestId: request.id }))).code).toBe('friend.request_not_found');
    expect((await refusal(c.client.call('friends.accept', { requestId: request.id }))).code).toBe('friend.request_not_found');
    expect((await refusal(c.client.call('friends.decline', { requestId: request.id }))).code).toBe('friend.request_not_found');
    expect((await refusal(b.client.call('friends.cancel', { requestId: request.id }))).code).toBe('friend.request_not_found');
    expect((await b.client.call('friends.requests', {})).incoming.map((r) => r.state)).toEqual(['pending']);
  });

  it('refuses a request to myself as friend.self and to an unknown user as user.not_found', async () => {
    const a = await registerUser(server, 'alice');
    expect((await refusal(a.client.call('friends.request', { userId: a.id }))).code).toBe('friend.self');
    expect((await refusal(a.client.call('friends.request', { userId: 'u_nobody' }))).code).toBe('user.not_found');
  });

  it('makes two users who request each other friends', async () => {
    const a = await registerUser(server, 'alice');
    const b = await registerUser(server, 'bob');
    const onA = record(a.client);
    const onB = record(b.client);
    const first = await a.client.call('friends.request', { userId: b.id });
    const second = await b.client.call('friends.request', { userId: a.id });
    expect(second.request).toMatchObject({ id: first.request.id, state: 'accepted' });
    await waitFor(() => hasFriendAdded(onA.updates, b.id) && hasFriendAdded(onB.updates, a.id), 'friend.added on both sides');
    expect((await a.client.call('friends.list', {})).friends.map((f) => f.user.id)).toEqual([b.id]);
    expect(await b.client.call('friends.requests', {})).toEqual({ incoming: [], outgoing: [] });
    expect((await refusal(a.client.call('friends.request', { userId: b.id }))).code).toBe('friend.already_friends');
  });

  it('keeps one request when the same user asks twice', async () => {
    const a = await registerUser(server, 'alice');
    const b = await registerUser(server, 'bob');
    const first = await a.client.call('friends.request', { userId: b.id, note: 'hello' });
    const again = await a.client.call('friends.request', { userId: b.id, note: 'hello' });
    expect(again.request.id).toBe(first.request.id);
    const changedNote = await a.client.call('friends.request', { userId: b.id, note: 'hello again' });
    expect(changedNote.request.id).toBe(first.request.id);
    const { incoming } = await b.client.call('friends.requests', {});
    expect(incoming).toHaveLength(1);
    expect(incoming[0]).toMatchObject({ id: first.request.id, note: 'hello again', state: 'pending' });
    expect((await a.client.call('friends.requests', {})).outgoing).toHaveLength(1);
  });

  it('refuses to accept an already accepted request as friend.request_not_found', async () => {
    const a = await registerUser(server, 'alice');
    const b = await registerUser(server, 'bob');
    const { request } = await a.client.call('friends.request', { userId: b.id });
    await b.client.call('friends.accept', { requestId: request.id });
    expect((await refusal(b.client.call('friends.accept', { requestId: request.id }))).code).toBe('friend.request_not_found');
    expect((await refusal(b.client.call('friends.decline', { requestId: request.id }))).code).toBe('friend.request_not_found');
    expect((await b.client.call('friends.list', {})).friends).toHaveLength(1);
  });

  it('accepts a request once when two devices accept it at the same moment', async () => {
    const a = await registerUser(server, 'alice');
    const b = await registerUser(server, 'bob');
    const b2 = await b.device();
    const { request } = await a.client.call('friends.request', { userId: b.id });
    const results = await Promise.allSettled([
      b.client.call('friends.accept', { requestId: request.id }),
      b2.call('friends.accept', { requestId: request.id }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as ApiError).code] : []));
    expect(rejected).toEqual(['friend.request_not_found']);
    expect((await a.client.call('friends.list', {})).friends).toHaveLength(1);
  });
});

describe('ending a friendship', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('friends.remove ends it for both live; history stays readable, new messages are refused, canSend is false', async () => {
    const { a, b, conversationId } = await friendsWithChat(server);
    await a.client.call('messages.send', { conversationId, clientMsgId: 'before', text: 'still friends' });
    const onA = record(a.client);
    const onB = record(b.client);
    await a.client.call('friends.remove', { userId: b.id });
    await waitFor(() => hasFriendRemoved(onA.updates, b.id), 'friend.removed for the remover');
    await waitFor(() => hasFriendRemoved(onB.updates, a.id), 'friend.removed for the removed');
    expect((await a.client.call('friends.list', {})).friends).toEqual([]);
    expect((await b.client.call('friends.list', {})).friends).toEqual([]);

    for (const side of [a, b]) {
      const history = await side.client.call('messages.history', { conversationId });
      expect(history.messages.map((m) => m.text)).toEqual(['still friends']);
      const error = await refusal(side.client.call('messages.send', { conversationId, clientMsgId: `after-${side.id}`, text: 'hello?' }));
      expect(error.code).toBe('friend.not_friends');
      const { conversations } = await side.client.call('conversations.list', {});
      expect(conversations.map((c) => [c.id, c.canSend])).toEqual([[conversationId, false]]);
    }
    expect((await refusal(b.client.call('friends.remove', { userId: a.id }))).code).toBe('friend.not_friends');
  });

  it('lets former friends become friends again and chat in the same conversation', async () => {
    const { a, b, conversationId } = await friendsWithChat(server);
    await a.client.call('friends.remove', { userId: b.id });
    await makeFriends(b, a);
    const { conversation } = await b.client.call('conversations.openDirect', { userId: a.id });
    expect(conversation).toMatchObject({ id: conversationId, canSend: true });
    const sent = await b.client.call('messages.send', { conversationId, clientMsgId: 'again', text: 'welcome back' });
    expect(sent.message.seq).toBe(1);
  });
});

describe('blocking', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('declines the blocked user’s pending request, and refuses their new requests as friend.blocked', async () => {
    const blocker = await registerUser(server, 'blocker');
    const pest = await registerUser(server, 'pest');
    const onPest = record(pest.client);
    const { request } = await pest.client.call('friends.request', { userId: blocker.id, note: 'let me in' });
    await blocker.client.call('blocks.add', { userId: pest.id });
    expect((await blocker.client.call('friends.requests', {})).incoming).toEqual([]);
    await waitFor(() => requestUpdates(onPest.updates, request.id, 'declined').length === 1, 'the request to be declined');
    expect((await refusal(blocker.client.call('friends.accept', { requestId: request.id }))).code).toBe('friend.request_not_found');

    const again = await refusal(pest.client.call('friends.request', { userId: blocker.id, note: 'please' }));
    expect(again.code).toBe('friend.blocked');
    expect((await blocker.client.call('friends.requests', {})).incoming).toEqual([]);
    const { users } = await blocker.client.call('blocks.list', {});
    expect(users.map((u) => u.id)).toEqual([pest.id]);
    // The blocker cannot befriend whom they block either, until they unblock.
    expect((await refusal(blocker.client.call('friends.request', { userId: pest.id }))).code).toBe('friend.blocked');
  });

  it('stops a blocked friend’s messages both ways, and unblocking restores messaging between the friends', async () => {
    const { a: blocker, b: blocked, conversationId } = await friendsWithChat(server);
    const onBlocked = record(blocked.client);
    const onBlocker = record(blocker.client);
    await blocker.client.call('blocks.add', { userId: blocked.id });
    await waitFor(() => onBlocker.updates.some((u) => u.type === 'block.added' && u.user.id === blocked.id), 'block.added');

    const fromBlocked = await refusal(blocked.client.call('messages.send', { conversationId, clientMsgId: 'b1', text: 'hello?' }));
    expect(fromBlocked.code).toBe('friend.blocked');
    const fromBlocker = await refusal(blocker.client.call('messages.send', { conversationId, clientMsgId: 'a1', text: 'hi' }));
    expect(fromBlocker.code).toBe('friend.blocked');
    expect((await blocked.client.call('conversations.list', {})).conversations[0]?.canSend).toBe(false);
    expect((await blocker.client.call('conversations.list', {})).conversations[0]?.canSend).toBe(false);
    expect((await blocker.client.call('messages.history', { conversationId })).messages).toEqual([]);
    expect((await blocker.client.call('blocks.list', {})).users.map((u) => u.id)).toEqual([blocked.id]);

    await blocker.client.call('blocks.remove', { userId: blocked.id });
    expect((await blocker.client.call('blocks.list', {})).users).toEqual([]);
    const { message } = await blocked.client.call('messages.send', { conversationId, clientMsgId: 'b2', text: 'friends again' });
    await waitFor(() => newMessages(onBlocker.updates, conversationId).length === 1, 'the message after unblocking');
    expect(newMessages(onBlocker.updates, conversationId)[0]).toEqual(message);
    expect(newMessages(onBlocked.updates, conversationId).map((m) => m.text)).toEqual(['friends again']);
    expect((await blocker.client.call('conversations.list', {})).conversations[0]?.canSend).toBe(true);
  });

  it('delivers nothing a blocked user sends while blocked, not even typing', async () => {
    const { a: blocker, b: blocked, conversationId } = await friendsWithChat(server);
    const onBlocker = record(blocker.client);
    await blocker.client.call('blocks.add', { userId: blocked.id });
    await blocked.client.call('typing.start', { conversationId }).catch(() => undefined);
    await blocked.client.call('messages.send', { conversationId, clientMsgId: 'x', text: 'x' }).catch(() => undefined);
    // A marker sent after the attempts: once it has arrived, anything the attempts had sent would have too.
    const marker = await registerUser(server, 'marker');
    await marker.client.call('friends.request', { userId: blocker.id });
    await waitFor(() => onBlocker.updates.some((u) => u.type === 'friend.request' && u.request.from.id === marker.id), 'the marker');
    expect(onBlocker.events.filter((e) => e.type === 'typing')).toEqual([]);
    expect(newMessages(onBlocker.updates, conversationId)).toEqual([]);
  });

  it('refuses to block myself as block.self', async () => {
    const a = await registerUser(server, 'alice');
    expect((await refusal(a.client.call('blocks.add', { userId: a.id }))).code).toBe('block.self');
  });
});
