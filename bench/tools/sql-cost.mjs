#!/usr/bin/env node
// Where a send's time goes in storage: runs N sends through Feige's messages service in-process (no sockets) with
// better-sqlite3 instrumented, and prints every SQL statement with its count and time per send, plus the time spent
// preparing statements. `node bench/tools/sql-cost.mjs [--sends 2000] [--pairs 100] [--concurrency 1] [--plain]`.
// --concurrency N keeps N sends in flight (group commit batches them, as under load); --plain skips the per-statement
// timing (it costs time itself) and reports only the main thread's busy time per send (event-loop utilisation), which
// a shared, noisy machine disturbs far less than a throughput figure. Not a benchmark of its own: a diagnostic for
// docs/performance.md.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { openFeige, seedPairs, seedUsers } from '../lib/seed.mjs';

const { values } = parseArgs({
  options: {
    sends: { type: 'string', default: '2000' },
    pairs: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '1' },
    plain: { type: 'boolean', default: false },
  },
});
const sends = Number(values.sends);
const concurrency = Number(values.concurrency);
const nowUs = () => Number(process.hrtime.bigint()) / 1000;

const statements = new Map();
let prepareUs = 0;
let prepares = 0;
const prepare = Database.prototype.prepare;
if (!values.plain) Database.prototype.prepare = function instrumentedPrepare(sql) {
  const t = nowUs();
  const statement = prepare.call(this, sql);
  prepareUs += nowUs() - t;
  prepares++;
  const key = sql.replace(/\s+/gu, ' ').slice(0, 120);
  for (const method of ['run', 'all', 'get']) {
    const original = statement[method].bind(statement);
    statement[method] = (...args) => {
      const t0 = nowUs();
      try {
        return original(...args);
      } finally {
        const s = statements.get(key) ?? { count: 0, us: 0 };
        s.count++;
        s.us += nowUs() - t0;
        statements.set(key, s);
      }
    };
  }
  return statement;
};

/** CPU time of this process's main thread only (not the checkpoint worker), from /proc, in µs. */
function mainThreadCpuUs() {
  const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
}

const dir = mkdtempSync(path.join(tmpdir(), 'feige-sql-cost-'));
try {
  const app = await openFeige(path.join(dir, 'feige.sqlite'));
  const pairs = await seedPairs(app, await seedUsers(app, 2 * Number(values.pairs)));
  statements.clear();
  prepareUs = 0;
  prepares = 0;
  const send = (i) => {
    const p = pairs[i % pairs.length];
    return app.services.messages.send({ userId: p.a.id, sessionId: p.a.sessionId }, { conversationId: p.conv, clientMsgId: `x${i}`, text: `message ${i} of about eighty bytes, as the direct scenario sends them......` });
  };
  const t0 = nowUs();
  const elu0 = performance.eventLoopUtilization();
  const cpu0 = mainThreadCpuUs();
  for (let i = 0; i < sends; i += concurrency) await Promise.all(Array.from({ length: Math.min(concurrency, sends - i) }, (_, k) => send(i + k)));
  const elu = performance.eventLoopUtilization(elu0);
  const mainCpuUs = mainThreadCpuUs() - cpu0;
  const wall = nowUs() - t0;
  await app.close();
  console.log(`${sends} sends, ${concurrency} in flight: main thread CPU ${(mainCpuUs / sends).toFixed(0)} µs per send, busy ${((elu.active * 1000) / sends).toFixed(0)} µs per send (event-loop utilisation ${(elu.utilization * 100).toFixed(0)} %, the rest was waiting for the disk or the worker)`);
  if (values.plain) process.exit(0);
  let executed = 0;
  console.log(`${sends} sends in-process: ${(wall / sends).toFixed(0)} µs each (wall)`);
  console.log(`prepare: ${(prepares / sends).toFixed(1)} statements per send, ${(prepareUs / sends).toFixed(0)} µs per send`);
  console.log('µs/send  µs/exec  per send  statement');
  for (const [sql, s] of [...statements].sort((a, b) => b[1].us - a[1].us)) {
    executed += s.us;
    console.log(`${(s.us / sends).toFixed(1).padStart(7)}  ${(s.us / s.count).toFixed(1).padStart(7)}  ${(s.count / sends).toFixed(1).padStart(8)}  ${sql}`);
  }
  const sqlUs = executed / sends;
  console.log(`executing SQL: ${sqlUs.toFixed(0)} µs per send; everything else (Kysely building and compiling queries, promises, the service): ${(wall / sends - sqlUs - prepareUs / sends).toFixed(0)} µs`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
