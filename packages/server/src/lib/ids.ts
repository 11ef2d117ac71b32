import { randomBytes } from 'node:crypto';

/** Makes identifiers. Injected so tests can make them predictable. */
export interface IdGenerator {
  /** A new id with a short type prefix, e.g. `u_…` for users. */
  next(prefix: string): string;
}

/** 96 random bits in base64url: unguessable, URL-safe, short. */
export const randomIds: IdGenerator = {
  next: (prefix) => `${prefix}_${randomBytes(12).toString('base64url')}`,
};
