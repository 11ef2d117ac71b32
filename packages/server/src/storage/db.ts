import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { Database } from './schema.js';

export type DatabaseConfig =
  | { kind: 'sqlite'; file: string }
  | { kind: 'postgres'; url: string; schema?: string; poolSize?: number };

/**
 * Kysely prepares every query afresh, and preparing costs about as much as running a small statement. The same SQL
 * text always yields an equivalent statement, so prepared statements are kept by their text. Safe because
 * better-sqlite3 runs each statement to completion synchronously (Kysely never iterates one while running another).
 * Queries whose text varies (`IN (…)` lists) could grow the cache without bound, so it starts over when full.
 */
function withStatementCache(db: SQLite.Database): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = db.prepare.bind(db);
  return new Proxy(db, {
    get(target, property) {
      if (property === 'prepare')
        return (source: string) => {
          let statement = cache.get(source);
          if (!statement) {
            if (cache.size >= 1000) cache.clear();
            statement = prepare(source);
            cache.set(source, statement);
          }
          return statement;
        };
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Opens the database. SQLite runs in WAL mode with synchronous=NORMAL: durable across process crashes. */
export function openDatabase(config: DatabaseConfig): Kysely<Database> {
  if (config.kind === 'sqlite') {
    if (config.file !== ':memory:') mkdirSync(dirname(config.file), { recursive: true });
    const sqlite = new SQLite(config.file);
    sqlite.pragma('journal_mode = WAL');
    // NORMAL in WAL mode loses nothing on a process crash (kill -9); FULL would also survive power loss.
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    // 64 MiB of page cache (the default is 2 MiB): the hot parts of the message and update logs, and the indexes a
    // send touches, stay in memory instead of being read back from the OS on every page and sync.
    sqlite.pragma('cache_size = -65536');
    return new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  }
  // pg returns bigint as string; repos convert with Number() (times fit in 2^53).
  const pool = new pg.Pool({
    connectionString: config.url,
    max: config.poolSize ?? 10,
    ...(config.schema ? { options: `-c search_path=${config.schema}` } : {}),
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
