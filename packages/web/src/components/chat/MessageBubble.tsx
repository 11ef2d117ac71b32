import type { OutboxEntry } from '@feige/client';
import type { MessageDto } from '@feige/protocol';
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { errorCodeText } from '../../i18n/errors';
import { formatTime } from '../../lib/format';
import { useApp } from '../../store/react';

interface StoredProps {
  message: MessageDto;
  own: boolean;
  /** My message and seq ≤ the peer's read pointer. */
  read: boolean;
  peerName: string;
}

/** A stored message. The text is a React text node: user content is never parsed as HTML. */
export const MessageBubble = memo(function MessageBubble({ message, own, read, peerName }: StoredProps) {
  const { t, i18n } = useTranslation();
  return (
    <li className={own ? 'message message--own' : 'message'}>
      <div className="bubble">
        <span className="sr-only">{own ? t('chat.fromMe') : t('chat.fromPeer', { name: peerName })} </span>
        <p className="message-text">{message.text}</p>
        <span className="message-meta">
          <time dateTime={new Date(message.createdAt).toISOString()}>{formatTime(message.createdAt, i18n.language)}</time>
          {own ? (
            <span className={read ? 'message-status message-status--read' : 'message-status'}>
              {read ? t('chat.status.read') : t('chat.status.sent')}
            </span>
          ) : null}
        </span>
      </div>
    </li>
  );
});

/** A message still in the SDK's outbox: pending until acked, or failed with a reason and a retry. */
export const PendingBubble = memo(function PendingBubble({ entry }: { entry: OutboxEntry }) {
  const { t, i18n } = useTranslation();
  const app = useApp();
  const failed = entry.state === 'failed';
  return (
    <li className={failed ? 'message message--own message--failed' : 'message message--own message--pending'}>
      <div className="bubble">
        <span className="sr-only">{t('chat.fromMe')} </span>
        <p className="message-text">{entry.text}</p>
        <span className="message-meta">
          <time dateTime={new Date(entry.createdAt).toISOString()}>{formatTime(entry.createdAt, i18n.language)}</time>
          <span className="message-status">{failed ? t('chat.status.failed') : t('chat.status.pending')}</span>
        </span>
      </div>
      {failed ? (
        <div className="message-failure">
          {entry.error ? <span className="error-text">{errorCodeText(t, entry.error.code)}</span> : null}
          <button type="button" className="button button--small" onClick={() => app.chat.retry(entry.clientMsgId)}>
            {t('chat.retry')}
          </button>
          <button type="button" className="button button--small button--ghost" onClick={() => app.chat.discard(entry.clientMsgId)}>
            {t('chat.discard')}
          </button>
        </div>
      ) : null}
    </li>
  );
});
