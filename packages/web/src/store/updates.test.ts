import type { ConversationDto, MessageDto, UpdateDto } from '@feige/protocol';
import { describe, expect, it } from 'vitest';
import { initialState, type AppState } from './state';
import { applyUpdate, noEffects } from './updates';

const me = { id: 'u-me', username: 'me', displayName: 'Me', createdAt: 0 };
const peer = { id: 'u-peer', username: 'peer', displayName: 'Peer' };

const message = (seq: number, senderId = peer.id, conversationId = 'c1'): MessageDto => ({
  id: `m${seq}`,
  conversationId,
  seq,
  kind: 'text',
  senderId,
  clientMsgId: `k${seq}`,
  text: `hello ${seq}`,
  createdAt: 1000 + seq,
});

const conversation = (over: Partial<ConversationDto> = {}): ConversationDto => ({
  id: 'c1',
  kind: 'direct',
  peer,
  group: null,
  lastSeq: 2,
  lastMessage: message(2),
  readSeq: 1,
  peerReadSeq: 0,
  unreadCount: 1,
  mentionCount: 0,
  visibleFromSeq: 1,
  muted: false,
  pinned: false,
  canSend: true,
  updatedAt: 1002,
  ...over,
});

function world(over: Partial<AppState> = {}): AppState {
  return { ...initialState(), signedIn: true, me, conversations: [conversation()], ...over };
}

const update = (body: DistributiveOmit<UpdateDto, 'pts' | 'at'>, pts = 1): UpdateDto => ({ ...body, pts, at: 0 }) as UpdateDto;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

describe('message.new', () => {
  it("moves the preview and counts a peer's message as unread", () => {
    const effects = noEffects();
    const next = applyUpdate(world(), update({ type: 'message.new', message: message(3) }), effects);
    expect(next.conversations[0]).toMatchObject({ lastSeq: 3, unreadCount: 2, lastMessage: { seq: 3 } });
    expect(effects.refetch.size).toBe(0);
  });

  it('never counts my own messages as unread', () => {
    const next = applyUpdate(world(), update({ type: 'message.new', message: message(3, me.id) }), noEffects());
    expect(next.conversations[0]?.unreadCount).toBe(1);
  });

  it('ignores a seq the conversation already counted', () => {
    const state = world();
    const next = applyUpdate(state, update({ type: 'message.new', message: message(2) }), noEffects());
    expect(next.conversations).toBe(state.conversations);
  });

  it('refetches the conversation list for an unknown conversation', () => {
    const effects = noEffects();
    applyUpdate(world(), update({ type: 'message.new', message: message(1, peer.id, 'c-new') }), effects);
    expect([...effects.refetch]).toEqual(['conversations']);
  });

  it('puts the message in the held page, once, and asks for a read mark when the chat is open', () => {
    const state = world({
      openConversationId: 'c1',
      messages: { c1: { items: [message(1), message(2)], hasMore: false, loadingOlder: false } },
    });
    const effects = noEffects();
    const once = applyUpdate(state, update({ type: 'message.new', message: message(3) }), effects);
    const twice = applyUpdate(once, update({ type: 'message.new', message: message(3) }, 2), noEffects());
    expect(twice.messages.c1?.items.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(effects.markRead).toBe(true);
  });

  it("ends the sender's typing indicator", () => {
    const next = applyUpdate(world({ typing: { c1: [peer.id] } }), update({ type: 'message.new', message: message(3) }), noEffects());
    expect(next.typing).toEqual({});
  });

  it('orders conversations by last activity', () => {
    const other = conversation({ id: 'c2', lastSeq: 1, lastMessage: message(1, peer.id, 'c2'), updatedAt: 5000 });
    const state = world({ conversations: [other, conversation()] });
    const next = applyUpdate(state, update({ type: 'message.new', message: { ...message(3), createdAt: 9000 } }), noEffects());
    expect(next.conversations.map((c) => c.id)).toEqual(['c1', 'c2']);
  });
});

describe('conversation.read', () => {
  it('my read mark moves readSeq and clears unread', () => {
    const next = applyUpdate(world(), update({ type: 'conversation.read', conversationId: 'c1', userId: me.id, readSeq: 2 }), noEffects());
    expect(next.conversations[0]).toMatchObject({ readSeq: 2, unreadCount: 0 });
  });

  it("the peer's read mark moves peerReadSeq (my messages show as read)", () => {
    const next = applyUpdate(world(), update({ type: 'conversation.read', conversationId: 'c1', userId: peer.id, readSeq: 2 }), noEffects());
    expect(next.conversations[0]).toMatchObject({ peerReadSeq: 2, readSeq: 1 });
  });

  it('never moves a pointer back', () => {
    const state = world({ conversations: [conversation({ peerReadSeq: 2 })] });
    const next = applyUpdate(state, update({ type: 'conversation.read', conversationId: 'c1', userId: peer.id, readSeq: 1 }), noEffects());
    expect(next).toBe(state);
  });
});

describe('friend and block updates', () => {
  it('refetch what they change', () => {
    const effects = noEffects();
    applyUpdate(world(), update({ type: 'friend.added', friend: peer, since: 0 }), effects);
    expect([...effects.refetch].sort()).toEqual(['conversations', 'friends', 'requests']);
  });

  it('a removed friend loses their presence at once', () => {
    const state = world({ friends: [{ user: peer, since: 0, online: true }], presence: { [peer.id]: true } });
    const next = applyUpdate(state, update({ type: 'friend.removed', userId: peer.id }), noEffects());
    expect(next.friends).toEqual([]);
    expect(next.presence).toEqual({});
  });
});
