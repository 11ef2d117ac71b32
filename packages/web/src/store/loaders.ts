import { limits, type FriendDto } from '@feige/protocol';
import type { Ctx } from './context';
import { reportBackground } from './context';
import { mergeConversationList } from './conversations';
import { mergeLatest, mergeOlder } from './messages';
import type { Refetch } from './updates';

export const historyPageSize = 50;

/**
 * Run `task` now, or once more after the run in flight when called again meanwhile: a burst of updates that each
 * ask for the friend list costs at most two requests, and the last one always sees the newest state.
 */
function coalesce(task: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  return () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await task();
        } while (again);
      } finally {
        running = null;
      }
    })();
    return running;
  };
}

function byName(a: FriendDto, b: FriendDto): number {
  return a.user.displayName.localeCompare(b.user.displayName) || a.user.username.localeCompare(b.user.username);
}

export function createLoaders(ctx: Ctx) {
  const { client } = ctx;

  const conversations = coalesce(async () => {
    const at = ctx.epoch();
    const result = await client.call('conversations.list', {});
    ctx.setIf(at, (s) => ({
      ...s,
      conversations: mergeConversationList(s.conversations, result.conversations),
      conversationsLoaded: true,
    }));
  });

  const friends = coalesce(async () => {
    const at = ctx.epoch();
    const result = await client.call('friends.list', {});
    const sorted = [...result.friends].sort(byName);
    ctx.setIf(at, (s) => ({
      ...s,
      friends: sorted,
      friendsLoaded: true,
      // Presence is only known for friends: a former friend's stale "online" must not linger.
      presence: Object.fromEntries(sorted.map((f) => [f.user.id, f.online])),
    }));
  });

  const requests = coalesce(async () => {
    const at = ctx.epoch();
    const result = await client.call('friends.requests', {});
    ctx.setIf(at, (s) => ({ ...s, incoming: result.incoming, outgoing: result.outgoing }));
  });

  const blocks = coalesce(async () => {
    const at = ctx.epoch();
    const result = await client.call('blocks.list', {});
    ctx.setIf(at, (s) => ({ ...s, blocks: result.users }));
  });

  const latestByConversation = new Map<string, () => Promise<void>>();

  /** Fetch the newest page of a conversation and join it to what is held. */
  function latest(conversationId: string): Promise<void> {
    let run = latestByConversation.get(conversationId);
    if (!run) {
      run = coalesce(async () => {
        const at = ctx.epoch();
        const result = await client.call('messages.history', { conversationId, limit: historyPageSize });
        ctx.setIf(at, (s) => ({
          ...s,
          messages: { ...s.messages, [conversationId]: mergeLatest(s.messages[conversationId], result.messages, result.hasMore) },
        }));
      });
      latestByConversation.set(conversationId, run);
    }
    return run();
  }

  /** Fetch the page before the oldest held message (scrolling up). */
  async function older(conversationId: string): Promise<void> {
    const page = ctx.get().messages[conversationId];
    const first = page?.items[0];
    if (!page || !first || !page.hasMore || page.loadingOlder) return;
    const at = ctx.epoch();
    const setLoading = (loadingOlder: boolean) =>
      ctx.setIf(at, (s) => {
        const current = s.messages[conversationId];
        return current ? { ...s, messages: { ...s.messages, [conversationId]: { ...current, loadingOlder } } } : s;
      });
    setLoading(true);
    try {
      const result = await client.call('messages.history', {
        conversationId,
        beforeSeq: first.seq,
        limit: Math.min(historyPageSize, limits.historyPageMax),
      });
      ctx.setIf(at, (s) => {
        const current = s.messages[conversationId];
        if (!current) return s;
        // The page was replaced meanwhile (a gap reload): these older messages may not join it, so drop them.
        if (current.items[0]?.seq !== first.seq) return { ...s, messages: { ...s.messages, [conversationId]: { ...current, loadingOlder: false } } };
        return { ...s, messages: { ...s.messages, [conversationId]: mergeOlder(current, result.messages, result.hasMore) } };
      });
    } catch (error) {
      setLoading(false);
      throw error;
    }
  }

  const byKind: Record<Refetch, () => Promise<void>> = { conversations, friends, requests, blocks };

  function refetch(kinds: Iterable<Refetch>): Promise<void> {
    return Promise.all([...kinds].map((kind) => byKind[kind]().catch(reportBackground))).then(() => undefined);
  }

  function reset(): void {
    latestByConversation.clear();
  }

  return { conversations, friends, requests, blocks, latest, older, refetch, reset };
}

export type Loaders = ReturnType<typeof createLoaders>;
