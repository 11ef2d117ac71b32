import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({ level, base: { app: 'feige' } });
}

/** A logger that prints nothing, for tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
