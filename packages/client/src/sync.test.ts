import type { UpdateDto } from '@feige/protocol';
import { describe, expect, it } from 'vitest';
import { createSync, type SyncPage } from './sync.js';
import { deferred, settle } from './test/fakes.js';

const update = (pts: number): UpdateDto => ({ type: 'friend.removed', userId: `u${pts}`, pts, at: pts });
const range = (from: number, to: number): UpdateDto[] => Array.from({ length: to - from + 1 }, (_, i) => update(from + i));

/** A sync over a server log; `gate` holds page requests until the test opens it. */
function harness(cursor: number | null, log: UpdateDto[], pageSize = 500) {
  const state = {
    cursor,
    applied: [] as number[],
    fetches: [] as number[],
    busy: [] as boolean[],
    errors: [] as unknown[],
    gate: null as Promise<void> | null,
    /** Computed when asked (true) or when released (false). */
    snapshotAtRequest: true,
    failNext: false,
  };
  async function fetchPage(since: number): Promise<SyncPage> {
    state.fetches.push(since);
    if (state.failNext) {
      state.failNext = false;
      throw new Error('socket closed');
    }
    const read = (): SyncPage => {
      const after = log.filter((u) => u.pts > since);
      return { updates: after.slice(0, pageSize), hasMore: after.length > pageSize };
    };
    const early = read();
    if (state.gate) await state.gate;
    return state.snapshotAtRequest ? early : read();
  }
  const sync = createSync({
    getCursor: () => state.cursor,
    setCursor: (pts) => (state.cursor = pts),
    fetchPage,
    apply: (u) => state.applied.push(u.pts),
    onBusyChange: (busy) => state.busy.push(busy),
    onError: (error) => state.errors.push(error),
  });
  return { state, sync };
}

describe('sync', () => {
  it('starts a new device at the server pts without replaying history', async () => {
    const { state, sync } = harness(null, range(1, 5));
    sync.start(5);
    await settle();
    expect(state.cursor).toBe(5);
    expect(state.applied).toEqual([]);
    expect(state.busy).toEqual([true, false]);
  });

  it('catches up from the stored cursor page by page, each update once and in order', async () => {
    const { state, sync } = harness(2, range(1, 12), 4);
    sync.start(12);
    await settle();
    expect(state.applied).toEqual(range(3, 12).map((u) => u.pts));
    expect(state.fetches).toEqual([2, 6, 10]);
    expect(state.cursor).toBe(12);
  });

  it('applies a live update that follows the cursor and ignores ones already applied', async () => {
    const log = range(1, 5);
    const { state, sync } = harness(5, log);
    sync.start(5);
    await settle();
    log.push(update(6));
    sync.offer(update(6));
    sync.offer(update(6));
    sync.offer(update(4));
    await settle();
    expect(state.applied).toEqual([6]);
    expect(state.fetches).toEqual([5]);
  });

  it('delivers each update once when live frames overlap a page in flight', async () => {
    const log = range(1, 6);
    const { state, sync } = harness(2, log);
    const gate = deferred();
    state.gate = gate.promise;
    sync.start(6);
    await settle();
    sync.offer(update(3)); // next in line: applied at once
    sync.offer(update(5)); // ahead of the cursor: the page in flight will bring it
    sync.offer(update(4));
    gate.resolve();
    await settle();
    expect(state.applied).toEqual([3, 4, 5, 6]);
    expect(state.cursor).toBe(6);
  });

  it('fills a gap from out-of-order live frames with one sync, applying each once in pts order', async () => {
    const log = range(1, 5);
    const { state, sync } = harness(5, log);
    sync.start(5);
    await settle();
    log.push(update(6), update(7), update(8));
    const gate = deferred();
    state.gate = gate.promise;
    sync.offer(update(8)); // 6 and 7 not seen yet: gap
    sync.offer(update(7));
    sync.offer(update(6));
    sync.offer(update(7));
    gate.resolve();
    await settle();
    expect(state.applied).toEqual([6, 7, 8]);
    expect(state.fetches).toEqual([5, 5]);
  });

  it('runs one more round for a gap that appeared after its page was read', async () => {
    const log = range(1, 3);
    const { state, sync } = harness(0, log);
    const gate = deferred();
    state.gate = gate.promise;
    sync.start(3);
    await settle();
    log.push(update(4), update(5));
    sync.offer(update(5));
    state.gate = null;
    gate.resolve();
    await settle();
    expect(state.applied).toEqual([1, 2, 3, 4, 5]);
    expect(state.fetches).toEqual([0, 3]);
    expect(state.busy.at(-1)).toBe(false);
  });

  it('never runs two page requests at once', async () => {
    const log = range(1, 3);
    const { state, sync } = harness(0, log);
    const gate = deferred();
    state.gate = gate.promise;
    sync.start(3);
    await settle();
    sync.offer(update(9));
    sync.offer(update(10));
    await settle();
    expect(state.fetches).toEqual([0]);
    gate.resolve();
  });

  it('gives up after one extra request for a pts no page contains, instead of looping', async () => {
    const { state, sync } = harness(3, range(1, 3));
    sync.start(3);
    await settle();
    sync.offer(update(42));
    await settle();
    expect(state.fetches).toEqual([3, 3]);
    expect(state.applied).toEqual([]);
    expect(state.busy.at(-1)).toBe(false);
  });

  it('reports a failed page request and stops applying after stop()', async () => {
    const failing = harness(0, range(1, 3));
    failing.state.failNext = true;
    failing.sync.start(3);
    await settle();
    expect(failing.state.errors).toHaveLength(1);

    const stopped = harness(0, range(1, 3));
    const gate = deferred();
    stopped.state.gate = gate.promise;
    stopped.sync.start(3);
    await settle();
    stopped.sync.stop();
    gate.resolve();
    await settle();
    expect(stopped.state.applied).toEqual([]);
    expect(stopped.state.cursor).toBe(0);
  });
});
