/** Where the SDK keeps what must survive a reload: token, session, cursor, outbox. */
export interface KeyValueStore {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
}

/** The shape of the browser's `localStorage` / `sessionStorage`. */
export interface WebStorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export function createMemoryStore(): KeyValueStore {
  const map = new Map<string, string>();
  return {
    get: (key) => map.get(key) ?? null,
    set: (key, value) => void map.set(key, value),
    remove: (key) => void map.delete(key),
  };
}

export function fromWebStorage(storage: WebStorageLike): KeyValueStore {
  return {
    get: (key) => storage.getItem(key),
    set: (key, value) => storage.setItem(key, value),
    remove: (key) => storage.removeItem(key),
  };
}

function isWebStorage(store: KeyValueStore | WebStorageLike): store is WebStorageLike {
  return 'getItem' in store && typeof store.getItem === 'function';
}

/** Lets callers pass `localStorage` as it is. */
export function toKeyValueStore(store: KeyValueStore | WebStorageLike): KeyValueStore {
  return isWebStorage(store) ? fromWebStorage(store) : store;
}
