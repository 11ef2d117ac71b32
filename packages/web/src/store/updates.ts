import type { ConversationDto, JoinRequestDto, MessageDto, SystemEventDto, UpdateDto } from '@feige/protocol';
import { applyMessage, applyRead, sortConversations } from './conversations';
import { insertMessage } from './messages';
import type { AppState, LeftReason } from './state';

export type Refetch = 'conversations' | 'friends' | 'requests' | 'blocks';

/** What applying an update asks the app to do next; kept out of the pure reducer so it stays testable. */
export interface Effects {
  refetch: Set<Refetch>;
  /** Conversations whose newest page must be fetched again (a live message revealed a gap). */
  reloadLatest: Set<string>;
  /** The open conversation got something new: mark it read if the page is visible. */
  markRead: boolean;
  /** Groups whose own copy (title, member count, my role) must be fetched again. */
  refreshConversation: Set<string>;
  /** Groups whose member list changed (refetched only where it is held). */
  refreshMembers: Set<string>;
  /** Groups where someone read my messages: the "read by" counts are stale. */
  refreshReadCounts: Set<string>;
  /** Groups whose pending join requests changed in a way the update does not spell out. */
  refreshJoinRequests: Set<string>;
}

export function noEffects(): Effects {
  return {
    refetch: new Set(),
    reloadLatest: new Set(),
    markRead: false,
    refreshConversation: new Set(),
    refreshMembers: new Set(),
    refreshReadCounts: new Set(),
    refreshJoinRequests: new Set(),
  };
}

export function applyUpdate(state: AppState, update: UpdateDto, effects: Effects): AppState {
  switch (update.type) {
    case 'message.new':
      return applyNewMessage(state, update.message, effects);
    case 'conversation.read':
      return applyReadMark(state, update.conversationId, update.userId, update.readSeq, effects);
    case 'conversation.joined': {
      effects.refetch.add('conversations');
      return state.left[update.conversationId] === undefined ? state : { ...state, left: withoutKey(state.left, update.conversationId) };
    }
    case 'conversation.left':
      return applyLeft(state, update.conversationId, update.reason);
    case 'conversation.settings': {
      const { conversationId, muted, pinned, nickname } = update;
      let next = changeConversation(state, conversationId, (c) => (c.muted === muted && c.pinned === pinned ? c : { ...c, muted, pinned }));
      const members = next.members[conversationId];
      const meId = state.me?.id;
      if (members && meId)
        next = { ...next, members: { ...next.members, [conversationId]: members.map((m) => (m.user.id === meId ? { ...m, nickname } : m)) } };
      return next;
    }
    case 'group.joinRequest':
      return applyJoinRequest(state, update.request, update.state);
    case 'friend.request':
      effects.refetch.add('requests');
      return state;
    case 'friend.added':
      // Accepting opens (or re-enables) the direct conversation, so its canSend changes too.
      effects.refetch.add('friends').add('requests').add('conversations');
      return state;
    case 'friend.removed':
      effects.refetch.add('friends').add('conversations');
      return {
        ...state,
        friends: state.friends.filter((f) => f.user.id !== update.userId),
        presence: withoutKey(state.presence, update.userId),
      };
    case 'block.added':
    case 'block.removed':
      effects.refetch.add('blocks').add('friends').add('requests').add('conversations');
      return state;
  }
}

/** A stored message, from the update log or from the ack of my own send. */
export function applyNewMessage(state: AppState, message: MessageDto, effects: Effects): AppState {
  const meId = state.me?.id ?? null;
  const id = message.conversationId;
  let next = state;

  const index = state.conversations.findIndex((c) => c.id === id);
  const conversation = state.conversations[index];
  if (!conversation) {
    effects.refetch.add('conversations');
  } else {
    const applied = applyMessage(conversation, message, meId);
    if (applied.gap) effects.refetch.add('conversations');
    if (applied.conversation !== conversation) {
      const list = [...state.conversations];
      list[index] = message.system ? applySystemEvent(applied.conversation, message.system, meId) : applied.conversation;
      next = { ...next, conversations: sortConversations(list) };
    }
  }
  // Membership and roles: fetch the group's copy and its members again, unless I am no longer in it.
  if (message.system && next.left[id] === undefined && changesMembership(message.system)) {
    effects.refreshConversation.add(id);
    effects.refreshMembers.add(id);
    if (message.system.type === 'member.joined') effects.refreshJoinRequests.add(id);
  }

  const page = state.messages[id];
  if (page) {
    const result = insertMessage(page, message);
    if (result.kind === 'inserted') next = { ...next, messages: { ...next.messages, [id]: result.page } };
    else if (result.kind === 'gap') {
      if (state.openConversationId === id && next.left[id] === undefined) effects.reloadLatest.add(id);
      else next = { ...next, messages: withoutKey(next.messages, id) };
    }
  }

  // A message from a typist ends their typing.
  const typists = next.typing[id];
  if (typists?.includes(message.senderId)) next = { ...next, typing: withoutTypist(next.typing, id, message.senderId) };
  if (state.openConversationId === id) effects.markRead = true;
  return next;
}

