// connections: authenticated idle WebSocket connections, ramped in steps up to ~19,500 (one server process holds at
// most ~20,000 open files here). The sockets are spread over several load-generator processes and source addresses.
// Per step: connections/s during the ramp, server RSS per connection (RSS growth since before the first socket ÷
// sockets), and the server's CPU while the sockets sit idle and ping every limits.heartbeatIntervalMs (30 s) like the SDK,
// each socket at its own phase (bench/lib/client.mjs).
import { heartbeatMs } from '../lib/client.mjs';
import { connectUsers, profileSection, startPool, startTarget } from '../lib/common.mjs';
import { cpuWindow, listenOverflows, rssBytes } from '../lib/proc.mjs';
import { spread } from '../lib/pool.mjs';
import { mb, num, table } from '../lib/report.mjs';
import { seedUsers } from '../lib/seed.mjs';
import { peerUsers, peerWorkload } from '../peer/seed.mjs';

export const defaults = {
  connections: [1000, 5000, 10000, 19500],
  targets: ['relay', 'feige'],
  workers: 4,
  smoke: { connections: [20, 40], workers: 2 },
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function run(ctx) {
  const { opts } = ctx;
  const counts = opts.connections;
  const total = Math.max(...counts);
  const rows = [];
  const profiles = [];
  for (const name of opts.targets) {
    if (name === 'relay-sqlite') {
      ctx.log('[relay-sqlite] skipped: idle connections do not touch storage (the in-memory relay is the baseline)');
      continue;
    }
    const t = await startTarget(ctx, name, {
      seedFeige: async (app) => ({ users: await seedUsers(app, total) }),
      seedRelay: async () => ({ users: Array.from({ length: total }, (_, i) => ({ id: `u_b${String(i).padStart(6, '0')}` })) }),
      seedEjabberd: async (node) => ({ users: peerUsers(node, total) }),
    });
    let pool;
    try {
      pool = await startPool(ctx, opts.workers);
      await sleep(opts.smoke ? 200 : 1_000);
      const rss0 = rssBytes(t.server.pid);
      let connected = 0;
      for (const count of counts) {
        const fresh = t.data.users.slice(connected, count);
        const byWorker = spread(fresh, pool.workers.length);
        const ramp = cpuWindow([t.server.pid, ...pool.pids]);
        const overflows0 = listenOverflows();
        const t0 = performance.now();
        await connectUsers(ctx, pool, t.target, byWorker, { concurrency: opts.connectConcurrency || 100, timeoutMs: 120_000 });
        const rampMs = performance.now() - t0;
        const [rampServer, ...rampGens] = ramp.stop();
        connected = count;
        await sleep(opts.smoke ? 300 : 2_000);
        const idle = cpuWindow([t.server.pid, ...pool.pids]);
        await sleep(opts.idle * 1000);
        const [idleServer, ...idleGens] = idle.stop();
        const open = (await pool.all('stats')).reduce((n, s) => n + s.open, 0);
        const row = {
          target: name,
          connections: count,
          open,
          perSecond: (fresh.length / rampMs) * 1000,
          rampCpu: rampServer.cpuPercent,
          rampGenCpu: rampGens.reduce((n, g) => n + g.cpuPercent, 0),
          rss: idleServer.rss,
          perConnectionKB: (idleServer.rss - rss0) / count / 1024,
          idleCpu: idleServer.cpuPercent,
          idleGenCpu: idleGens.reduce((n, g) => n + g.cpuPercent, 0),
          synDrops: overflows0 === null ? null : listenOverflows() - overflows0,
        };
        rows.push(row);
        ctx.log(
          `[${name}] ${num(count)} sockets (${num(open)} open): ${num(row.perSecond)} conn/s, ${row.perConnectionKB.toFixed(1)} KB each (RSS ${mb(row.rss)} MB), idle CPU ${row.idleCpu.toFixed(1)}%`,
        );
        if (open < count) break;
      }
    } finally {
      await pool?.stop();
      const profile = await t.stop();
      if (profile) profiles.push(profile);
    }
  }
  const columns = [
    { title: 'target', value: (r) => r.target, align: 'left' },
    { title: 'sockets', value: (r) => num(r.connections) },
    { title: 'still open', value: (r) => num(r.open) },
    { title: 'conn/s (ramp)', value: (r) => num(r.perSecond) },
    { title: 'server CPU % (ramp)', value: (r) => num(r.rampCpu) },
    { title: 'gen CPU % (ramp)', value: (r) => num(r.rampGenCpu) },
    { title: 'server RSS MB', value: (r) => mb(r.rss) },
    { title: 'KB per socket', value: (r) => r.perConnectionKB.toFixed(1) },
    { title: `server CPU % idle (${opts.idle} s)`, value: (r) => r.idleCpu.toFixed(1) },
    { title: 'gen CPU % idle', value: (r) => r.idleGenCpu.toFixed(1) },
    { title: 'SYN drops', value: (r) => num(r.synDrops) },
  ];
  const last = (name) => rows.filter((r) => r.target === name).at(-1);
  const f = last('feige');
  const r = last('relay');
  const ratio = [r, last('ejabberd')]
    .filter((b) => f && b)
    .map((b) => `At ${num(f.connections)} sockets Feige uses ${(f.perConnectionKB / b.perConnectionKB).toFixed(1)}× the ${b.target}'s memory per socket and connects at ${(f.perSecond / b.perSecond).toFixed(2)}× its rate.`)
    .join(' ');
  return {
    workload: `Idle sockets ramped to ${counts.map(num).join(' → ')} (Feige: each authenticates with its own session; relay: user id in the URL), ≤ ${opts.connectConcurrency || 100} handshakes in flight per load-generator process, ${opts.workers} processes, 2 source addresses each. After each ramp: 2 s settle, then ${opts.idle} s idle with the clients' ${heartbeatMs / 1000} s ping (each socket at a random phase). KB per socket = (RSS now − RSS before the first socket) ÷ sockets.${peerWorkload(opts, ` ejabberd sockets log in (SASL PLAIN, bind, XEP-0198, initial presence) and ping (XEP-0199) on the same schedule; RSS is beam.smp's.`)}`,
    sections: [ratio, table(columns, rows), ...profiles.map((p) => profileSection(p))].filter(Boolean),
    json: { rows, profiles: profiles.map((p) => p.summary) },
  };
}
