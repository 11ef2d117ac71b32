// The ejabberd peer (`--peer ejabberd`): a throw-away node of Debian's ejabberd with its own config, spool, logs and
// pid file under a temp dir, configured as docs/performance.md ("The ejabberd peer") describes (loopback only, no shaper, SQLite in WAL
// mode, MAM always on, offline storage, MUC with MAM). We never touch the packaged service or /etc/ejabberd, and we
// stop the node by the pid in its pid file, never by name.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chownSync, closeSync, existsSync, mkdirSync, readdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { cpuSeconds } from '../lib/proc.mjs';

export const domain = 'localhost';
export const mucDomain = `conference.${domain}`;
/** Every bench user's password (stored in plain text: SASL PLAIN over loopback, no hash per login on either side). */
export const password = 'bench password';
const installCommand = 'apt-get install -y ejabberd erlang-p1-sqlite3';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Installs the package when it is missing (root only); the packaged service must not be left running. */
export function ensureInstalled(log) {
  const have = () => existsSync('/usr/sbin/ejabberdctl') && readdirSync('/usr/lib/erlang/lib').some((d) => d.startsWith('p1_sqlite3-'));
  if (have()) return stopPackagedService(log);
  log(`[ejabberd] not installed: ${installCommand}`);
  if (process.getuid?.() !== 0) throw new Error(`ejabberd is not installed; run as root: ${installCommand}`);
  // Debian starts the service from postinst unless policy-rc.d says no; it is stopped by pid below either way.
  const result = spawnSync('sh', ['-c', `DEBIAN_FRONTEND=noninteractive ${installCommand}`], { stdio: 'inherit', timeout: 900_000 });
  if (result.status !== 0 || !have()) throw new Error(`${installCommand} failed`);
  return stopPackagedService(log);
}

/** The packaged node writes /run/ejabberd/ejabberd.pid; if that process is alive it holds 5222/5280: stop it by pid. */
function stopPackagedService(log) {
  const pidFile = '/run/ejabberd/ejabberd.pid';
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!(pid > 0) || cpuSeconds(pid) === null) return;
  log(`[ejabberd] the packaged service is running (pid ${pid}): stopping it`);
  spawnSync('systemctl', ['disable', 'ejabberd'], { stdio: 'ignore', timeout: 30_000 });
  killAndWait(pid, 30_000);
}

/** Running and not a zombie (a daemonised node is re-parented to pid 1, which may never reap it in a container). */
function alive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function killAndWait(pid, ms) {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const until = Date.now() + ms;
  while (alive(pid) && Date.now() < until) spawnSync('sleep', ['0.1']);
  if (alive(pid)) process.kill(pid, 'SIGKILL');
}

/** A free loopback TCP port (the node runs beside other sessions' servers, so never the standard 5222/5280). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function liteSql() {
  const base = '/usr/lib/x86_64-linux-gnu';
  const dirs = readdirSync(base).filter((d) => d.startsWith('ejabberd-'));
  for (const d of dirs) {
    const file = path.join(base, d, 'priv', 'sql', 'lite.sql');
    if (existsSync(file)) return file;
  }
  throw new Error('lite.sql not found under /usr/lib/*/ejabberd-*/priv/sql');
}

