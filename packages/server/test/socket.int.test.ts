import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { WebSocket } from 'ws';
import { createApp } from '@feige/server';
import { limits, type ErrorDto, type ServerFrame } from '@feige/protocol';
import { friendsWithChat, newClient, online, registerUser, startTestServer, waitFor, type TestServer } from '@feige/test-kit';

type Reply = Extract<ServerFrame, { type: 'reply' }>;

/** A bare WebSocket to the gateway that keeps every frame it receives and how it was closed. */
interface RawSocket {
  ws: WebSocket;
  frames: ServerFrame[];
  closed: Promise<{ code: number; reason: string }>;
  send(frame: unknown): void;
  reply(id: string): Promise<Reply>;
  request(op: string, data?: unknown): Promise<Reply>;
}

let nextId = 0;

async function openSocket(server: TestServer): Promise<RawSocket> {
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws`);
  const frames: ServerFrame[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(String(data)) as ServerFrame));
  ws.on('error', () => undefined);
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const socket: RawSocket = {
    ws,
    frames,
    closed,
    send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    reply: (id) =>
      waitFor(
        () => frames.find((f): f is Reply => f.type === 'reply' && f.id === id),
        `the reply to ${id}`,
      ),
    request(op, data = {}) {
      const id = `r${++nextId}`;
      socket.send({ id, op, data });
      return socket.reply(id);
    },
  };
  return socket;
}

function errorOf(reply: Reply): ErrorDto {
  if (reply.ok) throw new Error(`expected an error reply, got ${JSON.stringify(reply)}`);
  return reply.error;
}

async function authedSocket(server: TestServer): Promise<{ socket: RawSocket; userId: string; token: string }> {
  const user = await registerUser(server, 'raw', { connect: false });
  const token = user.client.token ?? '';
  const socket = await openSocket(server);
  const auth = await socket.request('auth', { token });
  expect(auth.ok).toBe(true);
  return { socket, userId: user.id, token };
}

async function postRaw(server: TestServer, path: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, body: (await response.json()) as ErrorDto };
}

describe('the WebSocket gateway', () => {
  let server: TestServer;
  const sockets: RawSocket[] = [];
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.ws.terminate();
    await server.close();
  });

  async function authed() {
    const result = await authedSocket(server);
    sockets.push(result.socket);
    return result;
  }

  async function raw() {
    const socket = await openSocket(server);
    sockets.push(socket);
    return socket;
  }

  it('answers a frame that is not JSON with request.invalid under id "?" and stays usable', async () => {
    const { socket } = await authed();
    socket.send('this is {not json');
    const reply = await socket.reply('?');
    expect(reply).toMatchObject({ type: 'reply', id: '?', ok: false, error: { code: 'request.invalid' } });
    expect(errorOf(reply).requestId).toEqual(expect.any(String));
    const ping = await socket.request('ping');
    expect(ping.ok).toBe(true);
    expect(socket.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('answers a frame of the wrong shape with request.invalid under its id when it has one', async () => {
    const { socket } = await authed();
    socket.send({ id: 'shape-1', op: 'ping', data: {}, extra: true });
    expect(errorOf(await socket.reply('shape-1')).code).toBe('request.invalid');
    socket.send({ id: 'shape-2', nope: 1 });
    expect(errorOf(await socket.reply('shape-2')).code).toBe('request.invalid');
    socket.send('[1,2,3]');
    expect(errorOf(await socket.reply('?')).code).toBe('request.invalid');
    expect((await socket.request('ping')).ok).toBe(true);
  });

  it('answers invalid op input with request.invalid and the issues, and stays usable', async () => {
    const { socket } = await authed();
    const reply = await socket.request('messages.send', { conversationId: 'c_x', clientMsgId: 'bad id with spaces', text: 1 });
    const error = errorOf(reply);
    expect(error.code).toBe('request.invalid');
    expect(error.issues?.map((i) => i.path).sort()).toEqual(['clientMsgId', 'text']);
    expect((await socket.request('ping')).ok).toBe(true);
  });

  it('answers an unknown op with request.unknown_op', async () => {
    const { socket } = await authed();
    expect(errorOf(await socket.request('messages.explode', {})).code).toBe('request.unknown_op');
    expect(errorOf(await socket.request('__proto__', {})).code).toBe('request.unknown_op');
    expect((await socket.request('ping')).ok).toBe(true);
  });

  it('answers an op before auth with auth.required and authenticates afterwards', async () => {
    const user = await registerUser(server, 'late', { connect: false });
    const socket = await raw();
    expect(errorOf(await socket.request('auth.me', {})).code).toBe('auth.required');
    expect(errorOf(await socket.request('ping', {})).code).toBe('auth.required');
    const auth = await socket.request('auth', { token: user.client.token });
    expect(auth.ok).toBe(true);
    const me = await socket.request('auth.me', {});
    expect(me).toMatchObject({ ok: true, data: { user: { id: user.id } } });
  });

  it('handles an auth frame and the requests sent right behind it in order', async () => {
    const user = await registerUser(server, 'eager', { connect: false });
    const socket = await raw();
    socket.send({ id: 'a', op: 'auth', data: { token: user.client.token } });
    socket.send({ id: 'b', op: 'auth.me', data: {} });
    socket.send({ id: 'c', op: 'ping', data: {} });
    expect((await socket.reply('a')).ok).toBe(true);
    expect(await socket.reply('b')).toMatchObject({ ok: true, data: { user: { id: user.id } } });
    expect((await socket.reply('c')).ok).toBe(true);
    const order = socket.frames.flatMap((f) => (f.type === 'reply' ? [f.id] : []));
    expect(order).toEqual(['a', 'b', 'c']);
  });

  it('answers a second auth on the same socket with auth.already_authenticated', async () => {
    const { socket, token } = await authed();
    expect(errorOf(await socket.request('auth', { token })).code).toBe('auth.already_authenticated');
    expect((await socket.request('ping')).ok).toBe(true);
  });

  it('answers a bad token with an error reply, then closes with 4401', async () => {
    const socket = await raw();
    const reply = await socket.request('auth', { token: 'not-a-real-token' });
    expect(errorOf(reply).code).toBe('auth.required');
    const closed = await socket.closed;
    expect(closed.code).toBe(4401);
    expect(socket.frames.filter((f) => f.type === 'reply')).toEqual([reply]);
  });

  it('answers a revoked token with auth.session_revoked, then closes with 4401', async () => {
    const user = await registerUser(server, 'revoked', { connect: false });
    const token = user.client.token ?? '';
    await user.client.call('auth.logout', {});
    const socket = await raw();
    expect(errorOf(await socket.request('auth', { token })).code).toBe('auth.session_revoked');
    expect((await socket.closed).code).toBe(4401);
  });

  it('closes a socket that sends a frame over the frame limit with 1009', async () => {
    const { socket } = await authed();
    socket.send({ id: 'big', op: 'ping', data: { pad: 'x'.repeat(limits.frameMaxBytes) } });
    expect((await socket.closed).code).toBe(1009);
    expect(socket.frames.some((f) => f.type === 'reply' && f.id === 'big')).toBe(false);
  });

  it('accepts a frame just under the frame limit', async () => {
    const { socket } = await authed();
    const frame = { id: 'almost', op: 'ping', data: {} };
    const overhead = JSON.stringify({ ...frame, data: { pad: '' } }).length;
    socket.send({ ...frame, data: { pad: 'x'.repeat(limits.frameMaxBytes - overhead) } });
    // Within the size limit the frame is read and judged by its schema (ping takes no fields).
    expect(errorOf(await socket.reply('almost')).code).toBe('request.invalid');
    expect(socket.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('answers a flood of 200 frames with some rate.limited replies, stays open, and works again after retryAfterMs', async () => {
    const { socket } = await authed();
    for (let i = 0; i < 200; i++) socket.send({ id: `f${i}`, op: 'ping', data: {} });
    const floodReplies = () => socket.frames.filter((f): f is Reply => f.type === 'reply' && f.id.startsWith('f'));
    await waitFor(() => floodReplies().length === 200, '200 replies');
    const replies = floodReplies();
    expect(new Set(replies.map((r) => r.id)).size).toBe(200);
    const limited = replies.flatMap((r) => (!r.ok && r.error.code === 'rate.limited' ? [r.error] : []));
    const ok = replies.filter((r) => r.ok);
    expect(limited.length).toBeGreaterThan(0);
    expect(ok.length + limited.length).toBe(200);
    expect(ok.length).toBeGreaterThanOrEqual(limits.framesBurst);
    for (const error of limited) expect(error.retryAfterMs).toBeGreaterThan(0);
    expect(socket.ws.readyState).toBe(WebSocket.OPEN);
    const wait = Math.max(...limited.map((e) => e.retryAfterMs ?? 0));
    await new Promise((r) => setTimeout(r, wait));
    expect((await socket.request('ping')).ok).toBe(true);
  });

  it('holds no sockets or bus subscriptions for dead connections, however often they drop', async () => {
    const { a, b } = await friendsWithChat(server);
    expect(server.app.stats()).toEqual({ sockets: 2, users: 2, subscriptions: 2 });
    let onlineCount = 0;
    a.client.on('state', (state) => {
      if (state === 'online') onlineCount++;
    });
    for (let i = 1; i <= 3; i++) {
      expect(server.app.gateway.terminateUser(a.id)).toBe(1);
      await waitFor(() => onlineCount === i, `reconnect number ${i}`);
      await waitFor(() => server.app.stats().sockets === 2, 'the dead socket to be dropped');
      expect(server.app.stats()).toEqual({ sockets: 2, users: 2, subscriptions: 2 });
    }
    // A second device of a user shares its one subscription.
    const a2 = await a.device();
    expect(server.app.stats()).toEqual({ sockets: 3, users: 2, subscriptions: 2 });
    // And the reconnected client still receives live.
    const { conversation } = await b.client.call('conversations.openDirect', { userId: a.id });
    const seen: string[] = [];
    a.client.on('update', (u) => {
      if (u.type === 'message.new') seen.push(u.message.text);
    });
    await b.client.call('messages.send', { conversationId: conversation.id, clientMsgId: 'after-drops', text: 'still there?' });
    await waitFor(() => seen.length === 1, 'live delivery after the drops');
    for (const client of [a.client, a2, b.client]) client.disconnect();
    await waitFor(() => server.app.stats().sockets === 0, 'all sockets to close');
    expect(server.app.stats()).toEqual({ sockets: 0, users: 0, subscriptions: 0 });
  });

  it('holds nothing for sockets that close while authenticating or before it', async () => {
    const user = await registerUser(server, 'flaky', { connect: false });
    const dropped: RawSocket[] = [];
    for (let i = 0; i < 10; i++) {
      const socket = await raw();
      if (i % 2 === 0) socket.send({ id: 'auth', op: 'auth', data: { token: user.client.token } });
      socket.ws.terminate();
      dropped.push(socket);
    }
    await Promise.all(dropped.map((s) => s.closed));
    await waitFor(() => server.app.stats().sockets === 0, 'the dropped sockets to be forgotten');
    // Give the in-flight authentications time to finish, then look again.
    const check = await raw();
    expect((await check.request('auth', { token: user.client.token })).ok).toBe(true);
    check.ws.close();
    await check.closed;
    await waitFor(() => server.app.stats().sockets === 0, 'the last socket to be forgotten');
    expect(server.app.stats()).toEqual({ sockets: 0, users: 0, subscriptions: 0 });
  });
});

describe.each(['sqlite', 'postgres'] as const)('revocation racing authentication on %s', (database) => {
  let server: TestServer;
  const sockets: RawSocket[] = [];
  beforeEach(async () => {
    server = await startTestServer({ database });
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.ws.terminate();
    await server.close();
  });

  it('leaves no socket signed in with a session that was revoked while the socket was authenticating', async () => {
    const user = await registerUser(server, 'racer', { connect: false });
    const survivors: string[] = [];
    for (let attempt = 0; attempt < 40; attempt++) {
      const login = await newClient(server).login({ username: user.username, password: user.password });
      const socket = await openSocket(server);
      sockets.push(socket);
      // The logout request leaves first; the auth frame follows after a varying number of event-loop turns, so the
      // revocation lands at different points of the socket's authentication.
      const logout = postRaw(server, '/api/op/auth.logout', '{}', { authorization: `Bearer ${login.token}` });
      for (let i = 0; i < attempt % 3; i++) await new Promise((r) => setImmediate(r));
      socket.send({ id: 'auth', op: 'auth', data: { token: login.token } });
      expect((await logout).status).toBe(200);
      const auth = await Promise.race([socket.reply('auth'), socket.closed.then(() => null)]);
      if (auth?.ok !== true) continue;
      const me = await Promise.race([socket.request('auth.me', {}), socket.closed.then(() => null)]);
      if (me?.ok === true) survivors.push(`attempt ${attempt}`);
    }
    expect(survivors).toEqual([]);
  });
});

describe('the authentication deadline', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer({ authDeadlineMs: 300 });
  });
  afterEach(async () => {
    await server.close();
  });

  it('closes a socket that never authenticates with 4408, and leaves an authenticated one open', async () => {
    const user = await registerUser(server, 'prompt', { connect: false });
    const silent = await openSocket(server);
    const chatty = await openSocket(server);
    chatty.send({ id: 'p', op: 'ping', data: {} });
    const good = await openSocket(server);
    expect((await good.request('auth', { token: user.client.token })).ok).toBe(true);
    expect((await silent.closed).code).toBe(4408);
    // Talking without authenticating does not buy time.
    expect((await chatty.closed).code).toBe(4408);
    expect(good.ws.readyState).toBe(WebSocket.OPEN);
    expect((await good.request('ping')).ok).toBe(true);
    good.ws.close();
  });
});

describe('the heartbeat', () => {
  let server: TestServer;
  beforeEach(async () => {
    // Sweeps every 100 ms: a socket silent for 300 ms gets a protocol ping, one silent for 800 ms is dropped.
    server = await startTestServer({ heartbeat: { sweepMs: 100, pingAfterMs: 300, idleTimeoutMs: 800 } });
  });
  afterEach(async () => {
    await server.close();
  });

  async function silentSocket(autoPong: boolean): Promise<{ ws: WebSocket; pings: number[]; closed: Promise<number> }> {
    const user = await registerUser(server, 'quiet', { connect: false });
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws`, { autoPong });
    const pings: number[] = [];
    ws.on('ping', () => pings.push(Date.now()));
    ws.on('error', () => undefined);
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    await new Promise((resolve) => ws.once('open', resolve));
    const authed = new Promise((resolve) => ws.once('message', resolve));
    ws.send(JSON.stringify({ id: 'a', op: 'auth', data: { token: user.client.token } }));
    await authed;
    return { ws, pings, closed };
  }

  it('keeps a silent socket open while it answers protocol pings, without any ping op', async () => {
    const { ws, pings } = await silentSocket(true);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(ws.readyState).toBe(WebSocket.OPEN);
    expect(pings.length).toBeGreaterThanOrEqual(2);
    ws.close();
  });

  it('drops a dead peer that stops answering protocol pings and forgets it', async () => {
    const { ws, pings, closed } = await silentSocket(false);
    expect(server.app.stats().sockets).toBe(1);
    expect(await closed).toBe(4408);
    expect(pings.length).toBeGreaterThanOrEqual(1);
    await waitFor(() => server.app.stats().sockets === 0 && server.app.stats().subscriptions === 0, 'the socket to be forgotten');
    ws.terminate();
  });

  it('never pings a client that sends its ping op often enough', async () => {
    const { ws, pings } = await silentSocket(true);
    const timer = setInterval(() => ws.send(JSON.stringify({ id: 'p', op: 'ping', data: {} })), 100);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    clearInterval(timer);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    expect(pings).toEqual([]);
    ws.close();
  });
});

