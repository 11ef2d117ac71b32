import type { Generated } from 'kysely';

/** Table shapes as Kysely sees them. Times are milliseconds since the epoch. */
export interface Database {
  users: {
    id: string;
    username: string;
    username_key: string;
    display_name: string;
    /** display_name folded for search (see displayNameKey). */
    display_name_key: string;
    password_hash: string;
    created_at: number;
    /** The newest pts of this user's update log. */
    pts: Generated<number>;
  };
  sessions: {
    id: string;
    user_id: string;
    token_hash: string;
    device_name: string;
    created_at: number;
    last_seen_at: number;
    revoked_at: number | null;
  };
  friend_requests: {
    id: string;
    from_id: string;
    to_id: string;
    note: string;
    state: string;
    created_at: number;
    updated_at: number;
  };
  friendships: { user_id: string; friend_id: string; since: number };
  blocks: { blocker_id: string; blocked_id: string; created_at: number };
  conversations: {
    id: string;
    kind: string;
    /** For direct conversations: the two user ids, sorted, joined by a space. Unique, so a pair has one chat. */
    direct_key: string | null;
    last_seq: Generated<number>;
    title: Generated<string>;
    announcement: Generated<string>;
    owner_id: string | null;
    history_visibility: Generated<string>;
    invite_approval: Generated<number>;
    max_members: Generated<number>;
    created_at: number;
    updated_at: number;
  };
  conversation_members: {
    conversation_id: string;
    user_id: string;
    read_seq: Generated<number>;
    joined_at: number;
    role: Generated<string>;
    visible_from_seq: Generated<number>;
    muted: Generated<number>;
    pinned: Generated<number>;
    nickname: Generated<string>;
  };
  messages: {
    id: string;
    conversation_id: string;
    seq: number;
    sender_id: string;
    client_msg_id: string;
    text: string;
    created_at: number;
    kind: Generated<string>;
    /** JSON: { mentions?, system? } */
    extra: string | null;
  };
  mentions: { conversation_id: string; user_id: string; seq: number };
  group_invites: {
    token: string;
    conversation_id: string;
    created_by: string;
    created_at: number;
    expires_at: number | null;
    max_uses: number | null;
    uses: Generated<number>;
    revoked_at: number | null;
  };
  join_requests: {
    id: string;
    conversation_id: string;
    user_id: string;
    invited_by: string;
    state: string;
    created_at: number;
  };
  updates: {
    user_id: string;
    pts: number;
    /** The entry as JSON; '' when it is a new message, which the next two columns point to (migration 0005). */
    body: string;
    created_at: number;
    message_conversation_id: string | null;
    message_seq: number | null;
  };
}
