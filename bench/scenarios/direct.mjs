// direct: N users in friend pairs send 1:1 text at a stepped aggregate rate; every message is persisted as in
// production. Both members of a pair live in the same load-generator process, so loss and duplicates are counted
// locally by (sender, clientMsgId); latency is send → the peer's update frame, from the send time in the text.
import { best, bestText, connectUsers, profileSection, ratioText, startPool, startTarget, steppedTraffic, stepsTable } from '../lib/common.mjs';
import { spread } from '../lib/pool.mjs';
import { num } from '../lib/report.mjs';
import { seedPairs, seedUsers } from '../lib/seed.mjs';
import { peerPairs, peerUsers, peerWorkload } from '../peer/seed.mjs';

export const defaults = {
  users: 1000,
  rates: [500, 1000, 2000, 4000, 8000, 16000],
  targets: ['relay', 'relay-sqlite', 'feige'],
  smoke: { users: 20, rates: [40, 80] },
};

function relayPairs(count) {
  const users = Array.from({ length: count }, (_, i) => ({ id: `u_b${String(i).padStart(6, '0')}` }));
  const pairs = [];
  for (let i = 0; i + 1 < users.length; i += 2) pairs.push({ a: users[i], b: users[i + 1], conv: `d:${users[i].id}:${users[i + 1].id}` });
  return pairs;
}

export async function run(ctx) {
  const { opts } = ctx;
  const users = opts.users;
  const perSocket = Math.max(...opts.rates) / users;
  if (perSocket > 45) ctx.log(`warning: ${perSocket.toFixed(0)} msg/s per socket exceeds Feige's 50 frames/s per socket; add --users`);
  const rowsByTarget = {};
  const profiles = [];
  for (const name of opts.targets) {
    const t = await startTarget(ctx, name, {
      seedFeige: async (app) => ({ pairs: await seedPairs(app, await seedUsers(app, users)) }),
      seedRelay: async () => ({ pairs: relayPairs(users) }),
      seedEjabberd: async (node) => ({ pairs: peerPairs(peerUsers(node, users)) }),
    });
    let pool;
    try {
      pool = await startPool(ctx, opts.workers);
      const byWorker = spread(t.data.pairs, pool.workers.length);
      await connectUsers(ctx, pool, t.target, byWorker.map((pairs) => pairs.flatMap((p) => [p.a, p.b])));
      await pool.all('senders', (k) => ({
        list: byWorker[k].flatMap((p, j) => [
          { client: 2 * j, to: p.b.id, conv: p.conv, expect: 1 },
          { client: 2 * j + 1, to: p.a.id, conv: p.conv, expect: 1 },
        ]),
      }));
      rowsByTarget[name] = await steppedTraffic(ctx, t, pool, opts.rates, { durationMs: opts.duration * 1000, drainMs: opts.drain * 1000, size: opts.size });
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
    ...Object.keys(rowsByTarget).map((name) => `| ${name} | ${bestText(bests[name], 'msg/s')} | ${bests.feige && name !== 'feige' ? ratioText(bests.feige, bests[name]) : ''} |`),
  ].join('\n');
  return {
    workload: `${num(users)} users in ${num(users / 2)} friend pairs, all online (one socket each), each sending 1:1 text of ${opts.size} bytes to its friend, round robin, paced open-loop at the aggregate rate; steps of ${opts.duration} s (+ drain ≤ ${opts.drain} s), warm-up ${opts.warmup} s; ${opts.workers} load-generator processes. Latency: send → the friend's update frame. Feige: \`feige serve\` defaults (SQLite WAL, synchronous=NORMAL). relay: bare ws relay in memory; relay-sqlite: the relay writing each message (+2 inbox rows) in one transaction per event-loop turn. A step passes with nothing lost/duplicated/refused and p99 ≤ 100 ms.${peerWorkload(opts, ' Messages go to the friend\'s bare JID as type="chat".')}`,
    sections: [summary, stepsTable(Object.values(rowsByTarget).flat(), 'msg/s'), ...profiles.map((p) => profileSection(p, ', whole run incl. warm-up'))].filter(Boolean),
    json: { rows: rowsByTarget, best: bests, profiles: profiles.map((p) => p.summary) },
    check: Object.values(rowsByTarget).flat(),
  };
}
