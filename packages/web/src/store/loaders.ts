import { limits, type FriendDto } from '@feige/protocol';
import type { Ctx } from './context';
import { reportBackground } from './context';
import { mergeConversationList, upsertConversation } from './conversations';
import { mergeLatest, mergeOlder } from './messages';
import type { Effects, Refetch } from './updates';

export const historyPageSize = 50;
/** Read counts are asked for the newest this many seqs of a chat (the server caps one request's range). */
const readCountWindow = 200;

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

/** A coalesced loader per conversation id; `clear()` forgets them all (sign-out). */
function perConversation(task: (conversationId: string) => Promise<void>) {
  const runs = new Map<string, () => Promise<void>>();
  const load = (conversationId: string): Promise<void> => {
    let run = runs.get(conversationId);
    if (!run) {
      run = coalesce(() => task(conversationId));
      runs.set(conversationId, run);
    }
    return run();
  };
  return Object.assign(load, { clear: () => runs.clear() });
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
      conversations: mergeConversationList(s.conversations, result.conversations, s.left),
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

  /** Fetch the newest page of a conversation and join it to what is held. */
  const latest = perConversation(async (conversationId) => {
    const at = ctx.epoch();
    const result = await client.call('messages.history', { conversationId, limit: historyPageSize });
    ctx.setIf(at, (s) => ({
      ...s,
      messages: { ...s.messages, [conversationId]: mergeLatest(s.messages[conversationId], result.messages, result.hasMore) },
    }));
  });

  /** One conversation's own copy (a group's title, member count, my role), unless I have left it meanwhile. */
  const conversation = perConversation(async (conversationId) => {
    const at = ctx.epoch();
    const result = await client.call('conversations.get', { conversationId });
    ctx.setIf(at, (s) =>
      s.left[conversationId] === undefined ? { ...s, conversations: upsertConversation(s.conversations, result.conversation) } : s,
    );
  });

  const members = perConversation(async (conversationId) => {
    const at = ctx.epoch();
    const result = await client.call('groups.members', { conversationId });
    ctx.setIf(at, (s) => (s.left[conversationId] === undefined ? { ...s, members: { ...s.members, [conversationId]: result.members } } : s));
  });

  /** "Read by N" for my messages among the newest held (the server answers at most a window of seqs at a time). */
  const readCounts = perConversation(async (conversationId) => {
    const state = ctx.get();
    const meId = state.me?.id;
    const mine = (state.messages[conversationId]?.items ?? []).filter((m) => m.senderId === meId && m.kind === 'text');
    const toSeq = mine.at(-1)?.seq;
    if (toSeq === undefined) return;
    const fromSeq = Math.max(mine[0]?.seq ?? toSeq, toSeq - readCountWindow + 1);
    const at = ctx.epoch();
    const result = await client.call('messages.readCounts', { conversationId, fromSeq, toSeq });
    ctx.setIf(at, (s) => ({
      ...s,
      readCounts: {
        ...s.readCounts,
        [conversationId]: { ...s.readCounts[conversationId], ...Object.fromEntries(result.counts.map((c) => [c.seq, c.count])) },
      },
    }));
  });

  const joinRequests = perConversation(async (conversationId) => {
    const at = ctx.epoch();
    const result = await client.call('groups.joinRequests', { conversationId });
    ctx.setIf(at, (s) => ({ ...s, joinRequests: { ...s.joinRequests, [conversationId]: result.requests } }));
  });

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

  /** Follow-ups of group updates: each refetches only what this device holds or shows. */
  function followUp(effects: Effects): void {
    const state = ctx.get();
    for (const id of effects.refreshConversation) conversation(id).catch(reportBackground);
    for (const id of effects.refreshMembers) if (state.members[id]) members(id).catch(reportBackground);
    for (const id of effects.refreshReadCounts) if (state.openConversationId === id) readCounts(id).catch(reportBackground);
    for (const id of effects.refreshJoinRequests) if (state.joinRequests[id]) joinRequests(id).catch(reportBackground);
  }

  function reset(): void {
    for (const loader of [latest, conversation, members, readCounts, joinRequests]) loader.clear();
  }

  return { conversations, friends, requests, blocks, latest, conversation, members, readCounts, joinRequests, older, refetch, followUp, reset };
}

export type Loaders = ReturnType<typeof createLoaders>;
