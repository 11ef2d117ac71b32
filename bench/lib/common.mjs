// What every scenario shares: starting a target with a fresh data directory (seeded first), the stepped-rate loop
// for message traffic, and the summary of a scenario's steps against the ceiling.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { cpuWindow, noiseWindow } from './proc.mjs';
import { startWorkers } from './pool.mjs';
import { summariseProfile } from './profile.mjs';
import { concat, mb, ms, num, percentiles, table } from './report.mjs';
import { openFeige } from './seed.mjs';
import { removeDir, root, startFeige, startRelay, tempDir } from './targets.mjs';

/** A step passes when nothing is lost or duplicated, nothing failed, and p99 ≤ this. */
export const passP99Ms = 100;

/** Processes to stop if the run is interrupted or times out: { pid, stop() }. */
export const live = new Set();

export function track(thing) {
  live.add(thing);
  return thing;
}

export async function stopTracked(thing) {
  if (!thing) return;
  live.delete(thing);
  await thing.stop();
}

/**
 * Starts one target. Feige: a fresh data dir, seeded through the server's own code (`seedFeige(app, file)`), then
 * `feige serve`. Relays: `seedRelay(dir)` may fill the store / write a groups file, then the relay. The ejabberd peer
 * (bench/peer): `seedEjabberd(node)` writes its tables before start and may return `afterStart(node, target)`.
 */
export async function startTarget(ctx, name, { seedFeige, seedRelay, seedEjabberd, feigeArgs = [], groupMaxMembers }) {
  const dir = tempDir(name);
  try {
    if (name === 'ejabberd') return await startEjabberd(ctx, dir, seedEjabberd);
    return await startIn(ctx, name, dir, { seedFeige, seedRelay, feigeArgs, groupMaxMembers });
  } catch (error) {
    if (!ctx.opts.keep) removeDir(dir);
    throw error;
  }
}

async function startIn(ctx, name, dir, { seedFeige, seedRelay, feigeArgs, groupMaxMembers }) {
  const t0 = performance.now();
  let data;
  let server;
  if (name === 'feige') {
    const file = path.join(dir, 'feige.sqlite');
    const app = await openFeige(file, { groupMaxMembers });
    try {
      data = await seedFeige(app, file);
    } finally {
      await app.close();
    }
    if (data?.afterClose) await data.afterClose(file);
    const seedMs = performance.now() - t0;
    ctx.log(`[${name}] seeded in ${(seedMs / 1000).toFixed(1)} s`);
    server = track(await startFeige({ dataDir: dir, extraArgs: feigeArgs, profileDir: ctx.opts.profile ? ctx.profileDir : null }));
  } else {
    const store = name === 'relay-sqlite' ? path.join(dir, 'relay.sqlite') : null;
    data = await seedRelay({ dir, store });
    ctx.log(`[${name}] seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    server = track(await startRelay({ store, groupsFile: data?.groupsFile ?? null }));
  }
  ctx.log(`[${name}] running, pid ${server.pid}, ${server.wsUrl}`);
  return {
    name,
    server,
    data,
    dir,
    target: { kind: server.kind, wsUrl: server.wsUrl },
    async stop() {
      const startedAt = Date.now();
      await stopTracked(server);
      let profile = null;
      if (name === 'feige' && ctx.opts.profile) profile = newestProfile(ctx.profileDir, startedAt - 3_600_000);
      if (!ctx.opts.keep) removeDir(dir);
      else ctx.log(`[${name}] data kept in ${dir}`);
      return profile ? { file: profile, summary: summariseProfile(profile) } : null;
    },
  };
}

async function startEjabberd(ctx, dir, seedEjabberd) {
  if (!seedEjabberd) throw new Error('this scenario has no ejabberd seeding');
  const peer = await import('../peer/ejabberd.mjs');
  peer.ensureInstalled(ctx.log);
  const t0 = performance.now();
  const node = await peer.prepare(dir);
  let data;
  try {
    data = await seedEjabberd(node);
  } catch (error) {
    node.db.close();
    throw error;
  }
  ctx.log(`[ejabberd] seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  // Tracked before it answers, with its directory: a run interrupted while the VM boots stops it and cleans up too.
  let starting = null;
  const handle = track({
    stop: async () => {
      await starting?.stop();
      if (!ctx.opts.keep) removeDir(dir);
      else ctx.log(`[ejabberd] data kept in ${dir}`);
    },
  });
  let server;
  try {
    server = await peer.start(node, { onSpawn: (spawned) => (starting = spawned) });
  } catch (error) {
    await stopTracked(handle);
    throw error;
  }
  const target = { kind: 'xmpp', wsUrl: server.wsUrl, domain: peer.domain, streamManagement: Boolean(ctx.opts.xmppAcks) };
  const stop = async () => {
    await stopTracked(handle);
    return null;
  };
  try {
    if (data?.afterStart) await data.afterStart(node, target);
  } catch (error) {
    ctx.log(`[ejabberd] log tail:\n${peer.logTail(dir)}`);
    await stop();
    throw error;
  }
  ctx.log(`[ejabberd] running, pid ${server.pid} (beam.smp), ${server.wsUrl}`);
  return { name: 'ejabberd', server, data, dir, target, stop };
}

function newestProfile(dir, after) {
  if (!existsSync(dir)) return null;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f).mtimeMs >= after)
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return files[0] ?? null;
}

