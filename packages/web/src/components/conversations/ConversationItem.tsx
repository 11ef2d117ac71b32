import { truncateGraphemes, type ConversationDto } from '@feige/protocol';
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { formatListTime } from '../../lib/format';
import { activity } from '../../store/conversations';
import { useApp } from '../../store/react';
import { Avatar } from '../common/Avatar';

/** Grapheme clusters shown of the last message; the CSS ellipsis handles narrower rows. */
const previewLength = 60;

interface ConversationItemProps {
  conversation: ConversationDto;
  /** Undefined when the peer is not a friend: their presence is not shared with me. */
  online: boolean | undefined;
  active: boolean;
  meId: string | null;
}

/** One row: a button whose accessible name starts with the peer's display name. */
export const ConversationItem = memo(function ConversationItem({ conversation, online, active, meId }: ConversationItemProps) {
  const { t, i18n } = useTranslation();
  const app = useApp();
  const last = conversation.lastMessage;
  // Cut by grapheme clusters so an emoji or a family sequence is never split into broken halves.
  const snippet = last ? truncateGraphemes(last.text.replace(/\s+/gu, ' ').trim(), previewLength) : null;
  const preview = snippet === null ? t('conversations.noMessages') : last?.senderId === meId ? t('conversations.youPrefix', { text: snippet }) : snippet;
  const unread = conversation.unreadCount;

  return (
    <button
      type="button"
      className="conversation"
      aria-current={active ? 'true' : undefined}
      onClick={() => app.chat.open(conversation.id)}
    >
      {/* The text comes first in the DOM so the button's accessible name starts with the peer's name; the grid
          puts the avatar on the left visually. */}
      <span className="conversation-main">
        <span className="conversation-top">
          <span className="conversation-name">{conversation.peer.displayName}</span>
          {last ? (
            <time className="conversation-time" dateTime={new Date(activity(conversation)).toISOString()}>
              {formatListTime(activity(conversation), i18n.language, t('common.yesterday'))}
            </time>
          ) : null}
        </span>
        <span className="conversation-bottom">
          <span className="conversation-preview">{preview}</span>
          {unread > 0 ? (
            <span className="badge">
              <span aria-hidden="true">{unread > 99 ? '99+' : unread}</span>
              <span className="sr-only"> {t('conversations.unread', { count: unread })}</span>
            </span>
          ) : null}
        </span>
      </span>
      <Avatar user={conversation.peer} online={online} />
    </button>
  );
});
