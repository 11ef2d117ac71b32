import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createApp,
  defaultLoginLimits,
  manualClock,
  silentLogger,
  systemClock,
  type Clock,
  type DatabaseConfig,
  type FeigeApp,
  type LoginLimits,
} from '@feige/server';
import { createTestSchema } from './postgres.js';

export interface TestServerOptions {
  /** 'sqlite' (a real file in a temp dir, the default) or 'postgres' (a fresh schema in the machine's `test`). */
  database?: 'sqlite' | 'postgres';
  /** Use a manual clock that tests move with `clock.advance(ms)`. */
  manualClock?: boolean;
  loginLimits?: Partial<LoginLimits>;
  /** How long a socket may stay unauthenticated (default: the protocol's 10 s). */
  authDeadlineMs?: number;
  /** Liveness sweep period, protocol-ping and idle thresholds in ms (default: the protocol's). */
  heartbeat?: { sweepMs?: number; pingAfterMs?: number; idleTimeoutMs?: number };
  groupMaxMembers?: number;
}

export interface TestServer {
  url: string;
  app: FeigeApp;
  clock: Clock & { advance(ms: number): void };
  /** The SQLite file, when the database is SQLite. */
  databaseFile: string | null;
  close(): Promise<void>;
}

/** A real Feige server on 127.0.0.1, port 0, with its own database; close() removes every trace. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const clock = options.manualClock ? manualClock(Date.now()) : { ...systemClock, advance: () => undefined };
  let database: DatabaseConfig;
  let cleanup: () => Promise<void>;
  let databaseFile: string | null = null;
  if (options.database === 'postgres') {
    const schema = await createTestSchema();
    database = { kind: 'postgres', url: schema.url, schema: schema.schema, poolSize: 4 };
    cleanup = schema.drop;
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'feige-test-'));
    databaseFile = join(dir, 'feige.sqlite');
    database = { kind: 'sqlite', file: databaseFile };
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
  const app = await createApp({
    database,
    logger: silentLogger(),
    webDir: null,
    clock,
    // Test worlds register many users from one address; the registration limit has its own test.
    loginLimits: { ...defaultLoginLimits, registrationsPerAddress: 100_000, ...options.loginLimits },
    ...(options.authDeadlineMs === undefined ? {} : { authDeadlineMs: options.authDeadlineMs }),
    ...(options.groupMaxMembers === undefined ? {} : { groupMaxMembers: options.groupMaxMembers }),
    ...(options.heartbeat === undefined ? {} : { heartbeat: options.heartbeat }),
  });
  const address = await app.http.listen({ host: '127.0.0.1', port: 0 });
  return {
    url: address,
    app,
    clock,
    databaseFile,
    async close() {
      await app.close();
      await cleanup();
    },
  };
}
