import type { FeigeClient } from '@feige/client';
import type { Store } from './createStore';
import type { AppState } from './state';

/** What every action module shares: the SDK, the store, and a guard against results from a previous account. */
export interface Ctx {
  client: FeigeClient;
  store: Store<AppState>;
  get(): AppState;
  set(change: (state: AppState) => AppState): void;
  meId(): string | null;
  /** Whether the user can see the page; read marks go out only then. */
  isVisible(): boolean;
  /** Changes on every sign-in and sign-out. */
  epoch(): number;
  nextEpoch(): void;
  /** Apply a change only if no sign-in or sign-out happened since `epoch` was read (a late reply is dropped). */
  setIf(epoch: number, change: (state: AppState) => AppState): void;
}

export function createCtx(client: FeigeClient, store: Store<AppState>, isVisible: () => boolean): Ctx {
  let epoch = 0;
  return {
    client,
    store,
    get: store.get,
    set: store.update,
    meId: () => store.get().me?.id ?? null,
    isVisible,
    epoch: () => epoch,
    nextEpoch: () => {
      epoch++;
    },
    setIf(at, change) {
      if (at === epoch) store.update(change);
    },
  };
}

/** Background work (refetches, read marks) must not crash the app; a later reconnect retries it. */
export function reportBackground(error: unknown): void {
  console.warn('[feige] background request failed', error);
}
