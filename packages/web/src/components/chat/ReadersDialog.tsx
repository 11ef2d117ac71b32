import type { UserDto } from '@feige/protocol';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAction } from '../../lib/useAction';
import { useApp } from '../../store/react';
import { ErrorMessage } from '../common/ErrorMessage';
import { Modal } from '../common/Modal';

/** Who of the group has read one of my messages (names up to the server's limit, otherwise only how many). */
export function ReadersDialog({ conversationId, seq, onClose }: { conversationId: string; seq: number; onClose: () => void }) {
  const { t } = useTranslation();
  const app = useApp();
  const [result, setResult] = useState<{ count: number; readers: UserDto[] | null } | null>(null);
  const load = useAction(async () => setResult(await app.groups.readers(conversationId, seq)));
  const { run } = load;

  useEffect(() => {
    void run();
  }, [run]);

  return (
    <Modal title={t('chat.readersTitle')} onClose={onClose}>
      <ErrorMessage error={load.error} />
      {result === null ? (
        load.error ? null : <p className="placeholder">{t('common.loading')}</p>
      ) : result.readers === null ? (
        <p>{t('chat.readersCountOnly', { n: result.count })}</p>
      ) : result.readers.length === 0 ? (
        <p>{t('chat.readersNone')}</p>
      ) : (
        <ul role="list" className="readers" aria-label={t('chat.readersLabel')}>
          {result.readers.map((user) => (
            <li key={user.id}>{user.displayName}</li>
          ))}
        </ul>
      )}
      <div className="dialog-actions">
        <button type="button" className="button button--primary" onClick={onClose}>
          {t('chat.close')}
        </button>
      </div>
    </Modal>
  );
}
