import type { Kysely, Selectable } from 'kysely';
import type { HistoryVisibility, MemberRole } from '@feige/protocol';
import type { Database } from '../schema.js';
import type { ConversationRecord, MemberRecord } from '../records.js';
import { translateUnique } from '../errors.js';
import { compiledQuery } from '../compiled.js';

type ConversationRow = Selectable<Database['conversations']>;
type MemberRow = Selectable<Database['conversation_members']>;

const conversationColumns = [
  'id',
  'kind',
  'last_seq',
  'created_at',
  'updated_at',
  'title',
  'announcement',
  'owner_id',
  'history_visibility',
  'invite_approval',
  'max_members',
] as const;

function toConversation(row: Pick<ConversationRow, (typeof conversationColumns)[number]>): ConversationRecord {
  return {
    id: row.id,
    kind: row.kind === 'group' ? 'group' : 'direct',
    lastSeq: Number(row.last_seq),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    title: row.title,
    announcement: row.announcement,
    ownerId: row.owner_id,
    historyVisibility: row.history_visibility === 'all' ? 'all' : 'joined',
    inviteApproval: Number(row.invite_approval) === 1,
    maxMembers: Number(row.max_members),
  };
}

function toMember(r: MemberRow): MemberRecord {
  return {
    conversationId: r.conversation_id,
    userId: r.user_id,
    readSeq: Number(r.read_seq),
    joinedAt: Number(r.joined_at),
    role: r.role === 'owner' || r.role === 'admin' ? r.role : 'member',
    visibleFromSeq: Number(r.visible_from_seq),
    muted: Number(r.muted) === 1,
    pinned: Number(r.pinned) === 1,
    nickname: r.nickname,
  };
}

export function directKey(a: string, b: string): string {
  return a < b ? `${a} ${b}` : `${b} ${a}`;
}

// Every history page and conversation read runs these two (storage/compiled.ts).
const conversationById = compiledQuery((db, id: string) => db.selectFrom('conversations').select(conversationColumns).where('id', '=', id));
const memberRow = compiledQuery((db, conversationId: string, userId: string) =>
  db.selectFrom('conversation_members').selectAll().where('conversation_id', '=', conversationId).where('user_id', '=', userId),
);

// Every send runs these two (storage/compiled.ts).
const takeSeq = compiledQuery((db, id: string, at: number) =>
  db
    .updateTable('conversations')
    .set((eb) => ({ last_seq: eb('last_seq', '+', 1), updated_at: at }))
    .where('id', '=', id)
    .returning(conversationColumns),
);

const membersOf = compiledQuery((db, conversationId: string) =>
  db.selectFrom('conversation_members').selectAll().where('conversation_id', '=', conversationId),
);

