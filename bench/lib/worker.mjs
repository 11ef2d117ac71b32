// A load-generator process. The runner forks several; each holds a share of the sockets and does what the runner
// asks over IPC: connect, send at a paced rate, page through history, catch up after being offline. Every loop is
// bounded by a count and a deadline. The worker exits when the runner goes away.
import { BenchClient, connectAll, nowUs } from './client.mjs';
import { XmppClient } from './xmpp-client.mjs';

const workerId = Number(process.env.BENCH_WORKER_ID ?? 0);
let clients = [];
/** Message accounting, keyed by clientMsgId (unique in this worker: w<worker>m<counter>). */
let pending = new Map();
let counter = 0;
let senders = [];
let step = null;
/** Messages watched across workers (the big group): cmid → latencies (ms) on this worker's receivers. */
const watched = new Map();

function newStepStats() {
  return { sent: 0, acked: 0, errors: {}, received: 0, dup: 0, late: 0, echo: 0, latencies: [], ackLatencies: [], firstSendUs: 0, lastSendUs: 0, lastRecvUs: 0 };
}

/** Send time (µs) embedded in the text: "t=<µs>;…". */
function sentAtOf(text) {
  const end = text.indexOf(';');
  return text.startsWith('t=') && end > 2 ? Number(text.slice(2, end)) : NaN;
}

function onUpdate(client, update) {
  if (update.type !== 'message.new' || !update.message) return;
  const m = update.message;
  const now = nowUs();
  if (m.senderId === client.user.id) {
    if (step) step.echo++;
    return;
  }
  const cmid = m.clientMsgId;
  if (cmid.startsWith('x')) {
    const list = watched.get(cmid) ?? [];
    list.push((now - sentAtOf(m.text)) / 1000);
    watched.set(cmid, list);
    return;
  }
  if (!step) return;
  if (client.seen.has(cmid)) {
    step.dup++;
    return;
  }
  client.seen.add(cmid);
  const entry = pending.get(cmid);
  if (!entry || entry.sender !== m.senderId) {
    step.late++;
    return;
  }
  step.received++;
  step.lastRecvUs = now;
  step.latencies.push((now - sentAtOf(m.text)) / 1000);
  if (--entry.remaining <= 0 && entry.acked) pending.delete(cmid);
}

/** Feige's and the relay's JSON client, or the XMPP one for the ejabberd peer: the same surface for everything below. */
function newClient(target, user, options) {
  return target.kind === 'xmpp' ? new XmppClient(target, user, options) : new BenchClient(target, user, options);
}

function makeClient(target, user, localAddresses, i) {
  const client = newClient(target, user, { localAddress: localAddresses[i % localAddresses.length], onUpdate });
  client.seen = new Set();
  return client;
}

function pad(text, size) {
  return text.length >= size ? text : text + '.'.repeat(size - text.length);
}

/** Sends one message from sender s; accounting starts before the frame leaves. */
function sendOne(s, size) {
  const cmid = `w${workerId}m${++counter}`;
  const t = nowUs();
  const text = pad(`t=${t};${cmid} `, size);
  const entry = { sender: s.client.user.id, remaining: s.expect, acked: false };
  pending.set(cmid, entry);
  const stats = step;
  stats.sent++;
  if (!stats.firstSendUs) stats.firstSendUs = t;
  stats.lastSendUs = t;
  s.client.sendMessage(s.conv, s.to, cmid, text, (error, data) => {
    if (error) {
      stats.errors[error.code] = (stats.errors[error.code] ?? 0) + 1;
      pending.delete(cmid);
      return;
    }
    stats.acked++;
    if (!data?.noAck) stats.ackLatencies.push((nowUs() - t) / 1000);
    entry.acked = true;
    if (entry.remaining <= 0) pending.delete(cmid);
  });
}

/**
 * Open-loop pacing: `total` sends (this worker's share of rate × duration) spread evenly over `durationMs`, then
 * drain (bounded).
 */
function traffic({ rate, total: share, durationMs, drainMs, size = 80 }, reply) {
  step = newStepStats();
  pending = new Map();
  for (const c of clients) c.seen.clear();
  const total = share ?? Math.floor((rate * durationMs) / 1000);
  const t0 = performance.now();
  let next = 0;
  const order = senders.filter((s) => s.client.open);
  if (order.length === 0 || total === 0) return finishTraffic(reply, 0, t0);
  const tick = setInterval(() => {
    const elapsed = performance.now() - t0;
    const due = Math.min(total, Math.floor((total * elapsed) / durationMs));
    while (step.sent < due) sendOne(order[next++ % order.length], size);
    if (step.sent >= total || elapsed > durationMs + 1_000) {
      clearInterval(tick);
      const sendEnd = performance.now();
      const drainTimer = setInterval(() => {
        if (pending.size === 0 || performance.now() - sendEnd > drainMs) {
          clearInterval(drainTimer);
          finishTraffic(reply, total, t0);
        }
      }, 5);
    }
  }, 2);
  return undefined;
}

