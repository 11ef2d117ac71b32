#!/usr/bin/env node
// `npm test [-- <vitest args>]`: every check CI runs, in order, streaming their output:
//
//   1. npm run typecheck
//   2. npm run lint
//   3. vitest --project unit --project server   (unit, storage contract on SQLite + PostgreSQL, integration)
//   4. npm run build                            (the browser tests run the built server and web client)
//   5. vitest --project e2e                     (headless Chromium; skipped with FEIGE_SKIP_E2E=1)
//
// Dependencies are installed first when node_modules is missing or older than package-lock.json (a fresh clone).
// Every step runs even when an earlier one failed (except e2e after a failed build), so one run shows everything.
// The last line is `N passed, N failed`: test counts over both vitest runs, plus one failure per failed
// typecheck/lint/build step. The exit code is non-zero when anything failed. Extra arguments go to both vitest runs
// (`npm test -- -t "recall"`). With FEIGE_TEST_SUMMARY=<file> the summary line is also written to that file.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies } from './ensure-deps.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const isWindows = process.platform === 'win32';
const npm = isWindows ? 'npm.cmd' : 'npm';
const npx = isWindows ? 'npx.cmd' : 'npx';
const vitestArgs = process.argv.slice(2);
const skipE2e = process.env.FEIGE_SKIP_E2E === '1';
const reportDir = mkdtempSync(path.join(tmpdir(), 'feige-test-'));

let passed = 0;
let failed = 0;
const failures = [];
let interrupted = false;

function banner(text) {
  console.log(`\n\u001b[1m━━ ${text}\u001b[22m`);
}

function run(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', env: process.env });
    child.on('error', (error) => {
      console.error(`could not run ${command}: ${error.message}`);
      resolve(127);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

async function step(name, command, args) {
  banner(`${name}: ${command} ${args.join(' ')}`);
  const code = await run(command, args);
  if (code !== 0) {
    failed += 1;
    failures.push(`${name} (exit ${code})`);
  }
  return code === 0;
}

/** Run vitest for some projects with a JSON report beside the default reporter, and add up its counts. */
async function vitest(name, projects) {
  const report = path.join(reportDir, `${name}.json`);
  const args = [
    '--no',
    'vitest',
    'run',
    ...projects.flatMap((p) => ['--project', p]),
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    // An empty selection (e.g. `-t` matching nothing in one run) is reported below, not counted as a failure.
    '--passWithNoTests',
    ...vitestArgs,
  ];
  banner(`${name}: npx ${args.join(' ')}`);
  const code = await run(npx, args);
  let counted = 0;
  if (existsSync(report)) {
    const json = JSON.parse(readFileSync(report, 'utf8'));
    passed += json.numPassedTests ?? 0;
    failed += json.numFailedTests ?? 0;
    counted = json.numFailedTests ?? 0;
    // A file that fails before its tests run (import error, failing hook) has no failed test: count the file.
    for (const file of json.testResults ?? []) {
      const anyFailedTest = (file.assertionResults ?? []).some((t) => t.status === 'failed');
      if (file.status === 'failed' && !anyFailedTest) {
        failed += 1;
        counted += 1;
        failures.push(`${name}: ${path.relative(root, file.name)} failed outside its tests`);
      }
    }
    if (json.numFailedTests) failures.push(`${name}: ${json.numFailedTests} failed test(s)`);
    if ((json.numTotalTests ?? 0) === 0) console.log(`(${name}: no tests found)`);
  }
  // A non-zero exit with nothing counted (config error, global setup, unhandled error) is still a failure.
  if (code !== 0 && counted === 0) {
    failed += 1;
    failures.push(`${name} (vitest exit ${code}${existsSync(report) ? '' : ', no report'})`);
  }
}

process.on('SIGINT', () => {
  interrupted = true; // the child got the same Ctrl-C; stop after it exits
});

if (!ensureDependencies(root, (message) => console.log(`[test] ${message}`))) {
  console.log('0 passed, 1 failed');
  if (process.env.FEIGE_TEST_SUMMARY) writeFileSync(process.env.FEIGE_TEST_SUMMARY, '0 passed, 1 failed\n');
  process.exit(1);
}

const steps = [
  () => step('typecheck', npm, ['run', 'typecheck']),
  () => step('lint', npm, ['run', 'lint']),
  () => vitest('unit+server', ['unit', 'server']),
  async () => {
    const built = await step('build', npm, ['run', 'build']);
    if (skipE2e) {
      banner('e2e: skipped (FEIGE_SKIP_E2E=1), browser tests not run');
    } else if (!built) {
      banner('e2e: not run, because the build failed');
    } else {
      await vitest('e2e', ['e2e']);
    }
  },
];

try {
  for (const s of steps) {
    if (interrupted) break;
    await s();
  }
} finally {
  rmSync(reportDir, { recursive: true, force: true });
}

if (interrupted) {
  failed += 1;
  failures.push('interrupted');
}

banner('summary');
if (failures.length > 0) for (const f of failures) console.log(`  ✗ ${f}`);
if (skipE2e) console.log('  (e2e skipped: FEIGE_SKIP_E2E=1)');
const summary = `${passed} passed, ${failed} failed`;
if (process.env.FEIGE_TEST_SUMMARY) writeFileSync(process.env.FEIGE_TEST_SUMMARY, `${summary}\n`);
console.log(summary);
process.exitCode = failed > 0 ? 1 : 0;
