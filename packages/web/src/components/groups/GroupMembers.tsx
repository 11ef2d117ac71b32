import type { ConversationDto, MemberDto } from '@feige/protocol';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAction } from '../../lib/useAction';
import { useApp, useAppState } from '../../store/react';
import { Avatar } from '../common/Avatar';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { ErrorMessage } from '../common/ErrorMessage';
import { InviteFriendsDialog } from './InviteFriendsDialog';

type Asking = { kind: 'remove' | 'owner'; member: MemberDto } | null;

/** What I may do to `member`, by the server's rules (groups.service.ts): the buttons shown are the allowed ones. */
function allowed(myRole: MemberDto['role'], meId: string | null, member: MemberDto) {
  const other = member.user.id !== meId;
  const owner = myRole === 'owner';
  return {
    remove: other && member.role !== 'owner' && (owner || (myRole === 'admin' && member.role === 'member')),
    makeAdmin: owner && other && member.role === 'member',
    removeAdmin: owner && other && member.role === 'admin',
    makeOwner: owner && other,
  };
}

function nameOf(member: MemberDto): string {
  return member.nickname || member.user.displayName;
}

function MemberRow({ conversation, member, online, onAsk }: { conversation: ConversationDto; member: MemberDto; online: boolean; onAsk: (a: Asking) => void }) {
  const { t } = useTranslation();
  const app = useApp();
  const meId = useAppState((s) => s.me?.id ?? null);
  const myRole = conversation.group?.myRole ?? 'member';
  const can = allowed(myRole, meId, member);
  const setRole = useAction((role: 'admin' | 'member') => app.groups.setRole(conversation.id, member.user.id, role));
  const name = nameOf(member);
  return (
    <li className="person member">
      <Avatar user={member.user} online={online} size="small" />
      <div className="person-text">
        <span className="person-name">
          {name}
          {member.user.id === meId ? <span className="member-you"> {t('groups.you')}</span> : null}
          {member.role !== 'member' ? <span className="tag tag--accent">{t(`groups.role.${member.role}`)}</span> : null}
        </span>
        <span className="person-username">
          {member.nickname ? `${member.user.displayName} · ` : ''}@{member.user.username} · {online ? t('presence.online') : t('presence.offline')}
        </span>
        <ErrorMessage error={setRole.error} />
      </div>
      {can.remove || can.makeAdmin || can.removeAdmin || can.makeOwner ? (
        <div className="person-actions">
          {can.makeAdmin ? (
            <button type="button" className="button button--ghost button--small" disabled={setRole.busy} onClick={() => void setRole.run('admin')}>
              {t('groups.makeAdmin')}
            </button>
          ) : null}
          {can.removeAdmin ? (
            <button type="button" className="button button--ghost button--small" disabled={setRole.busy} onClick={() => void setRole.run('member')}>
              {t('groups.removeAdmin')}
            </button>
          ) : null}
          {can.makeOwner ? (
            <button type="button" className="button button--ghost button--small" onClick={() => onAsk({ kind: 'owner', member })}>
              {t('groups.makeOwner')}
            </button>
          ) : null}
          {can.remove ? (
            <button type="button" className="button button--ghost button--small" onClick={() => onAsk({ kind: 'remove', member })}>
              {t('groups.removeMember')}
            </button>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}

/** The member list with roles and presence, the per-member actions I am allowed, and inviting friends. */
export function GroupMembers({ conversation }: { conversation: ConversationDto }) {
  const { t } = useTranslation();
  const app = useApp();
  const headingId = useId();
  const members = useAppState((s) => s.members[conversation.id]);
  const presence = useAppState((s) => s.presence);
  const [asking, setAsking] = useState<Asking>(null);
  const [inviting, setInviting] = useState(false);
  const confirm = useAction(async () => {
    if (!asking) return;
    if (asking.kind === 'remove') await app.groups.removeMember(conversation.id, asking.member.user.id);
    else await app.groups.transferOwnership(conversation.id, asking.member.user.id);
  });

  async function onConfirm() {
    if (await confirm.run()) setAsking(null);
  }

  return (
    <section className="panel-section" aria-labelledby={headingId}>
      <h3 id={headingId}>{t('groups.membersHeading', { n: conversation.group?.memberCount ?? members?.length ?? 0 })}</h3>
      <button type="button" className="button button--primary button--small" onClick={() => setInviting(true)}>
        {t('groups.inviteFriends')}
      </button>
      {members === undefined ? (
        <p className="placeholder">{t('common.loading')}</p>
      ) : (
        <ul role="list" className="people" aria-label={t('groups.membersLabel')}>
          {members.map((m) => (
            // Friends' presence is live; everyone else's is as of when the list was loaded.
            <MemberRow key={m.user.id} conversation={conversation} member={m} online={presence[m.user.id] ?? m.online} onAsk={setAsking} />
          ))}
        </ul>
      )}
      {inviting ? <InviteFriendsDialog conversation={conversation} members={members ?? []} onClose={() => setInviting(false)} /> : null}
      {asking ? (
        <ConfirmDialog
          title={
            asking.kind === 'remove'
              ? t('groups.confirmRemoveTitle', { name: nameOf(asking.member) })
              : t('groups.confirmOwnerTitle', { name: nameOf(asking.member) })
          }
          body={asking.kind === 'remove' ? t('groups.confirmRemoveBody') : t('groups.confirmOwnerBody')}
          confirmLabel={asking.kind === 'remove' ? t('groups.confirmRemove') : t('groups.confirmOwner')}
          busy={confirm.busy}
          error={confirm.error}
          onConfirm={() => void onConfirm()}
          onCancel={() => {
            confirm.clearError();
            setAsking(null);
          }}
        />
      ) : null}
    </section>
  );
}
