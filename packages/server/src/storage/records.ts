import type { FriendRequestState, MessageDto, UpdateBody } from '@feige/protocol';

/** What repos hand to services: typed records, never raw rows. */
export interface UserRecord {
  id: string;
  username: string;
  displayName: string;
  passwordHash: string;
  createdAt: number;
}

export interface SessionRecord {
  id: string;
  userId: string;
  deviceName: string;
  createdAt: number;
  lastSeenAt: number;
  revokedAt: number | null;
}

export interface FriendRequestRecord {
  id: string;
  fromId: string;
  toId: string;
  note: string;
  state: FriendRequestState;
  createdAt: number;
  updatedAt: number;
}

export type MessageRecord = MessageDto;

export interface ConversationRecord {
  id: string;
  kind: 'direct';
  lastSeq: number;
  createdAt: number;
  updatedAt: number;
}

export interface MemberRecord {
  conversationId: string;
  userId: string;
  readSeq: number;
  joinedAt: number;
}

export interface UpdateRecord {
  userId: string;
  pts: number;
  body: UpdateBody;
  createdAt: number;
}
