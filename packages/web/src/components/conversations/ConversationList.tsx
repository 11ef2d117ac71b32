import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppState } from '../../store/react';
import { JoinGroupDialog } from '../groups/JoinGroupDialog';
import { NewGroupDialog } from '../groups/NewGroupDialog';
import { ConversationItem } from './ConversationItem';

export function ConversationList() {
  const { t } = useTranslation();
  const conversations = useAppState((s) => s.conversations);
  const loaded = useAppState((s) => s.conversationsLoaded);
  const presence = useAppState((s) => s.presence);
  const openId = useAppState((s) => s.openConversationId);
  const meId = useAppState((s) => s.me?.id ?? null);
  const left = useAppState((s) => s.left);
  const [creating, setCreating] = useState(false);
  const [joining, setJoining] = useState(false);

  return (
    <>
      <div className="list-toolbar" role="group" aria-label={t('conversations.toolbarLabel')}>
        <button type="button" className="button button--primary button--small" onClick={() => setCreating(true)}>
          {t('conversations.newGroup')}
        </button>
        <button type="button" className="button button--ghost button--small" onClick={() => setJoining(true)}>
          {t('conversations.joinWithLink')}
        </button>
      </div>
      {conversations.length === 0 ? (
        <p className="placeholder">{loaded ? t('conversations.empty') : t('conversations.loading')}</p>
      ) : (
        <ul role="list" className="conversation-list" aria-label={t('conversations.listLabel')}>
          {conversations.map((c) => (
            <li key={c.id}>
              <ConversationItem
                conversation={c}
                online={c.peer ? presence[c.peer.id] : undefined}
                active={c.id === openId}
                meId={meId}
                left={left[c.id] !== undefined}
              />
            </li>
          ))}
        </ul>
      )}
      {creating ? <NewGroupDialog onClose={() => setCreating(false)} /> : null}
      {joining ? <JoinGroupDialog initial="" onClose={() => setJoining(false)} /> : null}
    </>
  );
}
