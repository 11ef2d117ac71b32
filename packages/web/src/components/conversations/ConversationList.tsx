import { useTranslation } from 'react-i18next';
import { useAppState } from '../../store/react';
import { ConversationItem } from './ConversationItem';

export function ConversationList() {
  const { t } = useTranslation();
  const conversations = useAppState((s) => s.conversations);
  const loaded = useAppState((s) => s.conversationsLoaded);
  const presence = useAppState((s) => s.presence);
  const openId = useAppState((s) => s.openConversationId);
  const meId = useAppState((s) => s.me?.id ?? null);

  if (conversations.length === 0) {
    return <p className="placeholder">{loaded ? t('conversations.empty') : t('conversations.loading')}</p>;
  }
  return (
    <ul role="list" className="conversation-list" aria-label={t('conversations.listLabel')}>
      {conversations.map((c) => (
        <li key={c.id}>
          <ConversationItem conversation={c} online={presence[c.peer.id]} active={c.id === openId} meId={meId} />
        </li>
      ))}
    </ul>
  );
}
