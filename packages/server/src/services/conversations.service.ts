import type { ConversationDto, MessageDto, OpInput } from '@feige/protocol';
import { AppError } from '../lib/app-error.js';
import { UniqueViolation } from '../storage/errors.js';
import type { ConversationRecord } from '../storage/records.js';
import type { Repos } from '../storage/storage.js';
import { directSendRefusal, requireMembership } from './access.js';
import type { Actor, ServiceDeps } from './context.js';
import { userDto } from './dto.js';
import { appendUpdates, publishUpdates } from './updates.js';

/** Conversation list, direct chats, history pages, read marks and typing. */
export function conversationsService(deps: ServiceDeps) {
  const { storage, clock, ids, bus } = deps;

  async function conversationDto(repos: Repos, conversation: ConversationRecord, userId: string): Promise<ConversationDto> {
    const members = await repos.conversations.members(conversation.id);
    const me = members.find((m) => m.userId === userId);
    const peer = members.find((m) => m.userId !== userId);
    if (!me || !peer) throw new Error(`direct conversation ${conversation.id} lacks a member`);
    const [peerUser, lastMessage, unreadCount, refusal] = await Promise.all([
      repos.users.byId(peer.userId),
      conversation.lastSeq > 0 ? repos.messages.bySeq(conversation.id, conversation.lastSeq) : undefined,
      repos.messages.countUnread(conversation.id, userId, me.readSeq),
      directSendRefusal(repos, userId, peer.userId),
    ]);
    if (!peerUser) throw new Error(`direct conversation ${conversation.id} refers to a missing user`);
    return {
      id: conversation.id,
      kind: 'direct',
      peer: userDto(peerUser),
      lastSeq: conversation.lastSeq,
      lastMessage: lastMessage ?? null,
      readSeq: me.readSeq,
      peerReadSeq: peer.readSeq,
      unreadCount,
      canSend: refusal === null,
      updatedAt: conversation.updatedAt,
    };
  }

  return {
    async list(actor: Actor): Promise<{ conversations: ConversationDto[] }> {
      const conversations = await storage.repos.conversations.forUser(actor.userId);
      return {
        conversations: await Promise.all(conversations.map((c) => conversationDto(storage.repos, c, actor.userId))),
      };
    },

    async get(actor: Actor, conversationId: string): Promise<ConversationDto> {
      const { conversation } = await requireMembership(storage.repos, conversationId, actor.userId);
      return conversationDto(storage.repos, conversation, actor.userId);
    },

    /** The one direct conversation with a friend, created on first use. */
    async openDirect(actor: Actor, input: OpInput<'conversations.openDirect'>): Promise<{ conversation: ConversationDto }> {
      if (input.userId === actor.userId) throw new AppError('friend.self', 'you cannot chat with yourself');
      const existing = await storage.repos.conversations.directBetween(actor.userId, input.userId);
      if (existing) return { conversation: await conversationDto(storage.repos, existing, actor.userId) };
      const refusal = await directSendRefusal(storage.repos, actor.userId, input.userId);
      if (refusal) throw refusal;
      try {
        const created = await storage.transaction((repos) =>
          repos.conversations.insertDirect(ids.next('c'), actor.userId, input.userId, clock.now()),
        );
        return { conversation: await conversationDto(storage.repos, created, actor.userId) };
      } catch (error) {
        if (!(error instanceof UniqueViolation)) throw error;
        // The friend opened it at the same moment: use theirs.
        const theirs = await storage.repos.conversations.directBetween(actor.userId, input.userId);
        if (!theirs) throw error;
        return { conversation: await conversationDto(storage.repos, theirs, actor.userId) };
      }
    },

    /** Older messages, `limit` at a time, oldest first within the page. Readable after unfriending too. */
    async history(actor: Actor, input: OpInput<'messages.history'>): Promise<{ messages: MessageDto[]; hasMore: boolean }> {
      const { conversation } = await requireMembership(storage.repos, input.conversationId, actor.userId);
      const limit = input.limit ?? 50;
      const before = input.beforeSeq ?? conversation.lastSeq + 1;
      const page = await storage.repos.messages.pageBefore(conversation.id, before, limit + 1);
      const hasMore = page.length > limit;
      return { messages: hasMore ? page.slice(1) : page, hasMore };
    },

    /** Moves my read pointer forward; my other devices and the sender hear of it. */
    async markRead(actor: Actor, input: OpInput<'messages.read'>): Promise<{ readSeq: number }> {
      const { readSeq, records } = await storage.transaction(async (repos) => {
        const { conversation, me, others } = await requireMembership(repos, input.conversationId, actor.userId);
        const target = Math.min(input.seq, conversation.lastSeq);
        if (target <= me.readSeq || !(await repos.conversations.advanceRead(conversation.id, actor.userId, target)))
          return { readSeq: me.readSeq, records: [] };
        const body = { type: 'conversation.read' as const, conversationId: conversation.id, userId: actor.userId, readSeq: target };
        const entries = [actor.userId, ...others.map((m) => m.userId)].map((userId) => ({ userId, body }));
        return { readSeq: target, records: await appendUpdates(repos, clock.now(), entries) };
      });
      publishUpdates(bus, records);
      return { readSeq };
    },

    /** Ephemeral: goes to the other members' live sockets only; never stored. */
    async typing(actor: Actor, input: OpInput<'typing.start'>): Promise<Record<string, never>> {
      const { others } = await requireMembership(storage.repos, input.conversationId, actor.userId);
      for (const other of others) {
        if (await directSendRefusal(storage.repos, actor.userId, other.userId)) continue;
        bus.publish(other.userId, {
          kind: 'event',
          event: { type: 'typing', conversationId: input.conversationId, userId: actor.userId },
        });
      }
      return {};
    },
  };
}

export type ConversationsService = ReturnType<typeof conversationsService>;
