import type { ConversationDto, MessageDto } from '@feige/protocol';

/** Last activity: the newest message, or the conversation's own timestamp when it has none. */
export function activity(conversation: ConversationDto): number {
  return Math.max(conversation.updatedAt, conversation.lastMessage?.createdAt ?? 0);
}

export function sortConversations(list: readonly ConversationDto[]): ConversationDto[] {
  return [...list].sort((a, b) => activity(b) - activity(a) || b.lastSeq - a.lastSeq || a.id.localeCompare(b.id));
}

/**
 * Combine a server copy with the local one. A list fetched while live updates arrive can be older than what was
 * already applied, so pointers only move forward and the newer message wins.
 */
export function mergeConversation(local: ConversationDto | undefined, server: ConversationDto): ConversationDto {
  if (!local) return server;
  const localNewer = local.lastSeq > server.lastSeq;
  const readSeq = Math.max(local.readSeq, server.readSeq);
  return {
    ...server,
    lastSeq: localNewer ? local.lastSeq : server.lastSeq,
    lastMessage: localNewer ? local.lastMessage : server.lastMessage,
    updatedAt: Math.max(local.updatedAt, server.updatedAt),
    readSeq,
    peerReadSeq: Math.max(local.peerReadSeq, server.peerReadSeq),
    unreadCount: localNewer
      ? local.unreadCount
      : // A read mark applied locally after the server counted: the server's count can only be too high.
        readSeq > server.readSeq
        ? Math.min(local.unreadCount, server.unreadCount)
        : server.unreadCount,
  };
}

export function mergeConversationList(local: readonly ConversationDto[], server: readonly ConversationDto[]): ConversationDto[] {
  const byId = new Map(local.map((c) => [c.id, c]));
  return sortConversations(server.map((c) => mergeConversation(byId.get(c.id), c)));
}

export function upsertConversation(list: readonly ConversationDto[], conversation: ConversationDto): ConversationDto[] {
  const local = list.find((c) => c.id === conversation.id);
  const merged = mergeConversation(local, conversation);
  return sortConversations([...list.filter((c) => c.id !== conversation.id), merged]);
}

export interface MessageApplied {
  conversation: ConversationDto;
  /** Seqs between the known last one and this message were never seen: the counters need a refetch. */
  gap: boolean;
}

/** Move preview, lastSeq and unread for a new message. A seq already counted leaves the conversation unchanged. */
export function applyMessage(conversation: ConversationDto, message: MessageDto, meId: string | null): MessageApplied {
  if (message.seq <= conversation.lastSeq) return { conversation, gap: false };
  const fromPeer = message.senderId !== meId;
  return {
    conversation: {
      ...conversation,
      lastSeq: message.seq,
      lastMessage: message,
      updatedAt: Math.max(conversation.updatedAt, message.createdAt),
      unreadCount: fromPeer && message.seq > conversation.readSeq ? conversation.unreadCount + 1 : conversation.unreadCount,
    },
    gap: message.seq > conversation.lastSeq + 1,
  };
}

/**
 * Apply a read mark. Mine moves readSeq and recounts unread from the messages held when they cover the unread range;
 * otherwise the count can only shrink by what the pointer passed. The peer's moves peerReadSeq (my "Read" receipts).
 */
export function applyRead(
  conversation: ConversationDto,
  userId: string,
  readSeq: number,
  meId: string | null,
  held: readonly MessageDto[],
): ConversationDto {
  if (userId !== meId) {
    if (readSeq <= conversation.peerReadSeq) return conversation;
    return { ...conversation, peerReadSeq: readSeq };
  }
  if (readSeq <= conversation.readSeq) return conversation;
  return { ...conversation, readSeq, unreadCount: unreadAfter(conversation, readSeq, meId, held) };
}

function unreadAfter(conversation: ConversationDto, readSeq: number, meId: string | null, held: readonly MessageDto[]): number {
  if (readSeq >= conversation.lastSeq) return 0;
  const first = held[0];
  const last = held.at(-1);
  if (first && last && first.seq <= readSeq + 1 && last.seq >= conversation.lastSeq) {
    return held.filter((m) => m.seq > readSeq && m.senderId !== meId).length;
  }
  return Math.min(conversation.unreadCount, conversation.lastSeq - readSeq);
}
