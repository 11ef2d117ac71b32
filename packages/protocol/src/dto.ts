/** Shapes the server sends. Clients trust the server, so these are plain types, not schemas. */

export interface UserDto {
  id: string;
  username: string;
  displayName: string;
}

export interface SelfDto extends UserDto {
  createdAt: number;
}

export interface SessionDto {
  id: string;
  deviceName: string;
  createdAt: number;
  lastSeenAt: number;
  current: boolean;
}

export interface AuthResultDto {
  token: string;
  user: SelfDto;
  session: SessionDto;
}

export interface FriendDto {
  user: UserDto;
  since: number;
  online: boolean;
}

export type FriendRequestState = 'pending' | 'accepted' | 'declined' | 'cancelled';

export interface FriendRequestDto {
  id: string;
  from: UserDto;
  to: UserDto;
  note: string;
  state: FriendRequestState;
  createdAt: number;
  updatedAt: number;
}

export type MemberRole = 'owner' | 'admin' | 'member';

export type HistoryVisibility = 'joined' | 'all';

/** Who a message mentions: users by id, and/or everyone (`@all`, admins only). */
export interface MentionsDto {
  userIds: string[];
  all: boolean;
}

/**
 * A membership or settings change, shown in the timeline. Stored as data, never as prose: each client words it in
 * its own language. `names` holds the display names of the users involved at the time it happened.
 */
export type SystemEventDto = (
  | { type: 'group.created'; actorId: string; title: string; userIds: string[] }
  | { type: 'member.invited'; actorId: string; userIds: string[] }
  | { type: 'member.joined'; userId: string; via: 'link' | 'approval' }
  | { type: 'member.left'; userId: string }
  | { type: 'member.removed'; actorId: string; userId: string }
  | { type: 'member.role'; actorId: string; userId: string; role: 'admin' | 'member' }
  | { type: 'group.owner'; actorId: string; userId: string }
  | { type: 'group.renamed'; actorId: string; title: string }
  | { type: 'group.announcement'; actorId: string; text: string }
  | { type: 'group.settings'; actorId: string; historyVisibility: HistoryVisibility; inviteApproval: boolean }
  | { type: 'group.dissolved'; actorId: string }
) & { names: Record<string, string> };

export interface MessageDto {
  id: string;
  conversationId: string;
  seq: number;
  /** `system` messages carry `system` and an empty text; they are sent by the user who caused them. */
  kind: 'text' | 'system';
  senderId: string;
  clientMsgId: string;
  text: string;
  mentions?: MentionsDto;
  system?: SystemEventDto;
  createdAt: number;
}

export interface GroupDto {
  title: string;
  announcement: string;
  ownerId: string;
  memberCount: number;
  historyVisibility: HistoryVisibility;
  /** When on, invitations by non-admins wait for an admin's approval. */
  inviteApproval: boolean;
  myRole: MemberRole;
}

export interface MemberDto {
  user: UserDto;
  role: MemberRole;
  /** The name this member chose for this group, or '' to use their display name. */
  nickname: string;
  joinedAt: number;
  online: boolean;
}

export interface InviteLinkDto {
  token: string;
  conversationId: string;
  createdBy: string;
  createdAt: number;
  expiresAt: number | null;
  maxUses: number | null;
  uses: number;
}

export interface JoinRequestDto {
  id: string;
  conversationId: string;
  user: UserDto;
  invitedBy: UserDto;
  createdAt: number;
}

export interface ConversationDto {
  id: string;
  kind: 'direct' | 'group';
  /** The other member of a direct conversation; null for groups. */
  peer: UserDto | null;
  /** The group's settings; null for direct conversations. */
  group: GroupDto | null;
  lastSeq: number;
  lastMessage: MessageDto | null;
  /** My read pointer: every message with seq ≤ readSeq is read by me. */
  readSeq: number;
  /** The peer's read pointer: my messages with seq ≤ peerReadSeq show as read (direct only; 0 for groups). */
  peerReadSeq: number;
  unreadCount: number;
  /** Unread messages that mention me or @all. */
  mentionCount: number;
  /** The oldest seq I may read (history from before I joined is hidden unless the group shows it all). */
  visibleFromSeq: number;
  muted: boolean;
  pinned: boolean;
  /** Whether I can still send here (false after unfriending or blocking). */
  canSend: boolean;
  updatedAt: number;
}

/** Entries of a user's update log. Each has a per-user `pts`, 1, 2, 3 … with no gaps. */
export type UpdateBody =
  | { type: 'message.new'; message: MessageDto }
  | { type: 'conversation.read'; conversationId: string; userId: string; readSeq: number }
  /** I was added to a conversation (a group I was invited to or joined). */
  | { type: 'conversation.joined'; conversationId: string }
  /** I no longer belong to a conversation; what my devices hold stays, the server gives nothing more. */
  | { type: 'conversation.left'; conversationId: string; reason: 'left' | 'removed' | 'dissolved' }
  /** My own settings of a conversation changed (on another device). */
  | { type: 'conversation.settings'; conversationId: string; muted: boolean; pinned: boolean; nickname: string }
  /** A join request waits for admins (sent to the group's admins). */
  | { type: 'group.joinRequest'; request: JoinRequestDto; state: 'pending' | 'approved' | 'rejected' }
  | { type: 'friend.request'; request: FriendRequestDto }
  | { type: 'friend.added'; friend: UserDto; since: number }
  | { type: 'friend.removed'; userId: string }
  | { type: 'block.added'; user: UserDto }
  | { type: 'block.removed'; userId: string };

export type UpdateDto = UpdateBody & { pts: number; at: number };

export type UpdateType = UpdateBody['type'];

/** Ephemeral events: pushed to whoever is online, never stored, never synced. */
export type EphemeralDto =
  | { type: 'typing'; conversationId: string; userId: string }
  | { type: 'presence'; userId: string; online: boolean };
