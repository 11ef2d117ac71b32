import { afterEach, describe, expect, it } from 'vitest';
import type { FeigeClient } from '@feige/client';
import type { UpdateDto } from '@feige/protocol';
import { newClient, online, record, registerUser, startTestServer, waitFor, type TestServer } from '@feige/test-kit';

/** Makes `count` users who are the owner's friends, straight through storage: scrypt for 500 users would be the test. */
async function seedFriendsOf(server: TestServer, ownerId: string, count: number, passwordHash: string) {
  const users: { id: string; username: string }[] = [];
  const now = Date.now();
  for (let i = 0; i < count; i++) {
    const username = `member${i}_${ownerId.slice(-6)}`;
    const id = `u_seed${i}_${ownerId.slice(-6)}`;
    await server.app.storage.repos.users.insert({ id, username, usernameKey: username.toLowerCase(), displayName: `Member ${i}`, passwordHash, createdAt: now });
    await server.app.storage.repos.social.addFriendship(ownerId, id, now);
    users.push({ id, username });
  }
  return users;
}

const copiesOf = (updates: UpdateDto[], messageId: string) =>
  updates.filter((u) => u.type === 'message.new' && u.message.id === messageId).length;

describe('a group of 500', () => {
  let server: TestServer;
  const clients: FeigeClient[] = [];
  afterEach(async () => {
    for (const c of clients) c.disconnect();
    await server?.close();
  });

  it('one message reaches all 100 sockets of the 50 online members exactly once; the 450 offline get it on their next connect', async () => {
    server = await startTestServer();
    const owner = await registerUser(server, 'big');
    const hash = (await server.app.storage.repos.users.byId(owner.id))?.passwordHash ?? '';
    const members = await seedFriendsOf(server, owner.id, 499, hash);
    const ids = members.map((m) => m.id);
    const { conversation } = await owner.client.call('groups.create', { title: 'Five hundred', userIds: ids.slice(0, 99) });
    for (let i = 99; i < ids.length; i += 100)
      await owner.client.call('groups.invite', { conversationId: conversation.id, userIds: ids.slice(i, i + 100) });
    expect((await owner.client.call('conversations.get', { conversationId: conversation.id })).conversation.group?.memberCount).toBe(500);

    const onlineMembers = members.slice(0, 50);
    const recorders: ReturnType<typeof record>[] = [];
    for (const member of onlineMembers) {
      for (let device = 0; device < 2; device++) {
        const client = newClient(server);
        await client.login({ username: member.username, password: owner.password });
        client.connect();
        clients.push(client);
        recorders.push(record(client));
      }
    }
    for (const client of clients) await online(client);
    expect(server.app.stats().sockets).toBe(101);
    // Ten of the offline members have a device that was online earlier and is offline now.
    const returning: { client: FeigeClient; seen: ReturnType<typeof record> }[] = [];
    for (const member of members.slice(489)) {
      const client = newClient(server);
      await client.login({ username: member.username, password: owner.password });
      client.connect();
      await online(client);
      client.disconnect();
      clients.push(client);
      returning.push({ client, seen: record(client) });
    }

    const { message } = await owner.client.call('messages.send', { conversationId: conversation.id, clientMsgId: 'to-all', text: 'hello, 500' });
    await waitFor(() => recorders.every((r) => copiesOf(r.updates, message.id) >= 1), 'all 100 sockets', 20_000);
    const marker = await owner.client.call('messages.send', { conversationId: conversation.id, clientMsgId: 'marker', text: 'marker' });
    await waitFor(() => recorders.every((r) => copiesOf(r.updates, marker.message.id) === 1), 'the marker', 20_000);
    expect(recorders.map((r) => copiesOf(r.updates, message.id))).toEqual(Array(100).fill(1));

    // Offline members: each one's log holds the message for their next connect…
    for (const member of members.slice(50)) {
      const log = await server.app.services.sync.get({ userId: member.id, sessionId: '' }, { since: 0 });
      expect(log.updates.filter((u) => u.type === 'message.new' && u.message.id === message.id)).toHaveLength(1);
    }
    // …and the returning devices get it, once, when they connect.
    for (const { client } of returning) client.connect();
    await waitFor(() => returning.every((r) => copiesOf(r.seen.updates, marker.message.id) === 1), 'the returning devices', 20_000);
    expect(returning.map((r) => copiesOf(r.seen.updates, message.id))).toEqual(Array(10).fill(1));
  });
});
