import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * Workspace packages export `{ source: ./src/index.ts, types, default: ./dist/index.js }`. Putting `source` first makes
 * every `@feige/*` import load the TypeScript sources, so tests never need a build. Vitest also passes the
 * `ssr.resolve.conditions` to its workers as `--conditions`, so a package Node loads directly resolves the same way.
 * ('module' is dropped as Vitest does for its own defaults: Node cannot run the ESM-for-bundlers entries it selects.)
 */
const conditions = ['source', ...defaultServerConditions.filter((c) => c !== 'module')];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.{ts,tsx}'],
          environment: 'node',
          // Projects with different worker limits must run as separate groups: unit, then server, then e2e.
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'server',
          // bench/smoke.test.ts runs every benchmark scenario at a tiny size (seconds, no timing assertions).
          include: ['packages/server/test/**/*.test.ts', 'bench/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 30_000,
          teardownTimeout: 30_000,
          // Two cores, and PostgreSQL / Redis / the servers under test want CPU too.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['e2e/**/*.spec.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          teardownTimeout: 30_000,
          // One browser and one server per spec at a time: parallel Chromiums on two cores only make timeouts.
          fileParallelism: false,
          sequence: { groupOrder: 2 },
          globalSetup: ['e2e/global-setup.ts'],
        },
      },
    ],
  },
});