function finishTraffic(reply, target, t0) {
  const stats = step;
  let lost = 0;
  let unacked = 0;
  for (const entry of pending.values()) {
    lost += Math.max(0, entry.remaining);
    if (!entry.acked) unacked++;
  }
  step = null;
  pending = new Map();
  reply({
    ...stats,
    target,
    lost,
    unacked,
    wallMs: performance.now() - t0,
    latencies: Float64Array.from(stats.latencies),
    ackLatencies: Float64Array.from(stats.ackLatencies),
  });
}

/** History pages: paced at `rate`, at most `concurrency` requests in flight; a page must hold `limit` consecutive seqs. */
function history({ rate, durationMs, concurrency, limit = 50, convs }, reply) {
  const stats = { sent: 0, ok: 0, bad: 0, errors: {}, skipped: 0, latencies: [], wallMs: 0 };
  const total = Math.floor((rate * durationMs) / 1000);
  const t0 = performance.now();
  let inFlight = 0;
  let next = 0;
  let finished = false;
  const usable = convs.filter((c) => clients[c.client]?.open && c.lastSeq > limit);
  const finish = () => {
    if (finished) return;
    finished = true;
    clearInterval(tick);
    stats.wallMs = performance.now() - t0;
    reply({ ...stats, target: total, latencies: Float64Array.from(stats.latencies) });
  };
  let offered = 0;
  const tick = setInterval(() => {
    const elapsed = performance.now() - t0;
    const due = Math.min(total, Math.floor((rate * elapsed) / 1000));
    while (offered < due) {
      offered++;
      if (inFlight >= concurrency || usable.length === 0) {
        stats.skipped++;
        continue;
      }
      const c = usable[next++ % usable.length];
      const beforeSeq = limit + 1 + Math.floor(Math.random() * (c.lastSeq - limit));
      const t = nowUs();
      inFlight++;
      stats.sent++;
      clients[c.client].request('messages.history', { conversationId: c.conv, beforeSeq, limit }, (error, data) => {
        inFlight--;
        if (error) stats.errors[error.code] = (stats.errors[error.code] ?? 0) + 1;
        else {
          const seqs = data.messages.map((m) => m.seq);
          const good = seqs.length === limit && seqs.every((s, i) => s === beforeSeq - limit + i);
          if (good) stats.ok++;
          else stats.bad++;
          stats.latencies.push((nowUs() - t) / 1000);
        }
        if (offered >= total && inFlight === 0) finish();
      });
    }
    if (elapsed > durationMs + 10_000) finish();
    else if (offered >= total && inFlight === 0) finish();
  }, 2);
}

/**
 * Catch-up: at `goAtMs` (epoch ms, shared by all workers) every user connects at once (or at most
 * `connectConcurrency` handshakes in flight per worker), authenticates and pages sync.get from its cursor until it
 * holds all `count` messages from `from`. A device whose socket fails reconnects like a real client (up to
 * `maxAttempts`, backoff 250 ms × 2^n with jitter) and resumes from its cursor. Reports each user's time (ms).
 */
