import type { ConversationDto, MessageDto } from '@feige/protocol';

/** Last activity: the newest message, or the conversation's own timestamp when it has none. */
export function activity(conversation: ConversationDto): number {
  return Math.max(conversation.updatedAt, conversation.lastMessage?.createdAt ?? 0);
}

/** The name a conversation goes by: the group's title, or the other person's display name. */
export function titleOf(conversation: ConversationDto): string {
  return conversation.group?.title ?? conversation.peer?.displayName ?? '';
}

/** Pinned conversations first, then the newest activity. */
export function sortConversations(list: readonly ConversationDto[]): ConversationDto[] {
  return [...list].sort(
    (a, b) =>
      Number(b.pinned) - Number(a.pinned) || activity(b) - activity(a) || b.lastSeq - a.lastSeq || a.id.localeCompare(b.id),
  );
}

/** Whether a message mentions `meId`, by name or through @all. */
export function mentionsMe(message: MessageDto, meId: string | null): boolean {
  const mentions = message.mentions;
  if (!mentions || message.kind !== 'text' || message.senderId === meId) return false;
  return mentions.all || (meId !== null && mentions.userIds.includes(meId));
}

/** Messages that count as unread: text from someone else (system events never do). */
function countsAsUnread(message: MessageDto, meId: string | null): boolean {
  return message.kind === 'text' && message.senderId !== meId;
}

/**
 * Combine a server copy with the local one. A list fetched while live updates arrive can be older than what was
 * already applied, so pointers only move forward and the newer message wins.
 */
export function mergeConversation(local: ConversationDto | undefined, server: ConversationDto): ConversationDto {
  if (!local) return server;
  const localNewer = local.lastSeq > server.lastSeq;
  const readSeq = Math.max(local.readSeq, server.readSeq);
  // A read mark applied locally after the server counted: the server's counts can only be too high.
  const readLocally = readSeq > server.readSeq;
  return {
    ...server,
    lastSeq: localNewer ? local.lastSeq : server.lastSeq,
    lastMessage: localNewer ? local.lastMessage : server.lastMessage,
    updatedAt: Math.max(local.updatedAt, server.updatedAt),
    readSeq,
    peerReadSeq: Math.max(local.peerReadSeq, server.peerReadSeq),
    unreadCount: localNewer
      ? local.unreadCount
      : readLocally
        ? Math.min(local.unreadCount, server.unreadCount)
        : server.unreadCount,
    mentionCount: localNewer
      ? local.mentionCount
      : readLocally
        ? Math.min(local.mentionCount, server.mentionCount)
        : server.mentionCount,
  };
}

/**
 * The server's list joined with what is held. Groups I have left are absent from the server's list but stay here,
 * read-only, with what this device already holds.
 */
export function mergeConversationList(
  local: readonly ConversationDto[],
  server: readonly ConversationDto[],
  left: Readonly<Record<string, unknown>> = {},
): ConversationDto[] {
  const byId = new Map(local.map((c) => [c.id, c]));
  const onServer = new Set(server.map((c) => c.id));
  const kept = local.filter((c) => !onServer.has(c.id) && left[c.id] !== undefined);
  return sortConversations([...server.map((c) => mergeConversation(byId.get(c.id), c)), ...kept]);
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

/** Move preview, lastSeq, unread and mentions for a new message. A seq already counted leaves it unchanged. */
export function applyMessage(conversation: ConversationDto, message: MessageDto, meId: string | null): MessageApplied {
  if (message.seq <= conversation.lastSeq) return { conversation, gap: false };
  const unread = message.seq > conversation.readSeq;
  return {
    conversation: {
      ...conversation,
      lastSeq: message.seq,
      lastMessage: message,
      updatedAt: Math.max(conversation.updatedAt, message.createdAt),
      unreadCount: unread && countsAsUnread(message, meId) ? conversation.unreadCount + 1 : conversation.unreadCount,
      mentionCount: unread && mentionsMe(message, meId) ? conversation.mentionCount + 1 : conversation.mentionCount,
    },
    gap: message.seq > conversation.lastSeq + 1,
  };
}

/**
 * Apply a read mark. Mine moves readSeq and recounts unread from the messages held when they cover the unread range;
 * otherwise the count can only shrink by what the pointer passed. The peer's moves peerReadSeq (my "Read" receipts);
 * in a group another member's mark changes only the read counts, which are fetched, not derived.
 */
export function applyRead(
  conversation: ConversationDto,
  userId: string,
  readSeq: number,
  meId: string | null,
  held: readonly MessageDto[],
): ConversationDto {
  if (userId !== meId) {
    if (conversation.kind === 'group' || readSeq <= conversation.peerReadSeq) return conversation;
    return { ...conversation, peerReadSeq: readSeq };
  }
  if (readSeq <= conversation.readSeq) return conversation;
  return { ...conversation, readSeq, ...countsAfter(conversation, readSeq, meId, held) };
}

function countsAfter(
  conversation: ConversationDto,
  readSeq: number,
  meId: string | null,
  held: readonly MessageDto[],
): { unreadCount: number; mentionCount: number } {
  if (readSeq >= conversation.lastSeq) return { unreadCount: 0, mentionCount: 0 };
  const first = held[0];
  const last = held.at(-1);
  if (first && last && first.seq <= readSeq + 1 && last.seq >= conversation.lastSeq) {
    const after = held.filter((m) => m.seq > readSeq);
    return {
      unreadCount: after.filter((m) => countsAsUnread(m, meId)).length,
      mentionCount: after.filter((m) => mentionsMe(m, meId)).length,
    };
  }
  const unreadCount = Math.min(conversation.unreadCount, conversation.lastSeq - readSeq);
  return { unreadCount, mentionCount: Math.min(conversation.mentionCount, unreadCount) };
}
