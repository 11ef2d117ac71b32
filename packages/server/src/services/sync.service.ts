import { limits, type OpInput, type UpdateDto } from '@feige/protocol';
import type { Actor, ServiceDeps } from './context.js';
import { updateDto } from './updates.js';

/** Catch-up from a device's cursor: the user's update log after `since`, in bounded pages. */
export function syncService(deps: Pick<ServiceDeps, 'storage'>) {
  return {
    async get(actor: Actor, input: OpInput<'sync.get'>): Promise<{ updates: UpdateDto[]; pts: number; hasMore: boolean }> {
      const limit = input.limit ?? limits.syncPageMax;
      const [records, pts] = await Promise.all([
        deps.storage.repos.updates.since(actor.userId, input.since, limit + 1),
        deps.storage.repos.users.currentPts(actor.userId),
      ]);
      const hasMore = records.length > limit;
      return { updates: records.slice(0, limit).map(updateDto), pts, hasMore };
    },

    currentPts: (userId: string) => deps.storage.repos.users.currentPts(userId),
  };
}

export type SyncService = ReturnType<typeof syncService>;
