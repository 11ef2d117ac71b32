import { createHash, randomBytes } from 'node:crypto';

/** Session tokens are opaque random strings; only their SHA-256 is stored, so a database leak reveals no token. */
export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
