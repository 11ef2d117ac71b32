import type { MemberDto } from '@feige/protocol';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { titleOf } from '../../store/conversations';
import { useAppState } from '../../store/react';
import { GroupInfo } from '../groups/GroupInfo';
import { ChatHeader } from './ChatHeader';
import { Composer } from './Composer';
import { EmptyChat } from './EmptyChat';
import { MessageList } from './MessageList';

const noTypists: readonly string[] = [];

/** Remounted per conversation (keyed by id), so scroll position and the draft never leak between chats. */
export function ChatView({ conversationId }: { conversationId: string }) {
  const { t } = useTranslation();
  const conversation = useAppState((s) => s.conversations.find((c) => c.id === conversationId));
  const page = useAppState((s) => s.messages[conversationId]);
  const outbox = useAppState((s) => s.outbox);
  const typingIds = useAppState((s) => s.typing[conversationId] ?? noTypists);
  const presence = useAppState((s) => s.presence);
  const meId = useAppState((s) => s.me?.id ?? null);
  const members = useAppState((s) => s.members[conversationId]);
  const left = useAppState((s) => s.left[conversationId]);
  const infoOpen = useAppState((s) => s.groupInfoOpen);
  const pending = useMemo(() => outbox.filter((e) => e.conversationId === conversationId), [outbox, conversationId]);
  const typists = useMemo(() => typingIds.map((id) => displayName(members, id) ?? t('chat.formerMember')), [typingIds, members, t]);

  if (!conversation) return <EmptyChat />;
  const group = conversation.group;
  const title = titleOf(conversation);
  const peerId = conversation.peer?.id;
  const canMentionAll = group !== null && group.myRole !== 'member';
  return (
    <div className="chat-area">
      <section className="chat" aria-label={t('chat.regionLabel', { name: title })}>
        <ChatHeader
          conversation={conversation}
          online={peerId === undefined ? undefined : presence[peerId]}
          typists={typists}
          infoOpen={infoOpen && group !== null}
          left={left !== undefined}
        />
        {group && group.announcement && left === undefined ? (
          <section className="announcement" aria-label={t('chat.announcement')}>
            <p>{group.announcement}</p>
          </section>
        ) : null}
        <MessageList conversation={conversation} page={page} pending={pending} meId={meId} members={members} />
        <Composer
          conversationId={conversationId}
          canSend={conversation.canSend && left === undefined}
          left={left ?? null}
          mention={group ? { members: members ?? [], canMentionAll, meId } : null}
        />
      </section>
      {group && infoOpen ? <GroupInfo conversation={conversation} /> : null}
    </div>
  );
}

function displayName(members: readonly MemberDto[] | undefined, userId: string): string | undefined {
  const member = members?.find((m) => m.user.id === userId);
  return member ? member.nickname || member.user.displayName : undefined;
}
