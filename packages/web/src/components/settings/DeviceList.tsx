import type { SessionDto } from '@feige/protocol';
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../lib/format';
import { useAction } from '../../lib/useAction';
import { useApp } from '../../store/react';
import { ErrorMessage } from '../common/ErrorMessage';

function DeviceRow({ session, onRevoked }: { session: SessionDto; onRevoked: () => void }) {
  const { t, i18n } = useTranslation();
  const app = useApp();
  const revoke = useAction(async () => {
    await app.account.revokeSession(session.id);
    onRevoked();
  });
  return (
    <li className="device">
      <div className="device-text">
        <span className="device-name">
          {session.deviceName}
          {session.current ? (
            <>
              {' '}
              <span className="tag tag--accent">{t('settings.thisDevice')}</span>
            </>
          ) : null}
        </span>
        <span className="device-meta">{t('settings.lastActive', { time: formatDateTime(session.lastSeenAt, i18n.language) })}</span>
        <ErrorMessage error={revoke.error} />
      </div>
      {/* The current device leaves with "Log out", which also forgets the token here. */}
      {session.current ? null : (
        <button type="button" className="button button--ghost button--small" disabled={revoke.busy} onClick={() => void revoke.run()}>
          {t('settings.revoke')}
        </button>
      )}
    </li>
  );
}

export function DeviceList() {
  const { t } = useTranslation();
  const app = useApp();
  const headingId = useId();
  const [sessions, setSessions] = useState<SessionDto[] | null>(null);
  const load = useAction(async () => setSessions(await app.account.listSessions()));
  const { run } = load;

  useEffect(() => {
    void run();
  }, [run]);

  return (
    <section className="panel-section" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('settings.devicesHeading')}</h2>
      <ErrorMessage error={load.error} />
      {sessions === null ? (
        <p className="placeholder">{t('common.loading')}</p>
      ) : (
        <ul role="list" className="devices" aria-label={t('settings.devicesLabel')}>
          {sessions.map((s) => (
            <DeviceRow key={s.id} session={s} onRevoked={() => setSessions((list) => list?.filter((x) => x.id !== s.id) ?? null)} />
          ))}
        </ul>
      )}
    </section>
  );
}
