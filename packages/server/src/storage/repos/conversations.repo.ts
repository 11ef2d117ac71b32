import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../schema.js';
import type { ConversationRecord, MemberRecord } from '../records.js';
import { translateUnique } from '../errors.js';

type ConversationRow = Selectable<Database['conversations']>;

function toConversation(row: Pick<ConversationRow, 'id' | 'kind' | 'last_seq' | 'created_at' | 'updated_at'>): ConversationRecord {
  return {
    id: row.id,
    kind: 'direct',
    lastSeq: Number(row.last_seq),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

const conversationColumns = ['id', 'kind', 'last_seq', 'created_at', 'updated_at'] as const;

export function directKey(a: string, b: string): string {
  return a < b ? `${a} ${b}` : `${b} ${a}`;
}

export function conversationsRepo(db: Kysely<Database>) {
  return {
    async byId(id: string): Promise<ConversationRecord | undefined> {
      const row = await db.selectFrom('conversations').select(conversationColumns).where('id', '=', id).executeTakeFirst();
      return row && toConversation(row);
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
      return { id, kind: 'direct', lastSeq: 0, createdAt: at, updatedAt: at };
    },

    /** Takes the next seq of the conversation. Locks the row until commit, so seqs have no gaps or repeats. */
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
      const rows = await db
        .selectFrom('conversation_members')
        .selectAll()
        .where('conversation_id', '=', conversationId)
        .execute();
      return rows.map((r) => ({
        conversationId: r.conversation_id,
        userId: r.user_id,
        readSeq: Number(r.read_seq),
        joinedAt: Number(r.joined_at),
      }));
    },

    /** The user's conversations with their member rows, newest activity first. */
    async forUser(userId: string): Promise<ConversationRecord[]> {
      const rows = await db
        .selectFrom('conversations')
        .innerJoin('conversation_members', 'conversation_members.conversation_id', 'conversations.id')
        .select(['conversations.id', 'kind', 'last_seq', 'created_at', 'updated_at'])
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
