import { fileURLToPath } from 'node:url';
import { createApp, type FeigeApp } from './app.js';
import type { ServerConfig } from './config.js';
import { createLogger } from './lib/logger.js';

export { createApp, type AppOptions, type FeigeApp } from './app.js';
export { loadConfig, ConfigError, type ServerConfig } from './config.js';
export { AppError } from './lib/app-error.js';
export { manualClock, systemClock, type Clock } from './lib/clock.js';
export { createLogger, silentLogger, type Logger } from './lib/logger.js';
export { inProcessBus, type Bus } from './bus/bus.js';
export type { DatabaseConfig } from './storage/db.js';
export { defaultLoginLimits, type LoginLimits } from './services/index.js';

/** Pending connections the kernel may queue for us (see startServer). */
export const listenBacklog = 4096;

/** Where the built web client lives relative to this package, when the monorepo is built. */
export const defaultWebDir = fileURLToPath(new URL('../../web/dist', import.meta.url));

export interface RunningServer {
  app: FeigeApp;
  url: string;
  close(): Promise<void>;
}

/** Starts Feige as `feige serve` runs it: SQLite (or PostgreSQL), HTTP + WebSocket, the web client. */
export async function startServer(config: Readonly<ServerConfig>): Promise<RunningServer> {
  const logger = createLogger(config.logLevel);
  const app = await createApp({ database: config.database, logger, webDir: config.webDir, groupMaxMembers: config.groupMaxMembers });
  // Node's default backlog (511) overflows when thousands of clients reconnect at once (a restart, a network blip):
  // the kernel drops their SYNs and they wait out TCP's retransmission (1 s, 3 s, 7 s…). The kernel caps it at
  // net.core.somaxconn.
  const address = await app.http.listen({ host: config.host, port: config.port, backlog: listenBacklog });
  const port = new URL(address).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return { app, url: `http://${host}:${port}`, close: () => app.close() };
}
