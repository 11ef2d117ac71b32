import type { FastifyInstance } from 'fastify';
import { limits } from '@feige/protocol';
import { inProcessBus, type Bus } from './bus/bus.js';
import { systemClock, type Clock } from './lib/clock.js';
import { randomIds, type IdGenerator } from './lib/ids.js';
import type { Logger } from './lib/logger.js';
import { createServices, defaultLoginLimits, type LoginLimits, type Services } from './services/index.js';
import { openStorage, type DatabaseConfig, type Storage } from './storage/storage.js';
import { createHttpApp } from './transport/http/app.js';
import { createGateway, type Gateway, type HeartbeatOptions } from './transport/ws/gateway.js';

export interface AppOptions {
  database: DatabaseConfig;
  logger: Logger;
  webDir: string | null;
  clock?: Clock;
  ids?: IdGenerator;
  bus?: Bus;
  loginLimits?: LoginLimits;
  authDeadlineMs?: number;
  /** The liveness sweep's period, when silent sockets get a protocol ping and when they are dropped (tests). */
  heartbeat?: Partial<HeartbeatOptions>;
  /** Members per group (default limits.groupMembersDefault). */
  groupMaxMembers?: number;
}

export interface FeigeApp {
  http: FastifyInstance;
  services: Services;
  gateway: Gateway;
  storage: Storage;
  bus: Bus;
  /** Sockets open and bus subscriptions held, for health and leak checks. */
  stats(): { sockets: number; users: number; subscriptions: number };
  /** Closes sockets with a reason, stops listening, closes the database. */
  close(): Promise<void>;
}

/** The composition root: storage → services → bus → transports. */
export async function createApp(options: AppOptions): Promise<FeigeApp> {
  const clock = options.clock ?? systemClock;
  const bus = options.bus ?? inProcessBus();
  const storage = await openStorage(options.database);
  const services = createServices({
    storage,
    bus,
    clock,
    ids: options.ids ?? randomIds,
    logger: options.logger,
    loginLimits: options.loginLimits ?? defaultLoginLimits,
    groupMaxMembers: options.groupMaxMembers ?? limits.groupMembersDefault,
  });
  const gateway = createGateway({
    services,
    bus,
    clock,
    logger: options.logger,
    ...(options.authDeadlineMs === undefined ? {} : { authDeadlineMs: options.authDeadlineMs }),
    ...(options.heartbeat === undefined ? {} : { heartbeat: options.heartbeat }),
  });
  const stats = () => ({ ...gateway.stats(), subscriptions: bus.subscriptionCount() });
  let closing: Promise<void> | undefined;
  const http = await createHttpApp({
    services,
    gateway,
    logger: options.logger,
    webDir: options.webDir,
    health: stats,
    clock,
    isClosing: () => closing !== undefined,
  });
  return {
    http,
    services,
    gateway,
    storage,
    bus,
    stats,
    close() {
      closing ??= (async () => {
        await gateway.shutdown();
        await http.close();
        await bus.close();
        await storage.close();
      })();
      return closing;
    },
  };
}
