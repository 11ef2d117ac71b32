import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { MessageRecord } from '../records.js';
import { translateUnique } from '../errors.js';

type Row = Database['messages'];

function toRecord(row: Row): MessageRecord {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    seq: Number(row.seq),
    senderId: row.sender_id,
    clientMsgId: row.client_msg_id,
    text: row.text,
    createdAt: Number(row.created_at),
  };
}

export function messagesRepo(db: Kysely<Database>) {
  return {
    async insert(m: MessageRecord): Promise<void> {
      await translateUnique(() =>
        db
          .insertInto('messages')
          .values({
            id: m.id,
            conversation_id: m.conversationId,
            seq: m.seq,
            sender_id: m.senderId,
            client_msg_id: m.clientMsgId,
            text: m.text,
            created_at: m.createdAt,
          })
          .execute(),
      );
    },

    async bySenderClientId(senderId: string, clientMsgId: string): Promise<MessageRecord | undefined> {
      const row = await db
        .selectFrom('messages')
        .selectAll()
        .where('sender_id', '=', senderId)
        .where('client_msg_id', '=', clientMsgId)
        .executeTakeFirst();
      return row && toRecord(row);
    },

    async bySeq(conversationId: string, seq: number): Promise<MessageRecord | undefined> {
      const row = await db
        .selectFrom('messages')
        .selectAll()
        .where('conversation_id', '=', conversationId)
        .where('seq', '=', seq)
        .executeTakeFirst();
      return row && toRecord(row);
    },

    /** Up to `limit` messages with seq < beforeSeq, returned oldest first. */
    async pageBefore(conversationId: string, beforeSeq: number, limit: number): Promise<MessageRecord[]> {
      const rows = await db
        .selectFrom('messages')
        .selectAll()
        .where('conversation_id', '=', conversationId)
        .where('seq', '<', beforeSeq)
        .orderBy('seq', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toRecord).reverse();
    },

    async countUnread(conversationId: string, userId: string, afterSeq: number): Promise<number> {
      const row = await db
        .selectFrom('messages')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('conversation_id', '=', conversationId)
        .where('seq', '>', afterSeq)
        .where('sender_id', '!=', userId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}

export type MessagesRepo = ReturnType<typeof messagesRepo>;
