import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { openDatabase, type DatabaseConfig } from './db.js';
import { migrate } from './migrations.js';
import { groupCommit } from './group-commit.js';
import { startCheckpointer } from './checkpointer.js';
import { usersRepo } from './repos/users.repo.js';
import { sessionsRepo } from './repos/sessions.repo.js';
import { socialRepo } from './repos/social.repo.js';
import { conversationsRepo } from './repos/conversations.repo.js';
import { messagesRepo } from './repos/messages.repo.js';
import { updatesRepo } from './repos/updates.repo.js';
import { groupsRepo } from './repos/groups.repo.js';

function reposOn(db: Kysely<Database>) {
  return {
    users: usersRepo(db),
    sessions: sessionsRepo(db),
    social: socialRepo(db),
    conversations: conversationsRepo(db),
    messages: messagesRepo(db),
    updates: updatesRepo(db),
    groups: groupsRepo(db),
  };
}

export type Repos = ReturnType<typeof reposOn>;

/** The services' only door to the database: repos, and transactions over the same repos. */
export interface Storage {
  readonly repos: Repos;
  transaction<T>(work: (repos: Repos) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function openStorage(config: DatabaseConfig): Promise<Storage> {
  const db = openDatabase(config);
  await migrate(db as unknown as Kysely<unknown>);
  // WAL checkpoints of a file database run on a worker thread, off the event loop (storage/checkpointer.ts).
  const checkpointer =
    config.kind === 'sqlite' && config.file !== ':memory:' ? await startCheckpointer(db as unknown as Kysely<unknown>, config.file) : null;
  return {
    repos: reposOn(db),
    // SQLite has one writer: batching a turn's transactions into one COMMIT costs nothing in concurrency.
    transaction:
      config.kind === 'sqlite' ? groupCommit(db, reposOn) : (work) => db.transaction().execute((trx) => work(reposOn(trx))),
    async close() {
      await checkpointer?.close();
      await db.destroy();
    },
  };
}

export type { DatabaseConfig };
