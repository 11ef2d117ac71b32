import type { OpName } from './schemas.js';

/** Ops a client may call before it has a session. Kept apart from the schemas so clients need not bundle zod. */
export const publicOps: ReadonlySet<OpName> = new Set<OpName>(['auth.register', 'auth.login']);
