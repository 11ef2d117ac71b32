import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { openDatabase } from '../../src/storage/db.js';
import { migrate } from '../../src/storage/migrations.js';
import type { Database } from '../../src/storage/schema.js';
import { startCheckpointer, type Checkpointer } from '../../src/storage/checkpointer.js';

let dir: string;
let file: string;
let db: Kysely<Database>;
let checkpointer: Checkpointer;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'feige-checkpoint-'));
  file = join(dir, 'db.sqlite');
  db = openDatabase({ kind: 'sqlite', file });
  await migrate(db as unknown as Kysely<unknown>);
  checkpointer = await startCheckpointer(db as unknown as Kysely<unknown>, file, 20);
});

afterEach(async () => {
  await checkpointer.close();
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

const user = (i: number) => ({
  id: `u${i}`,
  username: `user${i}`,
  username_key: `user${i}`,
  display_name: `User ${i} `.repeat(8),
  password_hash: 'x'.repeat(100),
  created_at: i,
});

/** Valid frames in the WAL now: mxFrame of the wal-index header (sqlite.org/fileformat2.html#walidxfmt). */
function walFrames(): number {
  return readFileSync(`${file}-shm`).readUInt32LE(16);
}

it('copies the WAL into the database while writes go on, and the WAL starts over instead of growing', async () => {
  const before = statSync(file).size;
  for (let batch = 0; batch < 40; batch++) {
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < 50; i++) await trx.insertInto('users').values(user(batch * 50 + i)).execute();
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  // SQLite's own checkpoint is off, so only the checkpointer can have grown the database file.
  const deadline = Date.now() + 10_000;
  while (statSync(file).size === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(statSync(file).size).toBeGreaterThan(before);

  let frames = Infinity;
  for (let i = 0; Date.now() < deadline && frames > 10; i++) {
    await db.insertInto('users').values(user(10_000 + i)).execute();
    frames = walFrames();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(frames).toBeLessThanOrEqual(10);
  const count = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  expect(Number(count.n)).toBeGreaterThanOrEqual(2_001);
});

it('closes cleanly and leaves every committed row in the file', async () => {
  await db.insertInto('users').values(user(1)).execute();
  await checkpointer.close();
  await db.destroy();
  expect(existsSync(`${file}-wal`)).toBe(false);
  const reopened = new SQLite(file);
  expect(reopened.prepare('select count(*) as n from users').get()).toEqual({ n: 1 });
  reopened.close();
  db = openDatabase({ kind: 'sqlite', file });
});
