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

export interface MessageDto {
  id: string;
  conversationId: string;
  seq: number;
  senderId: string;
  clientMsgId: string;
  text: string;
  createdAt: number;
}

export interface ConversationDto {
  id: string;
  kind: 'direct';
  /** The other member of a direct conversation. */
  peer: UserDto;
  lastSeq: number;
  lastMessage: MessageDto | null;
  /** My read pointer: every message with seq ≤ readSeq is read by me. */
  readSeq: number;
  /** The peer's read pointer: my messages with seq ≤ peerReadSeq show as read. */
  peerReadSeq: number;
  unreadCount: number;
  /** Whether I can still send here (false after unfriending or blocking). */
  canSend: boolean;
  updatedAt: number;
}

/** Entries of a user's update log. Each has a per-user `pts`, 1, 2, 3 … with no gaps. */
export type UpdateBody =
  | { type: 'message.new'; message: MessageDto }
  | { type: 'conversation.read'; conversationId: string; userId: string; readSeq: number }
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
