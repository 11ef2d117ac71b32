import { hasVisibleContent, usernameKey, type MentionsDto, type MessageDto, type OpInput } from '@feige/protocol';
import type { Repos } from '../storage/storage.js';
import { parseMentions } from './mentions.js';
import { AppError } from '../lib/app-error.js';
import { UniqueViolation } from '../storage/errors.js';
import type { MessageRecord } from '../storage/records.js';
import { directSendRefusal, requireMembershipIn } from './access.js';
import type { Actor, ServiceDeps } from './context.js';
import { appendUpdates, publishUpdates } from './updates.js';

async function mentionsIn(repos: Repos, text: string, memberIds: string[]): Promise<MentionsDto | undefined> {
  if (!text.includes('@') && !text.includes('＠')) return undefined;
  const users = await repos.users.byIds(memberIds);
  return parseMentions(text.replaceAll('＠', '@'), new Map(users.map((u) => [usernameKey(u.username), u.id])));
}

/** Sending: idempotent by (sender, clientMsgId), seq assigned in the storing transaction, ack after commit. */
export function messagesService(deps: ServiceDeps) {
  const { storage, clock, ids, bus } = deps;

  /** A retry of an accepted send returns the original; reusing the id for different content is a conflict. */
  function asDuplicate(existing: MessageRecord, input: OpInput<'messages.send'>): { message: MessageDto; duplicate: true } {
    if (existing.conversationId !== input.conversationId || existing.text !== input.text)
      throw new AppError('message.id_conflict', 'this clientMsgId was already used for another message');
    return { message: existing, duplicate: true };
  }

  return {
    async send(actor: Actor, input: OpInput<'messages.send'>): Promise<{ message: MessageDto; duplicate: boolean }> {
      const earlier = await storage.repos.messages.bySenderClientId(actor.userId, input.clientMsgId);
      if (earlier) return asDuplicate(earlier, input);
      if (!hasVisibleContent(input.text)) throw new AppError('message.empty', 'a message needs some visible text');
      try {
        const { message, records } = await storage.transaction(async (repos) => {
          const now = clock.now();
          // The conversation's row lock comes first: a removal that commits before it keeps the removed member out.
          // Taking the seq with it saves two statements; a refused send rolls it back.
          const locked = await repos.conversations.lockAndTakeSeq(input.conversationId, now);
          const { conversation, me, others } = await requireMembershipIn(repos, locked, actor.userId);
          let mentions: MentionsDto | undefined;
          if (conversation.kind === 'direct') {
            for (const other of others) {
              const refusal = await directSendRefusal(repos, actor.userId, other.userId);
              if (refusal) throw refusal;
            }
          } else {
            mentions = await mentionsIn(repos, input.text, others.map((m) => m.userId));
            if (mentions?.all && me.role === 'member')
              throw new AppError('message.mention_all_denied', 'only admins can mention everyone');
          }
          const message: MessageRecord = {
            id: ids.next('m'),
            conversationId: conversation.id,
            seq: conversation.lastSeq,
            kind: 'text',
            senderId: actor.userId,
            clientMsgId: input.clientMsgId,
            text: input.text,
            ...(mentions ? { mentions } : {}),
            createdAt: now,
          };
          await repos.messages.insert(message);
          const body = { type: 'message.new' as const, message };
          const entries = [actor.userId, ...others.map((m) => m.userId)].map((userId) => ({ userId, body }));
          return { message, records: await appendUpdates(repos, now, entries) };
        });
        publishUpdates(bus, records);
        return { message, duplicate: false };
      } catch (error) {
        if (!(error instanceof UniqueViolation)) throw error;
        // The same send raced in on another connection and won: answer with its result.
        const winner = await storage.repos.messages.bySenderClientId(actor.userId, input.clientMsgId);
        if (!winner) throw error;
        return asDuplicate(winner, input);
      }
    },
  };
}

export type MessagesService = ReturnType<typeof messagesService>;
