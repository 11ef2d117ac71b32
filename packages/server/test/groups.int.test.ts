import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FeigeClient } from '@feige/client';
import type { MessageDto, UpdateDto } from '@feige/protocol';
import { makeFriends, online, record, registerUser, startTestServer, waitFor, type TestServer, type TestUser } from '@feige/test-kit';

const inConversation = (updates: UpdateDto[], conversationId: string): MessageDto[] =>
  updates.flatMap((u) => (u.type === 'message.new' && u.message.conversationId === conversationId ? [u.message] : []));
const texts = (messages: MessageDto[]) => messages.filter((m) => m.kind === 'text').map((m) => m.text);
const systemTypes = (messages: MessageDto[]) => messages.flatMap((m) => (m.system ? [m.system.type] : []));

let sent = 0;
const say = (client: FeigeClient, conversationId: string, text: string) =>
  client.call('messages.send', { conversationId, clientMsgId: `g${++sent}`, text });

/** An owner and friends of the owner, in a new group. */
async function group(server: TestServer, names: string[]): Promise<{ owner: TestUser; others: TestUser[]; conversationId: string }> {
  const owner = await registerUser(server, 'owner');
  const others: TestUser[] = [];
  for (const name of names) {
    const user = await registerUser(server, name);
    await makeFriends(owner, user);
    others.push(user);
  }
  const { conversation } = await owner.client.call('groups.create', { title: 'Weekend 周末', userIds: others.map((u) => u.id) });
  return { owner, others, conversationId: conversation.id };
}

