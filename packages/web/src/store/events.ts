import type { EphemeralDto } from '@feige/protocol';
import type { AccountActions } from './account';
import type { ChatActions } from './chat';
import type { Ctx } from './context';
import { reportBackground } from './context';
import type { Loaders } from './loaders';
import { applyNewMessage, applyUpdate, noEffects, withoutTypist, type Effects } from './updates';

/** How long a typing indicator stays after the last typing event (the sender repeats it every 3 s while typing). */
export const typingShowMs = 5000;

export interface Bound {
  loaders: Loaders;
  chat: ChatActions;
  account: AccountActions;
}

/** Feed the store from the SDK. Returns a function that removes every listener and timer. */
export function bindClient(ctx: Ctx, { loaders, chat, account }: Bound): () => void {
  const { client } = ctx;
  const typingTimers = new Map<string, ReturnType<typeof setTimeout>>();

  function run(effects: Effects): void {
    if (effects.refetch.size > 0) void loaders.refetch(effects.refetch);
    for (const id of effects.reloadLatest) loaders.latest(id).then(chat.markRead, reportBackground);
    if (effects.markRead) chat.markRead();
    loaders.followUp(effects);
  }

  function onOnline(): void {
    account.adoptSocketUser();
    // Reload the lists the log does not rebuild by itself, and refresh the open chat's newest page.
    loaders.refetch(['conversations', 'friends', 'requests', 'blocks']).then(chat.markRead, reportBackground);
    const open = ctx.get().openConversationId;
    if (open && ctx.get().left[open] === undefined) {
      const group = ctx.get().conversations.find((c) => c.id === open)?.kind === 'group';
      loaders
        .latest(open)
        .then(() => {
          chat.markRead();
          // Receipts that arrived while cut off are in the log, but the counts are worth a fresh look.
          if (group) return loaders.readCounts(open);
        })
        .catch(reportBackground);
      if (group) loaders.members(open).catch(reportBackground);
    }
  }

  function onEvent(event: EphemeralDto): void {
    if (event.type === 'presence') {
      ctx.set((s) => ({
        ...s,
        presence: { ...s.presence, [event.userId]: event.online },
        friends: s.friends.map((f) => (f.user.id === event.userId ? { ...f, online: event.online } : f)),
      }));
      return;
    }
    if (event.userId === ctx.meId()) return;
    const { conversationId, userId } = event;
    ctx.set((s) => {
      const typists = s.typing[conversationId] ?? [];
      return typists.includes(userId) ? s : { ...s, typing: { ...s.typing, [conversationId]: [...typists, userId] } };
    });
    // One timer per typist: in a group several people type at once and each stops on their own.
    const key = `${conversationId}\u0000${userId}`;
    clearTimeout(typingTimers.get(key));
    typingTimers.set(
      key,
      setTimeout(() => {
        typingTimers.delete(key);
        ctx.set((s) => {
          const typing = withoutTypist(s.typing, conversationId, userId);
          return typing === s.typing ? s : { ...s, typing };
        });
      }, typingShowMs),
    );
  }

  const offs = [
    client.on('state', (state) => {
      // Cut off, presence events stop arriving: show presence as unknown rather than a stale "online".
      ctx.set((s) => (s.connection === state ? s : { ...s, connection: state, presence: state === 'offline' ? {} : s.presence }));
      if (state === 'online' && ctx.get().signedIn) onOnline();
    }),
    client.on('update', (update) => {
      if (!ctx.get().signedIn) return;
      const effects = noEffects();
      ctx.set((s) => applyUpdate(s, update, effects));
      run(effects);
    }),
    client.on('sent', (_entry, message) => {
      if (!ctx.get().signedIn) return;
      const effects = noEffects();
      // Insert the stored message and drop the pending bubble in one change, so the bubble never blinks out.
      const outbox = [...client.outbox];
      ctx.set((s) => ({ ...applyNewMessage(s, message, effects), outbox }));
      run(effects);
    }),
    client.on('outbox', (entries) => {
      const outbox = [...entries];
      ctx.set((s) => ({ ...s, outbox }));
    }),
    client.on('event', (event) => {
      if (ctx.get().signedIn) onEvent(event);
    }),
    client.on('sessionEnded', (code) => {
      if (ctx.get().signedIn) account.leave(code);
    }),
  ];

  return () => {
    for (const off of offs) off();
    for (const timer of typingTimers.values()) clearTimeout(timer);
    typingTimers.clear();
  };
}