function config({ dir, c2sPort, httpPort }) {
  // YAML written by hand: every choice here is one docs/performance.md explains (loopback, fairness, persistence like Feige's).
  return `hosts: [${domain}]
loglevel: warning
hide_sensitive_log_data: true
listen:
  - port: ${c2sPort}
    ip: 127.0.0.1
    module: ejabberd_c2s
    starttls: false
    backlog: 4096
    shaper: c2s_shaper
    access: c2s
    max_stanza_size: 262144
  - port: ${httpPort}
    ip: 127.0.0.1
    module: ejabberd_http
    backlog: 4096
    request_handlers:
      /ws: ejabberd_http_ws
      /api: mod_http_api
acl:
  loopback:
    ip: [127.0.0.0/8]
access_rules:
  c2s:
    allow: all
  local:
    allow: all
  muc_create:
    allow: all
shaper_rules:
  c2s_shaper: none
  max_user_sessions: 10
  max_user_offline_messages: 1000000
api_permissions:
  "bench loopback":
    from: [mod_http_api]
    who:
      ip: 127.0.0.0/8
    what: "*"
default_db: sql
sql_type: sqlite
sql_database: ${path.join(dir, 'spool', 'ejabberd.db')}
new_sql_schema: false
auth_method: sql
auth_password_format: plain
cache_size: 200000
modules:
  mod_disco: {}
  mod_ping: {}
  mod_roster:
    versioning: true
  mod_carboncopy: {}
  mod_stream_mgmt: {}
  mod_offline:
    access_max_user_messages: max_user_offline_messages
  mod_mam:
    default: always
    assume_mam_usage: true
  mod_muc:
    access_create: muc_create
    max_users: 5000
    max_users_presence: 5000
    history_size: 0
    default_room_options:
      mam: true
      persistent: true
      max_users: 5000
      presence_broadcast: [moderator]
  mod_muc_admin: {}
  mod_http_api: {}
`;
}

/**
 * Creates the node's directory (config, SQLite schema in WAL mode) and returns helpers to seed it before start:
 * `db` is the open SQLite file (closed by start()).
 */
export async function prepare(dir) {
  for (const sub of ['conf', 'spool', 'logs']) mkdirSync(path.join(dir, sub), { recursive: true });
  const c2sPort = await freePort();
  const httpPort = await freePort();
  writeFileSync(path.join(dir, 'conf', 'ejabberd.yml'), config({ dir, c2sPort, httpPort }));
  // ejabberdctl points ERL_INETRC here; an empty file keeps the VM's default resolver and its log quiet.
  writeFileSync(path.join(dir, 'conf', 'inetrc'), '');
  // ERL_DIST_PORT: epmd-less distribution, so the node neither needs nor starts (or kills) a shared epmd.
  writeFileSync(
    path.join(dir, 'conf', 'ejabberdctl.cfg'),
    [
      `ERLANG_NODE=feigebench${process.pid}@localhost`,
      `ERL_DIST_PORT=${await freePort()}`,
      'ERL_MAX_PORTS=65536',
      'ERL_PROCESSES=1000000',
      'INET_DIST_INTERFACE=127.0.0.1',
      'ERL_EPMD_ADDRESS=127.0.0.1',
      `EJABBERD_PID_PATH=${path.join(dir, 'ejabberd.pid')}`,
      'ERL_OPTIONS="-env ERL_CRASH_DUMP_BYTES 0"',
      '',
    ].join('\n'),
  );
  const db = new Database(path.join(dir, 'spool', 'ejabberd.db'));
  db.exec(readFileSync(liteSql(), 'utf8'));
  // ejabberd leaves SQLite in rollback-journal mode (about 3× slower here); WAL is what Feige runs with.
  db.pragma('journal_mode = WAL');
  return { dir, db, c2sPort, httpPort, wsUrl: `ws://127.0.0.1:${httpPort}/ws`, apiUrl: `http://127.0.0.1:${httpPort}/api` };
}

/** Writes users straight into ejabberd's `users` table (plain passwords, as auth_password_format: plain stores them). */
export function insertUsers(db, ids) {
  const insert = db.prepare('insert into users (username, password) values (?, ?)');
  db.transaction(() => {
    for (const id of ids) insert.run(id, password);
  })();
}

function chownTree(dir, uid, gid) {
  chownSync(dir, uid, gid);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) chownTree(full, uid, gid);
    else chownSync(full, uid, gid);
  }
}

/** POST /api/<command> with a JSON body; resolves { status, body }. Bounded. */
export function api(node, command, body = {}, timeoutMs = 30_000) {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = http.request(`${node.apiUrl}/${command}`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) }, timeout: timeoutMs }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode, body: text }));
    });
    req.on('timeout', () => req.destroy(new Error(`api ${command} timed out`)));
    req.on('error', reject);
    req.end(data);
  });
}

/**
 * Starts the node as the ejabberd user (setpriv keeps the raised open-file limit, su would reset it to 1024) and waits
 * (bounded) until its HTTP API answers. Returns { pid, kind: 'xmpp', wsUrl, stop() }.
 */
