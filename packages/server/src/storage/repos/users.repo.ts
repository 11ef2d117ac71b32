import { PostgresAdapter, sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../schema.js';
import type { UserRecord } from '../records.js';
import { translateUnique } from '../errors.js';
import { compiledQuery } from '../compiled.js';

type Row = Selectable<Database['users']>;

function toRecord(row: Pick<Row, 'id' | 'username' | 'display_name' | 'password_hash' | 'created_at'>): UserRecord {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    passwordHash: row.password_hash,
    createdAt: Number(row.created_at),
  };
}

const columns = ['id', 'username', 'display_name', 'password_hash', 'created_at'] as const;

/**
 * Display names are searched through a folded copy: SQL's lower() knows only ASCII on SQLite, while people search
 * for Ђорђе, Émile and ＡＢＣ whatever the case or width.
 */
export function displayNameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase();
}

/** Escapes LIKE wildcards so user input matches literally. */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/gu, (c) => `\\${c}`);
}

/** Users per pts statement: under SQLite's 32,766 bound values, and a 5,000-member group's send is five statements. */
const ptsChunk = 1000;

// One statement reserves pts for many users (storage/compiled.ts). PostgreSQL locks the rows first, in id order (byte
// order, as JavaScript sorts them for `lock`), so two sends to overlapping groups cannot deadlock; SQLite has a single
// writer and no row locks.
const addPtsSqlite = compiledQuery((db, count: number, ...ids: string[]) =>
  db
    .updateTable('users')
    .set((eb) => ({ pts: eb('pts', '+', count) }))
    .where('id', 'in', ids)
    .returning(['id', 'pts']),
);
const addPtsPostgres = compiledQuery((db, count: number, ...ids: string[]) =>
  db
    .updateTable('users')
    .set({ pts: sql<number>`users.pts + ${count}` })
    .from(db.selectFrom('users').select('id').where('id', 'in', ids).orderBy(sql`id collate "C"`).forUpdate().as('locked'))
    .whereRef('users.id', '=', 'locked.id')
    .returning(['users.id', 'users.pts']),
);

// On every socket's authentication (storage/compiled.ts).
const byIdQuery = compiledQuery((db, id: string) => db.selectFrom('users').select(columns).where('id', '=', id));
const ptsQuery = compiledQuery((db, id: string) => db.selectFrom('users').select('pts').where('id', '=', id));

export function usersRepo(db: Kysely<Database>) {
  return {
    async insert(user: UserRecord & { usernameKey: string }): Promise<void> {
      await translateUnique(() =>
        db
          .insertInto('users')
          .values({
            id: user.id,
            username: user.username,
            username_key: user.usernameKey,
            display_name: user.displayName,
            display_name_key: displayNameKey(user.displayName),
            password_hash: user.passwordHash,
            created_at: user.createdAt,
          })
          .execute(),
      );
    },

    async byId(id: string): Promise<UserRecord | undefined> {
      const row = (await byIdQuery(db, id)).rows[0];
      return row && toRecord(row);
    },

    async byIds(ids: readonly string[]): Promise<UserRecord[]> {
      if (ids.length === 0) return [];
      const rows = await db.selectFrom('users').select(columns).where('id', 'in', ids).execute();
      return rows.map(toRecord);
    },

    async byUsernameKey(key: string): Promise<UserRecord | undefined> {
      const row = await db.selectFrom('users').select(columns).where('username_key', '=', key).executeTakeFirst();
      return row && toRecord(row);
    },

    /** Username-key prefix or display-name substring, excluding `excludeIds`. */
    async search(input: { keyPrefix: string; nameFragment: string; excludeIds: string[]; limit: number }) {
      const prefix = `${likeLiteral(input.keyPrefix)}%`;
      const fragment = `%${likeLiteral(displayNameKey(input.nameFragment))}%`;
      let query = db
        .selectFrom('users')
        .select(columns)
        .where((eb) =>
          eb.or([
            sql<boolean>`username_key like ${prefix} escape '\\'`,
            sql<boolean>`display_name_key like ${fragment} escape '\\'`,
          ]),
        );
      if (input.excludeIds.length > 0) query = query.where('id', 'not in', input.excludeIds);
      // Exact and prefix username matches first, then by name.
      const rows = await query
        .orderBy(sql`case when username_key = ${input.keyPrefix} then 0 when username_key like ${prefix} escape '\\' then 1 else 2 end`)
        .orderBy('username_key')
        .limit(input.limit)
        .execute();
      return rows.map(toRecord);
    },

    /**
     * Locks the users' rows until commit, in id order so that two transactions over the same users queue up instead
     * of deadlocking. (A no-op write: it works the same on PostgreSQL, which locks the rows, and on SQLite, which
     * takes its single write lock.)
     */
    async lock(ids: readonly string[]): Promise<void> {
      for (const id of [...new Set(ids)].sort()) {
        await db.updateTable('users').set((eb) => ({ pts: eb.ref('pts') })).where('id', '=', id).execute();
      }
    },

    async setPasswordHash(id: string, hash: string): Promise<void> {
      await db.updateTable('users').set({ password_hash: hash }).where('id', '=', id).execute();
    },

    /** Reserves the next `count` pts of the user's log and returns the first. Locks the row until commit. */
    async reservePts(id: string, count: number): Promise<number> {
      const row = await db
        .updateTable('users')
        .set((eb) => ({ pts: eb('pts', '+', count) }))
        .where('id', '=', id)
        .returning('pts')
        .executeTakeFirstOrThrow();
      return Number(row.pts) - count + 1;
    },

    /**
     * Reserves the next `count` pts of each user's log, locking the rows until commit; returns each user's first.
     * Chunks go in id order, so locks are always taken in id order.
     */
    async reservePtsMany(ids: readonly string[], count: number): Promise<Map<string, number>> {
      const sorted = [...new Set(ids)].sort();
      const addPts = db.getExecutor().adapter instanceof PostgresAdapter ? addPtsPostgres : addPtsSqlite;
      const first = new Map<string, number>();
      for (let i = 0; i < sorted.length; i += ptsChunk) {
        const { rows } = await addPts(db, count, ...sorted.slice(i, i + ptsChunk));
        for (const row of rows) first.set(row.id, Number(row.pts) - count + 1);
      }
      const missing = sorted.find((id) => !first.has(id));
      if (missing !== undefined) throw new Error(`no user ${missing} to append updates for`);
      return first;
    },

    async currentPts(id: string): Promise<number> {
      const row = (await ptsQuery(db, id)).rows[0];
      return row ? Number(row.pts) : 0;
    },
  };
}

export type UsersRepo = ReturnType<typeof usersRepo>;
