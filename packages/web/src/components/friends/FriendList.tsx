import type { FriendDto, UserDto } from '@feige/protocol';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAction } from '../../lib/useAction';
import { useApp, useAppState } from '../../store/react';
import { Avatar } from '../common/Avatar';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { ErrorMessage } from '../common/ErrorMessage';

type Pending = { kind: 'remove' | 'block'; user: UserDto } | null;

function FriendRow({ friend, online, onAsk }: { friend: FriendDto; online: boolean | undefined; onAsk: (p: Pending) => void }) {
  const { t } = useTranslation();
  const app = useApp();
  const chat = useAction(() => app.chat.openDirect(friend.user.id));
  return (
    <li className="person">
      <Avatar user={friend.user} online={online} />
      <div className="person-text">
        <span className="person-name">{friend.user.displayName}</span>
        <span className="person-username">@{friend.user.username}</span>
        <ErrorMessage error={chat.error} />
      </div>
      <div className="person-actions">
        <button type="button" className="button button--primary button--small" disabled={chat.busy} onClick={() => void chat.run()}>
          {t('friends.openChat')}
        </button>
        <button type="button" className="button button--ghost button--small" onClick={() => onAsk({ kind: 'remove', user: friend.user })}>
          {t('friends.remove')}
        </button>
        <button type="button" className="button button--ghost button--small" onClick={() => onAsk({ kind: 'block', user: friend.user })}>
          {t('friends.block')}
        </button>
      </div>
    </li>
  );
}

export function FriendList() {
  const { t } = useTranslation();
  const app = useApp();
  const headingId = useId();
  const friends = useAppState((s) => s.friends);
  const loaded = useAppState((s) => s.friendsLoaded);
  const presence = useAppState((s) => s.presence);
  const [asking, setAsking] = useState<Pending>(null);
  const confirm = useAction(async () => {
    if (!asking) return;
    if (asking.kind === 'remove') await app.friends.remove(asking.user.id);
    else await app.friends.block(asking.user.id);
  });

  async function onConfirm() {
    if (await confirm.run()) setAsking(null);
  }

  function onCancel() {
    confirm.clearError();
    setAsking(null);
  }

  return (
    <section className="panel-section" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('friends.listHeading')}</h2>
      {friends.length === 0 ? (
        <p className="placeholder">{loaded ? t('friends.noFriends') : t('common.loading')}</p>
      ) : (
        <ul role="list" className="people" aria-label={t('friends.listLabel')}>
          {friends.map((f) => (
            <FriendRow key={f.user.id} friend={f} online={presence[f.user.id]} onAsk={setAsking} />
          ))}
        </ul>
      )}
      {asking ? (
        <ConfirmDialog
          title={
            asking.kind === 'remove'
              ? t('friends.confirmRemoveTitle', { name: asking.user.displayName })
              : t('friends.confirmBlockTitle', { name: asking.user.displayName })
          }
          body={asking.kind === 'remove' ? t('friends.confirmRemoveBody') : t('friends.confirmBlockBody')}
          confirmLabel={asking.kind === 'remove' ? t('friends.confirmRemove') : t('friends.confirmBlock')}
          busy={confirm.busy}
          error={confirm.error}
          onConfirm={() => void onConfirm()}
          onCancel={onCancel}
        />
      ) : null}
    </section>
  );
}
