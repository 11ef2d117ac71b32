import type { MessageDto } from '@feige/protocol';
import { describe, expect, it } from 'vitest';
import { insertMessage, mergeLatest, mergeOlder } from './messages';
import type { MessagePage } from './state';

const msg = (seq: number): MessageDto => ({
  id: `m${seq}`,
  conversationId: 'c1',
  seq,
  kind: 'text',
  senderId: 'u-peer',
  clientMsgId: `k${seq}`,
  text: `text ${seq}`,
  createdAt: seq,
});
const page = (seqs: number[], hasMore = false): MessagePage => ({ items: seqs.map(msg), hasMore, loadingOlder: false });
const seqsOf = (p: MessagePage) => p.items.map((m) => m.seq);

describe('insertMessage', () => {
  it('appends the next seq', () => {
    const result = insertMessage(page([1, 2]), msg(3));
    expect(result.kind === 'inserted' && seqsOf(result.page)).toEqual([1, 2, 3]);
  });

  it('ignores a seq already held, so a live push and a sync of the same message show once', () => {
    expect(insertMessage(page([1, 2, 3]), msg(2)).kind).toBe('ignored');
  });

  it('reports a gap instead of holding a page with a hole in it', () => {
    expect(insertMessage(page([1, 2]), msg(5)).kind).toBe('gap');
  });

  it('starts an empty conversation with seq 1 only', () => {
    expect(insertMessage(page([]), msg(1)).kind).toBe('inserted');
    expect(insertMessage(page([]), msg(2)).kind).toBe('gap');
  });
});

describe('mergeLatest', () => {
  it('joins an overlapping newest page without duplicates and keeps the older end', () => {
    const merged = mergeLatest(page([1, 2, 3], true), [msg(5), msg(3), msg(4)], true);
    expect(seqsOf(merged)).toEqual([1, 2, 3, 4, 5]);
    expect(merged.hasMore).toBe(true);
  });

  it('replaces what is held when the newest page does not touch it', () => {
    const merged = mergeLatest(page([1, 2]), [msg(60), msg(61)], true);
    expect(seqsOf(merged)).toEqual([60, 61]);
    expect(merged.hasMore).toBe(true);
  });
});

describe('mergeOlder', () => {
  it('prepends an older page and takes its hasMore', () => {
    const merged = mergeOlder(page([51, 52], true), [msg(49), msg(50)], false);
    expect(seqsOf(merged)).toEqual([49, 50, 51, 52]);
    expect(merged.hasMore).toBe(false);
  });
});
