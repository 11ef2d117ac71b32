import type { AuthOkDto } from '@feige/protocol';
import { describe, expect, it } from 'vitest';
import { ApiError, NetworkError } from './errors.js';
import { createSocketSession, type SessionClosed } from './socket-session.js';
import { deferred, FakeClock, FakeServer } from './test/fakes.js';

const heartbeatIntervalMs = 15_000;
const heartbeatTimeoutMs = 5_000;

function open(token = 'tok-1') {
  const clock = new FakeClock();
  const server = new FakeServer(clock);
  const seen = { auth: null as AuthOkDto | null, closed: null as SessionClosed | null, closedAt: 0 };
  const session = createSocketSession({
    url: 'ws://chat.test/ws',
    openSocket: (url) => new server.WebSocket(url),
    token,
    timers: clock,
    heartbeatIntervalMs,
    heartbeatTimeoutMs,
    connectTimeoutMs: 10_000,
    requestTimeoutMs: 30_000,
    onAuthenticated: (auth) => (seen.auth = auth),
    onUpdate: () => {},
    onEvent: () => {},
    onClosed: (closed) => {
      seen.closed = closed;
      seen.closedAt = clock.now();
    },
  });
  return { clock, server, session, seen };
}

describe('socket session', () => {
  it('authenticates with the token as the first frame', async () => {
    const { clock, server, session, seen } = open();
    await clock.advance(0);
    expect(server.requests[0]).toEqual({ op: 'auth', data: { token: 'tok-1' }, via: 'socket' });
    expect(seen.auth?.user.id).toBe('u-alice');
    expect(session.authenticated).toBe(true);
  });

  it('matches replies to their requests even when they come back in another order', async () => {
    const { clock, server, session } = open();
    await clock.advance(0);
    const slow = deferred();
    server.handlers.set('users.search', async (data: { query: string }) => {
      if (data.query === 'slow') await slow.promise;
      return { users: [{ id: data.query, username: data.query, displayName: data.query }] };
    });
    const first = session.request('users.search', { query: 'slow' });
    const second = session.request('users.search', { query: 'fast' });
    await clock.advance(0);
    slow.resolve();
    await expect(second).resolves.toMatchObject({ users: [{ id: 'fast' }] });
    await expect(first).resolves.toMatchObject({ users: [{ id: 'slow' }] });
  });

  it('rejects an error reply with ApiError and requests pending on a closing socket with NetworkError', async () => {
    const { clock, server, session, seen } = open();
    await clock.advance(0);
    server.handlers.set('friends.remove', () => {
      throw new Error('database on fire');
    });
    await expect(session.request('friends.remove', { userId: 'x' })).rejects.toMatchObject({ code: 'server.internal' });

    server.handlers.set('friends.list', () => new Promise(() => {}));
    const pending = session.request('friends.list', {});
    await clock.advance(0);
    server.live!.drop(1006);
    await expect(pending).rejects.toBeInstanceOf(NetworkError);
    expect(seen.closed).toEqual({ code: 1006, reason: '', authError: null });
  });

  it('keeps a healthy socket: pings answered in time never close it', async () => {
    const { clock, server, seen } = open();
    await clock.advance(0);
    await clock.advance(10 * heartbeatIntervalMs);
    expect(server.opsSent('ping').length).toBe(10);
    expect(seen.closed).toBeNull();
  });

  it('notices a silently dead socket within heartbeatInterval + heartbeatTimeout and closes it', async () => {
    const { clock, server, session, seen } = open();
    await clock.advance(0);
    const deadAt = clock.now();
    const socket = server.live!;
    socket.blackholed = true;
    const pending = session.request('friends.list', {}).catch((error: unknown) => error);
    await clock.advance(heartbeatIntervalMs + heartbeatTimeoutMs - 1);
    expect(seen.closed).toBeNull();
    await clock.advance(1);
    expect(seen.closed).toMatchObject({ code: null });
    expect(seen.closedAt - deadAt).toBeLessThanOrEqual(heartbeatIntervalMs + heartbeatTimeoutMs);
    expect(socket.closedByClient).not.toBeNull();
    expect(await pending).toBeInstanceOf(NetworkError);
  });

  it('reads the auth error reply that precedes the server closing with 4401', async () => {
    const { clock, seen } = open('tok-revoked');
    await clock.advance(0);
    expect(seen.closed?.authError).toBeInstanceOf(ApiError);
    expect(seen.closed?.authError?.code).toBe('auth.session_revoked');
  });

  it('gives up on a socket that does not authenticate within the connect timeout', async () => {
    const { clock, server, seen } = open();
    server.accepting = false;
    // The first socket was already accepted; make it hang instead of answering auth.
    server.sockets[0]!.blackholed = true;
    await clock.advance(9_999);
    expect(seen.closed).toBeNull();
    await clock.advance(1);
    expect(seen.closed).toMatchObject({ code: null });
  });
});
