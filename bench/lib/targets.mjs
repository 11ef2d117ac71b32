// Starting and stopping what the load generator drives: the Feige server (as `feige serve` runs in production) and
// the ceiling relays. Each runs as its own process with a fresh data directory; we stop it by its PID.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(root, 'packages', 'cli', 'bin', 'feige.js');
const relay = path.join(root, 'bench', 'ceiling', 'relay.mjs');

/** The environment for child processes: no inherited --conditions (vitest's "source" would load .ts files). */
export function childEnv(extra = {}) {
  const env = { ...process.env, ...extra };
  delete env.NODE_OPTIONS;
  return env;
}

function newest(dir) {
  let best = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) best = Math.max(best, newest(full));
    else if (!/\.test\.tsx?$/u.test(entry.name)) best = Math.max(best, statSync(full).mtimeMs);
  }
  return best;
}

/** The server runs from dist (as in production): build it when a source file is newer than its output. */
export function ensureBuilt(log = console.log) {
  const stale = ['protocol', 'server', 'cli'].find((name) => {
    const pkg = path.join(root, 'packages', name);
    const out = path.join(pkg, 'dist', 'index.js');
    return !existsSync(out) || newest(path.join(pkg, 'src')) > statSync(out).mtimeMs;
  });
  if (!stale) return;
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  // Without the project's own TypeScript, npx would fetch an unrelated package named `tsc`.
  if (!existsSync(tsc)) throw new Error('the dependencies are not installed: run `npm install` (or `npm start` once) first');
  log(`[bench] packages/${stale}/dist is stale: tsc -b packages/cli`);
  const result = spawnSync(process.execPath, [tsc, '-b', 'packages/cli'], { cwd: root, stdio: 'inherit', env: childEnv(), timeout: 180_000 });
  if (result.status !== 0) throw new Error('building the server failed');
  // tsc -b leaves outputs it did not need to change untouched: mark them fresh so the next run does not build again.
  const now = new Date();
  for (const name of ['protocol', 'server', 'cli']) {
    const out = path.join(root, 'packages', name, 'dist', 'index.js');
    if (existsSync(out)) utimesSync(out, now, now);
  }
}

export function tempDir(prefix) {
  return mkdtempSync(path.join(tmpdir(), `feige-bench-${prefix}-`));
}

/**
 * Spawns `node <script> <args>` and waits (bounded) for a line on stdout matching `ready`. Returns the match and a
 * stop() that sends SIGTERM, waits up to `stopMs`, then SIGKILLs, always by PID.
 */
function launch(name, nodeArgs, args, ready, { timeoutMs = 30_000, stopMs = 15_000, env = {} } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, ...args], { cwd: root, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let settled = false;
    const tail = [];
    const remember = (chunk) => {
      tail.push(String(chunk));
      while (tail.length > 20) tail.shift();
    };
    const timer = setTimeout(() => fail(new Error(`${name} did not start within ${timeoutMs} ms:\n${tail.join('')}`)), timeoutMs);
    const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
    function fail(error) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.exitCode === null) child.kill('SIGKILL');
      reject(error);
    }
    child.stderr.on('data', remember);
    child.stdout.on('data', (chunk) => {
      remember(chunk);
      if (settled) return;
      out += String(chunk);
      const match = ready.exec(out);
      if (!match) return;
      settled = true;
      clearTimeout(timer);
      resolve({
        name,
        pid: child.pid,
        match,
        output: () => tail.join(''),
        exited,
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return exited;
          child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), stopMs);
          const result = await exited;
          clearTimeout(killer);
          return result;
        },
      });
    });
    child.once('error', fail);
    void exited.then(({ code, signal }) => fail(new Error(`${name} exited (${code ?? signal}) before it was ready:\n${tail.join('')}`)));
  });
}

/**
 * Feige with the default `npm start` settings (SQLite file in WAL mode, log level info), on 127.0.0.1 and a free port.
 * `profileDir` adds `--cpu-prof` (written when the server exits after SIGTERM).
 */
export async function startFeige({ dataDir, extraArgs = [], profileDir = null }) {
  const nodeArgs = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const server = await launch('feige', nodeArgs, [cli, 'serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, ...extraArgs], /running at (http:\/\/[^\s]+)/u);
  const url = server.match[1];
  return { ...server, kind: 'feige', url, wsUrl: `${url.replace(/^http/u, 'ws')}/ws` };
}

/** The ceiling: a bare `ws` relay, in memory or writing every message to SQLite (`store` = file). */
export async function startRelay({ store = null, groupsFile = null }) {
  const args = [relay, '--port', '0'];
  if (store) args.push('--store', store);
  if (groupsFile) args.push('--groups', groupsFile);
  const server = await launch(store ? 'relay-sqlite' : 'relay', [], args, /listening on (ws:\/\/[^\s]+)/u);
  return { ...server, kind: 'relay', url: server.match[1], wsUrl: server.match[1] };
}

export function removeDir(dir) {
  if (dir) rmSync(dir, { recursive: true, force: true });
}
