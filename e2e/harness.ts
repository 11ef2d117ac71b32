/**
 * End-to-end harness: the built server (`node packages/cli/bin/feige.js serve`) on a free port with its own data
 * directory, and Debian's Chromium driven by playwright-core. Specs live beside this file as `*.spec.ts` and run in
 * the vitest `e2e` project (`npx vitest run --project e2e`, after `npm run build`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type LaunchOptions, type Page } from 'playwright-core';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const cliBin = path.join(repoRoot, 'packages', 'cli', 'bin', 'feige.js');

/** Debian's Chromium; never `npx playwright install`. Override with FEIGE_CHROMIUM. */
export const chromiumPath = process.env['FEIGE_CHROMIUM'] ?? '/usr/bin/chromium';

/** Launch flags for headless Debian Chromium (STACK-NOTES). `launch()` makes a fresh profile itself. */
export const chromiumArgs: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Extra flags for call tests: fake camera/microphone and loopback ICE candidates (STACK-NOTES, "Calls"). */
export const mediaArgs: readonly string[] = [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
];

const startTimeoutMs = 30_000;
const stopTimeoutMs = 10_000;

export interface App {
  /** `http://127.0.0.1:<port>`, without a trailing slash: web client and API on one origin. */
  url: string;
  /** The server's data directory (a fresh temporary directory, removed by `stop()`). */
  dataDir: string;
  /** Everything the server printed so far (stdout and stderr), for failure messages. */
  output(): string;
  /** SIGTERM by PID, wait for a clean exit (SIGKILL after 10 s, then reject), remove the data directory. */
  stop(): Promise<void>;
}

export interface StartAppOptions {
  /** Extra arguments after `serve --host 127.0.0.1 --port 0 --data-dir <dir>`. */
  args?: string[];
  /** Extra environment for the server process. */
  env?: Record<string, string>;
  /** Keep the data directory after `stop()` (also FEIGE_E2E_KEEP_DATA=1). */
  keepDataDir?: boolean;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  // Never leave a server behind when the test process dies: kill what we started, by PID.
  for (const child of running) sendSignal(child, 'SIGKILL');
});

/** Send a signal to a child we started, by its PID, unless it has already exited. */
function sendSignal(child: ChildProcess, sig: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(child.pid, sig);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Start the built CLI on a free port with a fresh data directory; resolves once it prints its URL. */
export async function startApp(options: StartAppOptions = {}): Promise<App> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'feige-e2e-'));
  const child = spawn(
    process.execPath,
    [cliBin, 'serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, ...(options.args ?? [])],
    { cwd: repoRoot, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(child);
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  const keep = options.keepDataDir === true || process.env['FEIGE_E2E_KEEP_DATA'] === '1';
  const cleanup = async () => {
    if (!keep) await rm(dataDir, { recursive: true, force: true });
  };

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      fail(new Error(`feige serve printed no http://HOST:PORT line within ${startTimeoutMs} ms.\n${output}`));
    }, startTimeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /http:\/\/[^\s/'"]+:\d+/u.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    };
    function fail(error: Error) {
      clearTimeout(timer);
      sendSignal(child, 'SIGKILL');
      reject(error);
    }
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', (error) => fail(new Error(`could not start ${cliBin}: ${error.message}`)));
    void exited.then(({ code, signal }) =>
      fail(new Error(`feige serve exited (code ${code}, signal ${signal}) before listening.\n${output}`)),
    );
  }).catch(async (error: unknown) => {
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, stopTimeoutMs).unref())]);
    await cleanup();
    throw error;
  });

  let stopping: Promise<void> | undefined;
  return {
    url,
    dataDir,
    output: () => output,
    stop() {
      stopping ??= (async () => {
        sendSignal(child, 'SIGTERM');
        let forced = false;
        const timer = setTimeout(() => {
          forced = true;
          sendSignal(child, 'SIGKILL');
        }, stopTimeoutMs);
        const { code, signal } = await exited;
        clearTimeout(timer);
        await cleanup();
        if (forced) throw new Error(`feige serve ignored SIGTERM for ${stopTimeoutMs} ms and was killed.\n${output}`);
        if (code !== 0 && signal !== 'SIGTERM') {
          throw new Error(`feige serve did not exit cleanly on SIGTERM (code ${code}, signal ${signal}).\n${output}`);
        }
      })();
      return stopping;
    },
  };
}

export interface LaunchBrowserOptions {
  /** Extra Chromium flags, e.g. `mediaArgs` for call tests. */
  args?: readonly string[];
  /** Anything else playwright-core's `launch()` takes. */
  launch?: Omit<LaunchOptions, 'args' | 'executablePath' | 'headless'>;
}

/** Headless Debian Chromium with the flags from STACK-NOTES. Close it in `afterAll`. */
export function launchBrowser(options: LaunchBrowserOptions = {}): Promise<Browser> {
  return chromium.launch({
    ...options.launch,
    executablePath: chromiumPath,
    headless: true,
    args: [...chromiumArgs, ...(options.args ?? [])],
  });
}

export interface UserPageOptions {
  /** Default 1280×800; a phone is `{ width: 360, height: 740 }`. */
  viewport?: { width: number; height: number };
  /** Browser language, e.g. 'zh-CN' or 'en-US' (default). Drives the web client's language choice. */
  locale?: string;
  /** Path to open first, relative to the app URL (default '/'); `null` opens nothing. */
  path?: string | null;
  /** Default timeout for page actions and expectations, ms (default 10 s). */
  timeoutMs?: number;
}

export interface UserPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and console errors, for asserting a clean run. */
  errors: string[];
}

/** A fresh BrowserContext (its own cookies, storage, IndexedDB: one user) and a page on the app. */
export async function newUserPage(browser: Browser, url: string, options: UserPageOptions = {}): Promise<UserPage> {
  const context = await browser.newContext({
    baseURL: url,
    viewport: options.viewport ?? { width: 1280, height: 800 },
    locale: options.locale ?? 'en-US',
  });
  context.setDefaultTimeout(options.timeoutMs ?? 10_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  const start = options.path === undefined ? '/' : options.path;
  if (start !== null) await page.goto(new URL(start, url).toString());
  return { context, page, errors };
}
