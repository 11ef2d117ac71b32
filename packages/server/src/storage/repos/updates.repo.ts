import type { Kysely } from 'kysely';
import type { UpdateBody } from '@feige/protocol';
import type { Database } from '../schema.js';
import type { UpdateRecord } from '../records.js';

const rowsPerInsert = 1000;

export function updatesRepo(db: Kysely<Database>) {
  return {
    /** In chunks: SQLite takes at most 32,766 bound values per statement, and a big group's message writes many rows. */
    async insert(records: UpdateRecord[]): Promise<void> {
      for (let i = 0; i < records.length; i += rowsPerInsert) {
        await db
          .insertInto('updates')
          .values(
            records
              .slice(i, i + rowsPerInsert)
              .map((r) => ({ user_id: r.userId, pts: r.pts, body: JSON.stringify(r.body), created_at: r.createdAt })),
          )
          .execute();
      }
    },

    /** Entries with pts > since, oldest first: an index range scan on (user_id, pts). */
    async since(userId: string, since: number, limit: number): Promise<UpdateRecord[]> {
      const rows = await db
        .selectFrom('updates')
        .selectAll()
        .where('user_id', '=', userId)
        .where('pts', '>', since)
        .orderBy('pts')
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        userId: r.user_id,
        pts: Number(r.pts),
        body: JSON.parse(r.body) as UpdateBody,
        createdAt: Number(r.created_at),
      }));
    },
  };
}

export type UpdatesRepo = ReturnType<typeof updatesRepo>;
