/**
 * Test doubles for the SDK's process boundaries: a clock, and a fake server reached through a fake WebSocket and a
 * fake fetch. The fake server keeps a real update log and message store, so tests check behaviour, not call counts.
 */
import type {
  ErrorCode,
  ErrorDto,
  MessageDto,
  SelfDto,
  ServerFrame,
  SessionDto,
  UpdateBody,
  UpdateDto,
} from '@feige/protocol';
import type { FetchLike } from '../http.js';
import type { Timers } from '../timers.js';
import type { WebSocketConstructor, WebSocketLike } from '../websocket.js';

/** Lets every queued promise callback and microtask run (several rounds, for promise chains). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export class FakeClock implements Timers {
  #now = 1_700_000_000_000;
  #seq = 0;
  readonly #timers = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.#seq;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    if (typeof handle === 'number') this.#timers.delete(handle);
  }

  /** Moves time forward, firing due timers in order and letting the promises they start settle in between. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    await settle();
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | null = null;
      for (const entry of this.#timers) if (entry[1].at <= target && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.#timers.delete(next[0]);
      this.#now = next[1].at;
      next[1].fn();
      await settle();
    }
    this.#now = target;
    await settle();
  }
}

export class Fail {
  constructor(readonly error: ErrorDto) {}
}

export function fail(code: ErrorCode, extra: Partial<ErrorDto> = {}): Fail {
  return new Fail({ code, message: code, requestId: 'req-test', ...extra });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests script the server loosely
type Data = any;
export type OpHandler = (data: Data, socket: FakeSocket | null) => unknown;

export class FakeSocket implements WebSocketLike {
  readyState = 0;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  authed = false;
  token: string | null = null;
  /** A dead network path: frames vanish in both directions and neither side is told. */
  blackholed = false;
  closedByClient: { code: number; reason: string } | null = null;
  readonly createdAt: number;

  constructor(
    readonly server: FakeServer,
    readonly url: string,
  ) {
    this.createdAt = server.clock.now();
    server.sockets.push(this);
    const accept = server.accepting;
    queueMicrotask(() => (accept ? this.#open() : this.#refuse()));
  }

  #open(): void {
    if (this.readyState !== 0) return;
    this.readyState = 1;
    this.onopen?.({});
  }

  #refuse(): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onerror?.({});
    this.onclose?.({ code: 1006, reason: '' });
  }

  send(text: string): void {
    if (this.readyState !== 1) throw new Error('InvalidStateError: not open');
    if (this.blackholed) return;
    const frame: { id: string; op: string; data: Data } = JSON.parse(text);
    queueMicrotask(() => this.server.receive(this, frame));
  }

  close(code = 1000, reason = ''): void {
    if (this.readyState >= 2) return;
    this.readyState = 3;
    this.closedByClient = { code, reason };
    queueMicrotask(() => this.onclose?.({ code, reason }));
  }

  /** Server → client frame. */
  push(frame: ServerFrame): void {
    if (this.readyState !== 1 || this.blackholed) return;
    this.onmessage?.({ data: JSON.stringify(frame) });
  }

  /** The server closes the socket. */
  drop(code: number, reason = ''): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

export const alice: SelfDto = { id: 'u-alice', username: 'alice', displayName: 'Alice', createdAt: 1 };

export function sessionOf(id: string): SessionDto {
  return { id, deviceName: 'test', createdAt: 1, lastSeenAt: 1, current: true };
}

/** Alice's server: one user, her update log, her messages. */
export class FakeServer {
  readonly sockets: FakeSocket[] = [];
  /** Whether new sockets open (true) or fail like a refused connection (false). */
  accepting = true;
  readonly tokens = new Set<string>(['tok-1']);
  readonly log: UpdateDto[] = [];
  readonly messages: MessageDto[] = [];
  readonly requests: { op: string; data: Data; via: 'socket' | 'http' }[] = [];
  readonly handlers = new Map<string, OpHandler>();
  pageSize = 500;
  #sessions = 1;

  constructor(readonly clock: FakeClock) {}

  readonly WebSocket: WebSocketConstructor = ((server: FakeServer) =>
    class extends FakeSocket {
      constructor(url: string) {
        super(server, url);
      }
    })(this);

  get pts(): number {
    return this.log.length;
  }

  /** The socket a live client is using now. */
  get live(): FakeSocket | undefined {
    return this.sockets.findLast((s) => s.readyState === 1 && s.authed);
  }

  opsSent(op: string): Data[] {
    return this.requests.filter((r) => r.op === op).map((r) => r.data);
  }

