import { limits } from '@feige/protocol';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { errorCodeText } from '../../i18n/errors';
import { useAction } from '../../lib/useAction';
import { useApp, useAppState } from '../../store/react';
import { ErrorMessage } from '../common/ErrorMessage';
import { LanguageSwitcher } from '../common/LanguageSwitcher';
import { TextField } from '../common/TextField';

type Mode = 'login' | 'register';

/** Log in and register share one form; the toggle only adds the display name and swaps the wording. */
export function AuthScreen() {
  const { t } = useTranslation();
  const app = useApp();
  const endedBy = useAppState((s) => s.endedBy);
  const [mode, setMode] = useState<Mode>('login');
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');

  const submit = useAction(() =>
    mode === 'login' ? app.account.login(username, password) : app.account.register(username, displayName, password),
  );

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    void submit.run();
  }

  function toggle() {
    setMode(mode === 'login' ? 'register' : 'login');
    submit.clearError();
  }

  const registering = mode === 'register';

  return (
    <main className="auth">
      <div className="auth-card">
        <div className="auth-brand">
          <img src={`${import.meta.env.BASE_URL}icon.svg`} alt="" width={56} height={56} />
          <h1>{t('app.name')}</h1>
          <p>{t('app.tagline')}</p>
        </div>

        <form className="auth-form" onSubmit={onSubmit} aria-labelledby="auth-title">
          <h2 id="auth-title">{registering ? t('auth.registerTitle') : t('auth.loginTitle')}</h2>
          {endedBy ? (
            <p role="status" className="notice">
              {t('auth.sessionEnded', { reason: errorCodeText(t, endedBy) })}
            </p>
          ) : null}
          <TextField
            label={t('auth.username')}
            value={username}
            onValueChange={setUsername}
            autoComplete="username"
            autoCapitalize="none"
            autoCorrect="off"
            spellCheck={false}
            required
            maxLength={limits.usernameMax * 4}
            hint={registering ? t('auth.usernameHint', { min: limits.usernameMin, max: limits.usernameMax }) : undefined}
          />
          {registering ? (
            <TextField
              label={t('auth.displayName')}
              value={displayName}
              onValueChange={setDisplayName}
              autoComplete="nickname"
              required
              maxLength={limits.displayNameMax * 4}
            />
          ) : null}
          <TextField
            label={t('auth.password')}
            type="password"
            value={password}
            onValueChange={setPassword}
            autoComplete={registering ? 'new-password' : 'current-password'}
            required
            minLength={registering ? limits.passwordMin : undefined}
            maxLength={limits.passwordMax}
            hint={registering ? t('auth.passwordHint', { min: limits.passwordMin }) : undefined}
          />
          <ErrorMessage error={submit.error} />
          <button type="submit" className="button button--primary button--block" disabled={submit.busy}>
            {registering ? t('auth.register') : t('auth.login')}
          </button>
        </form>

        <p className="auth-switch">
          <span>{registering ? t('auth.haveAccount') : t('auth.noAccount')}</span>{' '}
          <button type="button" className="link-button" onClick={toggle}>
            {registering ? t('auth.toLogin') : t('auth.toRegister')}
          </button>
        </p>
        <LanguageSwitcher compact />
      </div>
    </main>
  );
}
