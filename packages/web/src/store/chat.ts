import type { Ctx } from './context';
import { reportBackground } from './context';
import { upsertConversation } from './conversations';
import type { Loaders } from './loaders';
import { changeConversation, withoutKey } from './updates';

/** typing.start at most this often per conversation; peers show the indicator for a few seconds after each. */
export const typingThrottleMs = 3000;

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
      if (s.openConversationId === conversationId && s.view === view) return s;
      // The group info panel belongs to the chat it was opened for.
      const groupInfoOpen = s.openConversationId === conversationId && s.groupInfoOpen;
      return { ...s, openConversationId: conversationId, view, groupInfoOpen };
    });
    if (!conversationId) return;
    const state = ctx.get();
    // A group I left: show what is held; the server has nothing more for me.
    if (state.left[conversationId] !== undefined) return;
    const group = state.conversations.find((c) => c.id === conversationId)?.kind === 'group';
    // Always fetch the newest page on open: it is cheap, and it heals a page that went stale while closed.
    loaders
      .latest(conversationId)
      .then(() => {
        markRead();
        if (group) return loaders.readCounts(conversationId);
      })
      .catch(reportBackground);
    // Members name the senders, feed @mention suggestions and highlight mentions.
    if (group) loaders.members(conversationId).catch(reportBackground);
    markRead();
  }

  /** Show or hide the group info panel of the open chat. */
  function toggleGroupInfo(show?: boolean): void {
    ctx.set((s) => {
      const groupInfoOpen = show ?? !s.groupInfoOpen;
      return s.groupInfoOpen === groupInfoOpen ? s : { ...s, groupInfoOpen };
    });
  }

  /** Drop a group I have left from this device's list (the server forgot it already). */
  function forget(conversationId: string): void {
    ctx.set((s) => {
      if (s.left[conversationId] === undefined) return s;
      return {
        ...s,
        conversations: s.conversations.filter((c) => c.id !== conversationId),
        messages: withoutKey(s.messages, conversationId),
        members: withoutKey(s.members, conversationId),
        readCounts: withoutKey(s.readCounts, conversationId),
        left: withoutKey(s.left, conversationId),
        openConversationId: s.openConversationId === conversationId ? null : s.openConversationId,
        groupInfoOpen: s.openConversationId === conversationId ? false : s.groupInfoOpen,
      };
    });
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
    if (!id || !state.signedIn || !ctx.isVisible() || state.left[id] !== undefined) return;
    const conversation = state.conversations.find((c) => c.id === id);
    if (!conversation) return;
    const seq = Math.max(conversation.lastSeq, state.messages[id]?.items.at(-1)?.seq ?? 0);
    if (seq <= conversation.readSeq || seq <= (readSent.get(id) ?? 0)) return;
    readSent.set(id, seq);
    // Clear the badge now; the conversation.read update then moves readSeq on this and every other device.
    ctx.set((s) =>
      changeConversation(s, id, (c) => (c.unreadCount === 0 && c.mentionCount === 0 ? c : { ...c, unreadCount: 0, mentionCount: 0 })),
    );
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
    if (client.state !== 'online' || ctx.get().left[conversationId] !== undefined) return;
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

  return { open, openDirect, toggleGroupInfo, forget, markRead, send, retry, discard, typing, loadOlder, syncOutbox, reset };
}

export type ChatActions = ReturnType<typeof createChatActions>;
