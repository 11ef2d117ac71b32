import type { UserDto } from '@feige/protocol';
import { useTranslation } from 'react-i18next';
import { useApp } from '../../store/react';
import { Avatar } from '../common/Avatar';

interface ChatHeaderProps {
  peer: UserDto;
  /** Undefined when the peer is not a friend: their presence is not shared with me. */
  online: boolean | undefined;
  typing: boolean;
}

export function ChatHeader({ peer, online, typing }: ChatHeaderProps) {
  const { t } = useTranslation();
  const app = useApp();
  return (
    <header className="chat-header">
      <button type="button" className="icon-button chat-back" aria-label={t('chat.back')} onClick={() => app.chat.open(null)}>
        <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
          <path d="M15 5l-7 7 7 7" fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
      </button>
      <Avatar user={peer} online={online} />
      <div className="chat-title">
        <h2>{peer.displayName}</h2>
        {/* Typing replaces the presence line, as in most messengers; both are announced politely. */}
        <p className={typing ? 'chat-subtitle chat-subtitle--typing' : 'chat-subtitle'} role="status">
          {typing ? t('chat.typing') : online === undefined ? '' : online ? t('presence.online') : t('presence.offline')}
        </p>
      </div>
    </header>
  );
}
