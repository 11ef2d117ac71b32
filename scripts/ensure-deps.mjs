// Installs the dependencies when they are missing or older than package-lock.json. Plain Node (it runs before
// node_modules exists); used by `npm start` and `npm test` so both work on a fresh clone.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function mtime(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** Returns false (after saying why) when the install failed. */
export function ensureDependencies(root, log) {
  const lock = path.join(root, 'package-lock.json');
  const installedLock = path.join(root, 'node_modules', '.package-lock.json');
  let args;
  if (!existsSync(path.join(root, 'node_modules'))) {
    log('node_modules is missing: installing dependencies.');
    args = existsSync(lock) ? ['ci'] : ['install'];
  } else if (existsSync(lock) && mtime(lock) > mtime(installedLock)) {
    log('package-lock.json is newer than the installed tree: reinstalling.');
    args = ['ci'];
  } else return true;
  log(`${npm} ${args.join(' ')}`);
  const result = spawnSync(npm, args, { cwd: root, stdio: 'inherit', env: process.env });
  if (result.status === 0) return true;
  log(`\`${npm} ${args.join(' ')}\` failed (exit ${result.status ?? result.signal ?? result.error?.message}).`);
  return false;
}
