export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

/**
 * Delay before reconnect attempt `attempt` (0-based): "full jitter", a uniform pick in [0, min(maxMs, baseMs·2^attempt)).
 * After a server restart every client reconnects at once; spreading them over the whole window keeps the server
 * from being hit by synchronized waves, and the cap keeps a long outage from leaving a client asleep for hours.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(Math.max(attempt, 0), 52));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.min(Math.floor(r * ceiling), options.maxMs);
}
