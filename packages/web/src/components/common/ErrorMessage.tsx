import { useTranslation } from 'react-i18next';
import { errorText } from '../../i18n/errors';

/** A failed action's reason, announced to screen readers as it appears. */
export function ErrorMessage({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (error === null || error === undefined) return null;
  return (
    <p role="alert" className="error-text">
      {errorText(t, error)}
    </p>
  );
}
