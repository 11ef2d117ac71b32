import type { ConversationDto } from '@feige/protocol';
import type { ConversationRecord } from '../storage/records.js';
import type { Repos } from '../storage/storage.js';
import { directSendRefusal } from './access.js';
import { userDto } from './dto.js';

/** A conversation as one member sees it: their pointers, unread and mention counts, settings. */
export async function conversationDto(repos: Repos, conversation: ConversationRecord, userId: string): Promise<ConversationDto> {
  const me = await repos.conversations.member(conversation.id, userId);
  if (!me) throw new Error(`user ${userId} is not a member of ${conversation.id}`);
  const readFloor = Math.max(me.readSeq, me.visibleFromSeq - 1);
  const [lastMessage, unreadCount, mentionCount] = await Promise.all([
    conversation.lastSeq >= me.visibleFromSeq ? repos.messages.bySeq(conversation.id, conversation.lastSeq) : undefined,
    repos.messages.countUnread(conversation.id, userId, readFloor),
    conversation.kind === 'group' ? repos.messages.countMentions(conversation.id, userId, readFloor) : 0,
  ]);
  const common = {
    id: conversation.id,
    lastSeq: conversation.lastSeq,
    lastMessage: lastMessage ?? null,
    readSeq: me.readSeq,
    unreadCount,
    mentionCount,
    visibleFromSeq: me.visibleFromSeq,
    muted: me.muted,
    pinned: me.pinned,
    updatedAt: conversation.updatedAt,
  };
  if (conversation.kind === 'group') {
    return {
      ...common,
      kind: 'group',
      peer: null,
      group: {
        title: conversation.title,
        announcement: conversation.announcement,
        ownerId: conversation.ownerId ?? '',
        memberCount: await repos.conversations.memberCount(conversation.id),
        historyVisibility: conversation.historyVisibility,
        inviteApproval: conversation.inviteApproval,
        myRole: me.role,
      },
      peerReadSeq: 0,
      canSend: true,
    };
  }
  const peer = (await repos.conversations.members(conversation.id)).find((m) => m.userId !== userId);
  const peerUser = peer && (await repos.users.byId(peer.userId));
  if (!peer || !peerUser) throw new Error(`direct conversation ${conversation.id} lacks its peer`);
  return {
    ...common,
    kind: 'direct',
    peer: userDto(peerUser),
    group: null,
    peerReadSeq: peer.readSeq,
    canSend: (await directSendRefusal(repos, userId, peer.userId)) === null,
  };
}
