import { useEffect, useId, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useApp, useAppState } from '../../store/react';
import type { View } from '../../store/state';

interface TabProps {
  target: View;
  label: string;
  count: number;
  /** What the count means, read by screen readers as the tab's description. */
  countLabel: string;
}

/**
 * The count is a description, not part of the name: the tab stays "Friends" whatever it holds, so people using a
 * screen reader (and tests) find it by a stable name.
 */
function Tab({ target, label, count, countLabel }: TabProps) {
  const app = useApp();
  const view = useAppState((s) => s.view);
  const descriptionId = useId();
  return (
    <button
      type="button"
      className="nav-tab"
      aria-current={view === target ? 'page' : undefined}
      aria-describedby={count > 0 ? descriptionId : undefined}
      onClick={() => app.setView(target)}
    >
      <span className="nav-tab-label">{label}</span>
      {count > 0 ? (
        <>
          <span className="badge" aria-hidden="true">
            {count > 99 ? '99+' : count}
          </span>
          <span id={descriptionId} hidden>
            {countLabel}
          </span>
        </>
      ) : null}
    </button>
  );
}

/** Chats, Friends, Settings: the bar under the list, on phones and desktops alike. */
export function NavTabs() {
  const { t } = useTranslation();
  const conversations = useAppState((s) => s.conversations);
  const incoming = useAppState((s) => s.incoming);
  // Muted chats keep their own (grey) count but add nothing to the total, as in other messengers.
  const unread = useMemo(() => conversations.reduce((sum, c) => sum + (c.muted ? 0 : c.unreadCount), 0), [conversations]);
  const requests = useMemo(() => incoming.filter((r) => r.state === 'pending').length, [incoming]);

  // The unread total in the tab title, so a background tab still shows that something arrived.
  const appName = t('app.name');
  useEffect(() => {
    document.title = unread > 0 ? `(${unread > 99 ? '99+' : unread}) ${appName}` : appName;
    return () => {
      document.title = appName;
    };
  }, [unread, appName]);

  return (
    <nav className="nav" aria-label={t('nav.label')}>
      <Tab target="chats" label={t('nav.chats')} count={unread} countLabel={t('nav.unreadTotal', { count: unread })} />
      <Tab target="friends" label={t('nav.friends')} count={requests} countLabel={t('nav.pendingRequests', { count: requests })} />
      <Tab target="settings" label={t('nav.settings')} count={0} countLabel="" />
    </nav>
  );
}