export async function startPool(ctx, count) {
  const pool = await startWorkers(count);
  const handle = track({ pid: pool.pids.join(','), stop: () => pool.stop() });
  return { ...pool, stop: () => stopTracked(handle) };
}

/** Connects users spread over the pool (users[k] go to worker k); returns per-worker connect results. */
export async function connectUsers(ctx, pool, target, usersPerWorker, { concurrency = 200, timeoutMs = 60_000 } = {}) {
  const results = await pool.all('connect', (k, w) => ({ target, users: usersPerWorker[k], localAddresses: w.addresses, concurrency, timeoutMs }), timeoutMs + 30_000);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  if (failed > 0) throw new Error(`${failed} sockets failed to connect: ${results.flatMap((r) => r.errors).slice(0, 3).join('; ')}`);
  const retried = results.reduce((n, r) => n + (r.retried ?? 0), 0);
  if (retried > 0) ctx.log(`[${target.name ?? target.kind}] ${retried} of ${usersPerWorker.reduce((n, u) => n + u.length, 0)} sockets connected only on a second or third try`);
  return results;
}

/** Runs one traffic step on every worker (each sends rate / workers) and aggregates. */
export async function trafficStep(ctx, target, pool, rate, { durationMs, drainMs, size, deliveriesPerMessage = 1 }) {
  const window = cpuWindow([target.server.pid, ...pool.pids]);
  const noise = noiseWindow([target.server.pid, ...pool.pids]);
  // rate × duration sends in all, shared out so that no worker's rounding loses any (small rates, short steps).
  const planned = Math.floor((rate * durationMs) / 1000);
  const workers = pool.workers.length;
  const share = (k) => Math.floor(planned / workers) + (k < planned % workers ? 1 : 0);
  const parts = await pool.all('traffic', (k) => ({ rate: rate / workers, total: share(k), durationMs, drainMs, size }), durationMs + drainMs + 60_000);
  const [server, ...gens] = window.stop();
  const { otherCpu, worstLagMs } = noise.stop();
  const sum = (key) => parts.reduce((n, p) => n + p[key], 0);
  const errors = {};
  for (const p of parts) for (const [code, n] of Object.entries(p.errors)) errors[code] = (errors[code] ?? 0) + n;
  const errorCount = Object.values(errors).reduce((a, b) => a + b, 0);
  const firstSend = Math.min(...parts.map((p) => p.firstSendUs || Infinity));
  const lastSend = Math.max(...parts.map((p) => p.lastSendUs));
  const lastRecv = Math.max(...parts.map((p) => p.lastRecvUs));
  const sent = sum('sent');
  const received = sum('received');
  const lat = percentiles(concat(parts.map((p) => p.latencies)));
  const ack = percentiles(concat(parts.map((p) => p.ackLatencies)));
  const sendSeconds = Math.max(durationMs / 1000, (lastSend - firstSend) / 1e6);
  const row = {
    target: target.name,
    rate,
    offered: sent / sendSeconds,
    // Over the same window as offered (or longer, when deliveries trail the last send), so a step that loses nothing
    // reports delivered = offered × deliveries per message.
    delivered: received > 0 ? received / Math.max(sendSeconds, (lastRecv - firstSend) / 1e6) : 0,
    sent,
    acked: sum('acked'),
    received,
    expected: sent * deliveriesPerMessage,
    lost: sum('lost'),
    dup: sum('dup'),
    late: sum('late'),
    errors,
    errorCount,
    latency: lat,
    ack,
    serverCpu: server.cpuPercent,
    serverRss: server.rss,
    serverPeakRss: server.peakRss,
    genCpu: gens.reduce((n, g) => n + g.cpuPercent, 0),
    otherCpu,
    worstLagMs,
  };
  const genLimited = sent < 0.95 * planned;
  row.pass = row.lost === 0 && row.dup === 0 && errorCount === 0 && !genLimited && lat.p99 !== null && lat.p99 <= passP99Ms;
  row.note = [genLimited ? 'generator fell behind' : '', errorCount ? Object.entries(errors).map(([c, n]) => `${c}×${n}`).join(' ') : '', row.late ? `${row.late} late` : '']
    .filter(Boolean)
    .join('; ');
  ctx.log(
    `[${target.name}] ${num(rate)}/s: offered ${num(row.offered)}, delivered ${num(row.delivered)}, lost ${row.lost}, dup ${row.dup}, errors ${errorCount}, ` +
      `p50 ${ms(lat.p50)} p99 ${ms(lat.p99)} max ${ms(lat.max)} ms, server ${num(row.serverCpu)}% ${mb(row.serverRss)} MB, gen ${num(row.genCpu)}%, others ${num(otherCpu)}%, stall ${ms(worstLagMs)} ms → ${row.pass ? 'pass' : 'FAIL'}`,
  );
  return row;
}

