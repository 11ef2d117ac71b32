import type { OutboxEntry } from '@feige/client';
import type { MessageDto } from '@feige/protocol';
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { errorCodeText } from '../../i18n/errors';
import { formatTime } from '../../lib/format';
import { segmentMentions } from '../../lib/mentions';
import { useApp } from '../../store/react';

/** Receipts of my message in a group: how many others read it, and whether their names may be listed. */
export interface GroupReceipt {
  /** Undefined until the count is loaded. */
  count: number | undefined;
  /** Above the server's limit only the count is known: no list to open. */
  listable: boolean;
  onOpen: (seq: number) => void;
}

interface StoredProps {
  message: MessageDto;
  own: boolean;
  /** Direct chats: my message and seq ≤ the peer's read pointer. */
  read: boolean;
  /** Who wrote it, for screen readers (direct) or shown above the bubble (groups). */
  peerName: string;
  /** Groups: show the sender's name above other people's messages. */
  showSender: boolean;
  /** Groups: "Read by N" instead of Sent/Read. */
  receipt: GroupReceipt | null;
  /** The message mentions me (by name or @all). */
  mentionsMe: boolean;
  /** Username keys of the members → their ids, to find the mentions in the text. */
  usernames: ReadonlyMap<string, string>;
  meId: string | null;
}

/** The text with the mentions the server recorded highlighted; everything stays a React text node. */
function MessageText({ message, usernames, meId }: { message: MessageDto; usernames: ReadonlyMap<string, string>; meId: string | null }) {
  const segments = segmentMentions(message.text, message.mentions, usernames, meId);
  return (
    <p className="message-text">
      {segments.map((segment, i) =>
        segment.mention ? (
          <mark key={i} className={segment.me ? 'mention mention--me' : 'mention'}>
            {segment.text}
          </mark>
        ) : (
          segment.text
        ),
      )}
    </p>
  );
}

function ReceiptStatus({ message, receipt }: { message: MessageDto; receipt: GroupReceipt }) {
  const { t } = useTranslation();
  if (receipt.count === undefined || receipt.count === 0) return <span className="message-status">{t('chat.status.sent')}</span>;
  const text = t('chat.readBy', { n: receipt.count });
  if (!receipt.listable) return <span className="message-status message-status--read">{text}</span>;
  return (
    <button type="button" className="message-status message-status--read receipt-button" aria-haspopup="dialog" onClick={() => receipt.onOpen(message.seq)}>
      {text}
    </button>
  );
}

/** A stored message. The text is a React text node: user content is never parsed as HTML. */
export const MessageBubble = memo(function MessageBubble({
  message,
  own,
  read,
  peerName,
  showSender,
  receipt,
  mentionsMe,
  usernames,
  meId,
}: StoredProps) {
  const { t, i18n } = useTranslation();
  const classes = ['message', own ? 'message--own' : '', mentionsMe ? 'message--mentions-me' : ''].filter(Boolean).join(' ');
  return (
    <li className={classes}>
      {showSender && !own ? (
        <span className="message-sender" aria-hidden="true">
          {peerName}
        </span>
      ) : null}
      <div className="bubble">
        <span className="sr-only">{own ? t('chat.fromMe') : t('chat.fromPeer', { name: peerName })} </span>
        <MessageText message={message} usernames={usernames} meId={meId} />
        <span className="message-meta">
          {mentionsMe ? <span className="tag tag--mention">{t('chat.mentionsYou')}</span> : null}
          <time dateTime={new Date(message.createdAt).toISOString()}>{formatTime(message.createdAt, i18n.language)}</time>
          {own && receipt ? <ReceiptStatus message={message} receipt={receipt} /> : null}
          {own && !receipt ? (
            <span className={read ? 'message-status message-status--read' : 'message-status'}>
              {read ? t('chat.status.read') : t('chat.status.sent')}
            </span>
          ) : null}
        </span>
      </div>
    </li>
  );
});

/** A membership or settings change, worded by the caller in the reader's language. */
export const SystemEventRow = memo(function SystemEventRow({ text }: { text: string }) {
  return (
    <li className="system-event">
      <p>{text}</p>
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
