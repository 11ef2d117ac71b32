export type EventMap = Record<string, unknown[]>;
export type Unsubscribe = () => void;

type Listeners<E extends EventMap> = { [K in keyof E]?: Set<(...args: E[K]) => void> };

/**
 * Typed events. A throwing listener is reported and skipped, so one broken view cannot stop updates from reaching the
 * others or break the SDK's own bookkeeping that runs after the emit.
 */
export class Emitter<E extends EventMap> {
  readonly #listeners: Listeners<E> = {};
  readonly #onListenerError: (error: unknown) => void;

  constructor(onListenerError: (error: unknown) => void) {
    this.#onListenerError = onListenerError;
  }

  on<K extends keyof E>(name: K, listener: (...args: E[K]) => void): Unsubscribe {
    const set = this.#listeners[name] ?? new Set<(...args: E[K]) => void>();
    this.#listeners[name] = set;
    // A wrapper per subscription, so subscribing the same function twice yields two independent subscriptions.
    const entry = (...args: E[K]): void => listener(...args);
    set.add(entry);
    return () => void set.delete(entry);
  }

  emit<K extends keyof E>(name: K, ...args: E[K]): void {
    const set = this.#listeners[name];
    if (!set) return;
    for (const listener of [...set]) {
      // Unsubscribed by an earlier listener of this same emit: it asked not to hear any more.
      if (!set.has(listener)) continue;
      try {
        listener(...args);
      } catch (error) {
        this.#onListenerError(error);
      }
    }
  }
}
