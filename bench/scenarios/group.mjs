// group: (A) G groups of S members, all online, every member sending to its group at a stepped aggregate message
// rate; each message is a delivery to S − 1 other members (deliveries/s, latency send → each member's update
// frame). A group's members all live in one load-generator process, so loss/duplicates are counted locally.
// (B) one group of B members (default 5,000; Feige runs with --group-max-members B), all online: one message at a
// time from the owner; the time until every other member's socket has it.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { best, bestText, connectUsers, profileSection, ratioText, startPool, startTarget, steppedTraffic, stepsTable } from '../lib/common.mjs';
import { spread } from '../lib/pool.mjs';
import { concat, ms, num, percentiles, table } from '../lib/report.mjs';
import { seedGroup, seedUsers } from '../lib/seed.mjs';
import { createRooms, peerGroup, peerUsers, peerWorkload } from '../peer/seed.mjs';

export const defaults = {
  rates: [100, 200, 400, 800, 1600],
  targets: ['relay', 'relay-sqlite', 'feige'],
  workers: 2,
  smoke: { groups: 2, groupSize: 5, bigGroup: 30, rates: [10, 20] },
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function bigGroupRound(ctx, t, pool, group, members) {
  const byWorker = spread(members, pool.workers.length);
  await pool.all('close');
  await connectUsers(ctx, pool, t.target, byWorker, { concurrency: 100, timeoutMs: 120_000 });
  const expected = members.length - 1;
  const rounds = [];
  const bigMessages = ctx.opts.smoke ? 1 : 3;
  for (let i = 0; i < bigMessages; i++) {
    const cmid = `xbig${i}_${Date.now()}`;
    const sent = await pool.workers[0].call('sendWatched', { client: 0, conv: group.conv, to: `g:${group.gid}`, cmid });
    const deadline = performance.now() + 30_000;
    let latencies = new Float64Array(0);
    while (performance.now() < deadline) {
      latencies = concat((await pool.all('watched', () => ({ cmid }))).map((r) => r.latencies));
      if (latencies.length >= expected) break;
      await sleep(50);
    }
    const p = percentiles(latencies);
    rounds.push({ target: t.name, members: members.length, received: latencies.length, expected, dup: Math.max(0, latencies.length - expected), lost: Math.max(0, expected - latencies.length), ackMs: sent.ackMs, error: sent.error, ...p });
    ctx.log(`[${t.name}] group of ${num(members.length)}: message ${i + 1} reached ${num(latencies.length)}/${num(expected)} in ${ms(p.max)} ms (p50 ${ms(p.p50)}, p99 ${ms(p.p99)}), ack ${ms(sent.ackMs)} ms`);
    if (i + 1 < bigMessages) await sleep(1_000);
  }
  return rounds;
}

export async function run(ctx) {
  const { opts } = ctx;
  const { groups: groupCount, groupSize, bigGroup } = opts;
  const small = groupCount * groupSize;
  const rowsByTarget = {};
  const bigRows = [];
  const profiles = [];
  for (const name of opts.targets) {
    const t = await startTarget(ctx, name, {
      groupMaxMembers: Math.max(bigGroup, groupSize),
      feigeArgs: ['--group-max-members', String(Math.max(bigGroup, groupSize, 2))],
      seedFeige: async (app) => {
        const users = await seedUsers(app, small + bigGroup);
        const groups = [];
        for (let g = 0; g < groupCount; g++) {
          const members = users.slice(g * groupSize, (g + 1) * groupSize);
          groups.push({ gid: String(g), members, conv: await seedGroup(app, members, `Bench group ${g}`) });
        }
        const bigMembers = users.slice(small);
        const big = { gid: 'big', members: bigMembers, conv: await seedGroup(app, bigMembers, 'Bench big group') };
        return { groups, big };
      },
      seedRelay: async ({ dir }) => {
        const users = Array.from({ length: small + bigGroup }, (_, i) => ({ id: `u_b${String(i).padStart(6, '0')}` }));
        const groups = Array.from({ length: groupCount }, (_, g) => ({ gid: String(g), conv: `g:${g}`, members: users.slice(g * groupSize, (g + 1) * groupSize) }));
        const big = { gid: 'big', conv: 'g:big', members: users.slice(small) };
        const groupsFile = path.join(dir, 'groups.json');
        writeFileSync(groupsFile, JSON.stringify(Object.fromEntries([...groups, big].map((g) => [g.gid, g.members.map((m) => m.id)]))));
        return { groups, big, groupsFile };
      },
      seedEjabberd: async (node) => {
        const users = peerUsers(node, small + bigGroup);
        const groups = Array.from({ length: groupCount }, (_, g) => peerGroup(String(g), users.slice(g * groupSize, (g + 1) * groupSize)));
        const big = peerGroup('big', users.slice(small));
        return { groups, big, afterStart: (n) => createRooms(n, [...groups, big]) };
      },
    });
    let pool;
    try {
      pool = await startPool(ctx, opts.workers);
      const byWorker = spread(t.data.groups, pool.workers.length);
      await connectUsers(ctx, pool, t.target, byWorker.map((groups) => groups.flatMap((g) => g.members)));
      await pool.all('senders', (k) => {
        let client = 0;
        return { list: byWorker[k].flatMap((g) => g.members.map(() => ({ client: client++, to: `g:${g.gid}`, conv: g.conv, expect: groupSize - 1 }))) };
      });
      rowsByTarget[name] = await steppedTraffic(ctx, t, pool, opts.rates, {
        durationMs: opts.duration * 1000,
        drainMs: opts.drain * 1000,
        size: opts.size,
        deliveriesPerMessage: groupSize - 1,
      });
      if (bigGroup > 1) bigRows.push(...(await bigGroupRound(ctx, t, pool, t.data.big, t.data.big.members)));
    } finally {
      await pool?.stop();
      const profile = await t.stop();
      if (profile) profiles.push(profile);
    }
  }
  const bests = Object.fromEntries(Object.entries(rowsByTarget).map(([name, rows]) => [name, best(rows)]));
  const deliveries = (b) => ({ ...b, rate: b.rate === null ? null : b.rate * (groupSize - 1) });
  const summary = [
    '| target | highest passing rate | as deliveries | Feige ÷ target |',
    '|:--|--:|--:|--:|',
    ...Object.keys(rowsByTarget).map(
      (name) => `| ${name} | ${bestText(bests[name], 'msg/s')} | ${bestText(deliveries(bests[name]), 'deliveries/s')} | ${bests.feige && name !== 'feige' ? ratioText(bests.feige, bests[name]) : ''} |`,
    ),
  ].join('\n');
  const bigColumns = [
    { title: 'target', value: (r) => r.target, align: 'left' },
    { title: 'members', value: (r) => num(r.members) },
    { title: 'reached', value: (r) => `${num(r.received)}/${num(r.expected)}` },
    { title: 'all reached ms', value: (r) => ms(r.max) },
    { title: 'p50 ms', value: (r) => ms(r.p50) },
    { title: 'p99 ms', value: (r) => ms(r.p99) },
    { title: 'sender ack ms', value: (r) => ms(r.ackMs) },
    { title: 'lost', value: (r) => num(r.lost) },
    { title: 'dup', value: (r) => num(r.dup) },
  ];
  return {
    workload: `(A) ${groupCount} groups × ${groupSize} members, all online (one socket each), every member sending ${opts.size}-byte text to its group, round robin, paced open-loop at the aggregate message rate; each message = ${groupSize - 1} deliveries; steps of ${opts.duration} s (+ drain ≤ ${opts.drain} s). (B) one group of ${num(bigGroup)} members, all online; ${opts.smoke ? 1 : 3} message(s) from the owner, 1 s apart. Feige runs with --group-max-members ${Math.max(bigGroup, groupSize, 2)} (default 2,000); groups are created through the groups service before start.${peerWorkload(opts, ' Each group is a MUC room (persistent, MAM on, presence broadcast for moderators only) created through the HTTP API and joined by every member at connect without history replay; a message is a groupchat to the room, and the sender\'s own reflection is not counted.')}`,
    sections: [summary, stepsTable(Object.values(rowsByTarget).flat(), 'msg/s').replace('delivered/s', 'deliveries/s'), table(bigColumns, bigRows), ...profiles.map((p) => profileSection(p))].filter(Boolean),
    json: { rows: rowsByTarget, best: bests, big: bigRows, profiles: profiles.map((p) => p.summary) },
  };
}
