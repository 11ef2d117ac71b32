import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestSchema } from '@feige/test-kit';
import type { Kysely } from 'kysely';
import { openDatabase } from '../../src/storage/db.js';
import { migrate } from '../../src/storage/migrations.js';
import type { Database } from '../../src/storage/schema.js';
import { compiledQuery } from '../../src/storage/compiled.js';

const backends = {
  sqlite: () => {
    const dir = mkdtempSync(join(tmpdir(), 'feige-compiled-'));
    return { db: openDatabase({ kind: 'sqlite', file: join(dir, 'db.sqlite') }), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  },
  postgres: async () => {
    const schema = await createTestSchema();
    return { db: openDatabase({ kind: 'postgres', url: schema.url, schema: schema.schema, poolSize: 2 }), cleanup: schema.drop };
  },
};

for (const [name, open] of Object.entries(backends)) {
  describe(`compiled queries on ${name}`, () => {
    let db: Kysely<Database>;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ db, cleanup } = await open());
      await migrate(db as unknown as Kysely<unknown>);
      for (const [id, pts] of [['a', 5], ['b', 9]] as const)
        await db
          .insertInto('users')
          .values({ id, username: id + 'name', username_key: id + 'name', display_name: id, password_hash: 'x', created_at: 1, pts })
          .execute();
    });
    afterEach(async () => {
      await db.destroy();
      await cleanup();
    });

    it('builds once and binds each run its own arguments, inside and outside transactions', async () => {
      let builds = 0;
      const addPts = compiledQuery((k, id: string, count: number) => {
        builds++;
        return k.updateTable('users').set((eb) => ({ pts: eb('pts', '+', count) })).where('id', '=', id).returning('pts');
      });
      expect((await addPts(db, 'a', 2)).rows).toEqual([{ pts: 7 }]);
      expect((await addPts(db, 'b', 1)).rows).toEqual([{ pts: 10 }]);
      await db.transaction().execute(async (trx) => {
        expect((await addPts(trx, 'a', 3)).rows).toEqual([{ pts: 10 }]);
      });
      expect((await addPts(db, 'nobody', 1)).rows).toEqual([]);
      expect(builds).toBe(1);
    });

    it('keeps constants written into the query', async () => {
      const named = compiledQuery((k, id: string) => k.selectFrom('users').select('id').where('id', '=', id).where('display_name', '=', 'a'));
      expect((await named(db, 'a')).rows).toEqual([{ id: 'a' }]);
      expect((await named(db, 'b')).rows).toEqual([]);
    });

    it('compiles each argument count once, for IN lists', async () => {
      let builds = 0;
      const ptsOf = compiledQuery((k, ...ids: string[]) => {
        builds++;
        return k.selectFrom('users').select(['id', 'pts']).where('id', 'in', ids).orderBy('id');
      });
      expect((await ptsOf(db, 'a')).rows).toEqual([{ id: 'a', pts: 5 }]);
      expect((await ptsOf(db, 'b')).rows).toEqual([{ id: 'b', pts: 9 }]);
      expect((await ptsOf(db, 'b', 'a')).rows).toEqual([
        { id: 'a', pts: 5 },
        { id: 'b', pts: 9 },
      ]);
      expect(builds).toBe(2);
    });
  });
}
