import type {
  AuthResultDto,
  EphemeralDto,
  ErrorCode,
  MessageDto,
  OpName,
  OpParams,
  OpResult,
  SelfDto,
  SessionDto,
  UpdateDto,
} from '@feige/protocol';
import type { ClientState } from './connection.js';
import type { Unsubscribe } from './emitter.js';
import type { FetchLike } from './http.js';
import type { OutboxEntry } from './outbox.js';
import type { KeyValueStore, WebStorageLike } from './storage.js';
import type { Timers } from './timers.js';
import type { WebSocketConstructor } from './websocket.js';

export interface ClientOptions {
  /** HTTP origin (and optional path prefix); the socket is the same with ws:/wss: and `/ws`. */
  baseUrl: string;
  /** Default `globalThis.WebSocket`; in Node pass the `ws` package's WebSocket. */
  WebSocket?: WebSocketConstructor;
  /** Default `globalThis.fetch`. */
  fetch?: FetchLike;
  /** Where token, session, cursor and outbox are kept; `localStorage` may be passed as is. Default: in memory. */
  storage?: KeyValueStore | WebStorageLike;
  /** Prefix of the storage keys, so several devices can share one store (tests). Default `feige`. */
  storageKey?: string;
  deviceName?: string;
  timers?: Timers;
  /** Jitter source, in [0, 1). Default Math.random. */
  random?: () => number;
  /** Default limits.heartbeatIntervalMs. */
  heartbeatIntervalMs?: number;
  /** No pong within this → the socket is dead → reconnect. Default 5 s. */
  heartbeatTimeoutMs?: number;
  /** Exponential backoff with full jitter, default 500 ms .. 30 s; reset after `stableMs` (default 10 s) online. */
  reconnect?: { baseMs?: number; maxMs?: number; stableMs?: number };
  /** A socket not authenticated within this is abandoned and retried. Default 15 s. */
  connectTimeoutMs?: number;
  /** A request without a reply within this rejects with NetworkError. Default 30 s. */
  requestTimeoutMs?: number;
  /** Where a throwing event listener or a failing storage write is reported. Default console.error. */
  onError?: (error: unknown) => void;
}

export type ClientEvents = {
  state: [state: ClientState];
  update: [update: UpdateDto];
  event: [event: EphemeralDto];
  outbox: [entries: OutboxEntry[]];
  sent: [entry: OutboxEntry, message: MessageDto];
  sessionEnded: [code: ErrorCode];
};

export type RegisterParams = OpParams<'auth.register'>;
export type LoginParams = OpParams<'auth.login'>;

export interface FeigeClient {
  readonly token: string | null;
  readonly user: SelfDto | null;
  readonly session: SessionDto | null;
  readonly state: ClientState;
  /** The highest pts applied. */
  readonly cursor: number | null;
  readonly outbox: OutboxEntry[];

  register(params: RegisterParams): Promise<AuthResultDto>;
  login(params: LoginParams): Promise<AuthResultDto>;
  /** auth.logout, then forget token, cursor and outbox, even when the server could not be reached (then rethrows). */
  logout(): Promise<void>;
  /** Over the socket when one is authenticated, otherwise HTTP POST /api/op/<op>. */
  call<O extends OpName>(op: O, params: OpParams<O>): Promise<OpResult<O>>;

  /** Open the socket, authenticate, sync; reconnects by itself until disconnect() or logout(). */
  connect(): void;
  /** Close and stop reconnecting; the outbox is kept. */
  disconnect(): void;
  /** While waiting to reconnect, try now (e.g. on the browser's `online` event). */
  reconnectNow(): void;

  on<K extends keyof ClientEvents>(name: K, listener: (...args: ClientEvents[K]) => void): Unsubscribe;

  sendMessage(conversationId: string, text: string): OutboxEntry;
  /** A failed entry goes back to pending and is sent again; false when there is no such failed entry. */
  retry(clientMsgId: string): boolean;
  /** Drop a failed entry; false when there is no such failed entry. */
  discard(clientMsgId: string): boolean;
}
