#!/usr/bin/env node
// `npm run bench -- <scenario> [options]`: runs a scenario against Feige and its baselines in one invocation, prints
// the report and appends it to bench/RESULTS.md. See docs/performance.md.
//
// Scenarios: direct, history, catchup, connections, group.   `--smoke`: tiny sizes, seconds, for `npm test`.
// Common options (defaults depend on the scenario; --smoke shrinks them):
//   --targets feige,relay,relay-sqlite   what to run (Feige and the ceilings; each gets a fresh data dir)
//   --rates 500,1000,…                   stepped aggregate rates      --duration 5   seconds per step
//   --drain 10  max seconds to wait for in-flight deliveries after a step     --warmup 2   unrecorded first step
//   --users N   --workers N (load-generator processes)   --size 80 (message text bytes)
//   --retries 1 (re-run a step that failed on latency alone: this machine is shared)
//   --all-steps (do not stop at the first failing step)   --profile (node --cpu-prof on the Feige server)
//   --results FILE|none (default bench/RESULTS.md; none for --smoke)   --json FILE   --keep (keep data dirs)
//   --max-seconds N   watchdog for the whole run (default 1800)
// Per scenario: direct --users;  group --groups 20 --group-size 50 --big-group 5000;  connections --connections
//   1000,5000,10000,19500 (steps) --idle 20 (seconds idle per step) --connect-concurrency N;  catchup --users --messages
//   --large (10,000 × 20);  history --conversations --per-conversation --concurrency 20.   --help prints this.
//   --peer ejabberd   also run a real IM server, Debian's ejabberd (installed with apt-get when missing and run as
//                     root), as a throw-away node under a temp dir, driven over XMPP by the same generator
//                     (bench/peer/ejabberd.mjs, bench/lib/xmpp-client.mjs; docs/performance.md, "The ejabberd peer")
//   --xmpp-acks       the peer's clients enable XEP-0198 and its <a> is reported as the send ack (default: no ack,
//                     "ack" columns empty for ejabberd; ejabberd then asks an ack for every stanza it sends, which
//                     costs it and the generator about a third of the group throughput here)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeReport } from './lib/report.mjs';
import { ensureBuilt, root } from './lib/targets.mjs';

const scenarios = ['direct', 'history', 'catchup', 'connections', 'group'];

const optionSpec = {
  smoke: { type: 'boolean', default: false },
  targets: { type: 'string' },
  rates: { type: 'string' },
  duration: { type: 'string' },
  drain: { type: 'string' },
  warmup: { type: 'string' },
  users: { type: 'string' },
  workers: { type: 'string' },
  size: { type: 'string' },
  'all-steps': { type: 'boolean', default: false },
  retries: { type: 'string' },
  profile: { type: 'boolean', default: false },
  results: { type: 'string' },
  json: { type: 'string' },
  keep: { type: 'boolean', default: false },
  'max-seconds': { type: 'string' },
  peer: { type: 'string' },
  'xmpp-acks': { type: 'boolean', default: false },
  // scenario-specific
  messages: { type: 'string' },
  conversations: { type: 'string' },
  'per-conversation': { type: 'string' },
  concurrency: { type: 'string' },
  connections: { type: 'string' },
  idle: { type: 'string' },
  groups: { type: 'string' },
  'group-size': { type: 'string' },
  'big-group': { type: 'string' },
  large: { type: 'boolean', default: false },
  'connect-concurrency': { type: 'string' },
};

function usage(message) {
  if (message) console.error(message);
  console.error(`usage: npm run bench -- <${scenarios.join('|')}> [--smoke] [options]   (see the top of bench/run.mjs)`);
  process.exit(2);
}

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  // The header comment of this file is the manual.
  const header = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1);
  console.log(header.slice(0, header.findIndex((line) => !line.startsWith('//'))).map((line) => line.replace(/^\/\/ ?/u, '')).join('\n'));
  process.exit(0);
}

let parsed;
try {
  parsed = parseArgs({ args: process.argv.slice(2), options: optionSpec, allowPositionals: true, strict: true });
} catch (error) {
  usage(error.message); // an unknown option, or one missing its value
}
const { values, positionals } = parsed;
const scenario = positionals[0];
if (!scenarios.includes(scenario)) usage(scenario ? `unknown scenario ${scenario}` : 'which scenario?');
if (positionals.length > 1) usage(`one scenario at a time (also got: ${positionals.slice(1).join(' ')})`);
if (values.peer && values.peer !== 'ejabberd') usage(`--peer ${values.peer}: the only peer is ejabberd`);

