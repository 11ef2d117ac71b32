import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { openDatabase } from '../../src/storage/db.js';
import { migrate } from '../../src/storage/migrations.js';
import { openStorage, type Storage } from '../../src/storage/storage.js';
import { UniqueViolation } from '../../src/storage/errors.js';
import type { Database } from '../../src/storage/schema.js';

/**
 * Migration 0004 rebuilds the messages of an existing SQLite file as a table clustered by (conversation, seq). A
 * database written before it must come through with every row, the same answers and the same uniqueness rules.
 */
describe('0004_clustered_messages on a SQLite file written before it', () => {
  let dir: string;
  let file: string;
  let storage: Storage | undefined;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'feige-migrate-'));
    file = join(dir, 'feige.sqlite');
    const db = openDatabase({ kind: 'sqlite', file });
    await migrate(db as unknown as Kysely<unknown>, '0003_groups');
    for (const id of ['u_a', 'u_b', 'u_c'])
      await db.insertInto('users').values({ id, username: id, username_key: id, display_name: id, password_hash: 'x', created_at: 1, pts: 0 }).execute();
    for (const [id, a, b] of [['c_ab', 'u_a', 'u_b'], ['c_ac', 'u_a', 'u_c']] as const) {
      await sql`insert into conversations (id, kind, direct_key, last_seq, created_at, updated_at) values (${id}, 'direct', ${a + ' ' + b}, 30, 1, 1)`.execute(db);
      for (const userId of [a, b]) await sql`insert into conversation_members (conversation_id, user_id, read_seq, joined_at) values (${id}, ${userId}, 0, 1)`.execute(db);
    }
    // Two chats written in turn, as live traffic interleaves them; each message logged for both members.
    let pts = 0;
    for (let seq = 1; seq <= 30; seq++)
      for (const [conv, peer] of [['c_ab', 'u_b'], ['c_ac', 'u_c']] as const) {
        await db
          .insertInto('messages')
          .values({ id: `m_${conv}_${seq}`, conversation_id: conv, seq, kind: 'text', sender_id: 'u_a', client_msg_id: `k_${conv}_${seq}`, text: `${conv} #${seq}`, extra: null, created_at: seq })
          .execute();
        pts += 1;
        await db.insertInto('updates').values({ user_id: 'u_a', pts, body: JSON.stringify({ seq, conv }), created_at: seq }).execute();
        await db.insertInto('updates').values({ user_id: peer, pts: seq, body: JSON.stringify({ seq, conv }), created_at: seq }).execute();
      }
    await db.destroy();
    storage = await openStorage({ kind: 'sqlite', file });
  });

  afterEach(async () => {
    await storage?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every message and update, in order, and pages history as before', async () => {
    const repos = storage!.repos;
    const page = await repos.messages.pageBefore('c_ab', 21, 5);
    expect(page.map((m) => m.text)).toEqual(['c_ab #16', 'c_ab #17', 'c_ab #18', 'c_ab #19', 'c_ab #20']);
    expect((await repos.messages.bySenderClientId('u_a', 'k_c_ac_7'))?.text).toBe('c_ac #7');
    const log = await repos.updates.since('u_a', 55, 100);
    expect(log.map((u) => u.pts)).toEqual([56, 57, 58, 59, 60]);
    expect((await repos.updates.since('u_c', 0, 100)).length).toBe(30);
  });

  it('still refuses a second message with the same sender and clientMsgId, or the same seq', async () => {
    const repos = storage!.repos;
    const base = { kind: 'text' as const, senderId: 'u_a', text: 'again', createdAt: 99 };
    await expect(repos.messages.insert({ ...base, id: 'm_new1', conversationId: 'c_ab', seq: 31, clientMsgId: 'k_c_ab_3' })).rejects.toBeInstanceOf(UniqueViolation);
    await expect(repos.messages.insert({ ...base, id: 'm_new2', conversationId: 'c_ab', seq: 30, clientMsgId: 'fresh' })).rejects.toBeInstanceOf(UniqueViolation);
    await repos.messages.insert({ ...base, id: 'm_new3', conversationId: 'c_ab', seq: 31, clientMsgId: 'fresh' });
    expect((await repos.messages.pageBefore('c_ab', 32, 1)).map((m) => m.id)).toEqual(['m_new3']);
  });

  it('stores messages clustered by conversation and seq', async () => {
    const db = openDatabase({ kind: 'sqlite', file });
    try {
      const { rows } = await sql<{ sql: string }>`select sql from sqlite_master where type = 'table' and name = 'messages'`.execute(db as Kysely<Database>);
      expect(rows).toHaveLength(1);
      expect(rows[0]?.sql.toLowerCase()).toMatch(/primary key \(conversation_id, seq\)\s*\)\s*without rowid/u);
    } finally {
      await db.destroy();
    }
  });
});
