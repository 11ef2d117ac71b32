// history: pages of 50 older messages (messages.history with a random beforeSeq) requested by a fixed number of
// concurrent clients (in-flight requests, default 20), paced open-loop at stepped rates. Every page is checked: 50
// messages with consecutive seqs ending just before beforeSeq. One socket per conversation (the first member's), so
// no socket comes near the 50 frames/s limit; the 20 "clients" are the in-flight slots spread over the sockets.
import { fillStoreHistory } from '../ceiling/store.mjs';
import { best, bestText, connectUsers, latencyOnly, passP99Ms, passText, profileSection, ratioText, startPool, startTarget } from '../lib/common.mjs';
import { cpuWindow, noiseWindow } from '../lib/proc.mjs';
import { spread } from '../lib/pool.mjs';
import { concat, mb, ms, num, percentiles, table } from '../lib/report.mjs';
import { fillHistory, seedPairs, seedUsers } from '../lib/seed.mjs';
import { fillArchive, peerPairs, peerUsers, peerWorkload } from '../peer/seed.mjs';

export const defaults = {
  rates: [500, 1000, 2000, 4000, 8000],
  targets: ['relay-sqlite', 'feige'],
  smoke: { conversations: 10, perConversation: 120, rates: [20, 40] },
};

const pageSize = 50;

async function step(ctx, t, pool, rate, convsByWorker) {
  const { opts } = ctx;
  const durationMs = opts.duration * 1000;
  const window = cpuWindow([t.server.pid, ...pool.pids]);
  const noise = noiseWindow([t.server.pid, ...pool.pids]);
  const parts = await pool.all(
    'history',
    (k) => ({ rate: rate / pool.workers.length, durationMs, concurrency: Math.max(1, Math.round(opts.concurrency / pool.workers.length)), limit: pageSize, convs: convsByWorker[k] }),
    durationMs + 60_000,
  );
  const [server, ...gens] = window.stop();
  const { otherCpu, worstLagMs } = noise.stop();
  const sum = (key) => parts.reduce((n, p) => n + p[key], 0);
  const errors = {};
  for (const p of parts) for (const [code, n] of Object.entries(p.errors)) errors[code] = (errors[code] ?? 0) + n;
  const errorCount = Object.values(errors).reduce((a, b) => a + b, 0);
  const lat = percentiles(concat(parts.map((p) => p.latencies)));
  const wall = Math.max(...parts.map((p) => p.wallMs)) / 1000;
  const row = {
    target: t.name,
    rate,
    offered: sum('sent') / Math.max(opts.duration, wall),
    pages: sum('ok') / Math.max(opts.duration, wall),
    ok: sum('ok'),
    bad: sum('bad'),
    skipped: sum('skipped'),
    errors,
    errorCount,
    latency: lat,
    serverCpu: server.cpuPercent,
    serverRss: server.rss,
    genCpu: gens.reduce((n, g) => n + g.cpuPercent, 0),
    otherCpu,
    worstLagMs,
    lost: 0,
    dup: 0,
  };
  const saturated = row.skipped > 0.05 * sum('target');
  row.pass = row.bad === 0 && errorCount === 0 && !saturated && lat.p99 !== null && lat.p99 <= passP99Ms;
  row.note = [saturated ? `${num(row.skipped)} not offered: all ${opts.concurrency} clients busy` : '', errorCount ? JSON.stringify(errors) : '', row.bad ? `${row.bad} bad pages` : '']
    .filter(Boolean)
    .join('; ');
  ctx.log(`[${t.name}] ${num(rate)} pages/s: done ${num(row.pages)}/s, bad ${row.bad}, errors ${errorCount}, skipped ${row.skipped}, p50 ${ms(lat.p50)} p99 ${ms(lat.p99)} ms, server ${num(row.serverCpu)}%, others ${num(otherCpu)}%, stall ${ms(worstLagMs)} ms → ${row.pass ? 'pass' : 'FAIL'}`);
  return row;
}

