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

/** A token bucket: `burst` at once, refilled at `perSecond`. For frames per socket. */
export function tokenBucket(clock: Clock, options: { perSecond: number; burst: number }) {
  let tokens = options.burst;
  let last = clock.now();
  return {
    /** Takes a token; returns 0 when allowed, or milliseconds until one is available. */
    take(): number {
      const now = clock.now();
      tokens = Math.min(options.burst, tokens + ((now - last) / 1000) * options.perSecond);
      last = now;
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return Math.ceil(((1 - tokens) / options.perSecond) * 1000);
    },
  };
}
