import type { Bus } from '../bus/bus.js';
import type { Clock } from '../lib/clock.js';
import type { IdGenerator } from '../lib/ids.js';
import type { Logger } from '../lib/logger.js';
import type { Storage } from '../storage/storage.js';

/** Who is acting: resolved from a session token by the transport, trusted by services. */
export interface Actor {
  userId: string;
  sessionId: string;
}

/** Where a request came from, for rate limits. */
export interface Origin {
  address: string;
}

export interface ServiceDeps {
  storage: Storage;
  bus: Bus;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
}
