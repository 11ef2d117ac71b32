// A thin raw-protocol client for the load generator: one WebSocket, JSON frames, no SDK. It speaks Feige's protocol
// (auth first, then ops) and the ceiling relay's subset of it (user id in the URL, no auth). Callbacks, not promises,
// on the hot path: the generator must stay cheaper than what it measures.
import WebSocket from 'ws';
import { limits } from '@feige/protocol';

/**
 * The heartbeat, as the SDK does it: a `ping` op every limits.heartbeatIntervalMs (the server adds a protocol ping
 * only for sockets it has not heard from). Each socket's first ping comes at a random point of the interval, as
 * clients that connected at different moments would send them, so that any window of an idle step sees the same
 * ping rate whatever the ramp's timing.
 */
export const heartbeatMs = limits.heartbeatIntervalMs;

/** Monotonic microseconds, comparable across processes on one machine (CLOCK_MONOTONIC). */
export function nowUs() {
  return Number(process.hrtime.bigint() / 1000n);
}

export class BenchClient {
  /**
   * @param target { kind: 'feige' | 'relay', wsUrl }
   * @param user { id, token }
   * @param onUpdate (client, update) for every pushed update frame
   */
  constructor(target, user, { localAddress, onUpdate = () => undefined, onClose = () => undefined } = {}) {
    this.target = target;
    this.user = user;
    this.localAddress = localAddress;
    this.onUpdate = onUpdate;
    this.onClose = onClose;
    this.pending = new Map();
    this.nextId = 1;
    this.ws = null;
    this.open = false;
    this.heartbeat = null;
    this.authPts = 0;
  }

  /** Connects (and authenticates with Feige); cb(error) once, within timeoutMs. */
  connect(cb, timeoutMs = 30_000) {
    let done = false;
    const finish = (error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (error) this.ws?.terminate();
      cb(error ?? null);
    };
    const timer = setTimeout(() => finish(new Error('connect timed out')), timeoutMs);
    const url = this.target.kind === 'relay' ? `${this.target.wsUrl}?u=${encodeURIComponent(this.user.id)}` : this.target.wsUrl;
    const ws = new WebSocket(url, { perMessageDeflate: false, localAddress: this.localAddress, handshakeTimeout: timeoutMs });
    this.ws = ws;
    ws.on('message', (data) => this.onFrame(String(data)));
    ws.on('error', (error) => finish(error));
    ws.on('close', (code, reason) => {
      this.open = false;
      clearInterval(this.heartbeat);
      for (const [, entry] of this.pending) entry.cb({ code: 'socket.closed' }, null);
      this.pending.clear();
      finish(new Error(`closed ${code} ${reason}`));
      this.onClose(this, code, String(reason));
    });
    ws.on('open', () => {
      this.open = true;
      const ping = () => this.request('ping', {}, () => undefined);
      this.heartbeat = setTimeout(() => {
        ping();
        this.heartbeat = setInterval(ping, heartbeatMs);
        this.heartbeat.unref();
      }, Math.random() * heartbeatMs);
      this.heartbeat.unref();
      if (this.target.kind === 'relay') return finish();
      this.request('auth', { token: this.user.token }, (error, data) => {
        if (error) return finish(new Error(`auth failed: ${error.code}`));
        this.authPts = data.pts;
        return finish();
      });
      return undefined;
    });
  }

  onFrame(text) {
    const frame = JSON.parse(text);
    if (frame.type === 'reply') {
      const entry = this.pending.get(frame.id);
      if (!entry) return;
      this.pending.delete(frame.id);
      entry.cb(frame.ok ? null : frame.error, frame.ok ? frame.data : null);
    } else if (frame.type === 'update') {
      this.onUpdate(this, frame.update);
    }
  }

  /** Sends one request frame; cb(error, data) when its reply arrives (or the socket closes). */
  request(op, data, cb) {
    if (!this.open) return cb({ code: 'socket.closed' }, null);
    const id = String(this.nextId++);
    this.pending.set(id, { cb });
    this.ws.send(JSON.stringify({ id, op, data }));
    return undefined;
  }

  /** messages.send; `to` (the peer, or 'g:<group>') routes it on the relay and is not sent to Feige. */
  sendMessage(conversationId, to, clientMsgId, text, cb) {
    const data = this.target.kind === 'relay' ? { to, conversationId, clientMsgId, text } : { conversationId, clientMsgId, text };
    this.request('messages.send', data, cb);
  }

  close() {
    clearInterval(this.heartbeat);
    if (this.ws && this.ws.readyState <= WebSocket.OPEN) this.ws.terminate();
  }
}

/**
 * Connects many clients with at most `concurrency` handshakes in flight. Calls back with { clients, failed, ms }.
 * `make(i)` returns an unconnected BenchClient.
 */
export function connectAll(count, make, { concurrency = 200, timeoutMs = 60_000 } = {}, cb) {
  const clients = new Array(count);
  const errors = [];
  let next = 0;
  let done = 0;
  const t0 = performance.now();
  if (count === 0) return cb({ clients, errors, ms: 0 });
  const startOne = () => {
    const i = next++;
    const client = make(i);
    clients[i] = client;
    client.connect((error) => {
      if (error) errors.push(String(error.message ?? error));
      done++;
      if (next < count) startOne();
      if (done === count) cb({ clients, errors, ms: performance.now() - t0 });
    }, timeoutMs);
  };
  for (let k = 0; k < Math.min(concurrency, count); k++) startOne();
  return undefined;
}
