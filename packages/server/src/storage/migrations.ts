import { SqliteAdapter, sql, type Kysely } from 'kysely';
import { displayNameKey } from './repos/users.repo.js';

/**
 * Schema migrations, applied in order at start-up. Each runs once; the applied names are kept in `feige_migrations`.
 * The same definitions run on SQLite and PostgreSQL: `bigint` for times, `integer` for counters.
 */
type Migration = { name: string; up(db: Kysely<unknown>): Promise<void> };

const migrations: Migration[] = [
  {
    name: '0001_foundation',
    async up(db) {
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('username', 'text', (c) => c.notNull())
        .addColumn('username_key', 'text', (c) => c.notNull().unique())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('pts', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('device_name', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .execute();
      await db.schema.createIndex('sessions_by_user').on('sessions').columns(['user_id']).execute();
      await db.schema
        .createTable('friend_requests')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('from_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('to_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('note', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('friend_requests_to').on('friend_requests').columns(['to_id', 'state']).execute();
      await db.schema.createIndex('friend_requests_from').on('friend_requests').columns(['from_id', 'state']).execute();
      await db.schema
        .createTable('friendships')
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('friend_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('since', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('friendships_pk', ['user_id', 'friend_id'])
        .execute();
      await db.schema
        .createTable('blocks')
        .addColumn('blocker_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('blocked_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('blocks_pk', ['blocker_id', 'blocked_id'])
        .execute();
      await db.schema
        .createTable('conversations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('direct_key', 'text', (c) => c.unique())
        .addColumn('last_seq', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('conversation_members')
        .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('read_seq', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('joined_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('conversation_members_pk', ['conversation_id', 'user_id'])
        .execute();
      await db.schema.createIndex('members_by_user').on('conversation_members').columns(['user_id']).execute();
      await db.schema
        .createTable('messages')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('sender_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('client_msg_id', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('messages_conversation_seq', ['conversation_id', 'seq'])
        .addUniqueConstraint('messages_sender_client_id', ['sender_id', 'client_msg_id'])
        .execute();
      await db.schema
        .createTable('updates')
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('pts', 'integer', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('updates_pk', ['user_id', 'pts'])
        .execute();
    },
  },
  {
    name: '0002_display_name_key',
    async up(db) {
      await db.schema.alterTable('users').addColumn('display_name_key', 'text', (c) => c.notNull().defaultTo('')).execute();
      const users = await sql<{ id: string; display_name: string }>`select id, display_name from users`.execute(db);
      for (const user of users.rows)
        await sql`update users set display_name_key = ${displayNameKey(user.display_name)} where id = ${user.id}`.execute(db);
    },
  },
  {
    name: '0003_groups',
    async up(db) {
      const conversations = [
        ['title', 'text', "''"],
        ['announcement', 'text', "''"],
        ['owner_id', 'text', null],
        ['history_visibility', 'text', "'joined'"],
        ['invite_approval', 'integer', '0'],
        ['max_members', 'integer', '2000'],
      ] as const;
      for (const [name, type, fallback] of conversations)
        await db.schema
          .alterTable('conversations')
          .addColumn(name, type, (c) => (fallback === null ? c : c.notNull().defaultTo(sql.raw(fallback))))
          .execute();
      const members = [
        ['role', 'text', "'member'"],
        ['visible_from_seq', 'integer', '1'],
        ['muted', 'integer', '0'],
        ['pinned', 'integer', '0'],
        ['nickname', 'text', "''"],
      ] as const;
      for (const [name, type, fallback] of members)
        await db.schema
          .alterTable('conversation_members')
          .addColumn(name, type, (c) => c.notNull().defaultTo(sql.raw(fallback)))
          .execute();
      await db.schema.alterTable('messages').addColumn('kind', 'text', (c) => c.notNull().defaultTo('text')).execute();
      // Structured extras (mentions, system event) as JSON.
      await db.schema.alterTable('messages').addColumn('extra', 'text').execute();
      await db.schema
        .createTable('mentions')
        .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id'))
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('mentions_pk', ['conversation_id', 'user_id', 'seq'])
        .execute();
      await db.schema
        .createTable('group_invites')
        .addColumn('token', 'text', (c) => c.primaryKey())
        .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id'))
        .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint')
        .addColumn('max_uses', 'integer')
        .addColumn('uses', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('revoked_at', 'bigint')
        .execute();
      await db.schema.createIndex('group_invites_by_conversation').on('group_invites').columns(['conversation_id']).execute();
      await db.schema
        .createTable('join_requests')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('invited_by', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('join_requests_by_group').on('join_requests').columns(['conversation_id', 'state']).execute();
    },
  },
  {
    // SQLite only: a conversation's messages become contiguous on disk (the table clustered by (conversation, seq),
    // WITHOUT ROWID), so a history page reads a few neighbouring pages instead of one page per message; rows of many
    // chats written in turn otherwise interleave (≈ 2× the SQL time per page, decisions §18). The update log stays a
    // rowid table: clustered by (user, pts) it made sends dearer (each entry lands on its own user's page) for little
    // gain, since a catch-up reads a handful of entries.
    // PostgreSQL keeps heap tables: its unique indexes already serve these reads.
    name: '0004_clustered_messages',
    async up(db) {
      if (!(db.getExecutor().adapter instanceof SqliteAdapter)) return;
      await sql`create table messages_clustered (
        conversation_id text not null references conversations (id),
        seq integer not null,
        id text not null,
        sender_id text not null references users (id),
        client_msg_id text not null,
        text text not null,
        created_at bigint not null,
        kind text not null default 'text',
        extra text,
        primary key (conversation_id, seq)
      ) without rowid`.execute(db);
      await sql`insert into messages_clustered (conversation_id, seq, id, sender_id, client_msg_id, text, created_at, kind, extra)
        select conversation_id, seq, id, sender_id, client_msg_id, text, created_at, kind, extra from messages`.execute(db);
      await sql`drop table messages`.execute(db);
      await sql`alter table messages_clustered rename to messages`.execute(db);
      await sql`create unique index messages_by_id on messages (id)`.execute(db);
      await sql`create unique index messages_sender_client_id on messages (sender_id, client_msg_id)`.execute(db);
    },
  },
  {
    // A new message's log entries point at the stored message instead of each carrying a copy: a message to a group
    // of 50 wrote 50 copies of its JSON (≈ 450 bytes each for a short text), most of the bytes of a send.
    name: '0005_update_message_refs',
    async up(db) {
      await db.schema.alterTable('updates').addColumn('message_conversation_id', 'text').execute();
      await db.schema.alterTable('updates').addColumn('message_seq', 'integer').execute();
    },
  },
];

/** Applies every migration not yet applied, in order; `until` (tests of a migration) stops after the named one. */
export async function migrate(db: Kysely<unknown>, until?: string): Promise<void> {
  await db.schema
    .createTable('feige_migrations')
    .ifNotExists()
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('applied_at', 'bigint', (c) => c.notNull())
    .execute();
  const appliedRows = await sql<{ name: string }>`select name from feige_migrations`.execute(db);
  const applied = new Set(appliedRows.rows.map((r) => r.name));
  for (const migration of migrations) {
    if (applied.has(migration.name)) continue;
    await db.transaction().execute(async (trx) => {
      await migration.up(trx);
      await sql`insert into feige_migrations (name, applied_at) values (${migration.name}, ${Date.now()})`.execute(trx);
    });
    if (migration.name === until) break;
  }
}
