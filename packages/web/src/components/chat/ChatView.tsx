import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppState } from '../../store/react';
import { ChatHeader } from './ChatHeader';
import { Composer } from './Composer';
import { EmptyChat } from './EmptyChat';
import { MessageList } from './MessageList';

/** Remounted per conversation (keyed by id), so scroll position and the draft never leak between chats. */
export function ChatView({ conversationId }: { conversationId: string }) {
  const { t } = useTranslation();
  const conversation = useAppState((s) => s.conversations.find((c) => c.id === conversationId));
  const page = useAppState((s) => s.messages[conversationId]);
  const outbox = useAppState((s) => s.outbox);
  const typing = useAppState((s) => s.typing[conversationId] !== undefined);
  const presence = useAppState((s) => s.presence);
  const meId = useAppState((s) => s.me?.id ?? null);
  const pending = useMemo(() => outbox.filter((e) => e.conversationId === conversationId), [outbox, conversationId]);

  if (!conversation) return <EmptyChat />;
  const peer = conversation.peer;
  return (
    <section className="chat" aria-label={t('chat.regionLabel', { name: peer.displayName })}>
      <ChatHeader peer={peer} online={presence[peer.id]} typing={typing} />
      <MessageList conversation={conversation} page={page} pending={pending} meId={meId} />
      <Composer conversationId={conversationId} canSend={conversation.canSend} />
    </section>
  );
}
