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
  for (const userId of [...byUser.keys()].sort()) {
    const bodies = byUser.get(userId) ?? [];
    const first = await repos.users.reservePts(userId, bodies.length);
    bodies.forEach((body, i) => records.push({ userId, pts: first + i, body, createdAt: at }));
  }
  await repos.updates.insert(records);
  return records;
}

export function updateDto(record: UpdateRecord): UpdateDto {
  return { ...record.body, pts: record.pts, at: record.createdAt };
}

/** After commit: every entry goes to its user's live sockets. */
export function publishUpdates(bus: Bus, records: UpdateRecord[]): void {
  for (const record of records) bus.publish(record.userId, { kind: 'update', update: updateDto(record) });
}
