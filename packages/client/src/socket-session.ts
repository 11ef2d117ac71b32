import { limits, type AuthOkDto, type EphemeralDto, type UpdateDto } from '@feige/protocol';
import { ApiError, NetworkError } from './errors.js';
import { parseServerFrame, type IncomingFrame } from './server-frames.js';
import type { Timers } from './timers.js';
import { frameText, readyStates, type WebSocketLike } from './websocket.js';

export interface SocketSessionDeps {
  url: string;
  openSocket(url: string): WebSocketLike;
  token: string;
  timers: Timers;
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
  /** From constructing the socket to the auth reply; covers a handshake that hangs. */
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  onAuthenticated(auth: AuthOkDto): void;
  onUpdate(update: UpdateDto): void;
  onEvent(event: EphemeralDto): void;
  /** Called once, unless the owner closed the session itself with close(). */
  onClosed(closed: SessionClosed): void;
}

export interface SessionClosed {
  /** The close code the server sent, or null when this side gave up on the socket (timeout, failed auth). */
  code: number | null;
  reason: string;
  /** The server refused the auth frame with this error. */
  authError: ApiError | null;
}

export interface SocketSession {
  readonly authenticated: boolean;
  /** Rejects with NetworkError when not authenticated, on timeout, or when the socket closes before the reply. */
  request(op: string, data: unknown): Promise<unknown>;
  /** Closed by the owner: pending requests reject, onClosed is not called. */
  close(): void;
  /** Give up on the socket as if it had died: pending requests reject and onClosed is called. */
  abort(reason: string): void;
}

interface Pending {
  resolve(data: unknown): void;
  reject(error: Error): void;
  timer: unknown;
}

type Reply = Extract<IncomingFrame, { type: 'reply' }>;

const noop = (): void => {};

/**
 * One WebSocket connection: authenticate, correlate requests with replies, keep a heartbeat. It never reconnects;
 * the connection manager builds a new session for that.
 */
export function createSocketSession(deps: SocketSessionDeps): SocketSession {
  const { timers } = deps;
  const pending = new Map<string, Pending>();
  let nextId = 0;
  let phase: 'connecting' | 'authenticating' | 'ready' | 'closed' = 'connecting';
  let heartbeatTimer: unknown = null;
  let authId: string | null = null;

  const ws = deps.openSocket(deps.url);
  const connectTimer = timers.setTimeout(
    () => finish({ code: null, reason: `not authenticated within ${deps.connectTimeoutMs} ms`, authError: null }),
    deps.connectTimeoutMs,
  );

  function send(text: string): boolean {
    if (ws.readyState !== readyStates.open) return false;
    try {
      ws.send(text);
      return true;
    } catch {
      return false;
    }
  }

  const utf8 = new TextEncoder();

  function sendRequest(op: string, data: unknown, timeoutMs: number, onTimeout?: () => void): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const id = String(++nextId);
      const text = JSON.stringify({ id, op, data });
      // The server would close the socket (1009) for a frame this large, and a resend would only do it again:
      // refuse it here, as a non-retryable error, so it cannot block what comes after it.
      if (text.length > limits.frameMaxBytes / 3 && utf8.encode(text).length > limits.frameMaxBytes) {
        reject(new ApiError({ code: 'request.too_large', message: `${op}: the request is too large`, requestId: id }));
        return;
      }
      const timer = timers.setTimeout(() => {
        pending.delete(id);
        reject(new NetworkError(`${op}: no reply within ${timeoutMs} ms`));
        onTimeout?.();
      }, timeoutMs);
      pending.set(id, { resolve, reject, timer });
      if (!send(text)) {
        timers.clearTimeout(timer);
        pending.delete(id);
        reject(new NetworkError(`${op}: socket is not open`));
      }
    });
  }

  function scheduleHeartbeat(): void {
    heartbeatTimer = timers.setTimeout(() => {
      if (phase !== 'ready') return;
      // The next ping is due an interval after this one was sent, whatever happens to it, so a socket that dies
      // right after a pong is noticed within heartbeatIntervalMs + heartbeatTimeoutMs.
      scheduleHeartbeat();
      sendRequest('ping', {}, deps.heartbeatTimeoutMs, () =>
        finish({ code: null, reason: `no pong within ${deps.heartbeatTimeoutMs} ms`, authError: null }),
      ).catch(noop); // an error reply (rate.limited, say) still proves the socket is alive
    }, deps.heartbeatIntervalMs);
  }

  function teardown(): void {
    phase = 'closed';
    timers.clearTimeout(connectTimer);
    if (heartbeatTimer !== null) timers.clearTimeout(heartbeatTimer);
    // No-ops, not null: the `ws` package throws on an 'error' event that has no listener.
    ws.onopen = noop;
    ws.onmessage = noop;
    ws.onclose = noop;
    ws.onerror = noop;
    if (ws.readyState === readyStates.connecting || ws.readyState === readyStates.open) {
      try {
        ws.close(1000, 'client closing');
      } catch {
        // Some runtimes refuse close() mid-handshake; the socket is abandoned either way.
      }
    }
    const error = new NetworkError('socket closed before the reply');
    for (const [id, request] of pending) {
      timers.clearTimeout(request.timer);
      pending.delete(id);
      request.reject(error);
    }
  }

  function finish(closed: SessionClosed): void {
    if (phase === 'closed') return;
    teardown();
    deps.onClosed(closed);
  }

  function authenticate(): void {
    phase = 'authenticating';
    // Not through sendRequest: the server answers a bad token with an error reply and closes the socket right
    // after, and the reply must be read before that close is handled (a promise callback would run too late).
    authId = String(++nextId);
    if (!send(JSON.stringify({ id: authId, op: 'auth', data: { token: deps.token } })))
      finish({ code: null, reason: 'socket closed before authenticating', authError: null });
  }

  function onAuthReply(frame: Reply): void {
    if (phase !== 'authenticating') return;
    if (!frame.ok) {
      finish({ code: null, reason: 'authentication failed', authError: new ApiError(frame.error) });
      return;
    }
    timers.clearTimeout(connectTimer);
    phase = 'ready';
    scheduleHeartbeat();
    // Trusted server body (see protocol/dto.ts).
    deps.onAuthenticated(frame.data as AuthOkDto);
  }

  function onReply(frame: Reply): void {
    if (frame.id === authId) return onAuthReply(frame);
    const request = pending.get(frame.id);
    if (!request) return; // timed out already, or an error for a frame the server could not read ("?")
    pending.delete(frame.id);
    timers.clearTimeout(request.timer);
    if (frame.ok) request.resolve(frame.data);
    else request.reject(new ApiError(frame.error));
  }

  ws.onopen = () => authenticate();
  ws.onerror = noop; // a close event always follows and carries what there is to know
  ws.onclose = (event) => finish({ code: event.code, reason: event.reason, authError: null });
  ws.onmessage = (event) => {
    const text = frameText(event.data);
    const frame = text === null ? null : parseServerFrame(text);
    if (!frame || phase === 'closed') return;
    if (frame.type === 'reply') onReply(frame);
    else if (phase !== 'ready') return;
    else if (frame.type === 'update') deps.onUpdate(frame.update);
    else deps.onEvent(frame.event);
  };

  return {
    get authenticated() {
      return phase === 'ready';
    },
    request(op, data) {
      if (phase !== 'ready') return Promise.reject(new NetworkError(`${op}: not connected`));
      return sendRequest(op, data, deps.requestTimeoutMs);
    },
    close() {
      if (phase !== 'closed') teardown();
    },
    abort(reason) {
      finish({ code: null, reason, authError: null });
    },
  };
}
