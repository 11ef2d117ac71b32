import type { MessageDto, UpdateDto } from '@feige/protocol';
import { applyMessage, applyRead, sortConversations } from './conversations';
import { insertMessage } from './messages';
import type { AppState } from './state';

export type Refetch = 'conversations' | 'friends' | 'requests' | 'blocks';

/** What applying an update asks the app to do next; kept out of the pure reducer so it stays testable. */
export interface Effects {
  refetch: Set<Refetch>;
  /** Conversations whose newest page must be fetched again (a live message revealed a gap). */
  reloadLatest: Set<string>;
  /** The open conversation got something new: mark it read if the page is visible. */
  markRead: boolean;
}

export function noEffects(): Effects {
  return { refetch: new Set(), reloadLatest: new Set(), markRead: false };
}

export function applyUpdate(state: AppState, update: UpdateDto, effects: Effects): AppState {
  switch (update.type) {
    case 'message.new':
      return applyNewMessage(state, update.message, effects);
    case 'conversation.read':
      return applyReadMark(state, update.conversationId, update.userId, update.readSeq, effects);
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
      list[index] = applied.conversation;
      next = { ...next, conversations: sortConversations(list) };
    }
  }

  const page = state.messages[id];
  if (page) {
    const result = insertMessage(page, message);
    if (result.kind === 'inserted') next = { ...next, messages: { ...next.messages, [id]: result.page } };
    else if (result.kind === 'gap') {
      if (state.openConversationId === id) effects.reloadLatest.add(id);
      else next = { ...next, messages: withoutKey(next.messages, id) };
    }
  }

  // A message from the typist ends their typing.
  if (next.typing[id] === message.senderId) next = { ...next, typing: withoutKey(next.typing, id) };
  if (state.openConversationId === id) effects.markRead = true;
  return next;
}

function applyReadMark(state: AppState, conversationId: string, userId: string, readSeq: number, effects: Effects): AppState {
  const index = state.conversations.findIndex((c) => c.id === conversationId);
  const conversation = state.conversations[index];
  if (!conversation) {
    effects.refetch.add('conversations');
    return state;
  }
  const held = state.messages[conversationId]?.items ?? [];
  const updated = applyRead(conversation, userId, readSeq, state.me?.id ?? null, held);
  if (updated === conversation) return state;
  const list = [...state.conversations];
  list[index] = updated;
  return { ...state, conversations: list };
}

export function withoutKey<T>(record: Readonly<Record<string, T>>, key: string): Record<string, T> {
  const { [key]: _removed, ...rest } = record;
  return rest;
}
