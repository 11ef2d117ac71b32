import { AppError } from '../lib/app-error.js';
import type { ConversationRecord, MemberRecord } from '../storage/records.js';
import type { Repos } from '../storage/storage.js';

/**
 * The one membership check every conversation read and write goes through. Non-members get `conversation.not_found`,
 * so they cannot even learn that the conversation exists.
 */
export async function requireMembership(
  repos: Repos,
  conversationId: string,
  userId: string,
): Promise<{ conversation: ConversationRecord; me: MemberRecord; others: MemberRecord[] }> {
  return requireMembershipIn(repos, await repos.conversations.byId(conversationId), userId);
}

/**
 * The check for reads that need only the reader's own membership (a history page, a conversation's details): one
 * member row instead of all of them, which matters in a group of thousands.
 */
export async function requireMember(
  repos: Repos,
  conversationId: string,
  userId: string,
): Promise<{ conversation: ConversationRecord; me: MemberRecord }> {
  const conversation = await repos.conversations.byId(conversationId);
  const me = conversation ? await repos.conversations.member(conversation.id, userId) : undefined;
  if (!conversation || !me) throw new AppError('conversation.not_found', 'no such conversation');
  return { conversation, me };
}

/** The same check for a conversation already read (or locked) by the caller. */
export async function requireMembershipIn(
  repos: Repos,
  conversation: ConversationRecord | undefined,
  userId: string,
): Promise<{ conversation: ConversationRecord; me: MemberRecord; others: MemberRecord[] }> {
  const members = conversation ? await repos.conversations.members(conversation.id) : [];
  const me = members.find((m) => m.userId === userId);
  if (!conversation || !me) throw new AppError('conversation.not_found', 'no such conversation');
  return { conversation, me, others: members.filter((m) => m.userId !== userId) };
}

/** Whether `senderId` may send to `peerId` now: friends, and neither blocks the other. */
export async function directSendRefusal(repos: Repos, senderId: string, peerId: string): Promise<AppError | null> {
  const relation = await repos.social.relation(senderId, peerId);
  if (relation.bBlocksA) return new AppError('friend.blocked', 'this user does not accept messages from you');
  if (relation.aBlocksB) return new AppError('friend.blocked', 'you blocked this user; unblock to send');
  if (!relation.friends) return new AppError('friend.not_friends', 'you are not friends');
  return null;
}
