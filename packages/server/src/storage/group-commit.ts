import { CompiledQuery, type Kysely } from 'kysely';

// Raw statements, compiled once: Kysely's savepoint builders allocate a transaction object each time.
const savepoint = CompiledQuery.raw('savepoint feige_tx');
const release = CompiledQuery.raw('release savepoint feige_tx');
const rollbackToSavepoint = CompiledQuery.raw('rollback to savepoint feige_tx');

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
    const repos = reposOn(trx);
    try {
      if (batch.length === 1) {
        // Alone in its turn: its failure may roll back the whole transaction, no savepoint needed.
        const value = await batch[0]?.work(repos);
        outcomes.push({ ok: true, value });
      } else
        for (const item of batch) {
          await trx.executeQuery(savepoint);
          try {
            const value = await item.work(repos);
            await trx.executeQuery(release);
            outcomes.push({ ok: true, value });
          } catch (error) {
            await trx.executeQuery(rollbackToSavepoint);
            await trx.executeQuery(release);
            outcomes.push({ ok: false, error });
          }
        }
      await trx.commit().execute();
    } catch (error) {
      // The batch as a whole failed (the disk, say), or its only transaction did: nobody's work is kept, all hear why.
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