describe('the socket endpoint', () => {
  it('refuses upgrades on other paths and plain GETs of the socket path, and serves sockets after either', async () => {
    const server = await startTestServer();
    try {
      const wrong = new WebSocket(`${server.url.replace('http', 'ws')}/elsewhere`);
      const status = await new Promise<number>((resolve) => {
        wrong.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
        wrong.on('error', () => resolve(-1));
      });
      expect(status).toBe(404);
      expect((await fetch(`${server.url}/ws`)).status).toBe(400);
      const { socket } = await authedSocket(server);
      expect((await socket.request('ping')).ok).toBe(true);
      socket.ws.close();
    } finally {
      await server.close();
    }
  });
});

describe('shutting down', () => {
  it('closes authenticated and unauthenticated sockets with 1001', async () => {
    const server = await startTestServer();
    const { socket } = await authedSocket(server);
    const pending = await openSocket(server);
    const client = (await registerUser(server, 'sdk')).client;
    await online(client);
    const states: string[] = [];
    client.on('state', (s) => states.push(s));
    await server.close();
    expect((await socket.closed).code).toBe(1001);
    expect((await pending.closed).code).toBe(1001);
    await waitFor(() => states.includes('offline'), 'the SDK to notice');
    client.disconnect();
  });
});

describe('logging', () => {
  it('writes nothing through a silent logger when a client sends an oversize frame', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const dir = mkdtempSync(join(tmpdir(), 'feige-log-'));
    const app = await createApp({ database: { kind: 'sqlite', file: join(dir, 'db.sqlite') }, logger: pino({ level: 'silent' }, sink), webDir: null });
    try {
      const url = await app.http.listen({ host: '127.0.0.1', port: 0 });
      const server = { url } as TestServer;
      const socket = await openSocket(server);
      socket.send({ id: 'big', op: 'ping', data: { pad: 'x'.repeat(limits.httpBodyMaxBytes + 1024) } });
      expect((await socket.closed).code).toBe(1009);
      // A request after the close: its reply proves the server has handled everything before it.
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect(lines).toEqual([]);
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the HTTP API', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('answers a malformed JSON body with 400 request.invalid', async () => {
    const reply = await postRaw(server, '/api/op/auth.login', '{"username": "x", ');
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('request.invalid');
    expect(reply.body.requestId).toEqual(expect.any(String));
    expect(JSON.stringify(reply.body)).not.toMatch(/FST_|Unexpected token|at .*\.js/u);
  });

  it('answers a body over the HTTP body limit with 413 request.too_large', async () => {
    const body = JSON.stringify({ username: 'x'.repeat(limits.httpBodyMaxBytes + 1024), password: 'whatever1' });
    const reply = await postRaw(server, '/api/op/auth.login', body);
    expect(reply.status).toBe(413);
    expect(reply.body.code).toBe('request.too_large');
  });

  it('answers an unknown op with 400 request.unknown_op', async () => {
    const reply = await postRaw(server, '/api/op/messages.explode', '{}');
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('request.unknown_op');
  });

  it('answers an op without a token with 401 auth.required, and with a bad token alike', async () => {
    const none = await postRaw(server, '/api/op/auth.me', '{}');
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('auth.required');
    const bad = await postRaw(server, '/api/op/friends.list', '{}', { authorization: 'Bearer nonsense' });
    expect(bad.status).toBe(401);
    expect(bad.body.code).toBe('auth.required');
  });

  it('answers invalid input with 400 request.invalid and issues naming the fields', async () => {
    const reply = await postRaw(server, '/api/op/auth.register', JSON.stringify({ username: 'ok_name', displayName: 'x', password: 'short', extra: 1 }));
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('request.invalid');
    expect(reply.body.issues?.map((i) => i.path).sort()).toEqual(['', 'password'].sort());
  });

  it('logs in over HTTP even when the request still carries a revoked token', async () => {
    const user = await registerUser(server, 'relogin', { connect: false });
    const stale = user.client.token ?? '';
    await postRaw(server, '/api/op/auth.logout', '{}', { authorization: `Bearer ${stale}` });
    const login = await postRaw(server, '/api/op/auth.login', JSON.stringify({ username: user.username, password: user.password }), {
      authorization: `Bearer ${stale}`,
    });
    expect(login.status).toBe(200);
  });

  it('serves the same op over HTTP as over the socket', async () => {
    const { socket, token } = await authedSocket(server);
    const overSocket = await socket.request('auth.me', {});
    const response = await fetch(`${server.url}/api/op/auth.me`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: '{}',
    });
    expect(response.status).toBe(200);
    expect(overSocket).toMatchObject({ ok: true, data: await response.json() });
    socket.ws.close();
    await socket.closed;
  });
});
