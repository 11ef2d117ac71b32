#!/usr/bin/env node
// `npm start [-- --port 9000 …]`: install when needed, build when needed, then run `feige serve`.
// Plain Node, no dependencies (it runs before node_modules exists).
//
// 1. node_modules missing, or package-lock.json newer than node_modules/.package-lock.json → `npm ci`
//    (`npm install` when there is no lock file).
// 2. any package's dist missing or older than its sources → `npm run build`.
// 3. `node packages/cli/bin/feige.js serve <args>` with the environment passed through; data in ./data unless
//    --data-dir or FEIGE_DATA_DIR says otherwise. SIGINT/SIGTERM are forwarded; exits with the server's code.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies } from './ensure-deps.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function log(message) {
  console.log(`[start] ${message}`);
}

function mtime(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** Newest mtime of the files under `dir` (0 if missing), skipping what `skip` rejects. */
function newest(dir, skip = () => false) {
  let best = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (skip(entry.name)) continue;
    if (entry.isDirectory()) best = Math.max(best, newest(full, skip));
    else best = Math.max(best, mtime(full));
  }
  return best;
}

function run(command, args) {
  log(`${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    log(`\`${command} ${args.join(' ')}\` failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status ?? 1);
  }
}

// 1. Dependencies ------------------------------------------------------------------------------------------------
if (!ensureDependencies(root, log)) process.exit(1);

// 2. Build -------------------------------------------------------------------------------------------------------
// Test files and generated files do not go into dist, so they do not call for a rebuild.
const notBuildInput = (name) =>
  name === 'node_modules' || name === 'dist' || /\.(test|spec)\.[cm]?[jt]sx?$/u.test(name) || name.endsWith('.tsbuildinfo');

function staleReason() {
  const packagesDir = path.join(root, 'packages');
  for (const name of readdirSync(packagesDir).sort()) {
    const pkg = path.join(packagesDir, name);
    const src = path.join(pkg, 'src');
    if (!existsSync(src)) continue;
    const dist = path.join(pkg, 'dist');
    if (!existsSync(dist)) return `packages/${name}/dist is missing`;
    const inputs = Math.max(
      newest(src, notBuildInput),
      mtime(path.join(pkg, 'tsconfig.json')),
      // The web client's build inputs beside src.
      mtime(path.join(pkg, 'index.html')),
      mtime(path.join(pkg, 'vite.config.ts')),
      newest(path.join(pkg, 'public')),
    );
    // tsc -b writes only changed outputs but always refreshes its .tsbuildinfo after doing work.
    const buildInfos = readdirSync(pkg).filter((n) => n.endsWith('.tsbuildinfo'));
    const outputs = Math.max(newest(dist), ...buildInfos.map((n) => mtime(path.join(pkg, n))));
    if (inputs > outputs) return `packages/${name}/src is newer than packages/${name}/dist`;
  }
  return null;
}

const reason = staleReason();
if (reason) {
  log(`${reason}: building.`);
  run(npm, ['run', 'build']);
}

// 3. Serve -------------------------------------------------------------------------------------------------------
const cli = path.join(root, 'packages', 'cli', 'bin', 'feige.js');
if (!existsSync(cli)) {
  log(`${path.relative(root, cli)} does not exist: the CLI is not there yet.`);
  process.exit(1);
}

const args = process.argv.slice(2);
const hasDataDir = args.some((a) => a === '--data-dir' || a.startsWith('--data-dir='));
if (!hasDataDir && !process.env.FEIGE_DATA_DIR) args.push('--data-dir', path.join(root, 'data'));

const child = spawn(process.execPath, [cli, 'serve', ...args], {
  cwd: root,
  env: process.env,
  stdio: 'inherit',
  // Own process group: a Ctrl-C in the terminal reaches the server once, through us, not twice (tty + forward).
  detached: true,
});

// npm and the terminal may both deliver the same Ctrl-C to us; forward one per second at most, by PID.
let lastForward = 0;
function forward(signal) {
  const now = performance.now();
  if (now - lastForward < 1000) return;
  lastForward = now;
  if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(child.pid, signal);
    } catch {
      // already gone
    }
  }
}
process.on('SIGINT', () => forward('SIGINT'));
process.on('SIGTERM', () => forward('SIGTERM'));
process.on('SIGHUP', () => forward('SIGTERM'));
// If we exit for any other reason, do not leave the server running in its own process group.
process.on('exit', () => {
  if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
});

child.on('error', (error) => {
  log(`could not start the server: ${error.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  process.exit(code ?? 128 + (constants.signals[signal] ?? 1));
});
