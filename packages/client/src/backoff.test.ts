import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

const options = { baseMs: 500, maxMs: 30_000 };

describe('backoffDelay', () => {
  it('doubles the window per attempt until the cap, using the whole window for jitter', () => {
    const almostOne = () => 0.999_999;
    const ceilings = Array.from({ length: 10 }, (_, attempt) => backoffDelay(attempt, options, almostOne));
    expect(ceilings).toEqual([499, 999, 1999, 3999, 7999, 15_999, 29_999, 29_999, 29_999, 29_999]);
    expect(backoffDelay(0, options, () => 0)).toBe(0);
  });

  it('never exceeds maxMs, even after many attempts or with a random source that returns 1', () => {
    for (const attempt of [0, 5, 20, 100, 10_000]) {
      expect(backoffDelay(attempt, options, () => 1)).toBeLessThanOrEqual(options.maxMs);
      expect(backoffDelay(attempt, options, Math.random)).toBeLessThanOrEqual(options.maxMs);
    }
  });

  it('spreads clients over the window instead of synchronising them', () => {
    const delays = [0.1, 0.5, 0.9].map((r) => backoffDelay(3, options, () => r));
    expect(delays).toEqual([400, 2000, 3600]);
  });
});
