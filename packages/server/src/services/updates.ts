import type { UpdateBody, UpdateDto } from '@feige/protocol';
import type { Bus } from '../bus/bus.js';
import type { Repos } from '../storage/storage.js';
import type { UpdateRecord } from '../storage/records.js';

/**
 * Appends entries to users' update logs inside the caller's transaction. Users are locked in id order so two
 * transactions touching the same users cannot deadlock on PostgreSQL.
 */
export async function appendUpdates(
  repos: Repos,
  at: number,
  entries: { userId: string; body: UpdateBody }[],
): Promise<UpdateRecord[]> {
  const byUser = new Map<string, UpdateBody[]>();
  for (const entry of entries) {
    const list = byUser.get(entry.userId) ?? [];
    list.push(entry.body);
    byUser.set(entry.userId, list);
  }
  const records: UpdateRecord[] = [];
  const userIds = [...byUser.keys()].sort();
  const counts = new Set([...byUser.values()].map((bodies) => bodies.length));
  if (counts.size === 1) {
    // The usual case (a message: one entry per member): one statement for all the members' logs.
    const first = await repos.users.reservePtsMany(userIds, byUser.get(userIds[0] ?? '')?.length ?? 0);
    for (const userId of userIds)
      (byUser.get(userId) ?? []).forEach((body, i) => records.push({ userId, pts: (first.get(userId) ?? 0) + i, body, createdAt: at }));
  } else {
    for (const userId of userIds) {
      const bodies = byUser.get(userId) ?? [];
      const first = await repos.users.reservePts(userId, bodies.length);
      bodies.forEach((body, i) => records.push({ userId, pts: first + i, body, createdAt: at }));
    }
  }
  await repos.updates.insert(records);
  return records;
}

export function updateDto(record: UpdateRecord): UpdateDto {
  return { ...record.body, pts: record.pts, at: record.createdAt };
}

/** After commit: every entry goes to its user's live sockets. */
export function publishUpdates(bus: Bus, records: UpdateRecord[]): void {
  for (const record of records) bus.publish(record.userId, { kind: 'update', body: record.body, pts: record.pts, at: record.createdAt });
}
