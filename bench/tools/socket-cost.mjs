#!/usr/bin/env node --expose-gc
// What one idle authenticated socket costs inside the server: Feige runs in this process (createApp + listen, as
// `feige serve` does), the sockets come from load-generator processes (bench/lib/worker.mjs), and the heap is
// measured after a full GC before and after they connect. `--relay` measures a bare `ws` server in this process
// instead (the same per-socket state as bench/ceiling/relay.mjs), `--snapshot` writes a heap snapshot at the end.
//
//   node --expose-gc bench/tools/socket-cost.mjs [--sockets 5000] [--workers 2] [--relay] [--snapshot] [--idle seconds]
//                                                [--disconnect]
// (--idle: then measures this process's CPU while the sockets sit idle with the generator's heartbeat; --disconnect:
// then closes every socket and reports what the heap still holds per socket, which should be nothing.)
import { rmSync, writeFileSync } from 'node:fs';
import { writeHeapSnapshot } from 'node:v8';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { WebSocketServer } from 'ws';
import { startWorkers } from '../lib/pool.mjs';
import { openFeige, seedUsers } from '../lib/seed.mjs';
import { ensureBuilt, tempDir } from '../lib/targets.mjs';

const { values } = parseArgs({
  options: {
    sockets: { type: 'string', default: '5000' },
    workers: { type: 'string', default: '2' },
    relay: { type: 'boolean', default: false },
    snapshot: { type: 'boolean', default: false },
    disconnect: { type: 'boolean', default: false },
    idle: { type: 'string', default: '0' },
  },
});
if (typeof globalThis.gc !== 'function') {
  console.error('run with node --expose-gc');
  process.exit(2);
}
const count = Number(values.sockets);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function settle() {
  for (let i = 0; i < 4; i++) {
    globalThis.gc();
    await sleep(50);
  }
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed, external: m.external, buffers: m.arrayBuffers };
}

ensureBuilt();
const dir = tempDir('socket-cost');
let server;
let users;
let target;
try {
  if (values.relay) {
    users = Array.from({ length: count }, (_, i) => ({ id: `u_r${i}` }));
    const sockets = new Map();
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, maxPayload: 256 * 1024 });
    wss.on('connection', (ws, request) => {
      const userId = new URL(request.url ?? '/', 'http://x').searchParams.get('u');
      let set = sockets.get(userId);
      if (!set) sockets.set(userId, (set = new Set()));
      set.add(ws);
      ws.on('message', (raw) => {
        const { id } = JSON.parse(String(raw));
        ws.send(JSON.stringify({ type: 'reply', id, ok: true, data: { now: Date.now() } }));
      });
      ws.on('error', () => undefined);
      ws.on('close', () => set.delete(ws));
    });
    await new Promise((r) => wss.once('listening', r));
    server = { close: () => new Promise((r) => wss.close(r)) };
    target = { kind: 'relay', wsUrl: `ws://127.0.0.1:${wss.address().port}/` };
  } else {
    const file = path.join(dir, 'feige.sqlite');
    const seeding = await openFeige(file);
    users = await seedUsers(seeding, count);
    await seeding.close();
    const app = await openFeige(file);
    const url = await app.http.listen({ host: '127.0.0.1', port: 0 });
    server = app;
    target = { kind: 'feige', wsUrl: `${url.replace(/^http/u, 'ws')}/ws` };
  }
  const pool = await startWorkers(Number(values.workers));
  try {
    // Warm up (JIT, pools, statement cache) with a few sockets that stay connected in the "before" figure.
    const warm = Math.min(50, Math.floor(count / 10));
    const per = (list) => pool.workers.map((_, k) => list.filter((__, i) => i % pool.workers.length === k));
    const connect = async (list) => {
      const results = await pool.all('connect', (k, w) => ({ target, users: per(list)[k], localAddresses: w.addresses, concurrency: 100, timeoutMs: 120_000 }), 180_000);
      const failed = results.reduce((n, r) => n + r.failed, 0);
      if (failed) throw new Error(`${failed} sockets failed`);
    };
    await connect(users.slice(0, warm));
    await sleep(500);
    const before = await settle();
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    await connect(users.slice(warm));
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    await sleep(1000);
    const after = await settle();
    const n = count - warm;
    const kb = (a, b) => ((a - b) / n / 1024).toFixed(2);
    console.log(`${values.relay ? 'relay' : 'feige'}: ${n} sockets in ${ms.toFixed(0)} ms (${((n / ms) * 1000).toFixed(0)}/s), server CPU ${((cpu.user + cpu.system) / n).toFixed(0)} µs per connect`);
    console.log(`per socket after GC: rss ${kb(after.rss, before.rss)} KB, V8 heap ${kb(after.heap, before.heap)} KB, external ${kb(after.external, before.external)} KB (array buffers ${kb(after.buffers, before.buffers)} KB)`);
    const idleSeconds = Number(values.idle);
    if (idleSeconds > 0) {
      const idle0 = process.cpuUsage();
      await sleep(idleSeconds * 1000);
      const used = process.cpuUsage(idle0);
      console.log(`idle ${idleSeconds} s: server CPU ${(((used.user + used.system) / 1e6 / idleSeconds) * 100).toFixed(2)} % of a core (user ${(used.user / 1e3).toFixed(0)} ms, system ${(used.system / 1e3).toFixed(0)} ms)`);
    }
    if (values.disconnect) {
      // Whether the server lets go of what the sockets held: everything closes, then the heap is compared with "before".
      // A second round tells a leak (it grows again) from warm-up (it does not).
      for (let round = 1; round <= 2; round++) {
        if (round > 1) await connect(users);
        await pool.all('close');
        await sleep(3000);
        const gone = await settle();
        console.log(`round ${round}, after every socket disconnected: V8 heap ${kb(gone.heap, before.heap)} KB per socket above "before", rss ${kb(gone.rss, before.rss)} KB`);
      }
    }
    if (values.snapshot) {
      const file = writeHeapSnapshot();
      console.log(`heap snapshot: ${file}`);
    }
    writeFileSync(path.join(dir, 'done'), '');
  } finally {
    await pool.stop();
  }
} finally {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
}
