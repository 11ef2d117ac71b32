import { limits } from '@feige/protocol';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useAction } from '../../lib/useAction';
import { useApp } from '../../store/react';
import { ErrorMessage } from '../common/ErrorMessage';
import { TextField } from '../common/TextField';

export function ChangePasswordForm() {
  const { t } = useTranslation();
  const app = useApp();
  const headingId = useId();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const [revoked, setRevoked] = useState<number | null>(null);
  const change = useAction(async () => {
    setRevoked(await app.account.changePassword(current, next));
    setCurrent('');
    setNext('');
    setRepeat('');
  });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    setRevoked(null);
    // Checked here, not by the server: a typo in a new password would otherwise lock the user out.
    const differs = next !== repeat;
    setMismatch(differs);
    if (!differs) void change.run();
  }

  return (
    <section className="panel-section" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('settings.passwordHeading')}</h2>
      <form className="stack" onSubmit={onSubmit}>
        <TextField label={t('settings.currentPassword')} type="password" autoComplete="current-password" required value={current} onValueChange={setCurrent} maxLength={limits.passwordMax} />
        <TextField
          label={t('settings.newPassword')}
          type="password"
          autoComplete="new-password"
          required
          minLength={limits.passwordMin}
          maxLength={limits.passwordMax}
          value={next}
          onValueChange={setNext}
          hint={t('auth.passwordHint', { min: limits.passwordMin })}
        />
        <TextField label={t('settings.confirmPassword')} type="password" autoComplete="new-password" required value={repeat} onValueChange={setRepeat} maxLength={limits.passwordMax} />
        {mismatch ? (
          <p role="alert" className="error-text">
            {t('settings.passwordMismatch')}
          </p>
        ) : null}
        <ErrorMessage error={change.error} />
        {revoked !== null ? (
          <p role="status" className="notice">
            {t('settings.passwordChanged', { count: revoked })}
          </p>
        ) : null}
        <button type="submit" className="button button--primary" disabled={change.busy}>
          {t('settings.changePassword')}
        </button>
      </form>
    </section>
  );
}
