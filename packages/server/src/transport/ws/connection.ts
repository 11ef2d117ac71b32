import { closeCodes, limits, type ServerFrame } from '@feige/protocol';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Actor } from '../../services/index.js';

/** Past this much unsent data a reader is too slow: drop it and let it resume by sync, instead of growing memory. */
const maxBufferedBytes = 4 * 1024 * 1024;

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

/** One WebSocket and what the gateway knows about it. */
export class Connection {
  actor: Actor | null = null;
  lastHeardAt = performance.now();
  /** Frames of one socket are handled one after another, so a client's sends keep their order. */
  queue: Promise<void> = Promise.resolve();
  closed = false;
  revoked = false;

  constructor(
    readonly socket: WebSocket,
    readonly address: string,
  ) {}

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

  /**
   * The session was revoked: refuse further frames at once, but close only after the frame being handled has been
   * answered, so a socket that logs itself out still gets its reply.
   */
  revoke(): void {
    this.revoked = true;
    void this.queue.then(() => this.close(closeCodes.sessionRevoked, 'session revoked'));
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close(code, reason);
    // A peer that never answers the close handshake must not hold the socket open.
    setTimeout(() => this.socket.terminate(), 2_000).unref();
  }

  isIdle(now: number): boolean {
    return now - this.lastHeardAt > limits.idleTimeoutMs;
  }
}
