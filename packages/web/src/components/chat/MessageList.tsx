import type { OutboxEntry } from '@feige/client';
import { limits, usernameKey, type ConversationDto, type MemberDto } from '@feige/protocol';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDay, isSameDay } from '../../lib/format';
import { systemEventText } from '../../lib/systemEvents';
import { useAction } from '../../lib/useAction';
import { mentionsMe, titleOf } from '../../store/conversations';
import { useApp, useAppState } from '../../store/react';
import type { MessagePage } from '../../store/state';
import { ErrorMessage } from '../common/ErrorMessage';
import { MessageBubble, PendingBubble, SystemEventRow, type GroupReceipt } from './MessageBubble';
import { ReadersDialog } from './ReadersDialog';

/** Closer than this to the top starts loading the previous page, before the user hits the edge. */
const loadOlderThresholdPx = 200;
/** Closer than this to the bottom counts as "reading the newest": new messages then keep the view pinned there. */
const stickThresholdPx = 64;

interface MessageListProps {
  conversation: ConversationDto;
  page: MessagePage | undefined;
  pending: readonly OutboxEntry[];
  meId: string | null;
  /** Groups: the member list, once loaded. */
  members: readonly MemberDto[] | undefined;
}

const noReadCounts: Readonly<Record<number, number>> = {};

export function MessageList({ conversation, page, pending, meId, members }: MessageListProps) {
  const { t, i18n } = useTranslation();
  const app = useApp();
  const ref = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const previous = useRef({ firstSeq: 0, height: 0, pending: 0 });
  const older = useAction(() => app.chat.loadOlder(conversation.id));
  const items = page?.items;
  const group = conversation.kind === 'group';
  const readCounts = useAppState((s) => s.readCounts[conversation.id] ?? noReadCounts);
  const [readersOf, setReadersOf] = useState<number | null>(null);
  const openReaders = useCallback((seq: number) => setReadersOf(seq), []);
  const listable = (conversation.group?.memberCount ?? 0) <= limits.groupReadersListMax;

  // Names of the people in this chat: group nicknames first, then the names system events recorded (people who
  // have left since), then the peer of a direct chat.
  const usernames = useMemo(() => new Map((members ?? []).map((m) => [usernameKey(m.user.username), m.user.id])), [members]);
  const nameOf = useMemo(() => {
    const names = new Map<string, string>();
    for (const message of items ?? []) for (const [id, name] of Object.entries(message.system?.names ?? {})) names.set(id, name);
    for (const m of members ?? []) names.set(m.user.id, m.nickname || m.user.displayName);
    if (conversation.peer) names.set(conversation.peer.id, conversation.peer.displayName);
    const former = t('chat.formerMember');
    return (id: string) => names.get(id) ?? former;
  }, [items, members, conversation.peer, t]);

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
      if (message.kind === 'system' && message.system) {
        out.push(<SystemEventRow key={message.seq} text={systemEventText(t, i18n.language, message.system, meId)} />);
        continue;
      }
      const own = message.senderId === meId;
      const receipt: GroupReceipt | null = group && own ? { count: readCounts[message.seq], listable, onOpen: openReaders } : null;
      out.push(
        <MessageBubble
          key={message.seq}
          message={message}
          own={own}
          read={own && message.seq <= conversation.peerReadSeq}
          peerName={nameOf(message.senderId)}
          showSender={group}
          receipt={receipt}
          mentionsMe={mentionsMe(message, meId)}
          usernames={usernames}
          meId={meId}
        />,
      );
    }
    for (const entry of shownPending) {
      day(entry.createdAt);
      out.push(<PendingBubble key={entry.clientMsgId} entry={entry} />);
    }
    return out;
  }, [items, shownPending, meId, conversation.peerReadSeq, nameOf, group, readCounts, listable, openReaders, usernames, t, i18n.language]);

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
    <>
      <div ref={ref} className="messages" role="log" aria-label={t('chat.historyLabel')} tabIndex={0} onScroll={onScroll}>
        <div className="messages-top">
          {page === undefined ? (
            <p className="placeholder">{t('chat.loading')}</p>
          ) : page.hasMore ? (
            <button type="button" className="button button--ghost button--small" onClick={() => void older.run()} disabled={page.loadingOlder}>
              {page.loadingOlder ? t('chat.loadingEarlier') : t('chat.loadEarlier')}
            </button>
          ) : group ? (
            <p className="placeholder">
              {t('chat.groupBeginning', { name: titleOf(conversation) })}
              {conversation.visibleFromSeq > 1 ? ` ${t('chat.historyHidden')}` : ''}
            </p>
          ) : (
            <p className="placeholder">{t('chat.beginning', { name: titleOf(conversation) })}</p>
          )}
          <ErrorMessage error={older.error} />
        </div>
        <ol className="message-items">{rows}</ol>
      </div>
      {readersOf !== null ? <ReadersDialog conversationId={conversation.id} seq={readersOf} onClose={() => setReadersOf(null)} /> : null}
    </>
  );
}
