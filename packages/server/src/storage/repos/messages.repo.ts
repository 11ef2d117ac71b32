import type { Kysely, Selectable } from 'kysely';
import type { MentionsDto, SystemEventDto } from '@feige/protocol';
import type { Database } from '../schema.js';
import type { MessageRecord } from '../records.js';
import { translateUnique } from '../errors.js';
import { compiledQuery } from '../compiled.js';

type Row = Selectable<Database['messages']>;
/** The columns a message is rebuilt from (also read through a join by the update log). */
export type MessageRow = Pick<Row, 'id' | 'conversation_id' | 'seq' | 'kind' | 'sender_id' | 'client_msg_id' | 'text' | 'extra' | 'created_at'>;

/** The id stored in `mentions` for @all. */
const everyone = '*';

export function messageFromRow(row: MessageRow): MessageRecord {
  const record: MessageRecord = {
    id: row.id,
    conversationId: row.conversation_id,
    seq: Number(row.seq),
    kind: row.kind === 'system' ? 'system' : 'text',
    senderId: row.sender_id,
    clientMsgId: row.client_msg_id,
    text: row.text,
    createdAt: Number(row.created_at),
  };
  if (row.extra) {
    // Written only by insert() below, from typed values.
    const extra = JSON.parse(row.extra) as { mentions?: MentionsDto; system?: SystemEventDto };
    if (extra.mentions) record.mentions = extra.mentions;
    if (extra.system) record.system = extra.system;
  }
  return record;
}

// The two statements of every send, compiled once (storage/compiled.ts).
const insertMessage = compiledQuery(
  (db, id: string, conversationId: string, seq: number, kind: string, senderId: string, clientMsgId: string, text: string, extra: string | null, createdAt: number) =>
    db.insertInto('messages').values({
      id,
      conversation_id: conversationId,
      seq,
      kind,
      sender_id: senderId,
      client_msg_id: clientMsgId,
      text,
      extra,
      created_at: createdAt,
    }),
);

const bySenderClientId = compiledQuery((db, senderId: string, clientMsgId: string) =>
  db.selectFrom('messages').selectAll().where('sender_id', '=', senderId).where('client_msg_id', '=', clientMsgId),
);

const pageBefore = compiledQuery((db, conversationId: string, beforeSeq: number, minSeq: number, limit: number) =>
  db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('seq', '<', beforeSeq)
    .where('seq', '>=', minSeq)
    .orderBy('seq', 'desc')
    .limit(limit),
);

export function messagesRepo(db: Kysely<Database>) {
  return {
    async insert(m: MessageRecord): Promise<void> {
      const extra = m.mentions || m.system ? JSON.stringify({ mentions: m.mentions, system: m.system }) : null;
      await translateUnique(() =>
        insertMessage(db, m.id, m.conversationId, m.seq, m.kind, m.senderId, m.clientMsgId, m.text, extra, m.createdAt),
      );
      if (m.mentions) {
        const ids = [...m.mentions.userIds, ...(m.mentions.all ? [everyone] : [])];
        if (ids.length > 0)
          await db
            .insertInto('mentions')
            .values(ids.map((userId) => ({ conversation_id: m.conversationId, user_id: userId, seq: m.seq })))
            .execute();
      }
    },

    async bySenderClientId(senderId: string, clientMsgId: string): Promise<MessageRecord | undefined> {
      const [row] = (await bySenderClientId(db, senderId, clientMsgId)).rows;
      return row && messageFromRow(row);
    },

    async bySeq(conversationId: string, seq: number): Promise<MessageRecord | undefined> {
      const row = await db
        .selectFrom('messages')
        .selectAll()
        .where('conversation_id', '=', conversationId)
        .where('seq', '=', seq)
        .executeTakeFirst();
      return row && messageFromRow(row);
    },

    /** Up to `limit` messages with minSeq ≤ seq < beforeSeq, returned oldest first. */
    async pageBefore(conversationId: string, beforeSeq: number, limit: number, minSeq = 1): Promise<MessageRecord[]> {
      const { rows } = await pageBefore(db, conversationId, beforeSeq, minSeq, limit);
      return rows.map(messageFromRow).reverse();
    },

    /** Messages after `afterSeq` that others wrote (system events do not count as unread). */
    async countUnread(conversationId: string, userId: string, afterSeq: number): Promise<number> {
      const row = await db
        .selectFrom('messages')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('conversation_id', '=', conversationId)
        .where('seq', '>', afterSeq)
        .where('sender_id', '!=', userId)
        .where('kind', '=', 'text')
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** Unread messages after `afterSeq` that mention the user or @all. */
    async countMentions(conversationId: string, userId: string, afterSeq: number): Promise<number> {
      const row = await db
        .selectFrom('mentions')
        .select((eb) => eb.fn.count<number | string>('seq').distinct().as('n'))
        .where('conversation_id', '=', conversationId)
        .where('seq', '>', afterSeq)
        .where('user_id', 'in', [userId, everyone])
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** Sender and seq of the text messages in (fromSeq, toSeq]: whose messages a read mark covers. */
    async sendersBetween(conversationId: string, fromSeq: number, toSeq: number): Promise<string[]> {
      const rows = await db
        .selectFrom('messages')
        .select('sender_id')
        .distinct()
        .where('conversation_id', '=', conversationId)
        .where('seq', '>', fromSeq)
        .where('seq', '<=', toSeq)
        .where('kind', '=', 'text')
        .execute();
      return rows.map((r) => r.sender_id);
    },

    async mineBetween(conversationId: string, senderId: string, fromSeq: number, toSeq: number): Promise<number[]> {
      const rows = await db
        .selectFrom('messages')
        .select('seq')
        .where('conversation_id', '=', conversationId)
        .where('sender_id', '=', senderId)
        .where('kind', '=', 'text')
        .where('seq', '>=', fromSeq)
        .where('seq', '<=', toSeq)
        .orderBy('seq')
        .execute();
      return rows.map((r) => Number(r.seq));
    },
  };
}

export type MessagesRepo = ReturnType<typeof messagesRepo>;
