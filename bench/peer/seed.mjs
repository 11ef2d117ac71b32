// Seeding the ejabberd peer with what each scenario needs, in ejabberd's own tables (old SQL schema, lite.sql) before
// the node starts, or through the node once it runs. Users: rows in `users` (a login per user through the HTTP API
// would take minutes for 20,000). Rooms: the HTTP API's create_room (with the configured default room options).
// History: rows in `archive`, one transaction. Offline messages: sent through the running node by XMPP clients, the
// production write path (spool + both archives), like Feige's catch-up fill through its messages service.
import Database from 'better-sqlite3';
import path from 'node:path';
import { connectAll } from '../lib/client.mjs';
import { archiveEpochUs, XmppClient } from '../lib/xmpp-client.mjs';
import { el, escapeXml } from '../lib/xmpp.mjs';
import { api, domain, insertUsers, mucDomain, password } from './ejabberd.mjs';

/** What the report's workload line says about the peer, when it ran. */
export function peerWorkload(opts, extra = '') {
  if (!opts.targets.includes('ejabberd')) return '';
  return ` ejabberd (Debian): a throw-away node, XMPP over WebSocket (SASL PLAIN), SQLite in WAL mode, MAM always on, no shaper; ${opts.xmppAcks ? 'ack = the XEP-0198 <a> once the sender\'s session handled the message (--xmpp-acks)' : 'no send ack (XMPP has none without XEP-0198; see --xmpp-acks)'}.${extra}`;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** `count` users <prefix>000000…, written to the users table; returns [{ id, password }]. */
export function peerUsers(node, count, prefix = 'b') {
  const users = Array.from({ length: count }, (_, i) => ({ id: `${prefix}${String(i).padStart(6, '0')}`, password }));
  insertUsers(
    node.db,
    users.map((u) => u.id),
  );
  return users;
}

/** Pairs (users[2i], users[2i+1]). conv is b's local part: what a MAM query of a's archive filters by. */
export function peerPairs(users) {
  const pairs = [];
  for (let i = 0; i + 1 < users.length; i += 2) pairs.push({ a: users[i], b: users[i + 1], conv: users[i + 1].id });
  return pairs;
}

/** A room per group (room<gid>@conference…); every member joins it when it connects. */
export function peerGroup(gid, members) {
  const conv = `room${gid}@${mucDomain}`;
  return { gid, conv, members: members.map((m) => ({ ...m, rooms: [conv] })) };
}

/** Creates the rooms through the HTTP API (default room options from the config: persistent, MAM, 5,000 users). */
export async function createRooms(node, groups) {
  for (const g of groups) {
    const { status, body } = await api(node, 'create_room', { name: g.conv.split('@')[0], service: mucDomain, host: domain });
    if (status !== 200 || body !== '0') throw new Error(`create_room ${g.conv}: ${status} ${body}`);
  }
}

/**
 * `perConv` messages per pair in ejabberd's archive, as mod_mam would have written them: one row in each member's
 * archive (ejabberd keeps a copy per user), timestamps archiveEpochUs + seq so a page's ids say its seqs.
 */
export function fillArchive(node, pairs, perConv) {
  const { db } = node;
  const insert = db.prepare("insert into archive (username, timestamp, peer, bare_peer, xml, txt, kind, nick) values (?, ?, ?, ?, ?, ?, 'chat', '')");
  // Chats written in turn, as live traffic writes them (see fillHistory in ../lib/seed.mjs).
  db.transaction(() => {
    for (let seq = 1; seq <= perConv; seq++)
      pairs.forEach(({ a, b }, c) => {
        const ja = `${a.id}@${domain}`;
        const jb = `${b.id}@${domain}`;
        const [from, to] = seq % 2 ? [ja, jb] : [jb, ja];
        const text = `history message ${seq} in conversation ${c}, some ordinary text of a chat`;
        const xml = el('message', { xmlns: 'jabber:client', from: `${from}/bench`, to, type: 'chat', id: `h${c}_${seq}` }, el('body', {}, escapeXml(text)));
        insert.run(a.id, archiveEpochUs + seq, jb, jb, xml, text);
        insert.run(b.id, archiveEpochUs + seq, ja, ja, xml, text);
      });
  })();
}

/**
 * Connects `users` from this process (≤ 100 in flight). Under a burst of logins ejabberd now and then closes a
 * WebSocket during login (code 1000, no stream error); such a client is retried, at most 3 times.
 */
async function connectMany(target, users) {
  const clients = new Array(users.length);
  let todo = users.map((_, i) => i);
  for (let attempt = 1; todo.length > 0; attempt++) {
    const batch = todo;
    const { clients: made, errors } = await new Promise((resolve) => connectAll(batch.length, (k) => new XmppClient(target, users[batch[k]]), { concurrency: 100, timeoutMs: 60_000 }, resolve));
    batch.forEach((i, k) => (clients[i] = made[k]));
    todo = batch.filter((i) => !clients[i].open);
    if (todo.length > 0 && attempt >= 3) {
      for (const c of clients) c?.close();
      throw new Error(`${todo.length} fill connections failed 3 times: ${errors[0]}`);
    }
  }
  return clients;
}

/**
 * Offline fill: each sender connects and sends `count` messages (ids c0…) to its friend, who has never connected; we
 * wait (bounded) until the spool holds them all before the senders disconnect (a socket closed at once could drop
 * what it has not written yet: without XEP-0198 nothing says the server has it).
 */
export async function fillOffline(node, target, sends, count, log) {
  const t0 = performance.now();
  const db = new Database(path.join(node.dir, 'spool', 'ejabberd.db'), { readonly: true, fileMustExist: true });
  const stored = () => db.prepare('select count(*) as n from spool').get().n;
  try {
    for (let start = 0; start < sends.length; start += 1000) {
      const chunk = sends.slice(start, start + 1000);
      const clients = await connectMany(target, chunk.map((s) => s.from));
      try {
        const errors = [];
        chunk.forEach((s, j) => {
          for (let i = 0; i < count; i++) clients[j].sendMessage(s.to.id, s.to.id, `c${i}`, `catch-up message ${i} from ${s.from.id}`, (e) => e && errors.push(e.code));
        });
        const expected = (start + chunk.length) * count;
        const deadline = performance.now() + 120_000;
        while (stored() < expected && errors.length === 0 && performance.now() < deadline) await sleep(100);
        if (errors.length > 0) throw new Error(`offline fill: ${errors.length} sends failed (${errors[0]})`);
        if (stored() < expected) throw new Error(`offline fill: ${stored()}/${expected} messages in the spool after 120 s`);
      } finally {
        for (const c of clients) c.close();
      }
    }
  } finally {
    db.close();
  }
  log(`[ejabberd] ${sends.length * count} offline messages sent and stored in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
