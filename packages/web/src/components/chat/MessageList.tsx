import type { OutboxEntry } from '@feige/client';
import type { ConversationDto } from '@feige/protocol';
import { useEffect, useLayoutEffect, useMemo, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDay, isSameDay } from '../../lib/format';
import { useAction } from '../../lib/useAction';
import { useApp } from '../../store/react';
import type { MessagePage } from '../../store/state';
import { ErrorMessage } from '../common/ErrorMessage';
import { MessageBubble, PendingBubble } from './MessageBubble';

/** Closer than this to the top starts loading the previous page, before the user hits the edge. */
const loadOlderThresholdPx = 200;
/** Closer than this to the bottom counts as "reading the newest": new messages then keep the view pinned there. */
const stickThresholdPx = 64;

interface MessageListProps {
  conversation: ConversationDto;
  page: MessagePage | undefined;
  pending: readonly OutboxEntry[];
  meId: string | null;
}

export function MessageList({ conversation, page, pending, meId }: MessageListProps) {
  const { t, i18n } = useTranslation();
  const app = useApp();
  const ref = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const previous = useRef({ firstSeq: 0, height: 0, pending: 0 });
  const older = useAction(() => app.chat.loadOlder(conversation.id));
  const items = page?.items;

  // An acked message can arrive (as an update) before the outbox drops it: show it once, as the stored one.
  const shownPending = useMemo(() => {
    const stored = new Set((items ?? []).filter((m) => m.senderId === meId).map((m) => m.clientMsgId));
    return pending.filter((e) => !stored.has(e.clientMsgId));
  }, [items, pending, meId]);

  const rows = useMemo(() => {
    const out: ReactNode[] = [];
    let lastDay: number | null = null;
    const day = (ts: number) => {
      if (lastDay !== null && isSameDay(lastDay, ts)) return;
      lastDay = ts;
      out.push(
        <li key={`day-${ts}`} className="day-divider">
          <span>{formatDay(ts, i18n.language)}</span>
        </li>,
      );
    };
    for (const message of items ?? []) {
      day(message.createdAt);
      const own = message.senderId === meId;
      out.push(
        <MessageBubble
          key={message.seq}
          message={message}
          own={own}
          read={own && message.seq <= conversation.peerReadSeq}
          peerName={conversation.peer.displayName}
        />,
      );
    }
    for (const entry of shownPending) {
      day(entry.createdAt);
      out.push(<PendingBubble key={entry.clientMsgId} entry={entry} />);
    }
    return out;
  }, [items, shownPending, meId, conversation.peerReadSeq, conversation.peer.displayName, i18n.language]);

  // Runs after every render, before paint, so the user never sees the list jump.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const firstSeq = items?.[0]?.seq ?? 0;
    const before = previous.current;
    if (before.firstSeq > 0 && firstSeq > 0 && firstSeq < before.firstSeq) {
      // Older messages went in above: keep the message the user was looking at in place.
      el.scrollTop += el.scrollHeight - before.height;
    } else if (shownPending.length > before.pending) {
      // I just sent something: show it, wherever I was.
      stick.current = true;
      el.scrollTop = el.scrollHeight;
    } else if (stick.current) {
      el.scrollTop = el.scrollHeight;
    }
    previous.current = { firstSeq, height: el.scrollHeight, pending: shownPending.length };
  });

  // The log shrinks when the composer grows or a phone keyboard opens: stay on the newest message if we were there.
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      if (stick.current) el.scrollTop = el.scrollHeight;
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const canLoadOlder = Boolean(page?.hasMore) && !page?.loadingOlder;

  // A short first page may not fill the screen, so no scroll event would ever ask for more: ask now.
  useEffect(() => {
    const el = ref.current;
    if (el && canLoadOlder && el.scrollHeight <= el.clientHeight && !older.busy && !older.error) void older.run();
  }, [canLoadOlder, items, older.run, older.busy, older.error]);

  function onScroll() {
    const el = ref.current;
    if (!el) return;
    stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < stickThresholdPx;
    if (el.scrollTop < loadOlderThresholdPx && canLoadOlder && !older.busy) void older.run();
  }

  return (
    <div ref={ref} className="messages" role="log" aria-label={t('chat.historyLabel')} tabIndex={0} onScroll={onScroll}>
      <div className="messages-top">
        {page === undefined ? (
          <p className="placeholder">{t('chat.loading')}</p>
        ) : page.hasMore ? (
          <button type="button" className="button button--ghost button--small" onClick={() => void older.run()} disabled={page.loadingOlder}>
            {page.loadingOlder ? t('chat.loadingEarlier') : t('chat.loadEarlier')}
          </button>
        ) : (
          <p className="placeholder">{t('chat.beginning', { name: conversation.peer.displayName })}</p>
        )}
        <ErrorMessage error={older.error} />
      </div>
      <ol className="message-items">{rows}</ol>
    </div>
  );
}
