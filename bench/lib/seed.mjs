// Seeding Feige before the server starts: the runner opens the SQLite file with the server's own code (createApp
// from @feige/server, not listening) and writes users, sessions, friendships, direct chats and groups through its
// repos and services, so every row is what the running server would have written. Two shortcuts, both documented in
// docs/performance.md: one scrypt hash is shared by all users (scrypt per user would take minutes), and session
// tokens are made here (random 32 bytes, stored as their SHA-256, as packages/server/src/lib/tokens.ts does) instead
// of logging in. Bulk history for the history scenario is written with plain SQL (fillHistory below).
import { createHash, randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { usernameKey } from '@feige/protocol';
import { createApp, silentLogger } from '@feige/server';

const hashToken = (token) => createHash('sha256').update(token).digest('base64url');

export async function openFeige(file, { groupMaxMembers } = {}) {
  return createApp({
    database: { kind: 'sqlite', file },
    logger: silentLogger(),
    webDir: null,
    ...(groupMaxMembers ? { groupMaxMembers } : {}),
  });
}

/** `count` users named <prefix>000001…, each with one session; returns [{ id, username, token, sessionId }]. */
export async function seedUsers(app, count, prefix = 'b') {
  const first = await app.services.auth.register({ username: `${prefix}seedhash`, displayName: 'seed', password: 'bench password' });
  const passwordHash = (await app.storage.repos.users.byId(first.user.id)).passwordHash;
  const users = [];
  const now = Date.now();
  for (let start = 0; start < count; start += 500) {
    const chunk = [];
    for (let i = start; i < Math.min(count, start + 500); i++) {
      const n = String(i).padStart(6, '0');
      chunk.push({ id: `u_${prefix}${n}`, username: `${prefix}${n}`, token: randomBytes(32).toString('base64url'), sessionId: `s_${prefix}${n}` });
    }
    await app.storage.transaction(async (repos) => {
      for (const u of chunk) {
        await repos.users.insert({ id: u.id, username: u.username, usernameKey: usernameKey(u.username), displayName: `Bench ${u.username}`, passwordHash, createdAt: now });
        await repos.sessions.insert({ id: u.sessionId, userId: u.id, deviceName: 'bench', createdAt: now, lastSeenAt: now, revokedAt: null, tokenHash: hashToken(u.token) });
      }
    });
    users.push(...chunk);
  }
  return users;
}

const actorOf = (user) => ({ userId: user.id, sessionId: user.sessionId });

/** Makes a and b friends and opens their direct chat through the service; returns the conversation id. */
export async function befriendAndOpen(app, a, b) {
  await app.storage.repos.social.addFriendship(a.id, b.id, Date.now());
  const { conversation } = await app.services.conversations.openDirect(actorOf(a), { userId: b.id });
  return conversation.id;
}

/** Friends pairs (users[2i], users[2i+1]); returns [{ a, b, conv }]. */
export async function seedPairs(app, users) {
  const pairs = [];
  for (let i = 0; i + 1 < users.length; i += 2) pairs.push({ a: users[i], b: users[i + 1], conv: await befriendAndOpen(app, users[i], users[i + 1]) });
  return pairs;
}

/** A group owned by members[0] with all of members, created and filled through the groups service. */
export async function seedGroup(app, members, title) {
  const [owner, ...rest] = members;
  const now = Date.now();
  for (let start = 0; start < rest.length; start += 500)
    await app.storage.transaction(async (repos) => {
      for (const m of rest.slice(start, start + 500)) await repos.social.addFriendship(owner.id, m.id, now);
    });
  const batch = 99;
  const { conversation } = await app.services.groups.create(actorOf(owner), { title, userIds: rest.slice(0, batch).map((m) => m.id) });
  for (let start = batch; start < rest.length; start += 100)
    await app.services.groups.invite(actorOf(owner), { conversationId: conversation.id, userIds: rest.slice(start, start + 100).map((m) => m.id) });
  return conversation.id;
}

/** Sends `count` messages from `from` in `conv` through the messages service (the production write path). */
export async function sendThroughService(app, from, conv, count, prefix = 'c') {
  for (let i = 0; i < count; i++)
    await app.services.messages.send(actorOf(from), { conversationId: conv, clientMsgId: `${prefix}${i}`, text: `catch-up message ${i} from ${from.username}` });
}

/**
 * History for the history scenario, written with plain SQL in one transaction after the server's code has created
 * the schema and the conversations: `perConv` text messages in each conversation (senders alternating), and the
 * conversation's last_seq. No update-log entries: history pages do not read them.
 */
export function fillHistory(file, pairs, perConv) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const insert = db.prepare(
    "insert into messages (id, conversation_id, seq, kind, sender_id, client_msg_id, text, extra, created_at) values (?, ?, ?, 'text', ?, ?, ?, null, ?)",
  );
  const setLast = db.prepare('update conversations set last_seq = ?, updated_at = ? where id = ?');
  const t0 = Date.now() - perConv * 1000;
  // Chats written in turn, as live traffic writes them: a store filled one conversation at a time would keep each
  // chat's rows together whatever the table's layout, and flatter every target.
  db.transaction(() => {
    for (let seq = 1; seq <= perConv; seq++)
      pairs.forEach(({ a, b, conv }, c) => {
        const sender = seq % 2 ? a : b;
        insert.run(`m_h${c}_${seq}`, conv, seq, sender.id, `h${c}_${seq}`, `history message ${seq} in conversation ${c}, some ordinary text of a chat`, t0 + seq * 1000);
      });
    for (const { conv } of pairs) setLast.run(perConv, Date.now(), conv);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

/**
 * Catch-up fill with plain SQL, for sizes where the service path would take minutes (10,000 × 20): the same rows
 * messages.send writes — the message, one update-log entry per member pointing at it (migration 0005), the
 * conversation's last_seq and each member's pts — in one transaction, conversations written in turn as live traffic
 * writes them. `sends`: [{ from, to, conv, count }].
 */
export function fillCatchupSql(file, sends) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const insertMessage = db.prepare(
    "insert into messages (id, conversation_id, seq, kind, sender_id, client_msg_id, text, extra, created_at) values (?, ?, ?, 'text', ?, ?, ?, null, ?)",
  );
  const insertUpdate = db.prepare("insert into updates (user_id, pts, body, created_at, message_conversation_id, message_seq) values (?, ?, '', ?, ?, ?)");
  const setLast = db.prepare('update conversations set last_seq = ?, updated_at = ? where id = ?');
  const setPts = db.prepare('update users set pts = ? where id = ?');
  const pts = new Map();
  const now = Date.now();
  const most = Math.max(0, ...sends.map((s) => s.count));
  db.transaction(() => {
    for (let i = 0; i < most; i++)
      sends.forEach(({ from, to, conv, count }, c) => {
        if (i >= count) return;
        insertMessage.run(`m_c${c}_${i}`, conv, i + 1, from.id, `c${i}`, `catch-up message ${i} from ${from.username}`, now);
        for (const user of [from.id, to.id].sort()) {
          const p = (pts.get(user) ?? 0) + 1;
          pts.set(user, p);
          insertUpdate.run(user, p, now, conv, i + 1);
        }
      });
    for (const { conv, count } of sends) setLast.run(count, now, conv);
    for (const [user, p] of pts) setPts.run(p, user);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}
