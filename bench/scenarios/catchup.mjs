// catch-up: N users are offline while a friend sends each of them K messages; then all N reconnect at once
// (every socket opened at the same instant, shared by all load-generator processes). Each device authenticates and
// pages sync.get from its cursor (0: nothing happened before) until it holds all K; we report the time until every
// device has everything, per-user p50/p99, and lost/duplicated messages by (sender, clientMsgId).
import { fillStoreInbox } from '../ceiling/store.mjs';
import { profileSection, startPool, startTarget } from '../lib/common.mjs';
import { cpuWindow, listenOverflows, rssBytes } from '../lib/proc.mjs';
import { spread } from '../lib/pool.mjs';
import { mb, ms, num, percentiles, table } from '../lib/report.mjs';
import { fillCatchupSql, seedPairs, seedUsers, sendThroughService } from '../lib/seed.mjs';
import { fillOffline, peerPairs, peerUsers } from '../peer/seed.mjs';

export const defaults = {
  users: 1000,
  messages: 10,
  targets: ['relay-sqlite', 'feige'],
  smoke: { users: 20, messages: 5 },
};

/** Above this many messages the fill uses SQL instead of the messages service (which writes ~1,000/s). */
const serviceFillMax = 20_000;

const settleMs = 20_000;

/** Polls the server's RSS after the devices left: back within 10 % (+ 8 MB) of `before`, or the last reading. */
async function settledRss(pid, before) {
  const start = Date.now();
  for (;;) {
    const rss = rssBytes(pid);
    const elapsed = Date.now() - start;
    if (rss <= before * 1.1 + 8 * 1024 * 1024) return { rssAfter: rss, settled: true, settleMs: elapsed };
    if (elapsed >= settleMs) return { rssAfter: rss, settled: false, settleMs: elapsed };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export async function run(ctx) {
  const { opts } = ctx;
  const n = opts.large ? 10_000 : opts.users;
  const k = opts.large ? 20 : opts.messages;
  const rows = [];
  const profiles = [];
  let fillHow = 'messages service';
  for (const name of opts.targets) {
    if (name === 'relay') {
      ctx.log('[relay] skipped: the in-memory relay keeps nothing for offline users');
      continue;
    }
    const t = await startTarget(ctx, name, {
      seedFeige: async (app) => {
        const pairs = await seedPairs(app, await seedUsers(app, 2 * n));
        const sends = pairs.map((p) => ({ from: p.a, to: p.b, conv: p.conv, count: k }));
        if (n * k <= serviceFillMax) {
          for (const s of sends) await sendThroughService(app, s.from, s.conv, k);
          return { sends };
        }
        fillHow = `SQL above ${num(serviceFillMax)} messages`;
        return { sends, afterClose: (file) => fillCatchupSql(file, sends) };
      },
      seedRelay: async ({ store }) => {
        const sends = Array.from({ length: n }, (_, i) => {
          const from = { id: `u_b${String(2 * i).padStart(6, '0')}` };
          const to = { id: `u_b${String(2 * i + 1).padStart(6, '0')}` };
          return { from, to, conv: `d:${from.id}:${to.id}`, count: k };
        });
        fillStoreInbox(store, sends.map((s) => ({ conv: s.conv, from: s.from.id, to: s.to.id })), k);
        return { sends };
      },
      // XMPP has no cursor: the node pushes a user's stored offline messages after its initial presence.
      seedEjabberd: async (node) => {
        const sends = peerPairs(peerUsers(node, 2 * n)).map((p) => ({ from: p.a, to: p.b, conv: p.conv, count: k }));
        return { sends, afterStart: (started, target) => fillOffline(started, target, sends, k, ctx.log) };
      },
    });
    let pool;
    try {
      pool = await startPool(ctx, opts.workers);
      const receivers = t.data.sends.map((s) => ({ id: s.to.id, token: s.to.token, password: s.to.password, from: s.from.id, count: k, cursor: 0 }));
      const byWorker = spread(receivers, pool.workers.length);
      const timeoutMs = 30_000 + n * 10;
      const rssBefore = rssBytes(t.server.pid);
      const window = cpuWindow([t.server.pid, ...pool.pids]);
      const overflows0 = listenOverflows();
      const goAtMs = Date.now() + 300;
      const connectConcurrency = opts.connectConcurrency;
      const parts = await pool.all('catchup', (w, worker) => ({ target: t.target, users: byWorker[w], localAddresses: worker.addresses, goAtMs, timeoutMs, connectConcurrency }), timeoutMs + 30_000);
      const [server, ...gens] = window.stop();
      const results = parts.flatMap((p) => p.results);
      const done = results.filter((r) => r.ms !== null);
      const per = percentiles(done.map((r) => r.ms));
      const row = {
        target: name,
        users: n,
        messages: k,
        complete: done.length,
        allMs: done.length === results.length ? per.max : null,
        per,
        lost: results.reduce((s, r) => s + Math.max(0, k - r.received), 0),
        dup: results.reduce((s, r) => s + r.dup, 0),
        errors: results.filter((r) => r.error).length,
        reconnects: results.reduce((s, r) => s + r.reconnects, 0),
        firstError: results.find((r) => r.error)?.error ?? null,
        serverCpu: server.cpuPercent,
        serverPeakRss: server.peakRss,
        genCpu: gens.reduce((s, g) => s + g.cpuPercent, 0),
        listenOverflows: overflows0 === null ? null : listenOverflows() - overflows0,
      };
      // "Memory back to baseline afterwards": every device disconnects, then the server's RSS is watched until it is
      // within 10 % (+ 8 MB) of what it was before the storm, for at most settleMs.
      await pool.all('close');
      Object.assign(row, { rssBefore, ...(await settledRss(t.server.pid, rssBefore)) });
      rows.push(row);
      ctx.log(`[${name}] ${num(n)} × ${k}: all in ${ms(row.allMs)} ms (p50 ${ms(per.p50)}, p99 ${ms(per.p99)}), lost ${row.lost}, dup ${row.dup}, reconnects ${row.reconnects}, gave up ${row.errors}${row.firstError ? ` (${row.firstError})` : ''}; server RSS ${mb(rssBefore)} MB before, peak ${mb(row.serverPeakRss)} MB during, ${mb(row.rssAfter)} MB ${row.settled ? `${(row.settleMs / 1000).toFixed(1)} s after all closed (back to baseline)` : `${settleMs / 1000} s after all closed (not back to baseline)`}`);
    } finally {
      await pool?.stop();
      const profile = await t.stop();
      if (profile) profiles.push(profile);
    }
  }
  const feige = rows.find((r) => r.target === 'feige');
  const relay = rows.find((r) => r.target === 'relay-sqlite');
  const ratios = [relay, rows.find((r) => r.target === 'ejabberd')]
    .filter((r) => feige?.allMs && r?.allMs)
    .map((r) => `Feige took ${(feige.allMs / r.allMs).toFixed(2)}× the ${r.target} time.`);
  const ratio = ratios.join(' ');
  const columns = [
    { title: 'target', value: (r) => r.target, align: 'left' },
    { title: 'users × messages', value: (r) => `${num(r.users)} × ${r.messages}` },
    { title: 'all delivered ms', value: (r) => ms(r.allMs) },
    { title: 'per-user p50 ms', value: (r) => ms(r.per.p50) },
    { title: 'per-user p99 ms', value: (r) => ms(r.per.p99) },
    { title: 'complete', value: (r) => `${num(r.complete)}/${num(r.users)}` },
    { title: 'lost', value: (r) => num(r.lost) },
    { title: 'dup', value: (r) => num(r.dup) },
    { title: 'reconnects', value: (r) => num(r.reconnects) },
    { title: 'gave up', value: (r) => num(r.errors) },
    { title: 'server CPU %', value: (r) => num(r.serverCpu) },
    { title: 'server RSS before MB', value: (r) => mb(r.rssBefore) },
    { title: 'server peak RSS MB', value: (r) => mb(r.serverPeakRss) },
    { title: 'RSS after close MB', value: (r) => `${mb(r.rssAfter)} (${r.settled ? `${(r.settleMs / 1000).toFixed(1)} s` : `not back in ${settleMs / 1000} s`})` },
    { title: 'gen CPU %', value: (r) => num(r.genCpu) },
    { title: 'SYN drops', value: (r) => num(r.listenOverflows) },
  ];
  return {
    workload: `${num(n)} offline users, each sent ${k} messages by a friend (Feige: written by the ${fillHow}; relay-sqlite: its own rows${opts.targets.includes('ejabberd') ? '; ejabberd: sent over XMPP by each friend, who then disconnects, so they wait in mod_offline\'s spool and are pushed after the initial presence' : ''}); then all ${num(n)} connect at the same instant from ${opts.workers} load-generator processes${opts.connectConcurrency ? ` (at most ${opts.connectConcurrency} handshakes in flight per process)` : ''}, authenticate and page sync.get (≤ 500 per page) from cursor 0; a failed socket reconnects (≤ 5 attempts, backoff 250 ms × 2^n) and resumes from its cursor. Time from the shared start instant until each device holds all ${k}. SYN drops: the machine's ListenOverflows during the run (accept queue of 511, Node's default, full; the client retries after 1 s, then 3 s).`,
    sections: [ratio, table(columns, rows), ...profiles.map((p) => profileSection(p, ', whole run incl. start-up'))].filter(Boolean),
    json: { rows, profiles: profiles.map((p) => p.summary) },
  };
}
