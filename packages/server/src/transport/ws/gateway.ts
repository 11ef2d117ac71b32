import { randomUUID } from 'node:crypto';
import { authFrameData, closeCodes, isOpName, limits, requestFrame, type ErrorDto } from '@feige/protocol';
import type { WebSocket } from 'ws';
import { AppError } from '../../lib/app-error.js';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import { takeToken } from '../../lib/rate-limiter.js';
import type { Services } from '../../services/index.js';
import type { Bus } from '../../bus/bus.js';
import { errorReply } from '../error-reply.js';
import { runOp } from '../ops.js';
import { Connection } from './connection.js';
import { connectionRegistry } from './registry.js';

export interface GatewayDeps {
  services: Services;
  bus: Bus;
  clock: Clock;
  logger: Logger;
  /** Overrides limits.authDeadlineMs (tests shorten it). */
  authDeadlineMs?: number;
  /** Overrides the liveness sweep's period and limits.serverPingAfterMs / idleTimeoutMs (tests shorten them). */
  heartbeat?: Partial<HeartbeatOptions>;
}

export interface HeartbeatOptions {
  /** One timer for all sockets: every `sweepMs` it pings the silent ones and drops the dead ones. */
  sweepMs: number;
  pingAfterMs: number;
  idleTimeoutMs: number;
}

const bucketOptions = { perSecond: limits.framesPerSecond, burst: limits.framesBurst };

/** Pulls the request id out of a frame without parsing it (for the reply to a frame refused before parsing). */
const frameIdPattern = /"id"\s*:\s*"([^"]{1,64})"/u;

/**
 * The WebSocket gateway: authenticates sockets, enforces frame limits, dispatches ops to the same handlers as HTTP,
 * and pushes each user's updates and events to their sockets.
 */
