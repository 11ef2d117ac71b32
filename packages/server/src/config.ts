import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { limits } from '@feige/protocol';
import type { DatabaseConfig } from './storage/db.js';

/**
 * The only reader of process.env and command-line flags. Flags win over environment variables, which win over
 * defaults. The result is validated and frozen.
 */
export interface ServerConfig {
  host: string;
  port: number;
  dataDir: string;
  database: DatabaseConfig;
  logLevel: string;
  /** The built web client to serve, or null to serve the API only. */
  webDir: string | null;
  groupMaxMembers: number;
}

const envSchema = z.object({
  FEIGE_HOST: z.string().min(1).optional(),
  FEIGE_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  FEIGE_DATA_DIR: z.string().min(1).optional(),
  FEIGE_DATABASE_URL: z.string().min(1).optional(),
  FEIGE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  FEIGE_WEB_DIR: z.string().min(1).optional(),
  FEIGE_GROUP_MAX_MEMBERS: z.coerce.number().int().min(2).max(100_000).optional(),
});

export class ConfigError extends Error {}

export function loadConfig(argv: string[], env: NodeJS.ProcessEnv, defaults: { webDir: string | null }): Readonly<ServerConfig> {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      'database-url': { type: 'string' },
      'log-level': { type: 'string' },
      'web-dir': { type: 'string' },
      'group-max-members': { type: 'string' },
    },
    strict: true,
  });
  const parsedEnv = envSchema.safeParse(env);
  if (!parsedEnv.success) throw new ConfigError(`bad environment: ${parsedEnv.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  const e = parsedEnv.data;
  const port = values.port !== undefined ? Number(values.port) : (e.FEIGE_PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`--port must be 0–65535, got ${values.port}`);
  const logLevel = values['log-level'] ?? e.FEIGE_LOG_LEVEL ?? 'info';
  if (!envSchema.shape.FEIGE_LOG_LEVEL.safeParse(logLevel).success) throw new ConfigError(`unknown log level ${logLevel}`);
  const dataDir = resolve(values['data-dir'] ?? e.FEIGE_DATA_DIR ?? './data');
  const databaseUrl = values['database-url'] ?? e.FEIGE_DATABASE_URL;
  const database: DatabaseConfig = databaseUrl
    ? { kind: 'postgres', url: databaseUrl }
    : { kind: 'sqlite', file: resolve(dataDir, 'feige.sqlite') };
  const webDir = values['web-dir'] ?? e.FEIGE_WEB_DIR ?? defaults.webDir;
  const groupMaxMembers = values['group-max-members'] !== undefined ? Number(values['group-max-members']) : (e.FEIGE_GROUP_MAX_MEMBERS ?? limits.groupMembersDefault);
  if (!Number.isInteger(groupMaxMembers) || groupMaxMembers < 2 || groupMaxMembers > 100_000)
    throw new ConfigError(`--group-max-members must be 2–100000, got ${values['group-max-members']}`);
  return Object.freeze({
    host: values.host ?? e.FEIGE_HOST ?? '127.0.0.1',
    port,
    dataDir,
    database,
    logLevel,
    webDir: webDir ? resolve(webDir) : null,
    groupMaxMembers,
  });
}
