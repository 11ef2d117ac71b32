import type { Clock } from './clock.js';

/**
 * Counts events per key in fixed windows. Used for failed logins: once a key reaches `max` failures in the window,
 * it is refused until the window ends. Memory is bounded by pruning expired keys as new ones arrive.
 */
export interface WindowLimiter {
  /** Milliseconds until the key may try again, or 0 when it may try now. */
  retryAfter(key: string): number;
  hit(key: string): void;
  reset(key: string): void;
}

export function windowLimiter(clock: Clock, options: { max: number; windowMs: number }): WindowLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  const current = (key: string) => {
    const w = windows.get(key);
    if (w && clock.now() - w.start >= options.windowMs) {
      windows.delete(key);
      return undefined;
    }
    return w;
  };
  const prune = () => {
    if (windows.size < 10_000) return;
    const now = clock.now();
    for (const [key, w] of windows) if (now - w.start >= options.windowMs) windows.delete(key);
  };
  return {
    retryAfter(key) {
      const w = current(key);
      if (!w || w.count < options.max) return 0;
      return Math.max(1, w.start + options.windowMs - clock.now());
    },
    hit(key) {
      const w = current(key);
      if (w) w.count++;
      else {
        prune();
        windows.set(key, { start: clock.now(), count: 1 });
      }
    },
    reset(key) {
      windows.delete(key);
    },
  };
}

/** A token bucket's state: kept in plain fields so many buckets (one per socket) cost no closures. */
export interface BucketState {
  tokens: number;
  /** When `tokens` was last brought up to date (clock ms). */
  tokensAt: number;
}

/**
 * Takes a token from a bucket of `burst` refilled at `perSecond`; returns 0 when allowed, or milliseconds until a
 * token is available.
 */
export function takeToken(state: BucketState, now: number, options: { perSecond: number; burst: number }): number {
  state.tokens = Math.min(options.burst, state.tokens + ((now - state.tokensAt) / 1000) * options.perSecond);
  state.tokensAt = now;
  if (state.tokens >= 1) {
    state.tokens -= 1;
    return 0;
  }
  return Math.ceil(((1 - state.tokens) / options.perSecond) * 1000);
}

/** A token bucket: `burst` at once, refilled at `perSecond`. For HTTP requests per address. */
export function tokenBucket(clock: Clock, options: { perSecond: number; burst: number }) {
  const state: BucketState = { tokens: options.burst, tokensAt: clock.now() };
  return {
    /** Takes a token; returns 0 when allowed, or milliseconds until one is available. */
    take: (): number => takeToken(state, clock.now(), options),
  };
}
