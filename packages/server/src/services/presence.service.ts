import type { ServiceDeps } from './context.js';

/**
 * Who is online on this node. A user is online while at least one of their sockets is authenticated; friends hear
 * of the first connect and the last disconnect only.
 */
export function presenceService(deps: Pick<ServiceDeps, 'storage' | 'bus'>) {
  const sockets = new Map<string, number>();

  /** Friends hear it, except those the user has blocked: a block hides presence too. */
  async function tellFriends(userId: string, online: boolean): Promise<void> {
    const [friends, blocked] = await Promise.all([
      deps.storage.repos.social.friendsOf(userId),
      deps.storage.repos.social.blockedBy(userId),
    ]);
    const hidden = new Set(blocked);
    for (const { friendId } of friends)
      if (!hidden.has(friendId)) deps.bus.publish(friendId, { kind: 'event', event: { type: 'presence', userId, online } });
  }

  return {
    isOnline: (userId: string) => (sockets.get(userId) ?? 0) > 0,

    async connected(userId: string): Promise<void> {
      const count = (sockets.get(userId) ?? 0) + 1;
      sockets.set(userId, count);
      if (count === 1) await tellFriends(userId, true);
    },

    async disconnected(userId: string): Promise<void> {
      const count = (sockets.get(userId) ?? 0) - 1;
      if (count > 0) {
        sockets.set(userId, count);
        return;
      }
      sockets.delete(userId);
      await tellFriends(userId, false);
    },
  };
}

export type PresenceService = ReturnType<typeof presenceService>;
