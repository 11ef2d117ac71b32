import type { ConversationDto, MessageDto, SystemEventDto, UpdateDto } from '@feige/protocol';
import { describe, expect, it } from 'vitest';
import { mergeConversationList, sortConversations } from './conversations';
import { inviteTokenFrom } from './groups';
import { initialState, type AppState } from './state';
import { applyUpdate, noEffects } from './updates';

const me = { id: 'u-me', username: 'me', displayName: 'Me', createdAt: 0 };

const text = (seq: number, senderId = 'u-bob', over: Partial<MessageDto> = {}): MessageDto => ({
  id: `m${seq}`,
  conversationId: 'g1',
  seq,
  kind: 'text',
  senderId,
  clientMsgId: `k${seq}`,
  text: `hello ${seq}`,
  createdAt: 1000 + seq,
  ...over,
});

const system = (seq: number, event: SystemEventDto, senderId = 'u-alice'): MessageDto => ({
  ...text(seq, senderId),
  kind: 'system',
  text: '',
  system: event,
});

const group = (over: Partial<ConversationDto> = {}): ConversationDto => ({
  id: 'g1',
  kind: 'group',
  peer: null,
  group: {
    title: 'Hikers',
    announcement: '',
    ownerId: 'u-alice',
    memberCount: 3,
    historyVisibility: 'joined',
    inviteApproval: false,
    myRole: 'member',
  },
  lastSeq: 2,
  lastMessage: text(2),
  readSeq: 2,
  peerReadSeq: 0,
  unreadCount: 0,
  mentionCount: 0,
  visibleFromSeq: 1,
  muted: false,
  pinned: false,
  canSend: true,
  updatedAt: 1002,
  ...over,
});

