import type { UserDto } from '@feige/protocol';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useAction } from '../../lib/useAction';
import { useApp, useAppState } from '../../store/react';
import { Avatar } from '../common/Avatar';
import { ErrorMessage } from '../common/ErrorMessage';

function BlockedRow({ user }: { user: UserDto }) {
  const { t } = useTranslation();
  const app = useApp();
  const unblock = useAction(() => app.friends.unblock(user.id));
  return (
    <li className="person">
      <Avatar user={user} />
      <div className="person-text">
        <span className="person-name">{user.displayName}</span>
        <span className="person-username">@{user.username}</span>
        <ErrorMessage error={unblock.error} />
      </div>
      <div className="person-actions">
        <button type="button" className="button button--ghost button--small" disabled={unblock.busy} onClick={() => void unblock.run()}>
          {t('friends.unblock')}
        </button>
      </div>
    </li>
  );
}

/** Shown only when someone is blocked, so the panel stays short for most people. */
export function BlockedList() {
  const { t } = useTranslation();
  const headingId = useId();
  const blocks = useAppState((s) => s.blocks);
  if (blocks.length === 0) return null;
  return (
    <section className="panel-section" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('friends.blockedHeading')}</h2>
      <ul role="list" className="people" aria-label={t('friends.blockedLabel')}>
        {blocks.map((user) => (
          <BlockedRow key={user.id} user={user} />
        ))}
      </ul>
    </section>
  );
}
