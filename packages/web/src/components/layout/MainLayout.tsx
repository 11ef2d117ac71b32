import { useTranslation } from 'react-i18next';
import { useAppState } from '../../store/react';
import { ChatView } from '../chat/ChatView';
import { EmptyChat } from '../chat/EmptyChat';
import { ConversationList } from '../conversations/ConversationList';
import { FriendsPanel } from '../friends/FriendsPanel';
import { JoinGroupDialog } from '../groups/JoinGroupDialog';
import { useJoinLink } from '../groups/useJoinLink';
import { SettingsPanel } from '../settings/SettingsPanel';
import { ConnectionBanner } from './ConnectionBanner';
import { NavTabs } from './NavTabs';

/**
 * Sidebar (list, friends or settings) beside the chat. Below the phone breakpoint only one of them shows:
 * `data-chat-open` tells the CSS which, so both keep their state while hidden.
 */
export function MainLayout() {
  const { t } = useTranslation();
  const view = useAppState((s) => s.view);
  const openId = useAppState((s) => s.openConversationId);
  // An invite link (`#/join/<token>`) asks to join as soon as the user is signed in, whichever tab is showing.
  const joinLink = useJoinLink();
  const title = view === 'chats' ? t('conversations.title') : view === 'friends' ? t('friends.title') : t('settings.title');

  return (
    <div className="app" data-chat-open={openId ? 'true' : 'false'}>
      <ConnectionBanner />
      <div className="shell">
        <div className="sidebar">
          <header className="sidebar-header">
            <img src={`${import.meta.env.BASE_URL}icon.svg`} alt="" width={28} height={28} />
            <h1>{title}</h1>
          </header>
          <div className="sidebar-body">
            {view === 'chats' ? <ConversationList /> : view === 'friends' ? <FriendsPanel /> : <SettingsPanel />}
          </div>
          <NavTabs />
        </div>
        <main className="chat-pane">{openId ? <ChatView key={openId} conversationId={openId} /> : <EmptyChat />}</main>
      </div>
      {joinLink.token !== null ? <JoinGroupDialog initial={joinLink.token} onClose={joinLink.clear} /> : null}
    </div>
  );
}
