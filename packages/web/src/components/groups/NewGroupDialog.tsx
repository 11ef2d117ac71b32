import { limits } from '@feige/protocol';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useAction } from '../../lib/useAction';
import { useApp, useAppState } from '../../store/react';
import { ErrorMessage } from '../common/ErrorMessage';
import { Modal } from '../common/Modal';
import { TextField } from '../common/TextField';
import { FriendPicker } from './FriendPicker';

/** Name a group and pick friends for it; the creator becomes its owner and the new chat opens. */
export function NewGroupDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const app = useApp();
  const friends = useAppState((s) => s.friends);
  const [title, setTitle] = useState('');
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const create = useAction(() => app.groups.create(title.trim(), [...chosen]));

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (await create.run()) onClose();
  }

  return (
    <Modal title={t('groups.newGroupTitle')} onClose={onClose}>
      <form className="stack" onSubmit={(e) => void onSubmit(e)}>
        <TextField
          label={t('groups.name')}
          value={title}
          onValueChange={setTitle}
          required
          maxLength={limits.groupTitleMax * 4}
          autoComplete="off"
          autoFocus
        />
        {friends.length === 0 ? <p className="placeholder">{t('groups.noFriends')}</p> : <FriendPicker friends={friends} chosen={chosen} onChange={setChosen} />}
        <ErrorMessage error={create.error} />
        <div className="dialog-actions">
          <button type="button" className="button button--ghost" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="button button--primary" disabled={create.busy || title.trim() === ''}>
            {t('groups.create')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
