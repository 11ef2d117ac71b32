import { limits, type ConversationDto, type MessageDto, type OpInput, type UserDto } from '@feige/protocol';
import { AppError } from '../lib/app-error.js';
import { UniqueViolation } from '../storage/errors.js';
import { directSendRefusal, requireMember, requireMembership } from './access.js';
import type { Actor, ServiceDeps } from './context.js';
import { conversationDto } from './conversation-dto.js';
import { userDto } from './dto.js';
import { appendUpdates, publishUpdates } from './updates.js';

/** Conversation list, direct chats, history pages, read marks and typing. */
export function conversationsService(deps: ServiceDeps) {
  const { storage, clock, ids, bus } = deps;

  return {
    async list(actor: Actor): Promise<{ conversations: ConversationDto[] }> {
      const conversations = await storage.repos.conversations.forUser(actor.userId);
      return {
        conversations: await Promise.all(conversations.map((c) => conversationDto(storage.repos, c, actor.userId))),
      };
    },

    async get(actor: Actor, conversationId: string): Promise<ConversationDto> {
      const { conversation } = await requireMember(storage.repos, conversationId, actor.userId);
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
      const { conversation, me } = await requireMember(storage.repos, input.conversationId, actor.userId);
      const limit = input.limit ?? 50;
      const before = input.beforeSeq ?? conversation.lastSeq + 1;
      // History from before I joined stays hidden unless the group shows all of it.
      const page = await storage.repos.messages.pageBefore(conversation.id, before, limit + 1, me.visibleFromSeq);
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
        // In a group only the senders of the messages just read need the receipt, not every member.
        const receivers =
          conversation.kind === 'group'
            ? (await repos.messages.sendersBetween(conversation.id, me.readSeq, target)).filter((id) => id !== actor.userId)
            : others.map((m) => m.userId);
        const entries = [actor.userId, ...receivers].map((userId) => ({ userId, body }));
        return { readSeq: target, records: await appendUpdates(repos, clock.now(), entries) };
      });
      publishUpdates(bus, records);
      return { readSeq };
    },

    /** Ephemeral: goes to the other members' live sockets only; never stored. */
    async typing(actor: Actor, input: OpInput<'typing.start'>): Promise<Record<string, never>> {
      const { others } = await requireMembership(storage.repos, input.conversationId, actor.userId);
      for (const other of others) {
        if (others.length === 1 && (await directSendRefusal(storage.repos, actor.userId, other.userId))) continue;
        bus.publish(other.userId, {
          kind: 'event',
          event: { type: 'typing', conversationId: input.conversationId, userId: actor.userId },
        });
      }
      return {};
    },

    async updateSettings(actor: Actor, input: OpInput<'conversations.updateSettings'>): Promise<{ conversation: ConversationDto }> {
      const records = await storage.transaction(async (repos) => {
        const { conversation, me } = await requireMember(repos, input.conversationId, actor.userId);
        const settings = {
          muted: input.muted ?? me.muted,
          pinned: input.pinned ?? me.pinned,
          nickname: conversation.kind === 'group' ? (input.nickname ?? me.nickname) : '',
        };
        await repos.conversations.setMemberSettings(conversation.id, actor.userId, settings);
        return appendUpdates(repos, clock.now(), [
          { userId: actor.userId, body: { type: 'conversation.settings', conversationId: conversation.id, ...settings } },
        ]);
      });
      publishUpdates(bus, records);
      return { conversation: await this.get(actor, input.conversationId) };
    },

    /** Who of the other members has read message `seq` (names only for groups up to groupReadersListMax). */
    async readers(actor: Actor, input: OpInput<'messages.readers'>): Promise<{ count: number; readers: UserDto[] | null }> {
      const { me, others } = await requireMembership(storage.repos, input.conversationId, actor.userId);
      const message = await storage.repos.messages.bySeq(input.conversationId, input.seq);
      if (!message || message.seq < me.visibleFromSeq) throw new AppError('conversation.not_found', 'no such message');
      if (message.senderId !== actor.userId) throw new AppError('group.permission_denied', 'only the sender sees who read a message');
      // Someone who joined later starts past older messages without having seen them: they are no readers.
      const read = others.filter((m) => m.readSeq >= input.seq && m.visibleFromSeq <= input.seq && m.userId !== message.senderId);
      if (others.length + 1 > limits.groupReadersListMax) return { count: read.length, readers: null };
      const users = await storage.repos.users.byIds(read.map((m) => m.userId));
      return { count: read.length, readers: users.map(userDto) };
    },

    /** For each of my messages in [fromSeq, toSeq]: how many other members have read it. */
    async readCounts(actor: Actor, input: OpInput<'messages.readCounts'>): Promise<{ counts: { seq: number; count: number }[] }> {
      const { others } = await requireMembership(storage.repos, input.conversationId, actor.userId);
      const toSeq = Math.min(input.toSeq, input.fromSeq + limits.historyPageMax * 2);
      const mine = await storage.repos.messages.mineBetween(input.conversationId, actor.userId, input.fromSeq, toSeq);
      return {
        counts: mine.map((seq) => ({ seq, count: others.filter((m) => m.readSeq >= seq && m.visibleFromSeq <= seq).length })),
      };
    },
  };
}

export type ConversationsService = ReturnType<typeof conversationsService>;