export function createGateway(deps: GatewayDeps) {
  const { services, logger } = deps;
  const registry = connectionRegistry(deps.bus);
  /** Every open socket, authenticated or not; also how the shared listeners below find a socket's Connection. */
  const all = new Map<WebSocket, Connection>();
  let shuttingDown = false;

  // Liveness: one timer for every socket instead of one per socket. Time is counted in sweep ticks, so a frame only
  // stores a small integer. A socket heard from recently costs nothing; a silent one gets a WebSocket protocol ping
  // (which browsers and `ws` answer by themselves); one silent past the idle timeout is dropped.
  const heartbeat: HeartbeatOptions = {
    sweepMs: 5_000,
    pingAfterMs: limits.serverPingAfterMs,
    idleTimeoutMs: limits.idleTimeoutMs,
    ...deps.heartbeat,
  };
  const pingAfterTicks = Math.max(1, Math.round(heartbeat.pingAfterMs / heartbeat.sweepMs));
  const idleTicks = Math.max(pingAfterTicks + 1, Math.round(heartbeat.idleTimeoutMs / heartbeat.sweepMs));
  let tick = 0;
  const sweep = setInterval(() => {
    tick++;
    for (const c of all.values()) {
      const silent = tick - c.heardAt;
      if (silent >= idleTicks) c.close(closeCodes.idle, 'idle');
      else if (silent >= pingAfterTicks && !c.pinged && !c.closed) {
        c.pinged = true;
        c.socket.ping();
      }
    }
  }, heartbeat.sweepMs);
  sweep.unref();

  function heard(c: Connection): void {
    c.heardAt = tick;
    c.pinged = false;
  }

  /** Runs a socket's frames strictly one after another; the next starts when the previous one's reply is sent. */
  async function drain(c: Connection, first: string): Promise<void> {
    let text: string | undefined = first;
    while (text !== undefined) {
      await handleFrame(c, text).catch((err: unknown) => logger.error({ err }, 'frame handling failed'));
      text = c.backlog?.shift();
    }
    c.settle();
  }

  // Listeners shared by every socket (`this` is the socket): no closures per connection.
  function onMessage(this: WebSocket, data: WebSocket.RawData, isBinary: boolean): void {
    const c = all.get(this);
    if (!c) return;
    heard(c);
    const wait = takeToken(c, deps.clock.now(), bucketOptions);
    const text = isBinary ? '' : data.toString();
    if (wait > 0) {
      const id = frameIdPattern.exec(text)?.[1] ?? '?';
      replyError(c, id, new AppError('rate.limited', 'too many frames; slow down', { retryAfterMs: wait }));
      return;
    }
    if (c.busy) {
      (c.backlog ??= []).push(text);
      return;
    }
    c.busy = true;
    void drain(c, text);
  }

  function onPong(this: WebSocket): void {
    const c = all.get(this);
    if (c) heard(c);
  }

  function onError(this: WebSocket, error: Error): void {
    logger.debug({ err: error }, 'socket error');
  }

  function onClose(this: WebSocket): void {
    const c = all.get(this);
    if (!c) return;
    all.delete(this);
    if (c.authTimer) clearTimeout(c.authTimer);
    c.authTimer = null;
    c.closed = true;
    const actor = c.actor;
    if (!actor) return;
    registry.remove(actor.userId, c);
    // Shutting down closes everyone's sockets at once: nobody is left to tell, and the database is closing.
    if (shuttingDown) return;
    services.presence.disconnected(actor.userId).catch((err: unknown) => logger.error({ err }, 'presence update failed'));
  }

  function replyError(c: Connection, id: string, error: unknown): ErrorDto {
    const { body } = errorReply(error, randomUUID(), logger);
    c.send({ type: 'reply', id, ok: false, error: body });
    return body;
  }

  async function authenticate(c: Connection, id: string, data: unknown): Promise<void> {
    if (c.actor) throw new AppError('auth.already_authenticated', 'this socket is already signed in');
    const parsed = authFrameData.safeParse(data);
    if (!parsed.success) throw new AppError('request.invalid', 'auth needs { token }');
    let auth;
    try {
      auth = await services.auth.authenticate(parsed.data.token);
    } catch (error) {
      replyError(c, id, error);
      c.close(closeCodes.authFailed, 'authentication failed');
      return;
    }
    if (c.closed) return;
    if (c.authTimer) clearTimeout(c.authTimer);
    c.authTimer = null;
    c.actor = auth.actor;
    registry.add(auth.actor.userId, c);
    // A revoke published while we were authenticating missed this socket; from here on the subscription catches it.
    if (!(await services.auth.isActive(auth.actor.sessionId))) {
      registry.remove(auth.actor.userId, c);
      c.actor = null;
      replyError(c, id, new AppError('auth.session_revoked', 'this session was signed out'));
      c.close(closeCodes.sessionRevoked, 'session revoked');
      return;
    }
    // Counted at once (before any await) so a close that races in is always matched by this connect.
    const announced = services.presence.connected(auth.actor.userId);
    // Read pts after subscribing: anything committed later arrives live, anything earlier is covered by sync.
    const pts = await services.sync.currentPts(auth.actor.userId);
    c.send({ type: 'reply', id, ok: true, data: { user: auth.user, session: auth.session, pts } });
    await announced;
  }

  async function handleFrame(c: Connection, raw: string): Promise<void> {
    let id = '?';
    try {
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        throw new AppError('request.invalid', 'a frame must be JSON');
      }
      const frame = requestFrame.safeParse(json);
      if (!frame.success) {
        const maybeId = (json as { id?: unknown } | null)?.id;
        if (typeof maybeId === 'string' && maybeId.length <= 64) id = maybeId;
        throw new AppError('request.invalid', 'a frame is { id, op, data }');
      }
      id = frame.data.id;
      if (shuttingDown) throw new AppError('server.shutting_down', 'the server is restarting; reconnect shortly');
      if (frame.data.op === 'auth') return await authenticate(c, id, frame.data.data);
      if (!isOpName(frame.data.op)) throw new AppError('request.unknown_op', `unknown op ${frame.data.op}`);
      if (!c.actor) throw new AppError('auth.required', 'send { op: "auth" } first');
      if (c.revoked) throw new AppError('auth.session_revoked', 'this session was signed out');
      const data = await runOp(services, frame.data.op, frame.data.data, c.actor, { address: c.address });
      c.send({ type: 'reply', id, ok: true, data });
    } catch (error) {
      replyError(c, id, error);
    }
  }

  return {
    accept(socket: WebSocket, address: string): void {
      const c = new Connection(socket, address, tick, { tokens: limits.framesBurst, tokensAt: deps.clock.now() });
      all.set(socket, c);
      socket.on('message', onMessage);
      socket.on('ping', onPong);
      socket.on('pong', onPong);
      socket.on('error', onError);
      socket.on('close', onClose);
      if (shuttingDown) {
        c.close(closeCodes.goingAway, 'server shutting down');
        return;
      }
      c.authTimer = setTimeout(() => {
        c.authTimer = null;
        if (!c.actor) c.close(closeCodes.authTimeout, 'authentication timed out');
      }, deps.authDeadlineMs ?? limits.authDeadlineMs);
      c.authTimer.unref();
    },

    /** Cuts a user's sockets without a close handshake, as a lost network would (admin kick; tests). */
    terminateUser(userId: string): number {
      const sockets = registry.connectionsOf(userId);
      for (const c of sockets) c.socket.terminate();
      return sockets.length;
    },

    stats: () => ({ sockets: all.size, users: registry.userCount() }),

    /** Closes every socket with a reason; clients reconnect elsewhere or later and resume by sync. */
    async shutdown(): Promise<void> {
      shuttingDown = true;
      clearInterval(sweep);
      const open = [...all.values()];
      const closed = open.map((c) => new Promise<void>((resolve) => (c.socket.readyState === c.socket.CLOSED ? resolve() : c.socket.once('close', () => resolve()))));
      for (const c of open) c.close(closeCodes.goingAway, 'server shutting down');
      await Promise.all(open.map((c) => c.idle()));
      // Peers get a moment to answer the close handshake; Connection.close terminates the ones that do not.
      await Promise.race([Promise.all(closed), new Promise((resolve) => setTimeout(resolve, 3_000).unref())]);
    },
  };
}

export type Gateway = ReturnType<typeof createGateway>;
