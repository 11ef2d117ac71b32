// The runner's side of the load-generator processes: fork N workers, call them over IPC with a deadline each,
// stop them by PID.
import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { childEnv } from './targets.mjs';

const workerFile = path.join(path.dirname(fileURLToPath(import.meta.url)), 'worker.mjs');

/** Loopback source addresses for worker k: each has ~28k ephemeral ports; worker k uses 127.0.0.(10+2k) and (11+2k). */
export function sourceAddresses(k) {
  return [`127.0.0.${10 + 2 * k}`, `127.0.0.${11 + 2 * k}`];
}

export async function startWorkers(count, { maxOldSpaceMb = 2048 } = {}) {
  const workers = await Promise.all(
    Array.from({ length: count }, (_, k) => {
      const child = fork(workerFile, [], {
        env: childEnv({ BENCH_WORKER_ID: String(k) }),
        execArgv: [`--max-old-space-size=${maxOldSpaceMb}`],
        serialization: 'advanced',
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      const calls = new Map();
      let nextReq = 1;
      child.on('message', (msg) => {
        const call = calls.get(msg.reqId);
        if (!call) return;
        calls.delete(msg.reqId);
        clearTimeout(call.timer);
        if (msg.error && typeof msg.error === 'string' && msg.error.includes('\n')) call.reject(new Error(`worker ${k}: ${msg.error}`));
        else call.resolve(msg);
      });
      child.on('exit', () => {
        for (const call of calls.values()) call.reject(new Error(`worker ${k} exited`));
        calls.clear();
      });
      const worker = {
        k,
        pid: child.pid,
        addresses: sourceAddresses(k),
        call(cmd, args = {}, timeoutMs = 120_000) {
          return new Promise((resolve, reject) => {
            const reqId = nextReq++;
            const timer = setTimeout(() => {
              calls.delete(reqId);
              reject(new Error(`worker ${k}: ${cmd} timed out after ${timeoutMs} ms`));
            }, timeoutMs);
            calls.set(reqId, { resolve, reject, timer });
            child.send({ reqId, cmd, ...args });
          });
        },
        stop() {
          if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
          return new Promise((resolve) => {
            const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
            child.once('exit', () => {
              clearTimeout(killer);
              resolve();
            });
            child.kill('SIGTERM');
          });
        },
      };
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`worker ${k} did not start`)), 20_000);
        child.once('message', (msg) => {
          if (msg.ready) {
            clearTimeout(timer);
            resolve(worker);
          }
        });
        child.once('error', reject);
      });
    }),
  );
  return {
    workers,
    pids: workers.map((w) => w.pid),
    /** Calls every worker with its own arguments (argsFor(k)), in parallel. */
    all(cmd, argsFor = () => ({}), timeoutMs) {
      return Promise.all(workers.map((w) => w.call(cmd, argsFor(w.k, w), timeoutMs)));
    },
    stop: () => Promise.all(workers.map((w) => w.stop())),
  };
}

/** Splits `items` round-robin over `n` buckets. */
export function spread(items, n) {
  const buckets = Array.from({ length: n }, () => []);
  items.forEach((item, i) => buckets[i % n].push(item));
  return buckets;
}
