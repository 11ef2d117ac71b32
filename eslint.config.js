// ESLint flat config for the Feige monorepo.
//
// typescript-eslint's `recommended` set without type information (fast: no program is built), plus the import
// boundaries of DESIGN.md §1, §3 and §10:
//
//   protocol ← server;  protocol ← client ← web, cli, bench;  test-kit (tests only) → server, client
//   services never touch transport or driver libraries; transport talks to services, never to storage.
//
// The package boundaries are `no-restricted-imports` entries per file glob. Flat config does not merge a rule's
// options across entries (a later matching entry replaces the rule), so every entry below carries the complete list
// for its files; `boundary()` assembles them. Relative imports that climb out of their package are caught by a tiny
// local rule (`feige/no-cross-package-relative`) because whether `../../x` leaves a package depends on where the
// importing file sits, which a static glob pattern cannot know.
import path from 'node:path';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

const root = path.dirname(fileURLToPath(import.meta.url));

// ---------------------------------------------------------------------------------------------------------------
// feige/no-cross-package-relative

/** `packages/<name>` for a repo-relative path inside a package, else null. */
function packageOf(relPath) {
  const parts = relPath.split(path.sep);
  return parts[0] === 'packages' && parts[1] ? `packages/${parts[1]}` : null;
}

const noCrossPackageRelative = {
  meta: {
    type: 'problem',
    docs: { description: 'Relative imports must stay inside their own package; import siblings by package name.' },
    schema: [],
    messages: {
      leavesPackage:
        "'{{source}}' leaves {{pkg}}. Import other workspace packages by name (e.g. '@feige/protocol'), never by relative path.",
      entersPackage:
        "'{{source}}' reaches into {{pkg}} by relative path. Import it by package name (e.g. '@feige/client').",
    },
  },
  create(context) {
    const file = context.filename;
    const fromRel = path.relative(root, file);
    if (fromRel.startsWith('..') || path.isAbsolute(fromRel)) return {};
    const ownPkg = packageOf(fromRel);
    function check(sourceNode) {
      if (!sourceNode || sourceNode.type !== 'Literal' || typeof sourceNode.value !== 'string') return;
      const source = sourceNode.value;
      if (!source.startsWith('./') && !source.startsWith('../')) return;
      const targetRel = path.relative(root, path.resolve(path.dirname(file), source));
      const targetPkg = packageOf(targetRel);
      if (ownPkg) {
        const inside = targetRel === ownPkg || targetRel.startsWith(ownPkg + path.sep);
        if (!inside) context.report({ node: sourceNode, messageId: 'leavesPackage', data: { source, pkg: ownPkg } });
      } else if (targetPkg) {
        context.report({ node: sourceNode, messageId: 'entersPackage', data: { source, pkg: targetPkg } });
      }
    }
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
    };
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Import boundaries (no-restricted-imports)

/** Globs of test code: may import @feige/test-kit (and Node built-ins). */
const testGlobs = ['**/*.test.ts', '**/*.test.tsx', '**/*.spec.ts', '**/*.spec.tsx', '**/test/**', 'e2e/**'];

const nodeBuiltinNames = [...new Set(builtinModules.filter((m) => !m.startsWith('_')))];

/** Restriction sets: each is `{ paths?, patterns? }` in no-restricted-imports syntax. */
const R = {
  deepImports: {
    patterns: [
      {
        group: ['@feige/*/**'],
        message: 'Import a workspace package by its entry (e.g. @feige/protocol), never its internal files.',
      },
    ],
  },
  testKit: {
    paths: [{ name: '@feige/test-kit', message: '@feige/test-kit is for tests only (*.test.ts, test/**, e2e/**).' }],
  },
  nodeBuiltins: {
    paths: nodeBuiltinNames.map((name) => ({
      name,
      message: 'protocol, client and web run in browsers too: no Node-only API (DESIGN §1).',
    })),
    patterns: [{ group: ['node:*'], message: 'protocol, client and web run in browsers too: no Node-only API (DESIGN §1).' }],
  },
  /** Forbid every @feige/* package except the ones listed. */
  feigeOnly: (allowed, why) => ({
    patterns: [{ group: ['@feige/*', ...allowed.map((name) => `!${name}`)], message: why }],
  }),
  feigeNames: (names, why) => ({ paths: names.map((name) => ({ name, message: why })) }),
  servicesLayer: {
    paths: ['fastify', 'ws', 'kysely', 'better-sqlite3', 'pg', 'ioredis'].map((name) => ({
      name,
      message: 'Services never import transport or driver libraries: take a repo/bus through deps (DESIGN §3).',
    })),
    patterns: [
      {
        group: ['@fastify/*', 'fastify/*', 'ws/*', 'kysely/*', 'pg/*', 'ioredis/*', 'better-sqlite3/*'],
        message: 'Services never import transport or driver libraries: take a repo/bus through deps (DESIGN §3).',
      },
      { group: ['**/transport', '**/transport/**'], message: 'Services never import the transport layer (DESIGN §3.2).' },
    ],
  },
  transportLayer: {
    paths: ['kysely', 'better-sqlite3', 'pg', 'ioredis'].map((name) => ({
      name,
      message: 'Transport talks to services only: no SQL or driver in handlers (DESIGN §3.1).',
    })),
    patterns: [
      {
        group: ['kysely/*', 'pg/*', 'better-sqlite3/*', 'ioredis/*'],
        message: 'Transport talks to services only: no SQL or driver in handlers (DESIGN §3.1).',
      },
      {
        group: ['**/storage', '**/storage/**'],
        message: 'Transport talks to services only, never to storage (not even for types) (DESIGN §3.1).',
      },
    ],
  },
};

/** One config entry whose no-restricted-imports option is the union of the given restriction sets. */
function boundary(name, files, sets, ignores) {
  const paths = sets.flatMap((s) => s.paths ?? []);
  const patterns = sets.flatMap((s) => s.patterns ?? []);
  return {
    name: `feige/boundary/${name}`,
    files,
    ...(ignores ? { ignores } : {}),
    rules: { 'no-restricted-imports': ['error', { paths, patterns }] },
  };
}

/**
 * Each scope gives its restrictions for source files and for test files; test files are the same scope's files that
 * also match a test glob (files: [[scope, test]] means "both match").
 */
function scope(name, files, sourceSets, testSets) {
  return [
    boundary(`${name}/src`, files, [R.deepImports, R.testKit, ...sourceSets], testGlobs),
    boundary(
      `${name}/tests`,
      files.flatMap((f) => testGlobs.map((t) => [f, t])),
      [R.deepImports, ...testSets],
    ),
  ];
}

const protocolRule = R.feigeOnly([], '@feige/protocol is the root of the graph: it imports no @feige/* package.');
// A test may import its own package by name to check the public entry.
const protocolTestRule = R.feigeOnly(
  ['@feige/protocol', '@feige/test-kit'],
  '@feige/protocol tests import no other @feige/* package.',
);
const clientRule = R.feigeOnly(['@feige/protocol'], '@feige/client may import only @feige/protocol.');
const clientTestRule = R.feigeOnly(['@feige/protocol', '@feige/test-kit'], '@feige/client tests: protocol and test-kit only.');
const webRule = R.feigeOnly(
  ['@feige/client', '@feige/protocol'],
  '@feige/web talks to the server only through @feige/client (and @feige/protocol for types).',
);
const webTestRule = R.feigeOnly(
  ['@feige/client', '@feige/protocol', '@feige/test-kit'],
  '@feige/web tests: client, protocol and test-kit only.',
);
const serverSrcRule = R.feigeNames(
  ['@feige/client', '@feige/web', '@feige/cli'],
  '@feige/server never imports client, web or cli (they depend on it, not the reverse).',
);
// Integration tests drive the server through @feige/client (DESIGN §7), so server tests may import it.
const serverTestRule = R.feigeNames(['@feige/web', '@feige/cli'], 'Server tests never import web or cli.');
const cliRule = R.feigeNames(['@feige/web'], '@feige/cli never imports the web client.');
const testKitRule = R.feigeNames(['@feige/web', '@feige/cli'], '@feige/test-kit wires server and client only.');

const boundaries = [
  ...scope('protocol', ['packages/protocol/**'], [protocolRule, R.nodeBuiltins], [protocolTestRule]),
  ...scope('client', ['packages/client/**'], [clientRule, R.nodeBuiltins], [clientTestRule]),
  // Browser code only: packages/web/vite.config.ts and friends run in Node and may use node:*.
  ...scope('web', ['packages/web/src/**'], [webRule, R.nodeBuiltins], [webTestRule]),
  ...scope('web-tooling', ['packages/web/*.ts', 'packages/web/*.js', 'packages/web/*.mjs'], [webRule], [webTestRule]),
  ...scope('server', ['packages/server/**'], [serverSrcRule], [serverTestRule]),
  // Later entries replace the rule for their files, so they repeat the server-wide restrictions.
  ...scope(
    'server/services',
    ['packages/server/src/services/**'],
    [serverSrcRule, R.servicesLayer],
    [serverTestRule, R.servicesLayer],
  ),
  ...scope(
    'server/transport',
    ['packages/server/src/transport/**'],
    [serverSrcRule, R.transportLayer],
    [serverTestRule, R.transportLayer],
  ),
  ...scope('cli', ['packages/cli/**'], [cliRule], [cliRule]),
  ...scope('test-kit', ['packages/test-kit/**'], [testKitRule], [testKitRule]),
  ...scope('bench', ['bench/**'], [R.feigeNames(['@feige/web'], 'bench drives the server through the SDK.')], []),
];

// ---------------------------------------------------------------------------------------------------------------

/** Globals of plain Node scripts (*.js / *.mjs); TypeScript files get theirs from @types/node. */
const nodeGlobals = Object.fromEntries(
  [
    'process', 'console', 'Buffer', 'URL', 'URLSearchParams', 'AbortController', 'AbortSignal', 'fetch',
    'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate',
    'structuredClone', 'queueMicrotask', 'TextEncoder', 'TextDecoder', 'performance',
  ].map((name) => [name, 'readonly']),
);

/** Globals of the hand-written service worker in packages/web/public. */
const serviceWorkerGlobals = Object.fromEntries(
  [
    'self', 'caches', 'clients', 'registration', 'skipWaiting', 'importScripts', 'location', 'navigator', 'console',
    'fetch', 'Request', 'Response', 'Headers', 'URL', 'URLSearchParams', 'indexedDB', 'Notification',
    'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'structuredClone', 'queueMicrotask',
    'TextEncoder', 'TextDecoder', 'addEventListener', 'removeEventListener', 'BroadcastChannel',
  ].map((name) => [name, 'readonly']),
);

export default defineConfig([
  globalIgnores([
    '**/dist/',
    '**/node_modules/',
    '**/*.d.ts',
    '**/coverage/',
    'packages/web/dist/',
    'bench/.runs/',
    'data/',
    'test-results/',
    'e2e/.artifacts/',
  ]),
  {
    name: 'feige/base',
    files: ['**/*.{js,mjs,cjs,ts,mts,cts,tsx}'],
    extends: [js.configs.recommended],
    plugins: { feige: { rules: { 'no-cross-package-relative': noCrossPackageRelative } } },
    languageOptions: { ecmaVersion: 2024, sourceType: 'module' },
    rules: {
      'feige/no-cross-package-relative': 'error',
    },
  },
  {
    name: 'feige/typescript',
    files: ['**/*.{ts,mts,cts,tsx}'],
    extends: [tseslint.configs.recommended],
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    name: 'feige/node-scripts',
    files: ['**/*.{js,mjs,cjs}'],
    ignores: ['packages/web/public/**'],
    languageOptions: { globals: nodeGlobals },
  },
  {
    // Plain JS shipped to the browser as is (the service worker).
    name: 'feige/web-public',
    files: ['packages/web/public/**/*.js'],
    languageOptions: { globals: serviceWorkerGlobals },
  },
  ...boundaries,
]);
