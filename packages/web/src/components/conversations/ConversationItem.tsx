import { truncateGraphemes, type ConversationDto } from '@feige/protocol';
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { formatListTime } from '../../lib/format';
import { messagePreviewText } from '../../lib/systemEvents';
import { activity, titleOf } from '../../store/conversations';
import { useApp } from '../../store/react';
import { Avatar } from '../common/Avatar';

/** Grapheme clusters shown of the last message; the CSS ellipsis handles narrower rows. */
const previewLength = 60;

interface ConversationItemProps {
  conversation: ConversationDto;
  /** Undefined when the peer is not a friend (or for groups): presence is not shared with me. */
  online: boolean | undefined;
  active: boolean;
  meId: string | null;
  /** A group I am no longer in. */
  left: boolean;
}

function MutedIcon({ label }: { label: string }) {
  return (
    <svg className="conversation-flag" viewBox="0 0 24 24" width="14" height="14" role="img" aria-label={label}>
      <path d="M4 9v6h4l5 4V5L8 9H4z M16 9l5 6 M21 9l-5 6" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

function PinnedIcon({ label }: { label: string }) {
  return (
    <svg className="conversation-flag" viewBox="0 0 24 24" width="14" height="14" role="img" aria-label={label}>
      <path d="M9 3h6l-1 6 4 4H6l4-4-1-6z M12 13v8" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

/** One row: a button whose accessible name starts with the peer's display name or the group's title. */
export const ConversationItem = memo(function ConversationItem({ conversation, online, active, meId, left }: ConversationItemProps) {
  const { t, i18n } = useTranslation();
  const app = useApp();
  const last = conversation.lastMessage;
  const title = titleOf(conversation);
  // Cut by grapheme clusters so an emoji or a family sequence is never split into broken halves.
  const text = last ? messagePreviewText(t, i18n.language, last, meId) : null;
  const snippet = text === null ? null : truncateGraphemes(text.replace(/\s+/gu, ' ').trim(), previewLength);
  const preview =
    snippet === null
      ? t('conversations.noMessages')
      : last?.senderId === meId && last.kind === 'text'
        ? t('conversations.youPrefix', { text: snippet })
        : snippet;
  const unread = conversation.unreadCount;
  const group = conversation.kind === 'group';

  return (
    <button
      type="button"
      className={conversation.pinned ? 'conversation conversation--pinned' : 'conversation'}
      aria-current={active ? 'true' : undefined}
      onClick={() => app.chat.open(conversation.id)}
    >
      {/* The text comes first in the DOM so the button's accessible name starts with the conversation's name; the
          grid puts the avatar on the left visually. */}
      <span className="conversation-main">
        <span className="conversation-top">
          <span className="conversation-name">{title}</span>
          {last ? (
            <time className="conversation-time" dateTime={new Date(activity(conversation)).toISOString()}>
              {formatListTime(activity(conversation), i18n.language, t('common.yesterday'))}
            </time>
          ) : null}
        </span>
        <span className="conversation-bottom">
          <span className="conversation-preview">
            {conversation.mentionCount > 0 && !left ? <span className="conversation-mention">{t('conversations.mentioned')} </span> : null}
            {left ? <span className="conversation-left">{t('conversations.groupLeft')} · </span> : null}
            {preview}
          </span>
          {conversation.pinned ? <PinnedIcon label={t('conversations.pinned')} /> : null}
          {conversation.muted ? <MutedIcon label={t('conversations.muted')} /> : null}
          {unread > 0 ? (
            <span className={conversation.muted ? 'badge badge--muted' : 'badge'}>
              <span aria-hidden="true">{unread > 99 ? '99+' : unread}</span>
              <span className="sr-only"> {t('conversations.unread', { count: unread })}</span>
            </span>
          ) : null}
        </span>
      </span>
      <Avatar user={conversation.peer ?? { id: conversation.id, displayName: title }} online={group ? undefined : online} group={group} />
    </button>
  );
});
