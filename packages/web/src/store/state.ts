import type { FeigeClient, OutboxEntry } from '@feige/client';
import type {
  ConversationDto,
  ErrorCode,
  FriendDto,
  FriendRequestDto,
  JoinRequestDto,
  MemberDto,
  MessageDto,
  SelfDto,
  UserDto,
} from '@feige/protocol';

export type ConnectionState = FeigeClient['state'];

export type View = 'chats' | 'friends' | 'settings';

/** Why I am no longer in a group (from `conversation.left`). */
export type LeftReason = 'left' | 'removed' | 'dissolved';

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
  /** conversationId → ids of the users currently typing there (one at most in a direct chat). */
  typing: Readonly<Record<string, readonly string[]>>;
  /** Members of the groups whose list was loaded (the open one), owner and admins first. */
  members: Readonly<Record<string, readonly MemberDto[]>>;
  /**
   * Groups I no longer belong to. They stay in the list with what this device holds, read-only; the server gives
   * nothing more about them, so a refetched list (which lacks them) must not drop them.
   */
  left: Readonly<Record<string, LeftReason>>;
  /** For the open group: seq of each of my messages → how many other members have read it. */
  readCounts: Readonly<Record<string, Readonly<Record<number, number>>>>;
  /** Pending join requests of groups I administer, once loaded. */
  joinRequests: Readonly<Record<string, readonly JoinRequestDto[]>>;
  /** The group info panel beside the open chat. */
  groupInfoOpen: boolean;
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
    members: {},
    left: {},
    readCounts: {},
    joinRequests: {},
    groupInfoOpen: false,
    openConversationId: null,
    view: 'chats',
  };
}
