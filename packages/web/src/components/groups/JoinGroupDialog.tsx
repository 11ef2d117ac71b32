import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useAction } from '../../lib/useAction';
import { inviteTokenFrom } from '../../store/groups';
import { useApp } from '../../store/react';
import { ErrorMessage } from '../common/ErrorMessage';
import { Modal } from '../common/Modal';
import { TextField } from '../common/TextField';

/** A pasted link is the app's address plus `#/join/` and a token of at most 64 characters. */
const inviteLinkMaxLength = 512;

/** Join a group with an invite link: pasted here, or opened as `#/join/<token>` (then it comes filled in). */
export function JoinGroupDialog({ initial, onClose }: { initial: string; onClose: () => void }) {
  const { t } = useTranslation();
  const app = useApp();
  const [link, setLink] = useState(initial);
  const [bad, setBad] = useState(false);
  const join = useAction((token: string) => app.groups.join(token));

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const token = inviteTokenFrom(link);
    setBad(token === null);
    if (token !== null && (await join.run(token))) onClose();
  }

  return (
    <Modal title={t('groups.joinTitle')} onClose={onClose}>
      <form className="stack" onSubmit={(e) => void onSubmit(e)}>
        <TextField
          label={t('groups.linkLabel')}
          value={link}
          onValueChange={(value) => {
            setLink(value);
            setBad(false);
          }}
          hint={t('groups.linkHint')}
          autoComplete="off"
          spellCheck={false}
          required
          maxLength={inviteLinkMaxLength}
          autoFocus
        />
        {bad ? (
          <p role="alert" className="error-text">
            {t('groups.badLink')}
          </p>
        ) : null}
        <ErrorMessage error={join.error} />
        <div className="dialog-actions">
          <button type="button" className="button button--ghost" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="button button--primary" disabled={join.busy}>
            {t('groups.join')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