/** Steps through `rates` (stopping after the first failure unless --all-steps); a warm-up step first, unrecorded. */
export async function steppedTraffic(ctx, target, pool, rates, options) {
  if (ctx.opts.warmup > 0) {
    ctx.log(`[${target.name}] warm-up ${ctx.opts.warmup} s at ${rates[0]}/s`);
    await trafficStep(ctx, target, pool, rates[0], { ...options, durationMs: ctx.opts.warmup * 1000 });
  }
  const rows = [];
  for (const rate of rates) {
    let row = await trafficStep(ctx, target, pool, rate, options);
    // Only latency can fail from the machine's noise; a loss or an error is never retried away.
    for (let retry = 0; !row.pass && retry < ctx.opts.retries && latencyOnly(row); retry++) {
      ctx.log(`[${target.name}] ${num(rate)}/s failed on latency only: retrying (${retry + 1}/${ctx.opts.retries})`);
      rows.push({ ...row, superseded: true });
      row = await trafficStep(ctx, target, pool, rate, options);
      row.retry = retry + 1;
    }
    rows.push(row);
    if (!row.pass && !ctx.opts.allSteps) break;
  }
  return rows;
}

/** A failed step with nothing lost, duplicated or refused: it failed on p99 (or the generator fell behind). */
export function latencyOnly(row) {
  return row.lost === 0 && row.dup === 0 && (row.errorCount ?? 0) === 0 && (row.bad ?? 0) === 0;
}