// Scenarios and the shared harness load the server's built code (seeding goes through it): build first on a fresh
// checkout, then import them.
try {
  ensureBuilt();
} catch (error) {
  console.error(`[bench] ${error.message}`);
  process.exit(1);
}
const { live } = await import('./lib/common.mjs');
const mod = await import(`./scenarios/${scenario}.mjs`);
const smoke = values.smoke;
const d = { ...mod.defaults, ...(smoke ? mod.defaults.smoke : {}) };
const list = (s) => s.split(',').map((x) => x.trim()).filter(Boolean);
const numbers = (s) => list(s).map(Number);
const camel = (key) => key.replace(/-([a-z])/gu, (_, c) => c.toUpperCase());
const pick = (key, fallback, parse = Number) => (values[key] !== undefined ? parse(values[key]) : (d[camel(key)] ?? fallback));

const opts = {
  smoke,
  targets: values.targets ? list(values.targets) : d.targets,
  rates: values.rates ? numbers(values.rates) : (d.rates ?? []),
  duration: pick('duration', smoke ? 0.5 : 5),
  drain: pick('drain', 10),
  warmup: pick('warmup', smoke ? 0 : 2),
  users: pick('users', 1000),
  workers: pick('workers', 2),
  size: pick('size', 80),
  allSteps: values['all-steps'],
  retries: pick('retries', smoke ? 0 : 1),
  profile: values.profile,
  keep: values.keep,
  maxSeconds: pick('max-seconds', smoke ? 120 : 1800),
  messages: pick('messages', 10),
  conversations: pick('conversations', 1000),
  perConversation: pick('per-conversation', 1000),
  concurrency: pick('concurrency', 20),
  connections: values.connections ? numbers(values.connections) : d.connections,
  idle: pick('idle', smoke ? 0.5 : 20),
  groups: pick('groups', 20),
  groupSize: pick('group-size', 50),
  bigGroup: pick('big-group', 5000),
  large: values.large,
  connectConcurrency: pick('connect-concurrency', 0),
  xmppAcks: values['xmpp-acks'],
};
// The peer runs only when asked (it needs the Debian package), after the targets of the run.
if (values.peer && !opts.targets.includes(values.peer)) opts.targets = [...opts.targets, values.peer];
for (const t of opts.targets) if (!['feige', 'relay', 'relay-sqlite', 'ejabberd'].includes(t)) usage(`unknown target ${t}`);
if (opts.rates.some((r) => !(r > 0))) usage('--rates must be positive numbers');
if (opts.connections?.some((n) => !(Number.isInteger(n) && n > 0))) usage('--connections must be positive whole numbers');
// Counts are whole numbers of at least 1 (0 where it means "none"); times are seconds, not negative.
const counts = { users: 2, workers: 1, size: 1, messages: 1, conversations: 1, 'per-conversation': 1, concurrency: 1, groups: 1, 'group-size': 2, 'big-group': 2, retries: 0, 'connect-concurrency': 0 };
for (const [key, min] of Object.entries(counts)) {
  const value = opts[camel(key)];
  if (!(Number.isInteger(value) && value >= min)) usage(`--${key} must be a whole number ≥ ${min} (got ${values[key] ?? value})`);
}
for (const key of ['duration', 'max-seconds']) if (!(opts[camel(key)] > 0)) usage(`--${key} must be a number of seconds > 0`);
for (const key of ['drain', 'warmup', 'idle']) if (!(opts[camel(key)] >= 0)) usage(`--${key} must be a number of seconds ≥ 0`);
const resultsFile = values.results ?? (smoke ? 'none' : path.join(root, 'bench', 'RESULTS.md'));
const command = `npm run bench -- ${process.argv.slice(2).join(' ')}`;

const log = (line) => console.log(line);
const ctx = { opts, log, profileDir: path.join(root, 'bench', '.runs', 'profiles') };

async function stopAll() {
  await Promise.allSettled([...live].map((thing) => thing.stop()));
  live.clear();
}

const watchdog = setTimeout(async () => {
  console.error(`[bench] the run exceeded --max-seconds ${opts.maxSeconds}: stopping everything`);
  await stopAll();
  process.exit(3);
}, opts.maxSeconds * 1000);
watchdog.unref();
for (const signal of ['SIGINT', 'SIGTERM'])
  process.once(signal, async () => {
    console.error(`[bench] ${signal}: stopping`);
    await stopAll();
    process.exit(130);
  });

try {
  log(`[bench] ${scenario}${smoke ? ' (smoke)' : ''}: targets ${opts.targets.join(', ')}`);
  const result = await mod.run(ctx);
  writeReport({ scenario: `${scenario}${smoke ? ' (smoke)' : ''}`, command, workload: result.workload, sections: result.sections, resultsFile, json: { opts, ...result.json }, jsonFile: values.json });
} catch (error) {
  console.error(`[bench] ${scenario} failed:`, error);
  process.exitCode = 1;
} finally {
  await stopAll();
  clearTimeout(watchdog);
}
