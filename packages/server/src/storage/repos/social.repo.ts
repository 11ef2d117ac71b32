import type { Kysely } from 'kysely';
import type { FriendRequestState } from '@feige/protocol';
import type { Database } from '../schema.js';
import type { FriendRequestRecord } from '../records.js';
import { compiledQuery } from '../compiled.js';

type RequestRow = Database['friend_requests'];

// Presence runs these on every first connect and last disconnect (storage/compiled.ts).
const friendsOfQuery = compiledQuery((db, userId: string) => db.selectFrom('friendships').select(['friend_id', 'since']).where('user_id', '=', userId));
const blockedByQuery = compiledQuery((db, blockerId: string) => db.selectFrom('blocks').select('blocked_id').where('blocker_id', '=', blockerId));

function toRequest(row: RequestRow): FriendRequestRecord {
  return {
    id: row.id,
    fromId: row.from_id,
    toId: row.to_id,
    note: row.note,
    state: row.state as FriendRequestState,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** Friend requests, friendships (stored once per direction) and blocks. */
/** Blocks either way and the friendship, in one statement: every direct send asks (storage/compiled.ts). */
const relationOf = compiledQuery((db, a: string, b: string) =>
  db.selectNoFrom((eb) => [
    eb
      .selectFrom('blocks')
      .select((inner) => inner.fn.countAll<number | string>().as('n'))
      .where('blocker_id', '=', a)
      .where('blocked_id', '=', b)
      .as('a_blocks_b'),
    eb
      .selectFrom('blocks')
      .select((inner) => inner.fn.countAll<number | string>().as('n'))
      .where('blocker_id', '=', b)
      .where('blocked_id', '=', a)
      .as('b_blocks_a'),
    eb
      .selectFrom('friendships')
      .select((inner) => inner.fn.countAll<number | string>().as('n'))
      .where('user_id', '=', a)
      .where('friend_id', '=', b)
      .as('friends'),
  ]),
);

export function socialRepo(db: Kysely<Database>) {
  return {
    async insertRequest(r: FriendRequestRecord): Promise<void> {
      await db
        .insertInto('friend_requests')
        .values({
          id: r.id,
          from_id: r.fromId,
          to_id: r.toId,
          note: r.note,
          state: r.state,
          created_at: r.createdAt,
          updated_at: r.updatedAt,
        })
        .execute();
    },

    async requestById(id: string): Promise<FriendRequestRecord | undefined> {
      const row = await db.selectFrom('friend_requests').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toRequest(row);
    },

    async pendingBetween(fromId: string, toId: string): Promise<FriendRequestRecord | undefined> {
      const row = await db
        .selectFrom('friend_requests')
        .selectAll()
        .where('from_id', '=', fromId)
        .where('to_id', '=', toId)
        .where('state', '=', 'pending')
        .executeTakeFirst();
      return row && toRequest(row);
    },

    async pendingFor(userId: string): Promise<{ incoming: FriendRequestRecord[]; outgoing: FriendRequestRecord[] }> {
      const rows = await db
        .selectFrom('friend_requests')
        .selectAll()
        .where('state', '=', 'pending')
        .where((eb) => eb.or([eb('to_id', '=', userId), eb('from_id', '=', userId)]))
        .orderBy('created_at', 'desc')
        .execute();
      const all = rows.map(toRequest);
      return { incoming: all.filter((r) => r.toId === userId), outgoing: all.filter((r) => r.fromId === userId) };
    },

    /** Moves a pending request to `state`; returns false when it was no longer pending (someone got there first). */
    async settleRequest(id: string, state: FriendRequestState, at: number): Promise<boolean> {
      const result = await db
        .updateTable('friend_requests')
        .set({ state, updated_at: at })
        .where('id', '=', id)
        .where('state', '=', 'pending')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async updateNote(id: string, note: string, at: number): Promise<void> {
      await db.updateTable('friend_requests').set({ note, updated_at: at }).where('id', '=', id).execute();
    },

    async addFriendship(a: string, b: string, since: number): Promise<void> {
      await db
        .insertInto('friendships')
        .values([
          { user_id: a, friend_id: b, since },
          { user_id: b, friend_id: a, since },
        ])
        .execute();
    },

    async removeFriendship(a: string, b: string): Promise<boolean> {
      const result = await db
        .deleteFrom('friendships')
        .where((eb) =>
          eb.or([
            eb.and([eb('user_id', '=', a), eb('friend_id', '=', b)]),
            eb.and([eb('user_id', '=', b), eb('friend_id', '=', a)]),
          ]),
        )
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async friendshipSince(userId: string, friendId: string): Promise<number | undefined> {
      const row = await db
        .selectFrom('friendships')
        .select('since')
        .where('user_id', '=', userId)
        .where('friend_id', '=', friendId)
        .executeTakeFirst();
      return row ? Number(row.since) : undefined;
    },

    async friendsOf(userId: string): Promise<{ friendId: string; since: number }[]> {
      const { rows } = await friendsOfQuery(db, userId);
      return rows.map((r) => ({ friendId: r.friend_id, since: Number(r.since) }));
    },

    async addBlock(blockerId: string, blockedId: string, at: number): Promise<boolean> {
      const existing = await db
        .selectFrom('blocks')
        .select('blocker_id')
        .where('blocker_id', '=', blockerId)
        .where('blocked_id', '=', blockedId)
        .executeTakeFirst();
      if (existing) return false;
      await db.insertInto('blocks').values({ blocker_id: blockerId, blocked_id: blockedId, created_at: at }).execute();
      return true;
    },

    async removeBlock(blockerId: string, blockedId: string): Promise<boolean> {
      const result = await db
        .deleteFrom('blocks')
        .where('blocker_id', '=', blockerId)
        .where('blocked_id', '=', blockedId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    /** In one query: whether either blocks the other, and whether they are friends (the hot path of every 1:1 send). */
    async relation(a: string, b: string): Promise<{ aBlocksB: boolean; bBlocksA: boolean; friends: boolean }> {
      const [row] = (await relationOf(db, a, b)).rows;
      return { aBlocksB: Number(row?.a_blocks_b) > 0, bBlocksA: Number(row?.b_blocks_a) > 0, friends: Number(row?.friends) > 0 };
    },

    /** Whether either user blocks the other. */
    async blockedEitherWay(a: string, b: string): Promise<{ aBlocksB: boolean; bBlocksA: boolean }> {
      const rows = await db
        .selectFrom('blocks')
        .select(['blocker_id'])
        .where((eb) =>
          eb.or([
            eb.and([eb('blocker_id', '=', a), eb('blocked_id', '=', b)]),
            eb.and([eb('blocker_id', '=', b), eb('blocked_id', '=', a)]),
          ]),
        )
        .execute();
      return { aBlocksB: rows.some((r) => r.blocker_id === a), bBlocksA: rows.some((r) => r.blocker_id === b) };
    },

    async blockedBy(blockerId: string): Promise<string[]> {
      const { rows } = await blockedByQuery(db, blockerId);
      return rows.map((r) => r.blocked_id);
    },

    async blockersOf(blockedId: string): Promise<string[]> {
      const rows = await db.selectFrom('blocks').select('blocker_id').where('blocked_id', '=', blockedId).execute();
      return rows.map((r) => r.blocker_id);
    },
  };
}

export type SocialRepo = ReturnType<typeof socialRepo>;
