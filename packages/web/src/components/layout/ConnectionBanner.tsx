import { useTranslation } from 'react-i18next';
import type { TranslationKey } from '../../i18n/resources';
import type { ConnectionState } from '../../store/state';
import { useAppState } from '../../store/react';

function messageKey(connection: ConnectionState, browserOnline: boolean): TranslationKey | null {
  if (!browserOnline) return 'connection.noNetwork';
  switch (connection) {
    case 'connecting':
      return 'connection.connecting';
    case 'syncing':
      return 'connection.syncing';
    case 'offline':
      return 'connection.offline';
    case 'idle':
    case 'online':
    case 'closed':
      return null;
  }
}

/** The live region stays mounted while empty, so screen readers announce the moment it gets text. */
export function ConnectionBanner() {
  const { t } = useTranslation();
  const connection = useAppState((s) => s.connection);
  const browserOnline = useAppState((s) => s.browserOnline);
  const key = messageKey(connection, browserOnline);
  return (
    <div
      role="status"
      aria-label={t('connection.label')}
      className={key ? `banner banner--${connection === 'offline' || !browserOnline ? 'offline' : 'busy'}` : 'banner banner--empty'}
    >
      {key ? t(key) : null}
    </div>
  );
}
