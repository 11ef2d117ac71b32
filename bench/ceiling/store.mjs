// The ceiling relay's storage: what any IM server must write per message, and nothing more. One row per message,
// one inbox row per recipient (the sender included, as Feige writes the sender's log too), per-conversation seq and
// per-user pts kept in memory and written with the rows. SQLite in WAL mode with synchronous=NORMAL, as Feige.
import Database from 'better-sqlite3';

export function openStore(file) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -65536'); // the same page cache as Feige's
  db.exec(`
    create table if not exists messages (
      id integer primary key,
      conv text not null,
      seq integer not null,
      sender text not null,
      cmid text not null,
      text text not null,
      at integer not null
    );
    create unique index if not exists messages_conv_seq on messages (conv, seq);
    create unique index if not exists messages_sender_cmid on messages (sender, cmid);
    create table if not exists inbox (
      user text not null,
      pts integer not null,
      msg integer not null,
      primary key (user, pts)
    ) without rowid;
  `);
  const seqs = new Map(db.prepare('select conv, max(seq) as seq from messages group by conv').all().map((r) => [r.conv, r.seq]));
  const ptss = new Map(db.prepare('select user, max(pts) as pts from inbox group by user').all().map((r) => [r.user, r.pts]));
  const insertMessage = db.prepare('insert into messages (conv, seq, sender, cmid, text, at) values (?, ?, ?, ?, ?, ?)');
  const insertInbox = db.prepare('insert into inbox (user, pts, msg) values (?, ?, ?)');
  const history = db.prepare('select seq, sender, cmid, text, at from messages where conv = ? and seq < ? order by seq desc limit ?');
  const since = db.prepare(
    'select i.pts, m.conv, m.seq, m.sender, m.cmid, m.text, m.at from inbox i join messages m on m.id = i.msg where i.user = ? and i.pts > ? order by i.pts limit ?',
  );

  /** Writes one message and its inbox rows; returns the message with seq and each recipient's pts. */
  function write(conv, sender, cmid, text, recipients, at) {
    const seq = (seqs.get(conv) ?? 0) + 1;
    const { lastInsertRowid } = insertMessage.run(conv, seq, sender, cmid, text, at);
    const pts = [];
    for (const user of recipients) {
      const p = (ptss.get(user) ?? 0) + 1;
      insertInbox.run(user, p, lastInsertRowid);
      ptss.set(user, p);
      pts.push(p);
    }
    seqs.set(conv, seq);
    return { seq, pts };
  }

  return {
    db,
    write,
    /** Runs `work` in one transaction (BEGIN IMMEDIATE … COMMIT). */
    transaction: (work) => db.transaction(work).immediate(),
    history: (conv, beforeSeq, limit) => history.all(conv, beforeSeq, limit).reverse(),
    since: (user, after, limit) => since.all(user, after, limit),
    lastSeq: (conv) => seqs.get(conv) ?? 0,
    lastPts: (user) => ptss.get(user) ?? 0,
    close: () => db.close(),
  };
}

/** Bulk history for the history scenario: `perConv` messages in each conversation, no inbox rows (pages do not read them). */
export function fillStoreHistory(file, convs, perConv) {
  const store = openStore(file);
  const insert = store.db.prepare('insert into messages (conv, seq, sender, cmid, text, at) values (?, ?, ?, ?, ?, ?)');
  const t0 = Date.now() - perConv * 1000;
  // Chats written in turn, as live traffic writes them (see fillHistory in ../lib/seed.mjs).
  store.db.transaction(() => {
    for (let seq = 1; seq <= perConv; seq++)
      convs.forEach(({ conv, a, b }, c) => insert.run(conv, seq, seq % 2 ? a : b, `h${c}_${seq}`, `history message ${seq} in conversation ${c}, some ordinary text of a chat`, t0 + seq * 1000));
  })();
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  store.close();
}

/** Catch-up for the relay: `count` messages from `from` to `to` in each conversation, written as the relay would. */
export function fillStoreInbox(file, pairs, count) {
  const store = openStore(file);
  const at = Date.now();
  store.transaction(() => {
    for (const { conv, from, to } of pairs) for (let i = 0; i < count; i++) store.write(conv, from, `c${i}`, `catch-up message ${i} from ${from}`, [from, to], at);
  });
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  store.close();
}