export function conversationsRepo(db: Kysely<Database>) {
  return {
    async byId(id: string): Promise<ConversationRecord | undefined> {
      const [row] = (await conversationById(db, id)).rows;
      return row && toConversation(row);
    },

    /**
     * Locks the conversation's row until commit: every membership change and every send of a conversation queue up
     * behind each other, so membership checks and seqs never interleave.
     */
    async lock(id: string): Promise<void> {
      await db.updateTable('conversations').set((eb) => ({ last_seq: eb.ref('last_seq') })).where('id', '=', id).execute();
    },

    async directBetween(a: string, b: string): Promise<ConversationRecord | undefined> {
      const row = await db
        .selectFrom('conversations')
        .select(conversationColumns)
        .where('direct_key', '=', directKey(a, b))
        .executeTakeFirst();
      return row && toConversation(row);
    },

    /** Creates the direct conversation of a pair; a concurrent creation surfaces as UniqueViolation. */
    async insertDirect(id: string, a: string, b: string, at: number): Promise<ConversationRecord> {
      await translateUnique(() =>
        db
          .insertInto('conversations')
          .values({ id, kind: 'direct', direct_key: directKey(a, b), created_at: at, updated_at: at })
          .execute(),
      );
      await db
        .insertInto('conversation_members')
        .values([
          { conversation_id: id, user_id: a, joined_at: at },
          { conversation_id: id, user_id: b, joined_at: at },
        ])
        .execute();
      const created = await this.byId(id);
      if (!created) throw new Error(`conversation ${id} vanished`);
      return created;
    },

    async insertGroup(input: { id: string; title: string; ownerId: string; maxMembers: number; at: number }): Promise<void> {
      await db
        .insertInto('conversations')
        .values({
          id: input.id,
          kind: 'group',
          direct_key: null,
          title: input.title,
          owner_id: input.ownerId,
          max_members: input.maxMembers,
          created_at: input.at,
          updated_at: input.at,
        })
        .execute();
    },

    async updateGroup(
      id: string,
      changes: Partial<{ title: string; announcement: string; ownerId: string; historyVisibility: HistoryVisibility; inviteApproval: boolean }>,
    ): Promise<void> {
      const set: Partial<{ title: string; announcement: string; owner_id: string; history_visibility: string; invite_approval: number }> = {};
      if (changes.title !== undefined) set.title = changes.title;
      if (changes.announcement !== undefined) set.announcement = changes.announcement;
      if (changes.ownerId !== undefined) set.owner_id = changes.ownerId;
      if (changes.historyVisibility !== undefined) set.history_visibility = changes.historyVisibility;
      if (changes.inviteApproval !== undefined) set.invite_approval = changes.inviteApproval ? 1 : 0;
      if (Object.keys(set).length > 0) await db.updateTable('conversations').set(set).where('id', '=', id).execute();
    },

    /** Takes the next seq of the conversation. Locks the row until commit, so seqs have no gaps or repeats. */
    /**
     * A send's first statement: locks the conversation's row (as `lock` does) and takes the next seq in one go,
     * returning the conversation with `lastSeq` = the seq taken. If the send is then refused, its transaction rolls
     * the seq back with everything else, so seqs stay gap-free.
     */
    async lockAndTakeSeq(id: string, at: number): Promise<ConversationRecord | undefined> {
      const [row] = (await takeSeq(db, id, at)).rows;
      return row && toConversation(row);
    },

    async nextSeq(id: string, at: number): Promise<number> {
      const row = await db
        .updateTable('conversations')
        .set((eb) => ({ last_seq: eb('last_seq', '+', 1), updated_at: at }))
        .where('id', '=', id)
        .returning('last_seq')
        .executeTakeFirstOrThrow();
      return Number(row.last_seq);
    },

    async members(conversationId: string): Promise<MemberRecord[]> {
      return (await membersOf(db, conversationId)).rows.map(toMember);
    },

    async member(conversationId: string, userId: string): Promise<MemberRecord | undefined> {
      const [row] = (await memberRow(db, conversationId, userId)).rows;
      return row && toMember(row);
    },

    async memberCount(conversationId: string): Promise<number> {
      const row = await db
        .selectFrom('conversation_members')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('conversation_id', '=', conversationId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async addMembers(
      conversationId: string,
      members: { userId: string; role: MemberRole; visibleFromSeq: number; readSeq: number }[],
      at: number,
    ): Promise<void> {
      // In chunks, like update rows: SQLite binds at most 32,766 values per statement.
      for (let i = 0; i < members.length; i += 1000) {
        await db
          .insertInto('conversation_members')
          .values(
            members.slice(i, i + 1000).map((m) => ({
              conversation_id: conversationId,
              user_id: m.userId,
              role: m.role,
              visible_from_seq: m.visibleFromSeq,
              read_seq: m.readSeq,
              joined_at: at,
            })),
          )
          .execute();
      }
    },

    async removeMembers(conversationId: string, userIds: readonly string[]): Promise<void> {
      if (userIds.length === 0) return;
      await db
        .deleteFrom('conversation_members')
        .where('conversation_id', '=', conversationId)
        .where('user_id', 'in', userIds)
        .execute();
    },

    async setRole(conversationId: string, userId: string, role: MemberRole): Promise<void> {
      await db
        .updateTable('conversation_members')
        .set({ role })
        .where('conversation_id', '=', conversationId)
        .where('user_id', '=', userId)
        .execute();
    },

    async setMemberSettings(
      conversationId: string,
      userId: string,
      settings: { muted: boolean; pinned: boolean; nickname: string },
    ): Promise<void> {
      await db
        .updateTable('conversation_members')
        .set({ muted: settings.muted ? 1 : 0, pinned: settings.pinned ? 1 : 0, nickname: settings.nickname })
        .where('conversation_id', '=', conversationId)
        .where('user_id', '=', userId)
        .execute();
    },

    /** The user's conversations, newest activity first. */
    async forUser(userId: string): Promise<ConversationRecord[]> {
      const rows = await db
        .selectFrom('conversations')
        .innerJoin('conversation_members', 'conversation_members.conversation_id', 'conversations.id')
        .select(conversationColumns.map((column) => `conversations.${column}` as const))
        .where('conversation_members.user_id', '=', userId)
        .orderBy('updated_at', 'desc')
        .orderBy('conversations.id')
        .execute();
      return rows.map(toConversation);
    },

    /** Moves a member's read pointer forward only; returns whether it moved. */
    async advanceRead(conversationId: string, userId: string, seq: number): Promise<boolean> {
      const result = await db
        .updateTable('conversation_members')
        .set({ read_seq: seq })
        .where('conversation_id', '=', conversationId)
        .where('user_id', '=', userId)
        .where('read_seq', '<', seq)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}

export type ConversationsRepo = ReturnType<typeof conversationsRepo>;