/** Highest passing rate of a target's steps, and whether every step passed (so the real ceiling is higher). */
export function best(rows) {
  let top = null;
  for (const r of rows.filter((x) => !x.superseded)) {
    if (!r.pass) break;
    top = r.rate;
  }
  return { rate: top, all: rows.length > 0 && rows.every((r) => r.pass || r.superseded) };
}

export function bestText(b, unit) {
  if (b.rate === null) return `no step passed`;
  return `${b.all ? '≥ ' : ''}${num(b.rate)} ${unit}`;
}

/** Ratio of Feige's best to a baseline's best, with ≤/≥ when either passed every step. */
export function ratioText(feige, base) {
  if (feige.rate === null || base.rate === null) return '–';
  const r = feige.rate / base.rate;
  const sign = feige.all && !base.all ? '≥ ' : !feige.all && base.all ? '≤ ' : feige.all && base.all ? '~' : '';
  return `${sign}${r.toFixed(2)}`;
}

export const stepColumns = (unit) => [
  { title: 'target', value: (r) => r.target, align: 'left' },
  { title: `rate ${unit}`, value: (r) => num(r.rate) },
  { title: 'offered/s', value: (r) => num(r.offered) },
  { title: 'delivered/s', value: (r) => num(r.delivered) },
  { title: 'lost', value: (r) => num(r.lost) },
  { title: 'dup', value: (r) => num(r.dup) },
  { title: 'p50 ms', value: (r) => ms(r.latency.p50) },
  { title: 'p95 ms', value: (r) => ms(r.latency.p95) },
  { title: 'p99 ms', value: (r) => ms(r.latency.p99) },
  { title: 'max ms', value: (r) => ms(r.latency.max) },
  { title: 'ack p99 ms', value: (r) => ms(r.ack?.p99) },
  { title: 'server CPU %', value: (r) => num(r.serverCpu) },
  { title: 'server RSS MB', value: (r) => mb(r.serverRss) },
  { title: 'gen CPU %', value: (r) => num(r.genCpu) },
  { title: 'others CPU %', value: (r) => num(r.otherCpu) },
  { title: 'stall ms', value: (r) => ms(r.worstLagMs) },
  { title: 'pass', value: passText, align: 'left' },
];

export function passText(r) {
  if (r.superseded) return `no, retried${r.note ? ` (${r.note})` : ''}`;
  const retried = r.retry ? ' (retry)' : '';
  return r.pass ? `yes${retried}` : `**no**${retried}${r.note ? ` (${r.note})` : ''}`;
}

export function stepsTable(rows, unit) {
  return table(stepColumns(unit), rows);
}

/** A short markdown section from a profile summary. */
export function profileSection(profile, note = '') {
  if (!profile) return null;
  const s = profile.summary;
  const rel = path.relative(root, profile.file);
  return [
    `Server CPU profile (\`${rel}\`, ${num(s.busyMs)} ms busy of ${num(s.totalMs)} ms${note}). Self time by package:`,
    '',
    table(
      [
        { title: 'package', value: (p) => p.pkg, align: 'left' },
        { title: 'self ms', value: (p) => num(p.ms) },
        { title: '% of busy', value: (p) => p.pctOfBusy.toFixed(1) },
      ],
      s.packages.filter((p) => p.pkg !== '(idle)').slice(0, 12),
    ),
    '',
    'Top functions by self time:',
    '',
    table(
      [
        { title: 'function', value: (f) => `\`${f.key}\``, align: 'left' },
        { title: 'package', value: (f) => f.pkg, align: 'left' },
        { title: 'self ms', value: (f) => num(f.ms) },
        { title: '% of busy', value: (f) => f.pctOfBusy.toFixed(1) },
      ],
      s.functions.filter((f) => !f.key.startsWith('(idle)')).slice(0, 20),
    ),
  ].join('\n');
}
