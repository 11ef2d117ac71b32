import type { MessageDto } from '@feige/protocol';
import type { MessagePage } from './state';

function bySeq(a: MessageDto, b: MessageDto): number {
  return a.seq - b.seq;
}

/** Union by seq, sorted. When both sides hold a seq the existing copy wins (they are identical: seqs never change). */
export function mergeMessages(existing: readonly MessageDto[], incoming: readonly MessageDto[]): MessageDto[] {
  const seen = new Set(existing.map((m) => m.seq));
  const added = incoming.filter((m) => !seen.has(m.seq));
  if (added.length === 0) return [...existing];
  return [...existing, ...added].sort(bySeq);
}

export type InsertResult =
  | { kind: 'inserted'; page: MessagePage }
  | { kind: 'ignored' }
  /** The message is newer than newest + 1: something between is missing, so the page can no longer be trusted. */
  | { kind: 'gap' };

/** Place a live message in a page, keeping the page a contiguous run of seqs. */
export function insertMessage(page: MessagePage, message: MessageDto): InsertResult {
  const items = page.items;
  const last = items.at(-1);
  if (!last) {
    // An empty page with nothing older is an empty conversation: only seq 1 can follow without a gap.
    if (!page.hasMore && message.seq === 1) return { kind: 'inserted', page: { ...page, items: [message] } };
    return { kind: 'gap' };
  }
  if (message.seq === last.seq + 1) return { kind: 'inserted', page: { ...page, items: [...items, message] } };
  if (message.seq > last.seq + 1) return { kind: 'gap' };
  // Older than the newest held: either already present, or before the loaded window (a later history page brings it).
  return { kind: 'ignored' };
}

/** Merge the newest page from messages.history into what is held. */
export function mergeLatest(page: MessagePage | undefined, latest: readonly MessageDto[], hasMore: boolean): MessagePage {
  const sorted = [...latest].sort(bySeq);
  const heldLast = page?.items.at(-1);
  const first = sorted[0];
  if (!page || !heldLast) return { items: sorted, hasMore, loadingOlder: false };
  if (!first) return page;
  // The fresh page does not touch what is held (a gap between them): start over from the fresh page.
  if (first.seq > heldLast.seq + 1) return { items: sorted, hasMore, loadingOlder: false };
  return { ...page, items: mergeMessages(page.items, sorted) };
}

export function mergeOlder(page: MessagePage, older: readonly MessageDto[], hasMore: boolean): MessagePage {
  return { items: mergeMessages(page.items, older), hasMore, loadingOlder: false };
}
