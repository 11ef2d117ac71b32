import type { ConversationDto } from '@feige/protocol';
import { useTranslation } from 'react-i18next';
import { listOf } from '../../lib/systemEvents';
import { titleOf } from '../../store/conversations';
import { useApp } from '../../store/react';
import { Avatar } from '../common/Avatar';

interface ChatHeaderProps {
  conversation: ConversationDto;
  /** Direct chats: undefined when the peer is not a friend (their presence is not shared with me). */
  online: boolean | undefined;
  /** Names of the people typing here right now. */
  typists: readonly string[];
  /** Groups: whether the info panel is showing. */
  infoOpen: boolean;
  /** A group I am no longer in: its member count is no longer mine to know. */
  left: boolean;
}

/** Names the typists: one or a few by name, many by number. */
function useTypingText(typists: readonly string[], group: boolean): string {
  const { t, i18n } = useTranslation();
  const [first] = typists;
  if (first === undefined) return '';
  if (!group) return t('chat.typing');
  if (typists.length === 1) return t('chat.typingOne', { name: first });
  if (typists.length <= 3) return t('chat.typingSome', { names: listOf(i18n.language, typists) });
  return t('chat.typingMany', { n: typists.length });
}

export function ChatHeader({ conversation, online, typists, infoOpen, left }: ChatHeaderProps) {
  const { t } = useTranslation();
  const app = useApp();
  const group = conversation.group;
  const title = titleOf(conversation);
  const typing = useTypingText(typists, group !== null);
  const idle = group
    ? left
      ? t('groups.notMember')
      : t('chat.memberCount', { count: group.memberCount })
    : online === undefined ? '' : online ? t('presence.online') : t('presence.offline');
  return (
    <header className="chat-header">
      <button type="button" className="icon-button chat-back" aria-label={t('chat.back')} onClick={() => app.chat.open(null)}>
        <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
          <path d="M15 5l-7 7 7 7" fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
      </button>
      <Avatar user={conversation.peer ?? { id: conversation.id, displayName: title }} online={group ? undefined : online} group={group !== null} />
      <div className="chat-title">
        <h2>{title}</h2>
        {/* Typing replaces the presence line, as in most messengers; both are announced politely. */}
        <p className={typing ? 'chat-subtitle chat-subtitle--typing' : 'chat-subtitle'} role="status">
          {typing || idle}
        </p>
      </div>
      {group ? (
        <button
          type="button"
          className="icon-button chat-info-button"
          aria-label={t('chat.groupInfo')}
          aria-expanded={infoOpen}
          onClick={() => app.chat.toggleGroupInfo()}
        >
          <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
            <circle cx="5" cy="12" r="2" fill="currentColor" />
            <circle cx="12" cy="12" r="2" fill="currentColor" />
            <circle cx="19" cy="12" r="2" fill="currentColor" />
          </svg>
        </button>
      ) : null}
    </header>
  );
}
