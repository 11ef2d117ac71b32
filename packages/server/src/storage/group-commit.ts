import type { Kysely } from 'kysely';

interface Pending<R> {
  work: (db: R) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for SQLite, which has one writer anyway: the transactions that arrive within one event-loop turn run
 * one after another inside a single BEGIN … COMMIT, each in its own SAVEPOINT. A transaction that fails rolls back to
 * its savepoint alone and gets its own error; the others commit together. Every caller hears of its result only after
 * the COMMIT, so "acknowledged" still means "durable"; one COMMIT (a WAL write) now serves the whole turn.
 */
export function groupCommit<DB, R>(db: Kysely<DB>, reposOn: (db: Kysely<DB>) => R) {
  let queue: Pending<R>[] = [];
  let scheduled = false;

  async function runBatch(): Promise<void> {
    scheduled = false;
    const batch = queue;
    queue = [];
    let trx;
    try {
      trx = await db.startTransaction().execute();
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      for (const item of batch) {
        const savepoint = await trx.savepoint('feige_tx').execute();
        try {
          const value = await item.work(reposOn(savepoint as unknown as Kysely<DB>));
          await savepoint.releaseSavepoint('feige_tx').execute();
          outcomes.push({ ok: true, value });
        } catch (error) {
          await savepoint.rollbackToSavepoint('feige_tx').execute();
          await savepoint.releaseSavepoint('feige_tx').execute();
          outcomes.push({ ok: false, error });
        }
      }
      await trx.commit().execute();
    } catch (error) {
      // The batch as a whole failed (the disk, say): nobody's work is kept, everybody hears why.
      await trx.rollback().execute().catch(() => undefined);
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) item.resolve(outcome.value);
      else item.reject(outcome?.error);
    });
  }

  return function transaction<T>(work: (repos: R) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(() => void runBatch());
      }
    });
  };
}
