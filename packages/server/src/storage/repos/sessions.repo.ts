import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { SessionRecord } from '../records.js';
import { compiledQuery } from '../compiled.js';

type Row = Database['sessions'];
const columns = ['id', 'user_id', 'device_name', 'created_at', 'last_seen_at', 'revoked_at'] as const;

function toRecord(row: Pick<Row, (typeof columns)[number]>): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    deviceName: row.device_name,
    createdAt: Number(row.created_at),
    lastSeenAt: Number(row.last_seen_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  };
}

// Every socket's authentication runs these two: built and compiled once (storage/compiled.ts).
const byTokenHashQuery = compiledQuery((db, tokenHash: string) => db.selectFrom('sessions').select(columns).where('token_hash', '=', tokenHash));
const byIdQuery = compiledQuery((db, id: string) => db.selectFrom('sessions').select(columns).where('id', '=', id));

export function sessionsRepo(db: Kysely<Database>) {
  return {
    async insert(session: SessionRecord & { tokenHash: string }): Promise<void> {
      await db
        .insertInto('sessions')
        .values({
          id: session.id,
          user_id: session.userId,
          token_hash: session.tokenHash,
          device_name: session.deviceName,
          created_at: session.createdAt,
          last_seen_at: session.lastSeenAt,
          revoked_at: session.revokedAt,
        })
        .execute();
    },

    async byTokenHash(tokenHash: string): Promise<SessionRecord | undefined> {
      const row = (await byTokenHashQuery(db, tokenHash)).rows[0];
      return row && toRecord(row);
    },

    async byId(id: string): Promise<SessionRecord | undefined> {
      const row = (await byIdQuery(db, id)).rows[0];
      return row && toRecord(row);
    },

    async activeForUser(userId: string): Promise<SessionRecord[]> {
      const rows = await db
        .selectFrom('sessions')
        .select(columns)
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .orderBy('last_seen_at', 'desc')
        .execute();
      return rows.map(toRecord);
    },

    async touch(id: string, at: number): Promise<void> {
      await db.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', id).execute();
    },

    async revoke(id: string, at: number): Promise<void> {
      await db.updateTable('sessions').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).execute();
    },

    /** Revokes every active session of the user except `keepId`; returns the ids revoked. */
    async revokeAllExcept(userId: string, keepId: string, at: number): Promise<string[]> {
      const rows = await db
        .updateTable('sessions')
        .set({ revoked_at: at })
        .where('user_id', '=', userId)
        .where('id', '!=', keepId)
        .where('revoked_at', 'is', null)
        .returning('id')
        .execute();
      return rows.map((r) => r.id);
    },
  };
}

export type SessionsRepo = ReturnType<typeof sessionsRepo>;
