import {
  limits,
  publicOps,
  type AuthResultDto,
  type ErrorCode,
  type MessageDto,
  type OpName,
  type OpParams,
  type OpResult,
} from '@feige/protocol';
import { backoffDelay } from './backoff.js';
import { createConnection } from './connection.js';
import { Emitter } from './emitter.js';
import { ApiError, endsSession, NetworkError } from './errors.js';
import { createHttp, type FetchLike } from './http.js';
import { randomId } from './ids.js';
import { createOutbox, type OutboxEntry } from './outbox.js';
import { createPersistedState } from './persisted.js';
import { createMemoryStore, toKeyValueStore } from './storage.js';
import { systemTimers } from './timers.js';
import type { ClientEvents, ClientOptions, FeigeClient } from './types.js';
import { socketUrl, type WebSocketConstructor } from './websocket.js';

const defaults = {
  heartbeatTimeoutMs: 5_000,
  reconnectBaseMs: 500,
  reconnectMaxMs: 30_000,
  stableMs: 10_000,
  connectTimeoutMs: 15_000,
  requestTimeoutMs: 30_000,
  storageKey: 'feige',
};

export function createClient(options: ClientOptions): FeigeClient {
  const timers = options.timers ?? systemTimers;
  const random = options.random ?? Math.random;
  const onError = options.onError ?? ((error: unknown) => console.error('[feige]', error));
  // Looked up at call time, so a runtime without fetch fails a request (NetworkError), not the constructor.
  const fetchFn: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const requestTimeoutMs = options.requestTimeoutMs ?? defaults.requestTimeoutMs;
  const backoff = {
    baseMs: options.reconnect?.baseMs ?? defaults.reconnectBaseMs,
    maxMs: options.reconnect?.maxMs ?? defaults.reconnectMaxMs,
  };

  const persisted = createPersistedState(
    toKeyValueStore(options.storage ?? createMemoryStore()),
    `${options.storageKey ?? defaults.storageKey}:`,
    onError,
  );
  const emitter = new Emitter<ClientEvents>(onError);
  const http = createHttp({ baseUrl: options.baseUrl, fetch: fetchFn, timers, timeoutMs: requestTimeoutMs });

  let token = persisted.token.load();
  let user = persisted.user.load();
  let session = persisted.session.load();
  let cursor = persisted.cursor.load();

  function webSocketClass(): WebSocketConstructor {
    // The DOM typings say WebSocket always exists; Node 20 has none, so the type is widened to be checked.
    const WebSocketClass = options.WebSocket ?? (globalThis.WebSocket as WebSocketConstructor | undefined);
    if (typeof WebSocketClass !== 'function')
      throw new Error('No WebSocket in this runtime: pass createClient({ WebSocket }) (in Node, from the `ws` package)');
    return WebSocketClass;
  }

  const connection = createConnection({
    url: socketUrl(options.baseUrl),
    // Resolved per socket, so HTTP-only use works where there is no WebSocket.
    openSocket: (url) => {
      const WebSocketClass = webSocketClass();
      return new WebSocketClass(url);
    },
    timers,
    random,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? limits.heartbeatIntervalMs,
    heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? defaults.heartbeatTimeoutMs,
    connectTimeoutMs: options.connectTimeoutMs ?? defaults.connectTimeoutMs,
    requestTimeoutMs,
    backoff,
    stableMs: options.reconnect?.stableMs ?? defaults.stableMs,
    getToken: () => token,
    getCursor: () => cursor,
    setCursor: (pts) => {
      cursor = pts;
      persisted.cursor.save(pts);
    },
    onState: (state) => emitter.emit('state', state),
    onAuthenticated: (auth) => {
      user = auth.user;
      session = auth.session;
      persisted.user.save(user);
      persisted.session.save(session);
    },
    onUpdate: (update) => emitter.emit('update', update),
    onEvent: (event) => emitter.emit('event', event),
    onOnline: () => outbox.flush(),
    onSessionEnded: (code) => {
      forgetCredentials();
      emitter.emit('sessionEnded', code);
    },
  });

  const outbox = createOutbox({
    initial: persisted.outbox.load() ?? [],
    persist: (entries) => persisted.outbox.save(entries.length > 0 ? [...entries] : null),
    send: sendEntry,
    canSend: () => connection.ready,
    timers,
    retryDelay: (attempt) => backoffDelay(attempt, backoff, random),
    newId: randomId,
    onChange: (entries) => emitter.emit('outbox', entries),
    onSent: (entry, message) => emitter.emit('sent', entry, message),
  });

  async function sendEntry(entry: OutboxEntry): Promise<MessageDto> {
    const { conversationId, clientMsgId, text } = entry;
    const reply = connection.request('messages.send', { conversationId, clientMsgId, text });
    if (!reply) throw new NetworkError('messages.send: not connected');
    // Trusted server body (see protocol/dto.ts).
    const result = (await reply) as OpResult<'messages.send'>;
    return result.message;
  }

  function forgetCredentials(): void {
    token = null;
    session = null;
    user = null;
    persisted.token.save(null);
    persisted.session.save(null);
    persisted.user.save(null);
  }

  /** An HTTP reply said the token is dead: the same ending as a 4401 on the socket. */
  function endSession(code: ErrorCode): void {
    forgetCredentials();
    connection.stop();
    emitter.emit('sessionEnded', code);
  }

  async function viaHttp(op: OpName, params: unknown): Promise<unknown> {
    const sent = publicOps.has(op) ? null : token;
    try {
      return await http.request(op, params, sent);
    } catch (error) {
      // Only if the token that failed is still the current one: a login may have replaced it meanwhile.
      if (sent !== null && sent === token && error instanceof ApiError && endsSession(error)) endSession(error.code);
      throw error;
    }
  }

  function adopt(result: AuthResultDto): AuthResultDto {
    // Cursor and outbox belong to one user: another account on this device must not inherit them.
    if (persisted.owner.load() !== result.user.id) {
      cursor = null;
      persisted.cursor.save(null);
      outbox.clear();
    }
    token = result.token;
    user = result.user;
    session = result.session;
    persisted.owner.save(result.user.id);
    persisted.token.save(token);
    persisted.user.save(user);
    persisted.session.save(session);
    connection.restart();
    return result;
  }

  function withDeviceName<P extends { deviceName?: string | undefined }>(params: P): P {
    if (params.deviceName !== undefined || options.deviceName === undefined) return params;
    return { ...params, deviceName: options.deviceName };
  }

  return {
    get token() {
      return token;
    },
    get user() {
      return user;
    },
    get session() {
      return session;
    },
    get state() {
      return connection.state;
    },
    get cursor() {
      return cursor;
    },
    get outbox() {
      return outbox.entries();
    },

    async register(params) {
      // Trusted server body (see protocol/dto.ts).
      return adopt((await viaHttp('auth.register', withDeviceName(params))) as AuthResultDto);
    },
    async login(params) {
      return adopt((await viaHttp('auth.login', withDeviceName(params))) as AuthResultDto);
    },
    async logout() {
      const sent = token;
      // Closed first, so the server's 4401 for the revoked session is not mistaken for an ended session.
      connection.stop();
      let failure: unknown = null;
      if (sent !== null) {
        try {
          await http.request('auth.logout', {}, sent);
        } catch (error) {
          if (!endsSession(error)) failure = error;
        }
      }
      forgetCredentials();
      persisted.owner.save(null);
      cursor = null;
      persisted.cursor.save(null);
      outbox.clear();
      if (failure !== null) throw failure;
    },
    async call<O extends OpName>(op: O, params: OpParams<O>): Promise<OpResult<O>> {
      const viaSocket = publicOps.has(op) ? null : connection.request(op, params);
      // Trusted server body (see protocol/dto.ts).
      return (await (viaSocket ?? viaHttp(op, params))) as OpResult<O>;
    },

    connect() {
      if (token === null) throw new Error('connect() needs a session: call login() or register() first');
      webSocketClass();
      connection.start();
    },
    disconnect() {
      connection.stop();
    },
    reconnectNow() {
      connection.reconnectNow();
    },

    on(name, listener) {
      return emitter.on(name, listener);
    },

    sendMessage(conversationId, text) {
      return outbox.add(conversationId, text);
    },
    retry(clientMsgId) {
      return outbox.retry(clientMsgId);
    },
    discard(clientMsgId) {
      return outbox.discard(clientMsgId);
    },
  };
}