function world(over: Partial<AppState> = {}): AppState {
  return { ...initialState(), signedIn: true, me, conversations: [group()], ...over };
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
const update = (body: DistributiveOmit<UpdateDto, 'pts' | 'at'>, pts = 1): UpdateDto => ({ ...body, pts, at: 0 }) as UpdateDto;

describe('group messages', () => {
  it('system events are not unread, but change the group at once and ask for its members again', () => {
    const effects = noEffects();
    const renamed = system(3, { type: 'group.renamed', actorId: 'u-alice', title: 'Weekend hikers', names: { 'u-alice': 'Alice' } });
    const next = applyUpdate(world({ members: { g1: [] } }), update({ type: 'message.new', message: renamed }), effects);
    expect(next.conversations[0]).toMatchObject({ unreadCount: 0, lastSeq: 3, group: { title: 'Weekend hikers' } });
    expect(effects.refreshConversation.size).toBe(0);

    const joined = system(4, { type: 'member.invited', actorId: 'u-alice', userIds: ['u-dave'], names: {} });
    const more = noEffects();
    applyUpdate(next, update({ type: 'message.new', message: joined }), more);
    expect([...more.refreshConversation]).toEqual(['g1']);
    expect([...more.refreshMembers]).toEqual(['g1']);
  });

  it('a mention of me (or @all) counts as a mention as well as unread', () => {
    let state = world();
    state = applyUpdate(state, update({ type: 'message.new', message: text(3, 'u-bob', { mentions: { userIds: ['u-me'], all: false } }) }), noEffects());
    state = applyUpdate(state, update({ type: 'message.new', message: text(4, 'u-bob', { mentions: { userIds: [], all: true } }) }), noEffects());
    state = applyUpdate(state, update({ type: 'message.new', message: text(5, 'u-bob', { mentions: { userIds: ['u-carol'], all: false } }) }), noEffects());
    expect(state.conversations[0]).toMatchObject({ unreadCount: 3, mentionCount: 2 });
    const read = applyUpdate(state, update({ type: 'conversation.read', conversationId: 'g1', userId: me.id, readSeq: 5 }), noEffects());
    expect(read.conversations[0]).toMatchObject({ unreadCount: 0, mentionCount: 0 });
  });

  it("another member's read mark refreshes my read counts instead of moving peerReadSeq", () => {
    const effects = noEffects();
    const next = applyUpdate(world(), update({ type: 'conversation.read', conversationId: 'g1', userId: 'u-bob', readSeq: 2 }), effects);
    expect(next.conversations[0]?.peerReadSeq).toBe(0);
    expect([...effects.refreshReadCounts]).toEqual(['g1']);
  });

  it('one typist ending leaves the others typing', () => {
    const next = applyUpdate(world({ typing: { g1: ['u-bob', 'u-carol'] } }), update({ type: 'message.new', message: text(3, 'u-bob') }), noEffects());
    expect(next.typing).toEqual({ g1: ['u-carol'] });
  });
});

describe('leaving a group', () => {
  it('keeps the group and what is held, read-only, and a refetched list does not drop it', () => {
    const held = { items: [text(1), text(2)], hasMore: false, loadingOlder: false };
    const state = world({ messages: { g1: held }, typing: { g1: ['u-bob'] } });
    const effects = noEffects();
    const next = applyUpdate(state, update({ type: 'conversation.left', conversationId: 'g1', reason: 'removed' }), effects);
    expect(next.left).toEqual({ g1: 'removed' });
    expect(next.conversations[0]).toMatchObject({ id: 'g1', canSend: false });
    expect(next.messages.g1).toBe(held);
    expect(next.typing).toEqual({});
    expect(mergeConversationList(next.conversations, [], next.left).map((c) => c.id)).toEqual(['g1']);
  });

  it('the event that follows still reaches the timeline, but nothing is refetched', () => {
    const held = { items: [text(1), text(2)], hasMore: false, loadingOlder: false };
    const left = applyUpdate(world({ messages: { g1: held } }), update({ type: 'conversation.left', conversationId: 'g1', reason: 'removed' }), noEffects());
    const effects = noEffects();
    const removal = system(3, { type: 'member.removed', actorId: 'u-alice', userId: me.id, names: {} });
    const next = applyUpdate(left, update({ type: 'message.new', message: removal }, 2), effects);
    expect(next.messages.g1?.items.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(effects.refreshConversation.size + effects.refreshMembers.size).toBe(0);
  });

  it('being added again lifts it', () => {
    const state = world({ left: { g1: 'left' } });
    const effects = noEffects();
    const next = applyUpdate(state, update({ type: 'conversation.joined', conversationId: 'g1' }), effects);
    expect(next.left).toEqual({});
    expect([...effects.refetch]).toEqual(['conversations']);
  });
});

describe('per-member settings', () => {
  it('pinned conversations sort first; another device pinning re-sorts', () => {
    const newer = group({ id: 'g2', updatedAt: 9000, lastMessage: null, lastSeq: 0 });
    expect(sortConversations([group(), newer]).map((c) => c.id)).toEqual(['g2', 'g1']);
    const state = world({ conversations: [newer, group()] });
    const next = applyUpdate(state, update({ type: 'conversation.settings', conversationId: 'g1', muted: true, pinned: true, nickname: 'Boss' }), noEffects());
    expect(next.conversations.map((c) => [c.id, c.muted, c.pinned])).toEqual([
      ['g1', true, true],
      ['g2', false, false],
    ]);
  });
});

describe('join requests', () => {
  const request = { id: 'jr1', conversationId: 'g1', user: { id: 'u-dave', username: 'dave', displayName: 'Dave' }, invitedBy: { id: 'u-bob', username: 'bob', displayName: 'Bob' }, createdAt: 0 };

  it('arrive and go away live where the list is held', () => {
    const pending = applyUpdate(world({ joinRequests: { g1: [] } }), update({ type: 'group.joinRequest', request, state: 'pending' }), noEffects());
    expect(pending.joinRequests.g1?.map((r) => r.id)).toEqual(['jr1']);
    const rejected = applyUpdate(pending, update({ type: 'group.joinRequest', request, state: 'rejected' }), noEffects());
    expect(rejected.joinRequests.g1).toEqual([]);
  });
});

describe('inviteTokenFrom', () => {
  it('takes the whole link or the token alone', () => {
    const token = 'AbCdEfGhIjKlMnOpQrStUvWx';
    expect(inviteTokenFrom(`https://chat.example/#/join/${token}`)).toBe(token);
    expect(inviteTokenFrom(` ${token} `)).toBe(token);
    expect(inviteTokenFrom('not a link')).toBeNull();
  });
});
