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
    created_at: number;
    updated_at: number;
  };
  conversation_members: {
    conversation_id: string;
    user_id: string;
    read_seq: Generated<number>;
    joined_at: number;
  };
  messages: {
    id: string;
    conversation_id: string;
    seq: number;
    sender_id: string;
    client_msg_id: string;
    text: string;
    created_at: number;
  };
  updates: {
    user_id: string;
    pts: number;
    body: string;
    created_at: number;
  };
}
