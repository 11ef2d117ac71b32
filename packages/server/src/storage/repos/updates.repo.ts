import type { Kysely } from 'kysely';
import type { UpdateBody } from '@feige/protocol';
import type { Database } from '../schema.js';
import type { UpdateRecord } from '../records.js';
import { compiledQuery } from '../compiled.js';

const rowsPerInsert = 1000;
const columnsPerRow = 4;

/** A multi-row insert, compiled once per row count (storage/compiled.ts); values come row by row, 4 per row. */
const insertRows = compiledQuery((db, ...values: unknown[]) => {
  const rows = [];
  for (let i = 0; i < values.length; i += columnsPerRow)
    rows.push({ user_id: values[i] as string, pts: values[i + 1] as number, body: values[i + 2] as string, created_at: values[i + 3] as number });
  return db.insertInto('updates').values(rows);
});

/** Every sync page runs it. */
const since = compiledQuery((db, userId: string, after: number, limit: number) =>
  db.selectFrom('updates').selectAll().where('user_id', '=', userId).where('pts', '>', after).orderBy('pts').limit(limit),
);

export function updatesRepo(db: Kysely<Database>) {
  return {
    /** In chunks: SQLite takes at most 32,766 bound values per statement, and a big group's message writes many rows. */
    async insert(records: UpdateRecord[]): Promise<void> {
      // A message's entry is the same body for every member: serialised once.
      const json = new Map<UpdateBody, string>();
      for (let i = 0; i < records.length; i += rowsPerInsert) {
        const values: unknown[] = [];
        for (const r of records.slice(i, i + rowsPerInsert)) {
          let body = json.get(r.body);
          if (body === undefined) {
            body = JSON.stringify(r.body);
            json.set(r.body, body);
          }
          values.push(r.userId, r.pts, body, r.createdAt);
        }
        await insertRows(db, ...values);
      }
    },

    /** Entries with pts > since, oldest first: an index range scan on (user_id, pts). */
    async since(userId: string, after: number, limit: number): Promise<UpdateRecord[]> {
      const { rows } = await since(db, userId, after, limit);
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
