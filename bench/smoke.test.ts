import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Every benchmark scenario at a tiny size (`--smoke`), so the suite cannot rot: it must run end to end against Feige
 * and its baselines, lose and duplicate nothing, and write a report with every field. No timing assertions: this
 * machine is shared and the numbers mean nothing at this size.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(path.join(tmpdir(), 'feige-bench-smoke-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Latency {
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}
type Rows = Record<string, Record<string, unknown>[]>;

function runScenario(scenario: string): Promise<{ report: Record<string, unknown>; markdown: string; output: string }> {
  const json = path.join(dir, `${scenario}.json`);
  const results = path.join(dir, `${scenario}.md`);
  const env = { ...process.env };
  // Vitest's --conditions=source must not reach the server, which runs from dist.
  delete env.NODE_OPTIONS;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['bench/run.mjs', scenario, '--smoke', '--json', json, '--results', results],
      { cwd: root, env, timeout: 170_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const output = `${stdout}\n${stderr}`;
        if (error) return reject(new Error(`${scenario} smoke failed: ${error.message}\n${output.slice(-4000)}`));
        resolve({ report: JSON.parse(readFileSync(json, 'utf8')), markdown: readFileSync(results, 'utf8'), output });
      },
    );
  });
}

function expectLatency(latency: unknown) {
  const l = latency as Latency;
  expect(l.count).toBeGreaterThan(0);
  for (const key of ['p50', 'p95', 'p99', 'max'] as const) expect(typeof l[key]).toBe('number');
}

function expectCommon(report: Record<string, unknown>, markdown: string) {
  const machine = report.machine as { cores: number; memoryGiB: number };
  expect(machine.cores).toBeGreaterThan(0);
  expect(machine.memoryGiB).toBeGreaterThan(0);
  for (const field of ['Command: `npm run bench --', 'Machine:', 'Workload:', '| target |']) expect(markdown).toContain(field);
}

/** Message traffic steps: every target ran, everything sent was delivered exactly once, with every reported field. */
function expectTraffic(report: Record<string, unknown>, targets: string[]) {
  const rows = report.rows as Rows;
  const { duration } = report.opts as { duration: number };
  expect(Object.keys(rows).sort()).toEqual([...targets].sort());
  for (const [target, steps] of Object.entries(rows)) {
    expect(steps.length, target).toBeGreaterThan(0);
    for (const step of steps) {
      // The generator sends exactly rate × duration per step, however its workers share it out.
      expect(step.sent, target).toBe(Math.floor((step.rate as number) * duration));
      expect({ target, lost: step.lost, dup: step.dup, errors: step.errorCount }).toEqual({ target, lost: 0, dup: 0, errors: 0 });
      expect(step.received, target).toBe(step.expected);
      expectLatency(step.latency);
      for (const key of ['rate', 'offered', 'delivered', 'serverCpu', 'serverRss', 'genCpu']) expect(typeof step[key], key).toBe('number');
    }
  }
}

describe('bench smoke (tiny sizes, no timing assertions)', () => {
  it('direct: pairs send 1:1 through Feige, the relay and the relay with SQLite', { timeout: 180_000 }, async () => {
    const { report, markdown } = await runScenario('direct');
    expectCommon(report, markdown);
    expectTraffic(report, ['relay', 'relay-sqlite', 'feige']);
  });

  it('history: every page holds 50 consecutive messages', { timeout: 180_000 }, async () => {
    const { report, markdown } = await runScenario('history');
    expectCommon(report, markdown);
    const rows = report.rows as Rows;
    expect(Object.keys(rows).sort()).toEqual(['feige', 'relay-sqlite']);
    for (const steps of Object.values(rows))
      for (const step of steps) {
        expect(step.ok).toBeGreaterThan(0);
        expect({ bad: step.bad, errors: step.errorCount }).toEqual({ bad: 0, errors: 0 });
        expectLatency(step.latency);
      }
  });

  it('catchup: every offline device gets all its messages once', { timeout: 180_000 }, async () => {
    const { report, markdown } = await runScenario('catchup');
    expectCommon(report, markdown);
    const rows = report.rows as Record<string, unknown>[];
    expect(rows.map((r) => r.target).sort()).toEqual(['feige', 'relay-sqlite']);
    for (const row of rows) {
      expect({ lost: row.lost, dup: row.dup, errors: row.errors, complete: row.complete }).toEqual({ lost: 0, dup: 0, errors: 0, complete: row.users });
      expect(typeof row.allMs).toBe('number');
      expectLatency(row.per);
    }
  });

  it('connections: every socket stays open; memory per socket is reported', { timeout: 180_000 }, async () => {
    const { report, markdown } = await runScenario('connections');
    expectCommon(report, markdown);
    const rows = report.rows as Record<string, unknown>[];
    expect(new Set(rows.map((r) => r.target))).toEqual(new Set(['feige', 'relay']));
    for (const row of rows) {
      expect(row.open).toBe(row.connections);
      for (const key of ['perSecond', 'perConnectionKB', 'idleCpu', 'rss']) expect(typeof row[key], key).toBe('number');
    }
  });

  it('group: small groups and one big group get every message exactly once', { timeout: 180_000 }, async () => {
    const { report, markdown } = await runScenario('group');
    expectCommon(report, markdown);
    expectTraffic(report, ['relay', 'relay-sqlite', 'feige']);
    const big = report.big as Record<string, unknown>[];
    expect(big.length).toBeGreaterThan(0);
    for (const round of big) expect({ lost: round.lost, dup: round.dup, error: round.error }).toEqual({ lost: 0, dup: 0, error: null });
  });
});
