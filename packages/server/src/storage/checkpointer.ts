import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { sql, type Kysely } from 'kysely';

/**
 * The worker's code, as a script (it must run the same under vitest, which loads our sources as TypeScript, and from
 * dist). It opens its own connection to the file and copies WAL frames into the database on request.
 */
const workerScript = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage('done');
  } catch (error) {
    parentPort.postMessage(String(error));
  }
});
`;

export interface Checkpointer {
  close(): Promise<void>;
}

/**
 * Moves SQLite's WAL checkpoints off the event loop. With SQLite's automatic checkpoint, the COMMIT that crosses 1,000
 * WAL pages copies them all into the database file while every socket waits: that was half of a send's storage time
 * (docs/performance.md). Here a worker thread with its own connection backfills the database every `intervalMs` while
 * writes go on (a PASSIVE checkpoint blocks nobody); after each round the main connection checkpoints the few frames
 * written meanwhile, between transactions, so that the next write starts the WAL over instead of growing it.
 */
export async function startCheckpointer(db: Kysely<unknown>, file: string, intervalMs = 250): Promise<Checkpointer> {
  await sql`pragma wal_autocheckpoint = 0`.execute(db);
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(workerScript, { eval: true, workerData: { driver, file } });
  worker.unref();
  let closed = false;
  let timer: NodeJS.Timeout | undefined;

  function schedule(): void {
    if (closed) return;
    timer = setTimeout(() => {
      worker.postMessage('checkpoint');
    }, intervalMs);
    timer.unref();
  }

  worker.on('message', (message: unknown) => {
    if (closed) return;
    // Kysely's mutex runs this between transactions; a failure here only means the next round copies more.
    const finish = message === 'done' ? sql`pragma wal_checkpoint(PASSIVE)`.execute(db).then(() => undefined) : Promise.resolve();
    void finish.catch(() => undefined).then(schedule);
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  // Without the worker, SQLite's own checkpoints come back: the WAL must never grow without bound.
  worker.on('error', () => {
    if (!closed) void sql`pragma wal_autocheckpoint = 1000`.execute(db).catch(() => undefined);
  });
  schedule();

  return {
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      // A round in progress finishes first (the worker handles messages in order); its reply is ignored.
      // The worker does not keep the process alive while it runs; while we wait for it to close, it must.
      worker.ref();
      worker.postMessage('close');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
      await worker.terminate();
    },
  };
}
