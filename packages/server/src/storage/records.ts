import type { FriendRequestState, HistoryVisibility, MemberRole, MessageDto, UpdateBody } from '@feige/protocol';

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
  kind: 'direct' | 'group';
  lastSeq: number;
  createdAt: number;
  updatedAt: number;
  title: string;
  announcement: string;
  ownerId: string | null;
  historyVisibility: HistoryVisibility;
  inviteApproval: boolean;
  maxMembers: number;
}

export interface MemberRecord {
  conversationId: string;
  userId: string;
  readSeq: number;
  joinedAt: number;
  role: MemberRole;
  visibleFromSeq: number;
  muted: boolean;
  pinned: boolean;
  nickname: string;
}

export interface InviteLinkRecord {
  token: string;
  conversationId: string;
  createdBy: string;
  createdAt: number;
  expiresAt: number | null;
  maxUses: number | null;
  uses: number;
  revokedAt: number | null;
}

export interface JoinRequestRecord {
  id: string;
  conversationId: string;
  userId: string;
  invitedBy: string;
  state: 'pending' | 'approved' | 'rejected';
  createdAt: number;
}

export interface UpdateRecord {
  userId: string;
  pts: number;
  body: UpdateBody;
  createdAt: number;
}
