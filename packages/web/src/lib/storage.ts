import type { KeyValueStore } from '@feige/client';

/**
 * The SDK's persistence (token, session, user, cursor, outbox) in localStorage; the SDK prefixes its own keys.
 * Every access is guarded because merely touching `localStorage` throws in some sandboxed or privacy modes: the app
 * then still works for the life of the page, it just cannot resume after a reload.
 */
export function localStorageStore(): KeyValueStore {
  return {
    get(key) {
      try {
        return localStorage.getItem(key);
      } catch {
        return null;
      }
    },
    set(key, value) {
      try {
        localStorage.setItem(key, value);
      } catch {
        // Quota exceeded or storage disabled: keep running in memory.
      }
    },
    remove(key) {
      try {
        localStorage.removeItem(key);
      } catch {
        // Nothing to clean up when storage is unavailable.
      }
    },
  };
}
