/** Injected so tests drive time by hand; nothing in the SDK reads the real clock directly. */
export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

type Handle = ReturnType<typeof globalThis.setTimeout>;

export const systemTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  // The handle only ever comes from setTimeout above; its type differs between browsers (number) and Node (object).
  clearTimeout: (handle) => globalThis.clearTimeout(handle as Handle),
};