export async function start(node, { timeoutMs = 60_000, onSpawn = () => undefined } = {}) {
  node.db.pragma('wal_checkpoint(TRUNCATE)');
  node.db.close();
  const uid = Number(execFileSync('id', ['-u', 'ejabberd'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'ejabberd'], { encoding: 'utf8' }).trim());
  chownTree(node.dir, uid, gid);
  const { dir } = node;
  const pidFile = path.join(dir, 'ejabberd.pid');
  const args = ['--config-dir', path.join(dir, 'conf'), '--spool', path.join(dir, 'spool'), '--logs', path.join(dir, 'logs'), 'foreground'];
  const script = `ulimit -n 20000 2>/dev/null || ulimit -n $(ulimit -Hn); exec setpriv --reuid=ejabberd --regid=ejabberd --init-groups ejabberdctl ${args.map((a) => `'${a}'`).join(' ')}`;
  // `foreground`, not `start`: the VM stays our descendant, so it is reaped when it exits (a detached node is
  // re-parented to pid 1, which in a container may leave it a zombie). HOME: the Erlang cookie goes into the node's dir.
  const out = openSync(path.join(dir, 'logs', 'console.log'), 'a');
  const child = spawn('bash', ['-c', script], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir, LANG: 'C.UTF-8' }, stdio: ['ignore', out, out] });
  closeSync(out);
  let exited = null;
  child.once('exit', (code, signal) => (exited = code ?? signal));
  const deadline = Date.now() + timeoutMs;
  let pid = 0;
  const server = { pid: 0, kind: 'xmpp', wsUrl: node.wsUrl, dir, stop: () => stopNode(server, pidFile, child) };
  // The caller can stop it from here on (an interrupted run must not leave a VM that is still starting).
  onSpawn(server);
  while (Date.now() < deadline) {
    if (exited !== null) throw new Error(`ejabberd exited (${exited}) before it was ready:\n${logTail(dir)}`);
    if (!pid && existsSync(pidFile)) pid = Number(readFileSync(pidFile, 'utf8').trim());
    server.pid = pid;
    if (pid) {
      try {
        const { status } = await api(node, 'status', {}, 2_000);
        if (status === 200) return server;
      } catch {
        // not listening yet
      }
    }
    await sleep(250);
  }
  const tail = logTail(dir);
  if (pid) await stopNode(server, pidFile, child);
  else child.kill('SIGKILL');
  throw new Error(`ejabberd did not become ready within ${timeoutMs} ms (pid ${pid || 'none'}):\n${tail}`);
}

export function logTail(dir, lines = 30) {
  const logs = path.join(dir, 'logs');
  if (!existsSync(logs)) return '';
  return readdirSync(logs)
    .filter((f) => f.endsWith('.log'))
    .map((f) => readFileSync(path.join(logs, f), 'utf8').split('\n').slice(-lines).join('\n'))
    .join('\n');
}

/** SIGTERM (the VM's orderly init:stop), wait up to 20 s, then SIGKILL; always by the pid from the pid file. */
async function stopNode(server, pidFile, child) {
  const running = () => child.exitCode === null && child.signalCode === null;
  // Stopped while starting: the VM writes its pid file early in its boot; wait for it (bounded) while the script runs.
  const waitUntil = Date.now() + 15_000;
  while (!server.pid && !existsSync(pidFile) && running() && Date.now() < waitUntil) await sleep(100);
  const pid = server.pid || (existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : 0);
  if (!pid || !alive(pid)) {
    if (running()) child.kill('SIGKILL');
    return;
  }
  // SIGTERM to the VM: OTP runs init:stop(), an orderly shutdown.
  process.kill(pid, 'SIGTERM');
  const until = Date.now() + 20_000;
  while (alive(pid) && Date.now() < until) await sleep(100);
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  const hard = Date.now() + 5_000;
  while (alive(pid) && Date.now() < hard) await sleep(100);
  // ejabberdctl's shell exits once the VM is gone; wait for it (bounded) so nothing of ours is left.
  if (child.exitCode === null && child.signalCode === null) await Promise.race([new Promise((r) => child.once('exit', r)), sleep(5_000)]);
}