  /** Appends to the log; pushes it live unless `live` is false (as if the push were lost). */
  append(body: UpdateBody, live = true): UpdateDto {
    const update: UpdateDto = { ...body, pts: this.log.length + 1, at: this.clock.now() };
    this.log.push(update);
    if (live) for (const socket of this.sockets) if (socket.authed) socket.push({ type: 'update', update });
    return update;
  }

  /** Appends `count` entries to the log without pushing them: updates a device missed while away. */
  appendMissed(count: number): void {
    for (let i = 0; i < count; i++) this.append({ type: 'friend.removed', userId: `u${this.log.length + 1}` }, false);
  }

  revoke(token: string): void {
    this.tokens.delete(token);
    for (const socket of this.sockets) if (socket.token === token) socket.drop(4401, 'session revoked');
  }

  receive(socket: FakeSocket, frame: { id: string; op: string; data: Data }): void {
    if (socket.readyState !== 1) return;
    const reply = (result: unknown): void =>
      socket.push(
        result instanceof Fail
          ? { type: 'reply', id: frame.id, ok: false, error: result.error }
          : { type: 'reply', id: frame.id, ok: true, data: result },
      );
    this.requests.push({ op: frame.op, data: frame.data, via: 'socket' });
    if (frame.op === 'auth') {
      const token: unknown = frame.data?.token;
      if (typeof token === 'string' && this.tokens.has(token)) {
        socket.authed = true;
        socket.token = token;
        reply({ user: alice, session: sessionOf('s-1'), pts: this.pts });
      } else {
        reply(fail('auth.session_revoked'));
        socket.drop(4401, 'session revoked');
      }
      return;
    }
    if (!socket.authed) return reply(fail('auth.required'));
    this.#run(frame.op, frame.data, socket).then(reply);
  }

  /** What this server does for `op` when no test handler overrides it. */
  builtin(op: string): OpHandler {
    const handler = this.#defaults[op];
    if (!handler) throw new Error(`no built-in handler for ${op}`);
    return handler;
  }

  async #run(op: string, data: Data, socket: FakeSocket | null): Promise<unknown> {
    const handler = this.handlers.get(op) ?? this.#defaults[op];
    if (!handler) return fail('request.unknown_op');
    try {
      return await handler(data, socket);
    } catch (error) {
      return error instanceof Fail ? error : fail('server.internal');
    }
  }

  readonly #defaults: Record<string, OpHandler> = {
    ping: () => ({ now: this.clock.now() }),
    'sync.get': (data: { since: number; limit?: number }) => {
      const after = this.log.filter((u) => u.pts > data.since);
      const updates = after.slice(0, Math.min(data.limit ?? this.pageSize, this.pageSize));
      return { updates, pts: this.pts, hasMore: after.length > updates.length };
    },
    'messages.send': (data: { conversationId: string; clientMsgId: string; text: string }) => {
      const existing = this.messages.find((m) => m.clientMsgId === data.clientMsgId);
      if (existing) return { message: existing, duplicate: true };
      const seq = this.messages.filter((m) => m.conversationId === data.conversationId).length + 1;
      const message: MessageDto = {
        id: `m-${this.messages.length + 1}`,
        conversationId: data.conversationId,
        seq,
        senderId: alice.id,
        clientMsgId: data.clientMsgId,
        text: data.text,
        createdAt: this.clock.now(),
      };
      this.messages.push(message);
      this.append({ type: 'message.new', message });
      return { message, duplicate: false };
    },
    'friends.list': () => ({ friends: [] }),
  };

  /** `fetch` against this server: POST /api/op/<op>, as the real one. */
  readonly fetch: FetchLike = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const op = new URL(url).pathname.replace(/^\/api\/op\//u, '');
    const headers = new Headers(init?.headers);
    const data: Data = JSON.parse(typeof init?.body === 'string' ? init.body : '{}');
    this.requests.push({ op, data, via: 'http' });
    const json = (status: number, body: unknown): Response =>
      new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    const failWith = (f: Fail, status: number): Response => json(status, f.error);
    if (op === 'auth.login' || op === 'auth.register') {
      if (data.password !== 'correct horse') return failWith(fail('auth.bad_credentials'), 401);
      const token = `tok-${++this.#sessions}`;
      this.tokens.add(token);
      return json(200, { token, user: alice, session: sessionOf(`s-${this.#sessions}`) });
    }
    const token = headers.get('authorization')?.replace(/^Bearer /u, '') ?? '';
    if (!this.tokens.has(token)) return failWith(fail('auth.session_revoked'), 401);
    if (op === 'auth.logout') {
      this.revoke(token);
      return json(200, {});
    }
    const result = await this.#run(op, data, null);
    return result instanceof Fail ? failWith(result, 400) : json(200, result);
  };
}

/** A promise with its resolve exposed, to hold a server reply until the test releases it. */
export function deferred<T = void>(): { promise: Promise<T>; resolve(value: T): void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
