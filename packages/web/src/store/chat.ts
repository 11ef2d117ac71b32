import type { ConversationDto } from '@feige/protocol';
import type { Ctx } from './context';
import { reportBackground } from './context';
import { upsertConversation } from './conversations';
import type { Loaders } from './loaders';
import type { AppState } from './state';

/** typing.start at most this often per conversation; peers show the indicator for a few seconds after each. */
export const typingThrottleMs = 3000;

function updateConversation(state: AppState, id: string, change: (c: ConversationDto) => ConversationDto): AppState {
  const index = state.conversations.findIndex((c) => c.id === id);
  const current = state.conversations[index];
  if (!current) return state;
  const updated = change(current);
  if (updated === current) return state;
  const list = [...state.conversations];
  list[index] = updated;
  return { ...state, conversations: list };
}

export function createChatActions(ctx: Ctx, loaders: Loaders) {
  const { client } = ctx;
  /** The newest read mark sent per conversation, so each seq is marked once even when many triggers fire. */
  const readSent = new Map<string, number>();
  const typingSentAt = new Map<string, number>();

  function syncOutbox(): void {
    // Copy: the SDK may hand out the array it mutates, and the store relies on new references to re-render.
    const outbox = [...client.outbox];
    ctx.set((s) => ({ ...s, outbox }));
  }

  /** Open a chat (null closes it). Opening also shows the chat list, so the sidebar matches what is on screen. */
  function open(conversationId: string | null): void {
    ctx.set((s) => {
      const view = conversationId ? 'chats' : s.view;
      return s.openConversationId === conversationId && s.view === view ? s : { ...s, openConversationId: conversationId, view };
    });
    if (conversationId) {
      // Always fetch the newest page on open: it is cheap, and it heals a page that went stale while closed.
      loaders.latest(conversationId).then(markRead, reportBackground);
      markRead();
    }
  }

  async function openDirect(userId: string): Promise<void> {
    const at = ctx.epoch();
    const { conversation } = await client.call('conversations.openDirect', { userId });
    ctx.setIf(at, (s) => ({ ...s, conversations: upsertConversation(s.conversations, conversation) }));
    if (at === ctx.epoch()) open(conversation.id);
  }

  /** Mark the open conversation read up to its newest message, when the user can actually see it. */
  function markRead(): void {
    const state = ctx.get();
    const id = state.openConversationId;
    if (!id || !state.signedIn || !ctx.isVisible()) return;
    const conversation = state.conversations.find((c) => c.id === id);
    if (!conversation) return;
    const seq = Math.max(conversation.lastSeq, state.messages[id]?.items.at(-1)?.seq ?? 0);
    if (seq <= conversation.readSeq || seq <= (readSent.get(id) ?? 0)) return;
    readSent.set(id, seq);
    // Clear the badge now; the conversation.read update then moves readSeq on this and every other device.
    ctx.set((s) => updateConversation(s, id, (c) => (c.unreadCount === 0 ? c : { ...c, unreadCount: 0 })));
    client.call('messages.read', { conversationId: id, seq }).catch((error: unknown) => {
      // Forget it so the next trigger (a reconnect, a new message) tries again.
      if (readSent.get(id) === seq) readSent.delete(id);
      reportBackground(error);
    });
  }

  function send(conversationId: string, text: string): void {
    client.sendMessage(conversationId, text);
    syncOutbox();
  }

  function retry(clientMsgId: string): void {
    client.retry(clientMsgId);
    syncOutbox();
  }

  function discard(clientMsgId: string): void {
    client.discard(clientMsgId);
    syncOutbox();
  }

  /** Called on every keystroke; sends typing.start at most once per throttle window, and only when it can arrive. */
  function typing(conversationId: string): void {
    if (client.state !== 'online') return;
    const now = Date.now();
    if (now - (typingSentAt.get(conversationId) ?? 0) < typingThrottleMs) return;
    typingSentAt.set(conversationId, now);
    client.call('typing.start', { conversationId }).catch(() => {
      // Typing is a courtesy signal; a lost one is not worth telling the user about.
    });
  }

  function loadOlder(conversationId: string): Promise<void> {
    return loaders.older(conversationId);
  }

  function reset(): void {
    readSent.clear();
    typingSentAt.clear();
  }

  return { open, openDirect, markRead, send, retry, discard, typing, loadOlder, syncOutbox, reset };
}

export type ChatActions = ReturnType<typeof createChatActions>;
