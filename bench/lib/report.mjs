// Percentiles, the machine description, and the report: printed, appended to bench/RESULTS.md, optionally as JSON.
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { root } from './targets.mjs';

/** Nearest-rank percentiles of a list of numbers (any array-like); nulls when empty. */
export function percentiles(values) {
  const sorted = Float64Array.from(values).sort();
  const at = (p) => (sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]);
  return { count: sorted.length, p50: at(50), p95: at(95), p99: at(99), max: sorted.length ? sorted[sorted.length - 1] : null };
}

/** Concatenates typed arrays / arrays of numbers. */
export function concat(lists) {
  const total = lists.reduce((n, l) => n + l.length, 0);
  const out = new Float64Array(total);
  let offset = 0;
  for (const l of lists) {
    out.set(l, offset);
    offset += l.length;
  }
  return out;
}

export function machine() {
  const cpus = os.cpus();
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    // The code that ran: the server's packages and the harness (not RESULTS.md, which every run appends to).
    const dirty = (paths) => execFileSync('git', ['status', '--porcelain', '--', ...paths], { cwd: root, encoding: 'utf8' }).trim() !== '';
    const modified = [
      ['packages/', ['packages']],
      ['bench/', ['bench/lib', 'bench/scenarios', 'bench/ceiling', 'bench/peer', 'bench/run.mjs']],
    ].filter(([, paths]) => dirty(paths));
    if (modified.length > 0) commit += ` (${modified.map(([name]) => name).join(' and ')} modified)`;
  } catch {
    // not a git checkout
  }
  return {
    cores: cpus.length,
    cpu: cpus[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    loadAverage: os.loadavg().map((n) => Math.round(n * 100) / 100),
    commit,
  };
}

const fmt = (n, digits = 0) =>
  n === null || n === undefined || Number.isNaN(n) ? '–' : Number(n).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
export const ms = (n) => fmt(n, n !== null && n < 10 ? 2 : 1);
export const num = (n) => fmt(n);
export const mb = (bytes) => fmt(bytes / 2 ** 20, 1);

/** A markdown table from column definitions [{ title, value(row) }]. */
export function table(columns, rows) {
  const head = `| ${columns.map((c) => c.title).join(' | ')} |`;
  const rule = `|${columns.map((c) => (c.align === 'left' ? ':--' : '--:')).join('|')}|`;
  return [head, rule, ...rows.map((r) => `| ${columns.map((c) => c.value(r)).join(' | ')} |`)].join('\n');
}

/**
 * Writes the report: `sections` are markdown blocks (tables, summaries) after a common header. Appends to
 * `resultsFile` unless it is 'none'; prints the same text.
 */
export function writeReport({ scenario, command, workload, sections, resultsFile, json, jsonFile }) {
  const m = machine();
  const when = new Date().toISOString().replace('T', ' ').slice(0, 16);
  const text = [
    `## ${scenario} — ${when} UTC`,
    '',
    `Command: \`${command}\``,
    '',
    `Machine: ${m.cores} × ${m.cpu}, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}; load average at start ${m.loadAverage.join(' / ')}; commit ${m.commit}.`,
    '',
    `Workload: ${workload}`,
    '',
    ...sections.flatMap((s) => [s, '']),
  ].join('\n');
  console.log(`\n${text}`);
  if (resultsFile && resultsFile !== 'none') {
    if (!existsSync(resultsFile))
      writeFileSync(
        resultsFile,
        `# Benchmark results\n\nAppended by \`npm run bench\`; newest last. See docs/performance.md. This machine is shared: compare targets within one run, and read each step's "others CPU %" and "stall" columns. CPU profiles named here live in bench/.runs/profiles, which is not committed.\n\n`,
      );
    appendFileSync(resultsFile, `${text}\n`);
  }
  if (jsonFile) writeFileSync(jsonFile, JSON.stringify({ scenario, command, machine: m, workload, ...json }, null, 2));
  return text;
}

export function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}