export async function run(ctx) {
  const { opts } = ctx;
  const convCount = opts.conversations;
  const perConv = opts.perConversation;
  const rowsByTarget = {};
  const profiles = [];
  for (const name of opts.targets) {
    if (name === 'relay') {
      ctx.log('[relay] skipped: the in-memory relay keeps no history');
      continue;
    }
    const t = await startTarget(ctx, name, {
      seedFeige: async (app) => {
        const pairs = await seedPairs(app, await seedUsers(app, convCount * 2));
        return { pairs, afterClose: (file) => fillHistory(file, pairs, perConv) };
      },
      seedRelay: async ({ store }) => {
        const pairs = Array.from({ length: convCount }, (_, c) => {
          const a = { id: `u_b${String(2 * c).padStart(6, '0')}` };
          const b = { id: `u_b${String(2 * c + 1).padStart(6, '0')}` };
          return { a, b, conv: `d:${a.id}:${b.id}` };
        });
        fillStoreHistory(store, pairs.map((p) => ({ conv: p.conv, a: p.a.id, b: p.b.id })), perConv);
        return { pairs };
      },
      seedEjabberd: async (node) => {
        const pairs = peerPairs(peerUsers(node, convCount * 2));
        fillArchive(node, pairs, perConv);
        return { pairs };
      },
    });
    let pool;
    try {
      pool = await startPool(ctx, opts.workers);
      const byWorker = spread(t.data.pairs, pool.workers.length);
      await connectUsers(ctx, pool, t.target, byWorker.map((pairs) => pairs.map((p) => p.a)));
      const convsByWorker = byWorker.map((pairs) => pairs.map((p, j) => ({ client: j, conv: p.conv, lastSeq: perConv })));
      if (opts.warmup > 0) await step(ctx, t, pool, opts.rates[0], convsByWorker);
      const rows = [];
      for (const rate of opts.rates) {
        let row = await step(ctx, t, pool, rate, convsByWorker);
        for (let retry = 0; !row.pass && retry < opts.retries && latencyOnly(row); retry++) {
          ctx.log(`[${name}] ${num(rate)} pages/s failed on latency only: retrying`);
          rows.push({ ...row, superseded: true });
          row = await step(ctx, t, pool, rate, convsByWorker);
          row.retry = retry + 1;
        }
        rows.push(row);
        if (!row.pass && !opts.allSteps) break;
      }
      rowsByTarget[name] = rows;
    } finally {
      await pool?.stop();
      const profile = await t.stop();
      if (profile) profiles.push(profile);
    }
  }
  const bests = Object.fromEntries(Object.entries(rowsByTarget).map(([name, rows]) => [name, best(rows)]));
  const summary = [
    '| target | highest passing rate | Feige ÷ target |',
    '|:--|--:|--:|',
    ...Object.keys(rowsByTarget).map((name) => `| ${name} | ${bestText(bests[name], 'pages/s')} | ${bests.feige && name !== 'feige' ? ratioText(bests.feige, bests[name]) : ''} |`),
  ].join('\n');
  const columns = [
    { title: 'target', value: (r) => r.target, align: 'left' },
    { title: 'rate pages/s', value: (r) => num(r.rate) },
    { title: 'offered/s', value: (r) => num(r.offered) },
    { title: 'pages/s', value: (r) => num(r.pages) },
    { title: 'bad', value: (r) => num(r.bad) },
    { title: 'p50 ms', value: (r) => ms(r.latency.p50) },
    { title: 'p95 ms', value: (r) => ms(r.latency.p95) },
    { title: 'p99 ms', value: (r) => ms(r.latency.p99) },
    { title: 'max ms', value: (r) => ms(r.latency.max) },
    { title: 'server CPU %', value: (r) => num(r.serverCpu) },
    { title: 'server RSS MB', value: (r) => mb(r.serverRss) },
    { title: 'gen CPU %', value: (r) => num(r.genCpu) },
    { title: 'others CPU %', value: (r) => num(r.otherCpu) },
    { title: 'stall ms', value: (r) => ms(r.worstLagMs) },
    { title: 'pass', value: passText, align: 'left' },
  ];
  return {
    workload: `${num(convCount)} direct conversations × ${num(perConv)} messages = ${num(convCount * perConv)} messages (written with SQL before start); one socket per conversation; pages of ${pageSize} messages before a random seq; at most ${opts.concurrency} requests in flight ("concurrent clients"), paced open-loop; steps of ${opts.duration} s; ${opts.workers} load-generator processes. A page must hold ${pageSize} consecutive seqs. A step passes with no bad page, no error, every request offered, p99 ≤ 100 ms (target: p99 ≤ 20 ms).${peerWorkload(opts, ' ejabberd\'s archive is seeded with one row per message in each member\'s archive (ids = seq) and paged with MAM queries (XEP-0313, RSM before, max 50).')}`,
    sections: [summary, table(columns, Object.values(rowsByTarget).flat()), ...profiles.map((p) => profileSection(p))].filter(Boolean),
    json: { rows: rowsByTarget, best: bests, profiles: profiles.map((p) => p.summary) },
  };
}
