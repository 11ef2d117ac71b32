import type { FeigeClient, OutboxEntry } from '@feige/client';
import type { ConversationDto, ErrorCode, FriendDto, FriendRequestDto, MessageDto, SelfDto, UserDto } from '@feige/protocol';

export type ConnectionState = FeigeClient['state'];

export type View = 'chats' | 'friends' | 'settings';

/** The part of a conversation's history this device holds: a contiguous run of seqs ending at the newest loaded. */
export interface MessagePage {
  /** Sorted by seq, no duplicates, no gaps. */
  items: readonly MessageDto[];
  /** Older messages exist on the server before items[0]. */
  hasMore: boolean;
  loadingOlder: boolean;
}

export interface AppState {
  signedIn: boolean;
  me: SelfDto | null;
  /** Why the last session ended without the user logging out (shown on the login screen). */
  endedBy: ErrorCode | null;
  connection: ConnectionState;
  browserOnline: boolean;
  /** Newest activity first. */
  conversations: readonly ConversationDto[];
  conversationsLoaded: boolean;
  messages: Readonly<Record<string, MessagePage>>;
  outbox: readonly OutboxEntry[];
  friends: readonly FriendDto[];
  friendsLoaded: boolean;
  incoming: readonly FriendRequestDto[];
  outgoing: readonly FriendRequestDto[];
  blocks: readonly UserDto[];
  /** Live presence of friends by user id (absent for anyone else): seeded from friends.list, moved by events. */
  presence: Readonly<Record<string, boolean>>;
  /** conversationId → id of the user currently typing there. */
  typing: Readonly<Record<string, string>>;
  openConversationId: string | null;
  view: View;
}

export function initialState(): AppState {
  return {
    signedIn: false,
    me: null,
    endedBy: null,
    connection: 'idle',
    browserOnline: true,
    conversations: [],
    conversationsLoaded: false,
    messages: {},
    outbox: [],
    friends: [],
    friendsLoaded: false,
    incoming: [],
    outgoing: [],
    blocks: [],
    presence: {},
    typing: {},
    openConversationId: null,
    view: 'chats',
  };
}
