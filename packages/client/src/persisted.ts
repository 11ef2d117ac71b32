import type { ErrorDto, SelfDto, SessionDto } from '@feige/protocol';
import { parseErrorDto } from './errors.js';
import type { OutboxEntry } from './outbox.js';
import type { KeyValueStore } from './storage.js';

/**
 * Typed access to what the SDK persists. Stored values are read back as untrusted: another version of the app, a
 * user poking at localStorage or a half-written value must not crash the client, only reset that one field.
 */
export interface PersistedState {
  token: Field<string>;
  session: Field<SessionDto>;
  user: Field<SelfDto>;
  /** The user id the cursor and outbox belong to, kept after the token is gone so the same user resumes. */
  owner: Field<string>;
  cursor: Field<number>;
  outbox: Field<OutboxEntry[]>;
}

export interface Field<T> {
  load(): T | null;
  save(value: T | null): void;
}

type Guard<T> = (value: unknown) => T | null;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const asString: Guard<string> = (v) => (typeof v === 'string' && v.length > 0 ? v : null);

const asCursor: Guard<number> = (v) => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : null);

const asUser: Guard<SelfDto> = (v) =>
  isRecord(v) &&
  typeof v.id === 'string' &&
  typeof v.username === 'string' &&
  typeof v.displayName === 'string' &&
  typeof v.createdAt === 'number'
    ? { id: v.id, username: v.username, displayName: v.displayName, createdAt: v.createdAt }
    : null;

const asSession: Guard<SessionDto> = (v) =>
  isRecord(v) &&
  typeof v.id === 'string' &&
  typeof v.deviceName === 'string' &&
  typeof v.createdAt === 'number' &&
  typeof v.lastSeenAt === 'number' &&
  typeof v.current === 'boolean'
    ? { id: v.id, deviceName: v.deviceName, createdAt: v.createdAt, lastSeenAt: v.lastSeenAt, current: v.current }
    : null;

function asOutboxEntry(v: unknown): OutboxEntry | null {
  if (
    !isRecord(v) ||
    typeof v.clientMsgId !== 'string' ||
    typeof v.conversationId !== 'string' ||
    typeof v.text !== 'string' ||
    typeof v.createdAt !== 'number' ||
    (v.state !== 'pending' && v.state !== 'failed')
  )
    return null;
  const entry: OutboxEntry = {
    clientMsgId: v.clientMsgId,
    conversationId: v.conversationId,
    text: v.text,
    createdAt: v.createdAt,
    state: v.state,
  };
  const error: ErrorDto | null = v.error === undefined ? null : parseErrorDto(v.error);
  if (error) entry.error = error;
  return entry;
}

// A damaged entry is dropped rather than the whole outbox: the other messages still deserve to be sent.
const asOutbox: Guard<OutboxEntry[]> = (v) =>
  Array.isArray(v) ? v.map(asOutboxEntry).filter((e): e is OutboxEntry => e !== null) : null;

export function createPersistedState(
  store: KeyValueStore,
  prefix: string,
  onError: (error: unknown) => void,
): PersistedState {
  function field<T>(name: string, guard: Guard<T>): Field<T> {
    const key = `${prefix}${name}`;
    return {
      load() {
        try {
          const raw = store.get(key);
          return raw === null ? null : guard(JSON.parse(raw));
        } catch {
          return null;
        }
      },
      save(value) {
        // A full or unavailable storage (quota, private mode) costs durability across reloads, not the live session.
        try {
          if (value === null) store.remove(key);
          else store.set(key, JSON.stringify(value));
        } catch (error) {
          onError(error);
        }
      },
    };
  }
  return {
    token: field('token', asString),
    session: field('session', asSession),
    user: field('user', asUser),
    owner: field('owner', asString),
    cursor: field('cursor', asCursor),
    outbox: field('outbox', asOutbox),
  };
}