function catchup({ target, users, localAddresses, goAtMs, timeoutMs, connectConcurrency = 0, maxAttempts = 5 }, reply) {
  const results = users.map(() => ({ ms: null, received: 0, dup: 0, pages: 0, reconnects: 0, error: null }));
  let remaining = users.length;
  let finished = false;
  const t0Us = nowUs() + (goAtMs - Date.now()) * 1000;
  const finish = () => {
    if (finished) return;
    finished = true;
    clearTimeout(deadline);
    reply({ results });
  };
  const deadline = setTimeout(finish, Math.max(0, goAtMs - Date.now()) + timeoutMs);
  const doneOne = () => {
    if (--remaining === 0) finish();
  };
  // A bounded number of handshakes in flight (0 = no bound).
  let inFlight = 0;
  const waiting = [];
  const acquire = (go) => {
    if (!connectConcurrency || inFlight < connectConcurrency) {
      inFlight++;
      go();
    } else waiting.push(go);
  };
  const release = () => {
    inFlight--;
    const next = waiting.shift();
    if (next) acquire(next);
  };
  const device = (user, i) => {
    const r = results[i];
    const seen = new Set();
    let complete = false;
    let cursor = user.cursor ?? 0;
    let attempts = 0;
    const giveUp = (error) => {
      if (complete) return;
      complete = true;
      r.error = error;
      doneOne();
    };
    const take = (update) => {
      if (update.type !== 'message.new' || update.message?.senderId !== user.from) return;
      if (seen.has(update.message.clientMsgId)) r.dup++;
      else {
        seen.add(update.message.clientMsgId);
        r.received++;
      }
      if (!complete && r.received >= user.count) {
        complete = true;
        r.ms = (nowUs() - t0Us) / 1000;
        doneOne();
      }
    };
    const attempt = () => {
      if (complete || finished) return;
      attempts++;
      const client = newClient(target, user, {
        localAddress: localAddresses[(i + attempts) % localAddresses.length],
        onUpdate: (_c, u) => take(u),
        onClose: () => retry('closed'),
      });
      clients.push(client);
      let retried = false;
      const retry = (why) => {
        if (retried || complete || finished) return;
        retried = true;
        client.close();
        if (attempts >= maxAttempts) return giveUp(why);
        r.reconnects++;
        return setTimeout(attempt, 250 * 2 ** (attempts - 1) * (0.5 + Math.random()));
      };
      let pages = 0;
      const page = () => {
        if (pages++ > 1_000 || complete) return;
        client.request('sync.get', { since: cursor }, (error, data) => {
          if (error) return retry(error.code);
          r.pages++;
          for (const update of data.updates) take(update);
          if (data.updates.length > 0) cursor = data.updates[data.updates.length - 1].pts;
          if (data.hasMore && !complete) page();
          return undefined;
        });
      };
      acquire(() =>
        client.connect((error) => {
          release();
          if (error) return retry(String(error.message));
          return page();
        }, timeoutMs),
      );
    };
    attempt();
  };
  setTimeout(() => users.forEach(device), Math.max(0, goAtMs - Date.now()));
}

const handlers = {
  /**
   * Connects `users` (client k of this call is clients[base + k]). A socket that fails is tried again, at most
   * `retries` more times: under a burst of logins ejabberd now and then closes a WebSocket during login (code 1000,
   * no stream error). Retries are counted and reported; what still fails after them is a failure.
   */
  connect({ target, users, localAddresses, concurrency, timeoutMs, retries = 2 }, reply) {
    const base = clients.length;
    const made = new Array(users.length);
    const errors = [];
    let retried = 0;
    const t0 = performance.now();
    const round = (indexes, attempt) =>
      connectAll(indexes.length, (k) => makeClient(target, users[indexes[k]], localAddresses, base + indexes[k]), { concurrency, timeoutMs }, ({ clients: batch, errors: batchErrors }) => {
        indexes.forEach((i, k) => (made[i] = batch[k]));
        const failed = indexes.filter((i) => !made[i].open);
        if (failed.length > 0 && attempt < retries) {
          retried += failed.length;
          for (const i of failed) made[i].close();
          return round(failed, attempt + 1);
        }
        errors.push(...batchErrors);
        clients.push(...made);
        const ok = made.filter((c) => c.open).length;
        return reply({ ok, errors: errors.slice(0, 5), failed: users.length - ok, retried, ms: performance.now() - t0, first: base });
      });
    round(users.map((_, i) => i), 0);
  },
  senders({ list }, reply) {
    senders = list.map((s) => ({ ...s, client: clients[s.client] }));
    reply({ count: senders.length });
  },
  traffic,
  history,
  catchup,
  /** One message to watch across workers (the big group): sent by clients[client]. */
  sendWatched({ client, conv, to, cmid, size = 80 }, reply) {
    const t = nowUs();
    clients[client].sendMessage(conv, to, cmid, pad(`t=${t};${cmid} `, size), (error, data) => reply({ error: error?.code ?? null, ackMs: data?.noAck ? null : (nowUs() - t) / 1000 }));
  },
  watched({ cmid }, reply) {
    reply({ latencies: Float64Array.from(watched.get(cmid) ?? []) });
  },
  stats(_msg, reply) {
    reply({ open: clients.filter((c) => c.open).length, total: clients.length });
  },
  close(_msg, reply) {
    for (const c of clients) c.close();
    clients = [];
    senders = [];
    reply({});
  },
};

process.on('message', (msg) => {
  const reply = (data) => process.send?.({ reqId: msg.reqId, ...data });
  const handler = handlers[msg.cmd];
  if (!handler) return reply({ error: `unknown command ${msg.cmd}` });
  try {
    return handler(msg, reply);
  } catch (error) {
    return reply({ error: String(error?.stack ?? error) });
  }
});
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: true });
