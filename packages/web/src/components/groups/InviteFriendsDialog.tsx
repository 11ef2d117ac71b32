import type { ConversationDto, MemberDto } from '@feige/protocol';
import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useAction } from '../../lib/useAction';
import type { InviteResult } from '../../store/groups';
import { useApp, useAppState } from '../../store/react';
import { ErrorMessage } from '../common/ErrorMessage';
import { Modal } from '../common/Modal';
import { FriendPicker } from './FriendPicker';

/**
 * Invite friends who are not in the group yet. When the owner asked for approval and I am no admin, the server
 * queues them for an admin instead: the dialog then says so rather than closing as if they had joined.
 */
export function InviteFriendsDialog({ conversation, members, onClose }: { conversation: ConversationDto; members: readonly MemberDto[]; onClose: () => void }) {
  const { t } = useTranslation();
  const app = useApp();
  const friends = useAppState((s) => s.friends);
  const candidates = useMemo(() => {
    const inGroup = new Set(members.map((m) => m.user.id));
    return friends.filter((f) => !inGroup.has(f.user.id));
  }, [friends, members]);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [result, setResult] = useState<InviteResult | null>(null);
  const invite = useAction(async () => {
    const outcome = await app.groups.invite(conversation.id, [...chosen]);
    setChosen(new Set());
    // Everyone joined: done. Someone waits for an admin: say so before closing.
    if (outcome.pending === 0) onClose();
    else setResult(outcome);
  });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    setResult(null);
    void invite.run();
  }

  return (
    <Modal title={t('groups.inviteTitle')} onClose={onClose}>
      <form className="stack" onSubmit={onSubmit}>
        {candidates.length === 0 ? (
          <p className="placeholder">{t('groups.noOneToInvite')}</p>
        ) : (
          <FriendPicker friends={candidates} chosen={chosen} onChange={setChosen} />
        )}
        {result ? (
          <p role="status" className="notice">
            {result.added > 0 ? `${t('groups.invited', { count: result.added })} ` : ''}
            {t('groups.invitePending', { count: result.pending })}
          </p>
        ) : null}
        <ErrorMessage error={invite.error} />
        <div className="dialog-actions">
          <button type="button" className="button button--ghost" onClick={onClose}>
            {result ? t('chat.close') : t('common.cancel')}
          </button>
          <button type="submit" className="button button--primary" disabled={invite.busy || chosen.size === 0}>
            {t('groups.invite')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