function changesMembership(event: SystemEventDto): boolean {
  return event.type !== 'group.renamed' && event.type !== 'group.announcement' && event.type !== 'group.settings';
}

/** What a system event changes in the group's copy, applied at once (the refetch then confirms it). */
export function applySystemEvent(conversation: ConversationDto, event: SystemEventDto, meId: string | null): ConversationDto {
  const group = conversation.group;
  if (!group) return conversation;
  switch (event.type) {
    case 'group.renamed':
      return { ...conversation, group: { ...group, title: event.title } };
    case 'group.announcement':
      return { ...conversation, group: { ...group, announcement: event.text } };
    case 'group.settings':
      return { ...conversation, group: { ...group, historyVisibility: event.historyVisibility, inviteApproval: event.inviteApproval } };
    case 'member.role':
      return event.userId === meId ? { ...conversation, group: { ...group, myRole: event.role } } : conversation;
    case 'group.owner': {
      const myRole = event.userId === meId ? 'owner' : event.actorId === meId ? 'admin' : group.myRole;
      return { ...conversation, group: { ...group, ownerId: event.userId, myRole } };
    }
    case 'group.created':
    case 'member.invited':
    case 'member.joined':
    case 'member.left':
    case 'member.removed':
    case 'group.dissolved':
      return conversation;
  }
}

/** I am out of a group: keep it and what is held, read-only; forget what only members see. */
function applyLeft(state: AppState, conversationId: string, reason: LeftReason): AppState {
  const next = changeConversation(state, conversationId, (c) => (c.canSend ? { ...c, canSend: false } : c));
  return {
    ...next,
    left: { ...next.left, [conversationId]: reason },
    typing: withoutKey(next.typing, conversationId),
    joinRequests: withoutKey(next.joinRequests, conversationId),
  };
}

function applyJoinRequest(state: AppState, request: JoinRequestDto, requestState: 'pending' | 'approved' | 'rejected'): AppState {
  const held = state.joinRequests[request.conversationId];
  if (!held) return state;
  const others = held.filter((r) => r.id !== request.id);
  const list = requestState === 'pending' ? [...others, request] : others;
  return { ...state, joinRequests: { ...state.joinRequests, [request.conversationId]: list } };
}

function applyReadMark(state: AppState, conversationId: string, userId: string, readSeq: number, effects: Effects): AppState {
  const index = state.conversations.findIndex((c) => c.id === conversationId);
  const conversation = state.conversations[index];
  if (!conversation) {
    effects.refetch.add('conversations');
    return state;
  }
  const meId = state.me?.id ?? null;
  if (conversation.kind === 'group' && userId !== meId) effects.refreshReadCounts.add(conversationId);
  const held = state.messages[conversationId]?.items ?? [];
  const updated = applyRead(conversation, userId, readSeq, meId, held);
  if (updated === conversation) return state;
  const list = [...state.conversations];
  list[index] = updated;
  return { ...state, conversations: list };
}

/** Change one conversation (and keep the list's order, which pinning may change). */
export function changeConversation(state: AppState, id: string, change: (c: ConversationDto) => ConversationDto): AppState {
  const index = state.conversations.findIndex((c) => c.id === id);
  const current = state.conversations[index];
  if (!current) return state;
  const updated = change(current);
  if (updated === current) return state;
  const list = [...state.conversations];
  list[index] = updated;
  return { ...state, conversations: updated.pinned === current.pinned ? list : sortConversations(list) };
}

export function withoutKey<T>(record: Readonly<Record<string, T>>, key: string): Record<string, T> {
  if (!(key in record)) return record;
  const { [key]: _removed, ...rest } = record;
  return rest;
}

/** Remove one typist; the conversation's entry goes when nobody is left typing. */
export function withoutTypist(
  typing: Readonly<Record<string, readonly string[]>>,
  conversationId: string,
  userId: string,
): Readonly<Record<string, readonly string[]>> {
  const typists = typing[conversationId];
  if (!typists?.includes(userId)) return typing;
  const rest = typists.filter((id) => id !== userId);
  return rest.length > 0 ? { ...typing, [conversationId]: rest } : withoutKey(typing, conversationId);
}