describe('groups', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('creates a group whose members all see it, with the creator as owner and a creation event first', async () => {
    const { owner, others, conversationId } = await group(server, ['ann', 'ben']);
    const [ann] = others;
    const { conversation } = await ann!.client.call('conversations.get', { conversationId });
    expect(conversation).toMatchObject({ kind: 'group', peer: null, group: { title: 'Weekend 周末', memberCount: 3, myRole: 'member', ownerId: owner.id } });
    const { members } = await ann!.client.call('groups.members', { conversationId });
    expect(members[0]).toMatchObject({ user: { id: owner.id }, role: 'owner' });
    expect(new Set(members.slice(1).map((m) => `${m.user.id}:${m.role}`))).toEqual(new Set(others.map((u) => `${u.id}:member`)));
    const history = await ann!.client.call('messages.history', { conversationId });
    expect(history.messages[0]?.system).toMatchObject({ type: 'group.created', actorId: owner.id, title: 'Weekend 周末' });
    expect(history.messages[0]?.system?.names[owner.id]).toContain('owner');
  });

  it('delivers a group message to every online device of every member exactly once', async () => {
    const { owner, others, conversationId } = await group(server, ['ann', 'ben']);
    const ann2 = await others[0]!.device();
    const seen = [others[0]!.client, ann2, others[1]!.client].map(record);
    await say(owner.client, conversationId, 'hello all');
    for (const s of seen) await waitFor(() => texts(inConversation(s.updates, conversationId)).length === 1, 'delivery');
    await say(owner.client, conversationId, 'marker');
    for (const s of seen) {
      await waitFor(() => texts(inConversation(s.updates, conversationId)).length === 2, 'marker');
      expect(texts(inConversation(s.updates, conversationId))).toEqual(['hello all', 'marker']);
    }
  });

  it('a removed member can no longer post, and their open socket stops receiving at once', async () => {
    const { owner, others, conversationId } = await group(server, ['ann', 'ben']);
    const [ann, ben] = others as [TestUser, TestUser];
    const onBen = record(ben.client);
    await owner.client.call('groups.removeMember', { conversationId, userId: ben.id });
    await waitFor(() => onBen.updates.some((u) => u.type === 'conversation.left' && u.reason === 'removed'), 'the removal');
    expect(systemTypes(inConversation(onBen.updates, conversationId))).toContain('member.removed');
    await expect(say(ben.client, conversationId, 'let me back')).rejects.toMatchObject({ code: 'conversation.not_found' });
    await expect(ben.client.call('messages.history', { conversationId })).rejects.toMatchObject({ code: 'conversation.not_found' });
    await expect(ben.client.call('groups.members', { conversationId })).rejects.toMatchObject({ code: 'conversation.not_found' });
    const before = onBen.updates.length;
    const onAnn = record(ann.client);
    await say(owner.client, conversationId, 'after the removal');
    await waitFor(() => texts(inConversation(onAnn.updates, conversationId)).includes('after the removal'), 'delivery to ann');
    // Ben's socket is still open and authenticated, yet nothing more of the group reaches it.
    expect(ben.client.state).toBe('online');
    await say(ben.client, (await ben.client.call('groups.create', { title: 'own', userIds: [] })).conversation.id, 'ping myself');
    expect(inConversation(onBen.updates.slice(before), conversationId)).toEqual([]);
  });

  it('someone who left and rejoins by link sees what came after rejoining, not what was said while away', async () => {
    const { owner, others, conversationId } = await group(server, ['ann']);
    const [ann] = others as [TestUser];
    await say(owner.client, conversationId, 'before leaving');
    await ann.client.call('groups.leave', { conversationId });
    await say(owner.client, conversationId, 'while away');
    const { link } = await owner.client.call('groups.createInviteLink', { conversationId });
    const { conversation } = await ann.client.call('groups.join', { token: link.token });
    expect(conversation.unreadCount).toBe(0);
    await say(owner.client, conversationId, 'after rejoining');
    const history = await ann.client.call('messages.history', { conversationId });
    expect(texts(history.messages)).toEqual(['after rejoining']);
    expect(systemTypes(history.messages)).toEqual(['member.joined']);
  });

  it('with history visible to all, a new member reads everything from the start', async () => {
    const { owner, conversationId } = await group(server, ['ann']);
    await owner.client.call('groups.updateSettings', { conversationId, historyVisibility: 'all' });
    await say(owner.client, conversationId, 'old news');
    const carl = await registerUser(server, 'carl');
    await makeFriends(owner, carl);
    await owner.client.call('groups.invite', { conversationId, userIds: [carl.id] });
    const history = await carl.client.call('messages.history', { conversationId });
    expect(texts(history.messages)).toEqual(['old news']);
    expect(systemTypes(history.messages)[0]).toBe('group.created');
  });

  it('two admins removing the same member at once: one removal, one typed refusal, one event', async () => {
    const { owner, others, conversationId } = await group(server, ['ann', 'ben']);
    const [ann, ben] = others as [TestUser, TestUser];
    await owner.client.call('groups.setRole', { conversationId, userId: ann.id, role: 'admin' });
    const results = await Promise.allSettled([
      owner.client.call('groups.removeMember', { conversationId, userId: ben.id }),
      ann.client.call('groups.removeMember', { conversationId, userId: ben.id }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refusal = results.find((r) => r.status === 'rejected');
    expect((refusal as PromiseRejectedResult).reason).toMatchObject({ code: 'group.not_member' });
    const history = await owner.client.call('messages.history', { conversationId });
    expect(systemTypes(history.messages).filter((t) => t === 'member.removed')).toHaveLength(1);
  });

  it('an invitation racing a departure ends consistent: membership matches the last event', async () => {
    const { owner, others, conversationId } = await group(server, ['ann']);
    const [ann] = others as [TestUser];
    const results = await Promise.allSettled([
      ann.client.call('groups.leave', { conversationId }),
      owner.client.call('groups.invite', { conversationId, userIds: [ann.id] }),
    ]);
    const { members } = await owner.client.call('groups.members', { conversationId });
    const history = await owner.client.call('messages.history', { conversationId });
    const last = history.messages.filter((m) => m.system?.type === 'member.left' || m.system?.type === 'member.invited').at(-1);
    const annIsMember = members.some((m) => m.user.id === ann.id);
    expect(annIsMember).toBe(last?.system?.type === 'member.invited');
    expect(systemTypes(history.messages).filter((t) => t === 'member.left')).toHaveLength(1);
    expect(results[0].status).toBe('fulfilled');
  });

  it('a member offline during a rename, an announcement, two joins and a removal sees all of them in order', async () => {
    const { owner, others, conversationId } = await group(server, ['ann', 'ben']);
    const [ann, ben] = others as [TestUser, TestUser];
    const onAnn = record(ann.client);
    ann.client.disconnect();
    const carl = await registerUser(server, 'carl');
    const dora = await registerUser(server, 'dora');
    await makeFriends(owner, carl);
    await makeFriends(owner, dora);
    await owner.client.call('groups.rename', { conversationId, title: 'Renamed' });
    await owner.client.call('groups.setAnnouncement', { conversationId, text: 'Meet at 9' });
    await owner.client.call('groups.invite', { conversationId, userIds: [carl.id] });
    const { link } = await owner.client.call('groups.createInviteLink', { conversationId, maxUses: 1 });
    await dora.client.call('groups.join', { token: link.token });
    await owner.client.call('groups.removeMember', { conversationId, userId: ben.id });
    ann.client.connect();
    await online(ann.client);
    await waitFor(() => systemTypes(inConversation(onAnn.updates, conversationId)).includes('member.removed'), 'the events');
    // (The creation event may or may not reach the recorder, depending on when its live copy landed.)
    expect(systemTypes(inConversation(onAnn.updates, conversationId)).filter((t) => t !== 'group.created')).toEqual([
      'group.renamed',
      'group.announcement',
      'member.invited',
      'member.joined',
      'member.removed',
    ]);
    const { conversation } = await ann.client.call('conversations.get', { conversationId });
    expect(conversation.group).toMatchObject({ title: 'Renamed', announcement: 'Meet at 9', memberCount: 4 });
  });

  it('finds @Alice as user alice, counts the mention separately, and refuses @all from a non-admin', async () => {
    const { owner, others, conversationId } = await group(server, ['alice', 'bob']);
    const [alice, bob] = others as [TestUser, TestUser];
    const { message } = await say(bob.client, conversationId, `hi @${alice.username.toUpperCase()}, lunch?`);
    expect(message.mentions).toEqual({ userIds: [alice.id], all: false });
    const { conversation } = await alice.client.call('conversations.get', { conversationId });
    expect(conversation).toMatchObject({ unreadCount: 1, mentionCount: 1 });
    await expect(say(bob.client, conversationId, '@all listen')).rejects.toMatchObject({ code: 'message.mention_all_denied' });
    const everyone = await say(owner.client, conversationId, '@all meeting now');
    expect(everyone.message.mentions?.all).toBe(true);
    expect((await bob.client.call('conversations.get', { conversationId })).conversation.mentionCount).toBe(1);
  });

  it('shows the sender who read each message, and only the sender’s read receipts travel', async () => {
    const { owner, others, conversationId } = await group(server, ['ann', 'ben']);
    const [ann, ben] = others as [TestUser, TestUser];
    const onOwner = record(owner.client);
    const { message } = await say(owner.client, conversationId, 'read me');
    await ann.client.call('messages.read', { conversationId, seq: message.seq });
    await waitFor(() => onOwner.updates.some((u) => u.type === 'conversation.read' && u.userId === ann.id), 'the receipt');
    const readers = await owner.client.call('messages.readers', { conversationId, seq: message.seq });
    expect(readers.count).toBe(1);
    expect(readers.readers?.map((u) => u.id)).toEqual([ann.id]);
    const counts = await owner.client.call('messages.readCounts', { conversationId, fromSeq: 1, toSeq: message.seq });
    expect(counts.counts).toEqual([{ seq: message.seq, count: 1 }]);
    // Ben wrote nothing that Ann read, so Ann's read mark is not in Ben's log.
    const benLog = await ben.client.call('sync.get', { since: 0 });
    expect(benLog.updates.some((u) => u.type === 'conversation.read' && u.userId === ann.id)).toBe(false);
  });

  it('keeps per-member settings (mute, pin, nickname) in step on my devices', async () => {
    const { others, conversationId } = await group(server, ['ann']);
    const [ann] = others as [TestUser];
    const ann2 = await ann.device();
    const onAnn2 = record(ann2);
    const { conversation } = await ann.client.call('conversations.updateSettings', { conversationId, muted: true, pinned: true, nickname: '安' });
    expect(conversation).toMatchObject({ muted: true, pinned: true });
    await waitFor(() => onAnn2.updates.some((u) => u.type === 'conversation.settings' && u.muted && u.pinned && u.nickname === '安'), 'the settings');
    const { members } = await ann2.call('groups.members', { conversationId });
    expect(members.find((m) => m.user.id === ann.id)?.nickname).toBe('安');
  });

  it('with approvals on, a member’s invitation waits for an admin', async () => {
    const { owner, others, conversationId } = await group(server, ['ann']);
    const [ann] = others as [TestUser];
    await owner.client.call('groups.updateSettings', { conversationId, inviteApproval: true });
    const carl = await registerUser(server, 'carl');
    await makeFriends(ann, carl);
    const onOwner = record(owner.client);
    const invited = await ann.client.call('groups.invite', { conversationId, userIds: [carl.id] });
    expect(invited).toMatchObject({ added: [], pending: [carl.id] });
    await waitFor(() => onOwner.updates.some((u) => u.type === 'group.joinRequest'), 'the request');
    await expect(ann.client.call('groups.joinRequests', { conversationId })).rejects.toMatchObject({ code: 'group.permission_denied' });
    const { requests } = await owner.client.call('groups.joinRequests', { conversationId });
    expect(requests.map((r) => [r.user.id, r.invitedBy.id])).toEqual([[carl.id, ann.id]]);
    await owner.client.call('groups.approveJoin', { requestId: requests[0]!.id });
    expect((await carl.client.call('conversations.get', { conversationId })).conversation.group?.memberCount).toBe(3);
  });

  it('refuses what a role does not allow, each with a typed error', async () => {
    const { owner, others, conversationId } = await group(server, ['ann', 'ben']);
    const [ann, ben] = others as [TestUser, TestUser];
    await expect(ann.client.call('groups.removeMember', { conversationId, userId: ben.id })).rejects.toMatchObject({ code: 'group.permission_denied' });
    await expect(ann.client.call('groups.setAnnouncement', { conversationId, text: 'x' })).rejects.toMatchObject({ code: 'group.permission_denied' });
    await expect(ann.client.call('groups.dissolve', { conversationId })).rejects.toMatchObject({ code: 'group.permission_denied' });
    await expect(owner.client.call('groups.leave', { conversationId })).rejects.toMatchObject({ code: 'group.owner_must_transfer' });
    const stranger = await registerUser(server, 'stranger');
    await expect(owner.client.call('groups.invite', { conversationId, userIds: [stranger.id] })).rejects.toMatchObject({ code: 'friend.not_friends' });
    await expect(stranger.client.call('groups.members', { conversationId })).rejects.toMatchObject({ code: 'conversation.not_found' });
    const { link } = await owner.client.call('groups.createInviteLink', { conversationId, maxUses: 1 });
    await owner.client.call('groups.revokeInviteLink', { token: link.token });
    await expect(stranger.client.call('groups.join', { token: link.token })).rejects.toMatchObject({ code: 'group.invite_invalid' });
  });

  it('transfers ownership, after which the old owner may leave; the owner can dissolve the group for everyone', async () => {
    const { owner, others, conversationId } = await group(server, ['ann', 'ben']);
    const [ann, ben] = others as [TestUser, TestUser];
    await owner.client.call('groups.transferOwnership', { conversationId, userId: ann.id });
    await owner.client.call('groups.leave', { conversationId });
    const onBen = record(ben.client);
    await ann.client.call('groups.dissolve', { conversationId });
    await waitFor(() => onBen.updates.some((u) => u.type === 'conversation.left' && u.reason === 'dissolved'), 'the dissolution');
    await expect(ben.client.call('messages.history', { conversationId })).rejects.toMatchObject({ code: 'conversation.not_found' });
    expect((await ben.client.call('conversations.list', {})).conversations.some((c) => c.id === conversationId)).toBe(false);
  });

  it('does not count someone who joined later as a reader of older messages', async () => {
    const { owner, conversationId } = await group(server, ['ann']);
    const { message } = await say(owner.client, conversationId, 'before carl');
    const carl = await registerUser(server, 'carl');
    await makeFriends(owner, carl);
    await owner.client.call('groups.invite', { conversationId, userIds: [carl.id] });
    expect(await owner.client.call('messages.readers', { conversationId, seq: message.seq })).toEqual({ count: 0, readers: [] });
    const counts = await owner.client.call('messages.readCounts', { conversationId, fromSeq: 1, toSeq: 10 });
    expect(counts.counts).toEqual([{ seq: message.seq, count: 0 }]);
  });

  it('an owner who is the last member and leaves dissolves the group, and its links stop working', async () => {
    const { owner, others, conversationId } = await group(server, ['ann']);
    const { link } = await owner.client.call('groups.createInviteLink', { conversationId });
    await others[0]!.client.call('groups.leave', { conversationId });
    await owner.client.call('groups.leave', { conversationId });
    const history = await owner.client.call('sync.get', { since: 0 });
    expect(history.updates.some((u) => u.type === 'conversation.left' && u.reason === 'dissolved')).toBe(true);
    const stranger = await registerUser(server, 'stranger');
    await expect(stranger.client.call('groups.join', { token: link.token })).rejects.toMatchObject({ code: 'group.invite_invalid' });
  });

  it('tells every admin when a join request is approved', async () => {
    const { owner, others, conversationId } = await group(server, ['ann', 'ben']);
    const [ann, ben] = others as [TestUser, TestUser];
    await owner.client.call('groups.setRole', { conversationId, userId: ben.id, role: 'admin' });
    await owner.client.call('groups.updateSettings', { conversationId, inviteApproval: true });
    const carl = await registerUser(server, 'carl');
    await makeFriends(ann, carl);
    await ann.client.call('groups.invite', { conversationId, userIds: [carl.id] });
    const onBen = record(ben.client);
    const { requests } = await owner.client.call('groups.joinRequests', { conversationId });
    await owner.client.call('groups.approveJoin', { requestId: requests[0]!.id });
    await waitFor(() => onBen.updates.some((u) => u.type === 'group.joinRequest' && u.state === 'approved'), 'the approval');
    expect((await ben.client.call('groups.joinRequests', { conversationId })).requests).toEqual([]);
  });

  it('an invite link lapses when its creator leaves, or loses the right to invite, and never admits someone blocked', async () => {
    const { owner, others, conversationId } = await group(server, ['ann', 'ben']);
    const [ann, ben] = others as [TestUser, TestUser];
    const fromAnn = (await ann.client.call('groups.createInviteLink', { conversationId })).link;
    const fromBen = (await ben.client.call('groups.createInviteLink', { conversationId })).link;
    const fromOwner = (await owner.client.call('groups.createInviteLink', { conversationId })).link;
    await owner.client.call('groups.updateSettings', { conversationId, inviteApproval: true });
    await owner.client.call('groups.removeMember', { conversationId, userId: ben.id });
    const [eve, fay, gus] = [await registerUser(server, 'eve'), await registerUser(server, 'fay'), await registerUser(server, 'gus')];
    await expect(eve.client.call('groups.join', { token: fromAnn.token })).rejects.toMatchObject({ code: 'group.invite_invalid' });
    await expect(fay.client.call('groups.join', { token: fromBen.token })).rejects.toMatchObject({ code: 'group.invite_invalid' });
    await owner.client.call('blocks.add', { userId: gus.id });
    await expect(gus.client.call('groups.join', { token: fromOwner.token })).rejects.toMatchObject({ code: 'group.invite_invalid' });
    expect((await eve.client.call('groups.join', { token: fromOwner.token })).conversation.id).toBe(conversationId);
  });

  it('an old join request cannot pull back someone who joined another way and then left', async () => {
    const { owner, others, conversationId } = await group(server, ['ann']);
    const [ann] = others as [TestUser];
    const carl = await registerUser(server, 'carl');
    await makeFriends(ann, carl);
    await makeFriends(owner, carl);
    await owner.client.call('groups.updateSettings', { conversationId, inviteApproval: true });
    await ann.client.call('groups.invite', { conversationId, userIds: [carl.id] });
    const [request] = (await owner.client.call('groups.joinRequests', { conversationId })).requests;
    await owner.client.call('groups.invite', { conversationId, userIds: [carl.id] });
    await carl.client.call('groups.leave', { conversationId });
    await expect(owner.client.call('groups.approveJoin', { requestId: request!.id })).rejects.toMatchObject({ code: 'group.join_request_not_found' });
    expect((await owner.client.call('groups.members', { conversationId })).members.some((m) => m.user.id === carl.id)).toBe(false);
  });

  it('only admins rename, only the sender lists readers, and names cannot carry direction controls or megabytes of accents', async () => {
    const { owner, others, conversationId } = await group(server, ['ann']);
    const [ann] = others as [TestUser];
    await expect(ann.client.call('groups.rename', { conversationId, title: 'mine now' })).rejects.toMatchObject({ code: 'group.permission_denied' });
    const { message } = await say(owner.client, conversationId, 'who read this?');
    await expect(ann.client.call('messages.readers', { conversationId, seq: message.seq })).rejects.toMatchObject({ code: 'group.permission_denied' });
    for (const title of ['\u202eevil.exe', `Z${'\u0301'.repeat(120_000)}`, `Z${'\u0301'.repeat(20)}`, '\u3164\u3164'])
      await expect(owner.client.call('groups.rename', { conversationId, title })).rejects.toMatchObject({ code: 'request.invalid' });
    await expect(ann.client.call('conversations.updateSettings', { conversationId, nickname: '\u200b' })).rejects.toMatchObject({ code: 'request.invalid' });
  });

  it('refuses to grow past the configured member limit with group.full', async () => {
    await server.close();
    server = await startTestServer({ groupMaxMembers: 3 });
    const { owner, conversationId } = await group(server, ['ann', 'ben']);
    const carl = await registerUser(server, 'carl');
    await makeFriends(owner, carl);
    await expect(owner.client.call('groups.invite', { conversationId, userIds: [carl.id] })).rejects.toMatchObject({ code: 'group.full' });
  });
});
