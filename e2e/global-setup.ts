import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The e2e project runs the built server and web client: refuse to start without them, with a clear message. */
export default function setup(): void {
  const chromium = process.env['FEIGE_CHROMIUM'] ?? '/usr/bin/chromium';
  const required: Array<[string, string]> = [
    ['packages/cli/bin/feige.js', 'the feige CLI entry'],
    ['packages/cli/dist', 'the built CLI'],
    ['packages/server/dist', 'the built server'],
    ['packages/web/dist/index.html', 'the built web client'],
  ];
  const missing = required.filter(([rel]) => !existsSync(path.join(repoRoot, rel)));
  if (missing.length > 0) {
    throw new Error(
      `e2e tests need the built server and web client; missing: ${missing
        .map(([rel, what]) => `${rel} (${what})`)
        .join(', ')}.\nRun \`npm run build\` first (npm test does this before the e2e step).`,
    );
  }
  if (!existsSync(chromium)) {
    throw new Error(
      `e2e tests need Debian's Chromium at ${chromium}: apt-get install -y chromium fonts-wqy-microhei ` +
        '(.ci/run does this). Never `npx playwright install`.',
    );
  }
}
