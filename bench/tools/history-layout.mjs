#!/usr/bin/env node
// What the messages table's layout costs a history page (decisions §18): builds three throw-away SQLite files of
// --conversations × --per-conversation messages — a rowid table filled one chat at a time, a rowid table with chats
// written in turn (as live traffic writes them), and the same interleaved rows clustered by (conversation, seq)
// WITHOUT ROWID — then times the history query (a page of 50 + 1 before a random seq) on each, in-process.
//   node bench/tools/history-layout.mjs [--conversations 1000] [--per-conversation 1000] [--pages 20000] [--cache-mib 64]
// Not a benchmark of its own: a diagnostic for docs/performance.md. The files go to a temp dir, removed at the end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';

const { values } = parseArgs({
  options: {
    conversations: { type: 'string', default: '1000' },
    'per-conversation': { type: 'string', default: '1000' },
    pages: { type: 'string', default: '20000' },
    'cache-mib': { type: 'string', default: '64' },
  },
});
const convs = Number(values.conversations);
const per = Number(values['per-conversation']);
const pages = Number(values.pages);
const cacheKib = Number(values['cache-mib']) * 1024;
if (![convs, per, pages, cacheKib].every((n) => Number.isInteger(n) && n > 0) || per <= 51) {
  console.error('counts must be whole numbers > 0, --per-conversation > 51');
  process.exit(2);
}

const columns = 'id text not null, conversation_id text not null, seq integer not null, kind text not null, sender_id text not null, client_msg_id text not null, text text not null, extra text, created_at integer not null';
const layouts = [
  { name: 'rowid, filled one chat at a time', clustered: false, interleaved: false },
  { name: 'rowid, chats written in turn', clustered: false, interleaved: true },
  { name: 'clustered by (conversation, seq), chats written in turn', clustered: true, interleaved: true },
];
const conv = (c) => `c_${String(c).padStart(6, '0')}`;

function open(file) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma(`cache_size = -${cacheKib}`);
  return db;
}

function build(file, { clustered, interleaved }) {
  const db = open(file);
  db.exec(
    clustered
      ? `create table messages (${columns}, primary key (conversation_id, seq)) without rowid;
         create unique index messages_by_id on messages (id); create unique index messages_sender on messages (sender_id, client_msg_id);`
      : `create table messages (${columns}, primary key (id), unique (conversation_id, seq), unique (sender_id, client_msg_id));`,
  );
  const insert = db.prepare(`insert into messages values (?, ?, ?, 'text', ?, ?, ?, null, ?)`);
  const one = (c, s) => insert.run(`m_${c}_${s}`, conv(c), s, `u_${2 * c + (s % 2)}`, `k${c}_${s}`, `history message ${s} in conversation ${c}, some ordinary text of a chat`, s * 1000);
  const t0 = performance.now();
  db.transaction(() => {
    if (interleaved) for (let s = 1; s <= per; s++) for (let c = 0; c < convs; c++) one(c, s);
    else for (let c = 0; c < convs; c++) for (let s = 1; s <= per; s++) one(c, s);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return performance.now() - t0;
}

function measure(file) {
  const db = open(file);
  const page = db.prepare('select * from messages where conversation_id = ? and seq < ? and seq >= 1 order by seq desc limit 51');
  let x = 1; // a fixed pseudo-random sequence, the same for every layout
  const next = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
  const run = () => page.all(conv(Math.floor(next() * convs)), 52 + Math.floor(next() * (per - 51)));
  for (let i = 0; i < Math.min(2000, pages); i++) run(); // warm the cache
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < pages; i++) run();
  const us = Number(process.hrtime.bigint() - t0) / 1e3 / pages;
  db.close();
  return us;
}

const dir = mkdtempSync(path.join(tmpdir(), 'feige-history-layout-'));
try {
  console.log(`${convs} conversations × ${per} messages, ${pages} pages of 50, page cache ${values['cache-mib']} MiB`);
  layouts.forEach((layout, i) => {
    const file = path.join(dir, `${i}.sqlite`);
    const buildMs = build(file, layout);
    console.log(`${measure(file).toFixed(1).padStart(7)} µs per page   (filled in ${(buildMs / 1000).toFixed(1)} s)   ${layout.name}`);
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
