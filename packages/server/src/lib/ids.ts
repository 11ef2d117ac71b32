import { randomFillSync } from 'node:crypto';

/** Makes identifiers. Injected so tests can make them predictable. */
export interface IdGenerator {
  /** A new id with a short type prefix, e.g. `u_…` for users. */
  next(prefix: string): string;
}

const idBytes = 12;
// Random bytes are drawn for many ids at once: one call into the kernel's generator per id was a visible share of a send.
const pool = Buffer.alloc(idBytes * 512);
let offset = pool.length;

/** 96 random bits in base64url: unguessable, URL-safe, short. */
export const randomIds: IdGenerator = {
  next(prefix) {
    if (offset === pool.length) {
      randomFillSync(pool);
      offset = 0;
    }
    const id = pool.toString('base64url', offset, offset + idBytes);
    offset += idBytes;
    return `${prefix}_${id}`;
  },
};
