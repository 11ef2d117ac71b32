import type { EphemeralDto, UpdateBody } from '@feige/protocol';

/** What travels on the bus, addressed to one user: everything their live sockets must hear about. */
export type BusMessage =
  /** One entry of the user's update log. A message's `body` is one object shared by all its recipients. */
  | { kind: 'update'; body: UpdateBody; pts: number; at: number }
  | { kind: 'event'; event: EphemeralDto }
  /** These sessions were revoked: close their sockets. */
  | { kind: 'revoke'; sessionIds: string[] };

export type BusHandler = (message: BusMessage) => void;

/**
 * Fan-out after commit. Services publish, gateways subscribe per connected user. In-process for one node; a Redis
 * implementation of the same interface carries it across nodes.
 */
export interface Bus {
  publish(userId: string, message: BusMessage): void;
  subscribe(userId: string, handler: BusHandler): () => void;
  /** How many subscriptions are live (for health checks and the leak tests). */
  subscriptionCount(): number;
  close(): Promise<void>;
}

export function inProcessBus(): Bus {
  const handlers = new Map<string, Set<BusHandler>>();
  let count = 0;
  return {
    publish(userId, message) {
      const set = handlers.get(userId);
      if (!set) return;
      for (const handler of [...set]) handler(message);
    },
    subscribe(userId, handler) {
      let set = handlers.get(userId);
      if (!set) handlers.set(userId, (set = new Set()));
      set.add(handler);
      count++;
      let active = true;
      return () => {
        if (!active) return;
        active = false;
        count--;
        set.delete(handler);
        if (set.size === 0) handlers.delete(userId);
      };
    },
    subscriptionCount: () => count,
    close: async () => {
      handlers.clear();
      count = 0;
    },
  };
}
