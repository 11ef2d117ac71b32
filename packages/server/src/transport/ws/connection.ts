import type { Duplex } from 'node:stream';
import { closeCodes, type ServerFrame } from '@feige/protocol';
import type { WebSocket } from 'ws';
import type { BucketState } from '../../lib/rate-limiter.js';
import type { Actor } from '../../services/index.js';

/**
 * Past this much unsent data a reader is too slow: drop it and let it resume by sync, instead of growing memory. The
 * kernel's socket buffers come first (on Linux up to tcp_rmem + tcp_wmem, tens of MB on loopback), outside the heap.
 */
export const maxBufferedBytes = 4 * 1024 * 1024;

/**
 * Sockets corked in this tick. Everything a socket is sent in one tick (a send's reply and the sender's own update; a
 * group-commit batch's frames) leaves in one write system call instead of one each: writes were the server's biggest
 * single cost under load (docs/performance.md).
 */
const corked = new Set<Duplex>();

function uncorkAll(): void {
  for (const socket of corked) socket.uncork();
  corked.clear();
}

function corkForThisTick(socket: Duplex | undefined): void {
  if (!socket || corked.has(socket)) return;
  if (corked.size === 0) process.nextTick(uncorkAll);
  socket.cork();
  corked.add(socket);
}

/**
 * One WebSocket and what the gateway knows about it. Plain fields only: at tens of thousands of idle sockets every
 * closure, timer and promise kept per socket shows in the server's memory (docs/performance.md, "Memory per socket").
 */
export class Connection implements BucketState {
  actor: Actor | null = null;
  /** The gateway's sweep tick when a frame, ping or pong last arrived from the peer. */
  heardAt: number;
  /** A protocol ping went out since the peer was last heard. */
  pinged = false;
  /** Token bucket for frames (lib/rate-limiter.ts `takeToken`). */
  tokens: number;
  tokensAt: number;
  /** Cleared once authenticated; until then it closes the socket at the auth deadline. */
  authTimer: ReturnType<typeof setTimeout> | null = null;
  /**
   * Frames of one socket are handled one after another, so a client's sends keep their order: while one is being
   * handled, the next ones wait here (null when none wait, which is nearly always).
   */
  busy = false;
  backlog: string[] | null = null;
  /** Resolved when the frame being handled and those waiting are done (only made on shutdown or revocation). */
  private drained: (() => void)[] | null = null;
  closed = false;
  revoked = false;

  constructor(
    readonly socket: WebSocket,
    readonly address: string,
    tick: number,
    bucket: BucketState,
  ) {
    this.heardAt = tick;
    this.tokens = bucket.tokens;
    this.tokensAt = bucket.tokensAt;
  }

  send(frame: ServerFrame): void {
    this.sendRaw(JSON.stringify(frame));
  }

  /** For frames serialised once and sent to many sockets. */
  sendRaw(text: string): void {
    if (this.closed || this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount > maxBufferedBytes) {
      this.close(closeCodes.slowConsumer, 'too slow; reconnect and sync');
      return;
    }
    // ws keeps the TCP socket private; it is what can be corked.
    corkForThisTick((this.socket as unknown as { _socket?: Duplex })._socket);
    this.socket.send(text);
  }

  /** Resolves once no frame of this socket is being handled or waiting. */
  idle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => (this.drained ??= []).push(resolve));
  }

  /** Called by the gateway when the last waiting frame has been handled. */
  settle(): void {
    this.busy = false;
    this.backlog = null;
    const waiting = this.drained;
    this.drained = null;
    if (waiting) for (const resolve of waiting) resolve();
  }

  /**
   * The session was revoked: refuse further frames at once, but close only after the frames already received have
   * been answered, so a socket that logs itself out still gets its reply.
   */
  revoke(): void {
    this.revoked = true;
    void this.idle().then(() => this.close(closeCodes.sessionRevoked, 'session revoked'));
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    if (this.authTimer) clearTimeout(this.authTimer);
    this.authTimer = null;
    this.socket.close(code, reason);
    // A peer that never answers the close handshake must not hold the socket open.
    setTimeout(() => this.socket.terminate(), 2_000).unref();
  }
}
