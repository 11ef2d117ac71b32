import { closeCodes, errorCatalog, type AuthOkDto, type EphemeralDto, type ErrorCode, type UpdateDto } from '@feige/protocol';
import { backoffDelay, type BackoffOptions } from './backoff.js';
import { createSocketSession, type SessionClosed, type SocketSession } from './socket-session.js';
import { createSync, type Sync, type SyncPage } from './sync.js';
import type { Timers } from './timers.js';
import type { WebSocketLike } from './websocket.js';

export type ClientState = 'idle' | 'connecting' | 'syncing' | 'online' | 'offline' | 'closed';

export interface ConnectionDeps {
  url: string;
  openSocket(url: string): WebSocketLike;
  timers: Timers;
  random: () => number;
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  backoff: BackoffOptions;
  /** A connection that stayed online this long resets the backoff; a flapping one keeps backing off. */
  stableMs: number;
  getToken(): string | null;
  getCursor(): number | null;
  setCursor(pts: number): void;
  onState(state: ClientState): void;
  onAuthenticated(auth: AuthOkDto): void;
  onUpdate(update: UpdateDto): void;
  onEvent(event: EphemeralDto): void;
  /** Caught up after (re)connecting: time to flush the outbox. */
  onOnline(): void;
  /** The token is no longer accepted. Runs with state already 'closed'; the state event follows. */
  onSessionEnded(code: ErrorCode): void;
}

export interface Connection {
  readonly state: ClientState;
  /** An authenticated socket is there to carry requests. */
  readonly ready: boolean;
  start(): void;
  stop(): void;
  /** The token changed: drop the current socket and authenticate a fresh one. */
  restart(): void;
  /** Skip the rest of the backoff wait (the app learned the network is back). */
  reconnectNow(): void;
  /** Over the authenticated socket, or null when there is none. */
  request(op: string, data: unknown): Promise<unknown> | null;
}

/** Why a close ends the session for good: a revoked session (4401) or a token the server will never accept. */
function sessionEndCode(closed: SessionClosed): ErrorCode | null {
  if (closed.authError && !errorCatalog[closed.authError.code].retryable) return closed.authError.code;
  if (closed.code === closeCodes.sessionRevoked) return 'auth.session_revoked';
  return null;
}

/** Keeps one authenticated, caught-up socket alive until stopped: reconnects with backoff, runs sync per socket. */
export function createConnection(deps: ConnectionDeps): Connection {
  const { timers } = deps;
  let state: ClientState = 'idle';
  let wanted = false;
  let session: SocketSession | null = null;
  let sync: Sync | null = null;
  let retryTimer: unknown = null;
  let attempt = 0;
  let onlineSince: number | null = null;

  function setState(next: ClientState): void {
    if (state === next) return;
    state = next;
    deps.onState(next);
  }

  function dropSession(): void {
    sync?.stop();
    sync = null;
    const current = session;
    session = null;
    current?.close();
  }

  function clearRetry(): void {
    if (retryTimer !== null) timers.clearTimeout(retryTimer);
    retryTimer = null;
  }

  function open(): void {
    retryTimer = null;
    const token = deps.getToken();
    if (token === null) {
      wanted = false;
      setState('closed');
      return;
    }
    onlineSince = null;
    setState('connecting');
    const current: SocketSession = createSocketSession({
      url: deps.url,
      openSocket: deps.openSocket,
      token,
      timers,
      heartbeatIntervalMs: deps.heartbeatIntervalMs,
      heartbeatTimeoutMs: deps.heartbeatTimeoutMs,
      connectTimeoutMs: deps.connectTimeoutMs,
      requestTimeoutMs: deps.requestTimeoutMs,
      onAuthenticated: (auth) => {
        if (session !== current) return;
        deps.onAuthenticated(auth);
        setState('syncing');
        sync = createSync({
          getCursor: deps.getCursor,
          setCursor: deps.setCursor,
          // Trusted server body (see protocol/dto.ts).
          fetchPage: (since) => current.request('sync.get', { since }) as Promise<SyncPage>,
          apply: deps.onUpdate,
          onBusyChange: (busy) => onSyncBusy(current, busy),
          // A socket that cannot sync is no use; a fresh one (after backoff) starts over from the cursor.
          onError: () => current.abort('sync failed'),
        });
        sync.start(auth.pts);
      },
      onUpdate: (update) => {
        if (session === current) sync?.offer(update);
      },
      onEvent: (event) => {
        if (session === current) deps.onEvent(event);
      },
      onClosed: (closed) => onClosed(current, closed),
    });
    session = current;
  }

  function onSyncBusy(current: SocketSession, busy: boolean): void {
    if (session !== current) return;
    if (busy) return setState('syncing');
    const firstTime = onlineSince === null;
    if (firstTime) onlineSince = timers.now();
    setState('online');
    if (firstTime) deps.onOnline();
  }

  function onClosed(current: SocketSession, closed: SessionClosed): void {
    if (session !== current) return;
    sync?.stop();
    sync = null;
    session = null;
    const ended = sessionEndCode(closed);
    if (ended) {
      wanted = false;
      state = 'closed';
      deps.onSessionEnded(ended);
      deps.onState('closed');
      return;
    }
    if (onlineSince !== null && timers.now() - onlineSince >= deps.stableMs) attempt = 0;
    setState('offline');
    const delay = Math.max(backoffDelay(attempt++, deps.backoff, deps.random), closed.authError?.retryAfterMs ?? 0);
    retryTimer = timers.setTimeout(open, delay);
  }

  return {
    get state() {
      return state;
    },
    get ready() {
      return session?.authenticated ?? false;
    },
    start() {
      if (wanted) return;
      wanted = true;
      attempt = 0;
      open();
    },
    stop() {
      wanted = false;
      clearRetry();
      dropSession();
      setState('closed');
    },
    restart() {
      if (!wanted) return;
      clearRetry();
      dropSession();
      attempt = 0;
      open();
    },
    reconnectNow() {
      if (!wanted || retryTimer === null) return;
      clearRetry();
      open();
    },
    request(op, data) {
      return session?.authenticated ? session.request(op, data) : null;
    },
  };
}
