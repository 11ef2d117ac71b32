import { describe, expect, it } from 'vitest';
import { createClient } from './client.js';
import { ApiError, NetworkError } from './errors.js';
import { createWorld } from './test/harness.js';

const gaps = (times: number[]): number[] => times.slice(1).map((t, i) => t - times[i]!);

describe('client connection', () => {
  it('authenticates, syncs and goes online', async () => {
    const { onlineClient } = createWorld();
    const { client, states } = await onlineClient();
    expect(states.map((s) => s.state)).toEqual(['connecting', 'syncing', 'online']);
    expect(client.user?.id).toBe('u-alice');
    expect(client.session?.id).toBe('s-1');
  });

  it('reconnects with exponential backoff and full jitter, never waiting longer than maxMs', async () => {
    const { clock, server, onlineClient } = createWorld();
    const { client } = await onlineClient({ random: () => 0.999_999, reconnect: { baseMs: 500, maxMs: 8_000 } });
    server.accepting = false;
    const before = server.sockets.length;
    server.live!.drop(1006);
    await clock.advance(60_000);
    const attempts = server.sockets.slice(before - 1).map((s) => s.createdAt);
    expect(gaps(attempts).slice(0, 8)).toEqual([499, 999, 1999, 3999, 7999, 7999, 7999, 7999]);
    expect(client.state).toBe('offline');

    server.accepting = true;
    await clock.advance(8_000);
    expect(client.state).toBe('online');
  });

  it('jitters every reconnect delay within [0, min(maxMs, base·2^n))', async () => {
    let seed = 42;
    const random = () => ((seed = (seed * 16_807) % 2_147_483_647) - 1) / 2_147_483_646;
    const { clock, server, onlineClient } = createWorld();
    await onlineClient({ random, reconnect: { baseMs: 200, maxMs: 3_000 } });
    server.accepting = false;
    const before = server.sockets.length;
    server.live!.drop(1006);
    await clock.advance(120_000);
    const delays = gaps(server.sockets.slice(before - 1).map((s) => s.createdAt));
    expect(delays.length).toBeGreaterThan(40);
    delays.forEach((delay, n) => {
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(Math.min(3_000, 200 * 2 ** n));
    });
    expect(new Set(delays).size).toBeGreaterThan(delays.length / 2);
  });

  it('resets the backoff after a stable connection but not after one that drops at once', async () => {
    const { clock, server, onlineClient } = createWorld();
    const { client } = await onlineClient({ random: () => 0.999_999, reconnect: { baseMs: 500, maxMs: 30_000, stableMs: 10_000 } });
    server.accepting = false;
    server.live!.drop(1006);
    await clock.advance(499 + 999 + 1999 + 3999); // four failed attempts
    server.accepting = true;
    await clock.advance(7999);
    expect(client.state).toBe('online');

    // Online for less than stableMs, then dropped: the next wait keeps growing.
    let count = server.sockets.length;
    server.live!.drop(1006);
    await clock.advance(15_998);
    expect(server.sockets.length).toBe(count);
    await clock.advance(1);
    expect(server.sockets.length).toBe(count + 1);
    expect(client.state).toBe('online');

    // Online for stableMs, then dropped: back to the first, short wait.
    await clock.advance(10_000);
    count = server.sockets.length;
    server.live!.drop(1001, 'server shutting down');
    await clock.advance(499);
    expect(server.sockets.length).toBe(count + 1);
    expect(client.state).toBe('online');
  });

  it('treats a socket that stops answering pings as dead within heartbeatInterval + timeout, and reconnects', async () => {
    const { clock, server, onlineClient } = createWorld();
    const { client, states } = await onlineClient({ heartbeatIntervalMs: 15_000, heartbeatTimeoutMs: 5_000 });
    const dead = server.live!;
    const diedAt = clock.now();
    dead.blackholed = true;
    await clock.advance(20_000);
    const offline = states.find((s) => s.state === 'offline');
    expect(offline).toBeDefined();
    expect(offline!.at - diedAt).toBeLessThanOrEqual(20_000);
    expect(dead.closedByClient).not.toBeNull();
    await clock.advance(1_000);
    expect(client.state).toBe('online');
    expect(server.live).not.toBe(dead);
  });

  it('ends the session on close code 4401: sessionEnded, token forgotten, no reconnect ever', async () => {
    const { clock, server, storage, onlineClient, makeClient } = createWorld();
    const { client, sessionEnded, states } = await onlineClient();
    const token = client.token!;
    server.revoke(token);
    await clock.advance(0);
    expect(sessionEnded).toEqual(['auth.session_revoked']);
    expect(client.token).toBeNull();
    expect(client.state).toBe('closed');
    expect(states.at(-1)?.state).toBe('closed');
    const count = server.sockets.length;
    await clock.advance(10 * 60_000);
    expect(server.sockets.length).toBe(count);
    expect(makeClient().client.token).toBeNull();
    expect(storage.get('feige:token')).toBeNull();
  });

  it('ends the session when the stored token is refused at connect', async () => {
    const { clock, server, onlineClient } = createWorld();
    const { client, sessionEnded } = await onlineClient();
    client.disconnect();
    server.tokens.clear();
    client.connect();
    await clock.advance(60_000);
    expect(sessionEnded).toEqual(['auth.session_revoked']);
    expect(server.sockets.filter((s) => s.readyState === 1)).toEqual([]);
    expect(server.sockets.length).toBe(2);
  });

  it('stops reconnecting after disconnect(), and connects again on connect()', async () => {
    const { clock, server, onlineClient } = createWorld();
    const { client } = await onlineClient();
    server.accepting = false;
    server.live!.drop(1006);
    await clock.advance(0);
    client.disconnect();
    expect(client.state).toBe('closed');
    const count = server.sockets.length;
    await clock.advance(10 * 60_000);
    expect(server.sockets.length).toBe(count);
    server.accepting = true;
    client.connect();
    await clock.advance(0);
    expect(client.state).toBe('online');
  });

  it('reconnectNow() skips the rest of the backoff wait', async () => {
    const { clock, server, onlineClient } = createWorld();
    const { client } = await onlineClient({ random: () => 0.999_999 });
    server.live!.drop(1006);
    await clock.advance(0);
    expect(client.state).toBe('offline');
    client.reconnectNow();
    await clock.advance(0);
    expect(client.state).toBe('online');
  });

  it('passes typing and presence events to listeners and ignores frames it cannot read', async () => {
    const { clock, server, onlineClient } = createWorld();
    const { client, updates } = await onlineClient();
    const events: unknown[] = [];
    client.on('event', (event) => events.push(event));
    const socket = server.live!;
    socket.onmessage?.({ data: 'not json' });
    socket.onmessage?.({ data: JSON.stringify({ type: 'update', update: { pts: 'one' } }) });
    socket.push({ type: 'event', event: { type: 'typing', conversationId: 'c1', userId: 'u-bob' } });
    await clock.advance(0);
    expect(events).toEqual([{ type: 'typing', conversationId: 'c1', userId: 'u-bob' }]);
    expect(updates).toEqual([]);
    expect(client.state).toBe('online');
  });

  it('calls over the socket when online and over HTTP otherwise', async () => {
    const { clock, server, onlineClient } = createWorld();
    const { client } = await onlineClient();
    await expect(client.call('friends.list', {})).resolves.toEqual({ friends: [] });
    expect(server.requests.filter((r) => r.op === 'friends.list').map((r) => r.via)).toEqual(['socket']);
    client.disconnect();
    await clock.advance(0);
    await expect(client.call('friends.list', {})).resolves.toEqual({ friends: [] });
    expect(server.requests.filter((r) => r.op === 'friends.list').map((r) => r.via)).toEqual(['socket', 'http']);
  });

  it('rejects a call pending on a socket that closes with NetworkError, and an error reply with ApiError', async () => {
    const { clock, server, onlineClient } = createWorld();
    const { client } = await onlineClient();
    server.handlers.set('users.search', () => new Promise(() => {}));
    const pending = client.call('users.search', { query: 'bob' }).catch((error: unknown) => error);
    await clock.advance(0);
    server.live!.drop(1006);
    expect(await pending).toBeInstanceOf(NetworkError);

    await clock.advance(1_000);
    server.handlers.set('friends.remove', () => {
      throw new Error('database on fire');
    });
    const error = await client.call('friends.remove', { userId: 'u-bob' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'server.internal', retryable: true });
  });

  it('ends the session when an HTTP call finds the token revoked', async () => {
    const { server, makeClient } = createWorld();
    const { client, sessionEnded } = makeClient();
    await client.login({ username: 'alice', password: 'correct horse' });
    server.tokens.clear();
    await expect(client.call('friends.list', {})).rejects.toMatchObject({ code: 'auth.session_revoked' });
    expect(sessionEnded).toEqual(['auth.session_revoked']);
    expect(client.token).toBeNull();
  });

  it('logs out: revokes the session on the server and forgets token, cursor and outbox without sessionEnded', async () => {
    const { clock, server, storage, onlineClient } = createWorld();
    const { client, sessionEnded } = await onlineClient();
    const token = client.token!;
    client.disconnect();
    client.sendMessage('c1', 'never sent');
    await client.logout();
    await clock.advance(60_000);
    expect(server.tokens.has(token)).toBe(false);
    expect([client.token, client.user, client.cursor]).toEqual([null, null, null]);
    expect(client.outbox).toEqual([]);
    expect(client.state).toBe('closed');
    expect(sessionEnded).toEqual([]);
    expect(storage.get('feige:outbox')).toBeNull();
    expect(storage.get('feige:cursor')).toBeNull();
  });

  it('refuses to connect without a session and reports bad credentials as ApiError', async () => {
    const { makeClient } = createWorld();
    const { client } = makeClient();
    expect(() => client.connect()).toThrow();
    await expect(client.login({ username: 'alice', password: 'wrong' })).rejects.toMatchObject({
      code: 'auth.bad_credentials',
      status: 401,
    });
    expect(client.token).toBeNull();
  });

  it('works over HTTP alone, before any socket is opened', async () => {
    const { server } = createWorld();
    const client = createClient({ baseUrl: 'http://chat.test', fetch: server.fetch });
    await client.login({ username: 'alice', password: 'correct horse' });
    await expect(client.call('friends.list', {})).resolves.toEqual({ friends: [] });
  });
});
