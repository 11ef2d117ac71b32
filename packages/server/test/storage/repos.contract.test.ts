import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestSchema } from '@feige/test-kit';
import { openStorage, type Storage } from '../../src/storage/storage.js';
import { UniqueViolation } from '../../src/storage/errors.js';

/** The same contract, on a SQLite file and on the machine's PostgreSQL. */
const backends = {
  sqlite: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'feige-contract-'));
    const storage = await openStorage({ kind: 'sqlite', file: join(dir, 'db.sqlite') });
    return { storage, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  },
  postgres: async () => {
    const schema = await createTestSchema();
    const storage = await openStorage({ kind: 'postgres', url: schema.url, schema: schema.schema, poolSize: 4 });
    return { storage, cleanup: schema.drop };
  },
};

for (const [name, open] of Object.entries(backends)) {
  describe(`storage contract on ${name}`, () => {
    let storage: Storage;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ storage, cleanup } = await open());
    });
    afterEach(async () => {
      await storage.close();
      await cleanup();
    });

    const user = (id: string, key = id) => ({
      id,
      username: key,
      usernameKey: key.toLowerCase(),
      displayName: `Name ${id}`,
      passwordHash: 'x',
      createdAt: 1_700_000_000_000,
    });

    it('refuses a second user with the same username key as UniqueViolation', async () => {
      await storage.repos.users.insert(user('u1', 'Alice'));
      await expect(storage.repos.users.insert(user('u2', 'ALICE'))).rejects.toBeInstanceOf(UniqueViolation);
      expect((await storage.repos.users.byUsernameKey('alice'))?.id).toBe('u1');
    });

    it('keeps times above 2^31 exact (bigint columns)', async () => {
      await storage.repos.users.insert(user('u1'));
      expect((await storage.repos.users.byId('u1'))?.createdAt).toBe(1_700_000_000_000);
    });

    it('numbers messages 1, 2, 3 per conversation with no gaps, also under concurrent transactions', async () => {
      await storage.repos.users.insert(user('a'));
      await storage.repos.users.insert(user('b'));
      await storage.transaction((r) => r.conversations.insertDirect('c1', 'a', 'b', 1));
      const seqs = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          storage.transaction(async (r) => {
            const seq = await r.conversations.nextSeq('c1', 2);
            await r.messages.insert({ id: `m${i}`, conversationId: 'c1', seq, kind: 'text', senderId: 'a', clientMsgId: `k${i}`, text: `t${i}`, createdAt: 2 });
            return seq;
          }),
        ),
      );
      expect([...seqs].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      const page = await storage.repos.messages.pageBefore('c1', 21, 5);
      expect(page.map((m) => m.seq)).toEqual([16, 17, 18, 19, 20]);
    });

    it('rolls back everything a failed transaction wrote', async () => {
      await storage.repos.users.insert(user('a'));
      await storage.repos.users.insert(user('b'));
      await storage.transaction((r) => r.conversations.insertDirect('c1', 'a', 'b', 1));
      await expect(
        storage.transaction(async (r) => {
          await r.conversations.nextSeq('c1', 2);
          await r.users.reservePts('a', 1);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect((await storage.repos.conversations.byId('c1'))?.lastSeq).toBe(0);
      expect(await storage.repos.users.currentPts('a')).toBe(0);
    });

    it('keeps concurrent transactions apart: one that fails leaves nothing, the others all commit', async () => {
      const results = await Promise.allSettled(
        ['a', 'b', 'c', 'd'].map((id) =>
          storage.transaction(async (r) => {
            await r.users.insert(user(id));
            if (id === 'b') {
              await r.users.reservePts(id, 1);
              throw new Error('b fails');
            }
            return id;
          }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      expect(await storage.repos.users.byId('b')).toBeUndefined();
      expect((await storage.repos.users.byIds(['a', 'c', 'd'])).map((u) => u.id).sort()).toEqual(['a', 'c', 'd']);
    });

    it('tells friendship and blocks between two users in one look, in each direction', async () => {
      await storage.repos.users.insert(user('a'));
      await storage.repos.users.insert(user('b'));
      expect(await storage.repos.social.relation('a', 'b')).toEqual({ aBlocksB: false, bBlocksA: false, friends: false });
      await storage.repos.social.addFriendship('a', 'b', 1);
      await storage.repos.social.addBlock('b', 'a', 2);
      expect(await storage.repos.social.relation('a', 'b')).toEqual({ aBlocksB: false, bBlocksA: true, friends: true });
      expect(await storage.repos.social.relation('b', 'a')).toEqual({ aBlocksB: true, bBlocksA: false, friends: true });
    });

    it('refuses a reused (sender, clientMsgId) as UniqueViolation', async () => {
      await storage.repos.users.insert(user('a'));
      await storage.repos.users.insert(user('b'));
      await storage.transaction((r) => r.conversations.insertDirect('c1', 'a', 'b', 1));
      const m = { conversationId: 'c1', kind: 'text' as const, senderId: 'a', clientMsgId: 'same', text: 'hi', createdAt: 1 };
      await storage.repos.messages.insert({ ...m, id: 'm1', seq: 1 });
      await expect(storage.repos.messages.insert({ ...m, id: 'm2', seq: 2 })).rejects.toBeInstanceOf(UniqueViolation);
    });

    it('keeps each user’s update log gapless and returns it from a cursor in order', async () => {
      await storage.repos.users.insert(user('a'));
      for (let i = 0; i < 7; i++) {
        await storage.transaction(async (r) => {
          const pts = await r.users.reservePts('a', 1);
          await r.updates.insert([{ userId: 'a', pts, body: { type: 'friend.removed', userId: `x${i}` }, createdAt: i }]);
        });
      }
      const page = await storage.repos.updates.since('a', 3, 3);
      expect(page.map((u) => u.pts)).toEqual([4, 5, 6]);
      expect(page[0]?.body).toEqual({ type: 'friend.removed', userId: 'x3' });
      expect(await storage.repos.users.currentPts('a')).toBe(7);
    });

    it('returns a new message’s log entry with the whole stored message, mentions included, among other entries', async () => {
      for (const id of ['a', 'b']) await storage.repos.users.insert(user(id));
      await storage.transaction((r) => r.conversations.insertDirect('c1', 'a', 'b', 1));
      const message = {
        id: 'm1',
        conversationId: 'c1',
        seq: 1,
        kind: 'text' as const,
        senderId: 'a',
        clientMsgId: 'k1',
        text: '你好 @b',
        mentions: { userIds: ['b'], all: false },
        createdAt: 1_700_000_000_123,
      };
      await storage.transaction(async (r) => {
        await r.messages.insert(message);
        await r.updates.insert([
          { userId: 'b', pts: 1, body: { type: 'friend.removed', userId: 'x' }, createdAt: 5 },
          { userId: 'b', pts: 2, body: { type: 'message.new', message }, createdAt: 6 },
          { userId: 'b', pts: 3, body: { type: 'conversation.read', conversationId: 'c1', userId: 'a', readSeq: 1 }, createdAt: 7 },
        ]);
      });
      const log = await storage.repos.updates.since('b', 0, 10);
      expect(log.map((u) => u.pts)).toEqual([1, 2, 3]);
      expect(log[1]).toEqual({ userId: 'b', pts: 2, body: { type: 'message.new', message }, createdAt: 6 });
      expect(log[2]?.body).toEqual({ type: 'conversation.read', conversationId: 'c1', userId: 'a', readSeq: 1 });
    });

    it('reserves pts for many users in one go, gapless per user, with overlapping transactions at once', async () => {
      // Mixed-case ids: PostgreSQL must lock them in the same (byte) order as JavaScript sorts them, or two
      // overlapping sends could deadlock.
      const ids = ['a', 'B', 'c', 'D', 'e', 'F'];
      for (const id of ids) await storage.repos.users.insert(user(id));
      const groups = [ids, ids.slice(1), ids.slice(0, 4).reverse(), ['F', 'a'], ids.slice(2)];
      const reserved = await Promise.all(
        Array.from({ length: 20 }, (_, i) => storage.transaction((r) => r.users.reservePtsMany(groups[i % groups.length] ?? [], 2))),
      );
      for (const id of ids) {
        const firsts = reserved.flatMap((m) => (m.has(id) ? [m.get(id) ?? 0] : [])).sort((x, y) => x - y);
        // Each reservation of 2 starts right after the previous one ends: 1, 3, 5, …
        expect(firsts).toEqual(firsts.map((_, k) => 1 + 2 * k));
        expect(await storage.repos.users.currentPts(id)).toBe(firsts.length * 2);
      }
      await expect(storage.transaction((r) => r.users.reservePtsMany(['a', 'nobody'], 1))).rejects.toThrow(/nobody/);
      expect(await storage.repos.users.currentPts('a')).toBe(reserved.filter((m) => m.has('a')).length * 2);
    });

    it('stores text byte-exact, emoji and NUL-free control-adjacent characters included', async () => {
      await storage.repos.users.insert(user('a'));
      await storage.repos.users.insert(user('b'));
      await storage.transaction((r) => r.conversations.insertDirect('c1', 'a', 'b', 1));
      const text = '👩‍👩‍👧‍👦 👍🏽 🇨🇳 ‮rtl‬ \u200b 天气很好 \t\r\n';
      await storage.repos.messages.insert({ id: 'm1', conversationId: 'c1', seq: 1, kind: 'text', senderId: 'a', clientMsgId: 'k', text, createdAt: 1 });
      expect((await storage.repos.messages.bySeq('c1', 1))?.text).toBe(text);
    });

    it('writes update rows for more users than one SQL statement can bind (a big group)', async () => {
      const count = 9000;
      for (let i = 0; i < count; i += 500)
        await storage.transaction(async (r) => {
          for (let j = i; j < Math.min(count, i + 500); j++) await r.users.insert(user(`big${j}`));
        });
      await storage.transaction((r) =>
        r.updates.insert(Array.from({ length: count }, (_, i) => ({ userId: `big${i}`, pts: 1, body: { type: 'friend.removed', userId: 'x' }, createdAt: 1 }))),
      );
      expect(await storage.repos.updates.since(`big${count - 1}`, 0, 10)).toHaveLength(1);
    });

    it('searches usernames by prefix and display names by substring, literally', async () => {
      await storage.repos.users.insert({ ...user('a', 'alice'), displayName: '爱丽丝' });
      await storage.repos.users.insert({ ...user('b', 'bob'), displayName: 'Bob 100%' });
      const byPrefix = await storage.repos.users.search({ keyPrefix: 'ali', nameFragment: 'ali', excludeIds: [], limit: 10 });
      expect(byPrefix.map((u) => u.id)).toEqual(['a']);
      const byName = await storage.repos.users.search({ keyPrefix: '丽', nameFragment: '丽', excludeIds: [], limit: 10 });
      expect(byName.map((u) => u.id)).toEqual(['a']);
      const wildcard = await storage.repos.users.search({ keyPrefix: '%', nameFragment: '%', excludeIds: [], limit: 10 });
      expect(wildcard.map((u) => u.id)).toEqual(['b']);
    });
  });
}
