import type { Kysely } from 'kysely';
import type { UpdateBody } from '@feige/protocol';
import type { Database } from '../schema.js';
import type { UpdateRecord } from '../records.js';
import { compiledQuery } from '../compiled.js';
import { messageFromRow, type MessageRow } from './messages.repo.js';

const rowsPerInsert = 1000;
const columnsPerRow = 6;

/** A multi-row insert, compiled once per row count (storage/compiled.ts); values come row by row, 6 per row. */
const insertRows = compiledQuery((db, ...values: unknown[]) => {
  const rows = [];
  for (let i = 0; i < values.length; i += columnsPerRow)
    rows.push({
      user_id: values[i] as string,
      pts: values[i + 1] as number,
      body: values[i + 2] as string,
      created_at: values[i + 3] as number,
      message_conversation_id: values[i + 4] as string | null,
      message_seq: values[i + 5] as number | null,
    });
  return db.insertInto('updates').values(rows);
});

/** Every sync page runs it: the entries, and for a new message's entry the message it points to. */
const since = compiledQuery((db, userId: string, after: number, limit: number) =>
  db
    .selectFrom('updates as u')
    .leftJoin('messages as m', (join) => join.onRef('m.conversation_id', '=', 'u.message_conversation_id').onRef('m.seq', '=', 'u.message_seq'))
    .select([
      'u.pts',
      'u.body',
      'u.created_at',
      'm.id',
      'm.conversation_id',
      'm.seq',
      'm.kind',
      'm.sender_id',
      'm.client_msg_id',
      'm.text',
      'm.extra',
      'm.created_at as message_created_at',
    ])
    .where('u.user_id', '=', userId)
    .where('u.pts', '>', after)
    .orderBy('u.pts')
    .limit(limit),
);

type SinceRow = Awaited<ReturnType<typeof since>>['rows'][number];

function bodyOf(row: SinceRow): UpdateBody {
  if (row.body !== '') return JSON.parse(row.body) as UpdateBody;
  // Messages are never deleted, so the join finds the entry's message; its columns are then as NOT NULL as stored.
  if (row.id === null) throw new Error(`update log entry ${row.pts} points at a message that is not stored`);
  return { type: 'message.new', message: messageFromRow({ ...row, created_at: row.message_created_at } as MessageRow) };
}

export function updatesRepo(db: Kysely<Database>) {
  return {
    /** In chunks: SQLite takes at most 32,766 bound values per statement, and a big group's message writes many rows. */
    async insert(records: UpdateRecord[]): Promise<void> {
      // Any other entry is the same body for every member: serialised once.
      const json = new Map<UpdateBody, string>();
      for (let i = 0; i < records.length; i += rowsPerInsert) {
        const values: unknown[] = [];
        for (const r of records.slice(i, i + rowsPerInsert)) {
          if (r.body.type === 'message.new') {
            values.push(r.userId, r.pts, '', r.createdAt, r.body.message.conversationId, r.body.message.seq);
            continue;
          }
          let body = json.get(r.body);
          if (body === undefined) {
            body = JSON.stringify(r.body);
            json.set(r.body, body);
          }
          values.push(r.userId, r.pts, body, r.createdAt, null, null);
        }
        await insertRows(db, ...values);
      }
    },

    /** Entries with pts > since, oldest first: an index range scan on (user_id, pts). */
    async since(userId: string, after: number, limit: number): Promise<UpdateRecord[]> {
      const { rows } = await since(db, userId, after, limit);
      return rows.map((r) => ({ userId, pts: Number(r.pts), body: bodyOf(r), createdAt: Number(r.created_at) }));
    },
  };
}

export type UpdatesRepo = ReturnType<typeof updatesRepo>;
