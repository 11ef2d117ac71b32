import { describe, expect, it } from 'vitest';
import { deferred } from './test/fakes.js';
import { createWorld, ptsOf } from './test/harness.js';

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('client sync', () => {
  it('starts a new device at the current pts, then delivers live updates', async () => {
    const { clock, server, onlineClient } = createWorld();
    server.appendMissed(5);
    const { client, updates } = await onlineClient();
    expect(client.cursor).toBe(5);
    expect(updates).toEqual([]);
    server.append({ type: 'friend.removed', userId: 'u-bob' });
    await clock.advance(0);
    expect(ptsOf(updates)).toEqual([6]);
    expect(client.cursor).toBe(6);
  });

  it('catches up on what it missed while offline, page by page, in order, before going online', async () => {
    const { clock, server, storage, onlineClient } = createWorld();
    server.pageSize = 3;
    const { client, updates, states } = await onlineClient();
    client.disconnect();
    server.appendMissed(10);
    states.length = 0;
    client.connect();
    await clock.advance(0);
    expect(ptsOf(updates)).toEqual(range(1, 10));
    expect(server.opsSent('sync.get').map((d: { since: number }) => d.since)).toEqual([0, 0, 3, 6, 9]);
    expect(states.map((s) => s.state)).toEqual(['connecting', 'syncing', 'online']);
    expect(storage.get('feige:cursor')).toBe('10');
  });

  it('delivers every update exactly once when live pushes arrive while a sync page is in flight', async () => {
    const { clock, server, onlineClient } = createWorld();
    const { client, updates } = await onlineClient();
    server.append({ type: 'friend.removed', userId: 'a' });
    server.append({ type: 'friend.removed', userId: 'b' });
    await clock.advance(0);
    client.disconnect();
    server.appendMissed(4); // 3..6 missed

    const gate = deferred();
    server.handlers.set('sync.get', async (data, socket) => {
      const page = server.builtin('sync.get')(data, socket); // read now, answered later
      await gate.promise;
      return page;
    });
    client.connect();
    await clock.advance(0);
    server.append({ type: 'friend.removed', userId: 'c' }); // 7, live, ahead of the cursor
    server.append({ type: 'friend.removed', userId: 'd' }); // 8
    await clock.advance(0);
    server.handlers.delete('sync.get');
    gate.resolve();
    await clock.advance(0);
    expect(ptsOf(updates)).toEqual(range(1, 8));
    expect(client.cursor).toBe(8);
    expect(client.state).toBe('online');
  });

  it('delivers live updates that arrive out of order in pts order, once each', async () => {
    const { clock, server, onlineClient } = createWorld();
    const { updates } = await onlineClient();
    const first = server.append({ type: 'friend.removed', userId: 'a' }, false);
    const second = server.append({ type: 'friend.removed', userId: 'b' }, false);
    const socket = server.live!;
    socket.push({ type: 'update', update: second });
    socket.push({ type: 'update', update: first });
    socket.push({ type: 'update', update: second });
    await clock.advance(0);
    expect(ptsOf(updates)).toEqual([1, 2]);
  });

  it('fetches an update whose live push was lost as soon as a later one reveals the gap', async () => {
    const { clock, server, onlineClient } = createWorld();
    const { updates } = await onlineClient();
    server.append({ type: 'friend.removed', userId: 'lost' }, false);
    server.append({ type: 'friend.removed', userId: 'seen' });
    await clock.advance(0);
    expect(updates.map((u) => (u.type === 'friend.removed' ? u.userId : u.type))).toEqual(['lost', 'seen']);
  });

  it('resumes after a dropped socket without repeating what was already delivered', async () => {
    const { clock, server, onlineClient } = createWorld();
    const { updates } = await onlineClient();
    for (const id of ['a', 'b', 'c']) server.append({ type: 'friend.removed', userId: id });
    await clock.advance(0);
    server.live!.drop(1006);
    server.appendMissed(2);
    await clock.advance(5_000);
    server.append({ type: 'friend.removed', userId: 'f' });
    await clock.advance(0);
    expect(ptsOf(updates)).toEqual(range(1, 6));
  });
});
