#!/usr/bin/env node
// The ceiling: a bare `ws` relay. No auth (the user id is in the URL: /?u=<id>), no validation beyond JSON.parse,
// no ids. It speaks the subset of Feige's frames the load generator uses, so the same generator drives both:
//   → { id, op: 'messages.send', data: { to, conversationId, clientMsgId, text } }   to = user id or 'g:<group>'
//   → { id, op: 'messages.history', data: { conversationId, beforeSeq, limit } }     (--store only)
//   → { id, op: 'sync.get', data: { since, limit } }                                 (--store only)
//   → { id, op: 'ping' }
//   ← { type: 'reply', id, ok: true, data }      ← { type: 'update', update: { type: 'message.new', pts, message } }
// In memory (default) it forwards at once. With --store <file> it writes every message to SQLite (WAL, one
// transaction per event-loop turn for all messages that arrived in it) and acks and forwards after the commit.
// Groups (--groups <json file: { "<group>": ["<user>", …] }>) fan out to every member's sockets.
//
//   node bench/ceiling/relay.mjs [--port 0] [--host 127.0.0.1] [--store file.sqlite] [--groups groups.json]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { WebSocketServer } from 'ws';
import { openStore } from './store.mjs';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    store: { type: 'string' },
    groups: { type: 'string' },
  },
});

const store = values.store ? openStore(values.store) : null;
const groups = new Map(Object.entries(values.groups ? JSON.parse(readFileSync(values.groups, 'utf8')) : {}));
/** userId → Set of sockets. */
const sockets = new Map();
const seqs = new Map();
const ptss = new Map();
let pending = [];

function push(userId, text) {
  const set = sockets.get(userId);
  if (set) for (const ws of set) ws.send(text);
}

function recipientsOf(from, to) {
  if (to.startsWith('g:')) return groups.get(to.slice(2)) ?? [];
  return [from, to];
}

/** Acks the sender, then pushes one update per recipient (serialised once per recipient, as Feige does). */
function deliver(ws, m, seq, pts) {
  const message = { conversationId: m.conversationId, seq, senderId: m.from, clientMsgId: m.clientMsgId, text: m.text, createdAt: m.at };
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'reply', id: m.id, ok: true, data: { message, duplicate: false } }));
  m.recipients.forEach((user, i) => push(user, JSON.stringify({ type: 'update', update: { type: 'message.new', message, pts: pts[i], at: m.at } })));
}

function flush() {
  const batch = pending;
  pending = [];
  const written = store.transaction(() => batch.map((m) => store.write(m.conversationId, m.from, m.clientMsgId, m.text, m.recipients, m.at)));
  batch.forEach((m, i) => deliver(m.ws, m, written[i].seq, written[i].pts));
}

function reply(ws, id, data) {
  ws.send(JSON.stringify({ type: 'reply', id, ok: true, data }));
}

function fail(ws, id, code) {
  ws.send(JSON.stringify({ type: 'reply', id, ok: false, error: { code, message: code } }));
}

function toMessage(conv, r) {
  return { conversationId: conv, seq: r.seq, senderId: r.sender, clientMsgId: r.cmid, text: r.text, createdAt: r.at };
}

function onFrame(ws, userId, raw) {
  let frame;
  try {
    frame = JSON.parse(raw);
  } catch {
    return fail(ws, '?', 'request.invalid');
  }
  const { id, op, data } = frame;
  if (op === 'messages.send') {
    const m = { ws, id, from: userId, ...data, at: Date.now(), recipients: recipientsOf(userId, data.to) };
    if (!store) {
      const seq = (seqs.get(m.conversationId) ?? 0) + 1;
      seqs.set(m.conversationId, seq);
      const pts = m.recipients.map((u) => {
        const p = (ptss.get(u) ?? 0) + 1;
        ptss.set(u, p);
        return p;
      });
      return deliver(ws, m, seq, pts);
    }
    if (pending.length === 0) setImmediate(flush);
    pending.push(m);
    return undefined;
  }
  if (op === 'ping') return reply(ws, id, { now: Date.now() });
  if (!store) return fail(ws, id, 'relay.no_store');
  if (op === 'messages.history') {
    const before = data.beforeSeq ?? store.lastSeq(data.conversationId) + 1;
    const limit = data.limit ?? 50;
    const rows = store.history(data.conversationId, before, limit + 1);
    const hasMore = rows.length > limit;
    return reply(ws, id, { messages: (hasMore ? rows.slice(1) : rows).map((r) => toMessage(data.conversationId, r)), hasMore });
  }
  if (op === 'sync.get') {
    const limit = data.limit ?? 500;
    const rows = store.since(userId, data.since, limit + 1);
    const hasMore = rows.length > limit;
    const updates = rows.slice(0, limit).map((r) => ({ type: 'message.new', pts: r.pts, at: r.at, message: toMessage(r.conv, r) }));
    return reply(ws, id, { updates, pts: store.lastPts(userId), hasMore });
  }
  return fail(ws, id, 'request.unknown_op');
}

const wss = new WebSocketServer({ host: values.host, port: Number(values.port), perMessageDeflate: false, maxPayload: 256 * 1024 });
wss.on('connection', (ws, request) => {
  const userId = new URL(request.url ?? '/', 'http://x').searchParams.get('u');
  if (!userId) return ws.close(4401, 'no user');
  let set = sockets.get(userId);
  if (!set) sockets.set(userId, (set = new Set()));
  set.add(ws);
  ws.on('message', (raw) => onFrame(ws, userId, String(raw)));
  ws.on('error', () => undefined);
  ws.on('close', () => {
    set.delete(ws);
    if (set.size === 0 && sockets.get(userId) === set) sockets.delete(userId);
  });
  return undefined;
});
wss.on('listening', () => {
  const { address, port } = wss.address();
  console.log(`relay listening on ws://${address}:${port}/ (store: ${values.store ?? 'none'})`);
});
function stop() {
  for (const set of sockets.values()) for (const ws of set) ws.terminate();
  wss.close(() => {
    if (pending.length > 0) flush();
    store?.close();
    process.exit(0);
  });
  setTimeout(() => process.exit(0), 5_000).unref();
}
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
