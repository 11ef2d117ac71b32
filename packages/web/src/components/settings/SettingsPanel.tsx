import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useAction } from '../../lib/useAction';
import { useApp, useAppState } from '../../store/react';
import { Avatar } from '../common/Avatar';
import { LanguageSwitcher } from '../common/LanguageSwitcher';
import { ChangePasswordForm } from './ChangePasswordForm';
import { DeviceList } from './DeviceList';

export function SettingsPanel() {
  const { t } = useTranslation();
  const app = useApp();
  const me = useAppState((s) => s.me);
  const headingId = useId();
  const logout = useAction(() => app.account.logout());

  return (
    <div className="panel">
      <section className="panel-section" aria-labelledby={headingId}>
        <h2 id={headingId}>{t('settings.account')}</h2>
        {me ? (
          <div className="account">
            <Avatar user={me} size="large" />
            <p>{t('settings.signedInAs', { name: me.displayName, username: me.username })}</p>
          </div>
        ) : null}
        <button type="button" className="button button--danger" disabled={logout.busy} onClick={() => void logout.run()}>
          {t('settings.logout')}
        </button>
      </section>
      <section className="panel-section">
        <LanguageSwitcher />
      </section>
      <DeviceList />
      <ChangePasswordForm />
    </div>
  );
}
