import type { UpdateBody } from '@feige/protocol';
import type { Bus, BusMessage } from '../../bus/bus.js';
import type { Connection } from './connection.js';

const bodyJson = new WeakMap<UpdateBody, string>();

/**
 * The frame `{type:'update', update:{...body, pts, at}}`, written by hand around the body's JSON: a group message's
 * body is one object for all its recipients, so it is serialised once, not once per member (only pts differs).
 */
export function updateFrame(update: { body: UpdateBody; pts: number; at: number }): string {
  let body = bodyJson.get(update.body);
  if (body === undefined) {
    body = JSON.stringify(update.body);
    bodyJson.set(update.body, body);
  }
  // A body is an object with at least its `type`, so its JSON ends in `}` after some member.
  return `{"type":"update","update":${body.slice(0, -1)},"pts":${update.pts},"at":${update.at}}}`;
}

/**
 * The authenticated sockets on this node, by user. Each user with at least one socket has exactly one bus
 * subscription; it goes away with their last socket, so dead connections leave nothing behind.
 */
export function connectionRegistry(bus: Bus) {
  const byUser = new Map<string, { connections: Set<Connection>; unsubscribe: () => void }>();

  function deliver(userId: string, message: BusMessage): void {
    const entry = byUser.get(userId);
    if (!entry) return;
    if (message.kind === 'revoke') {
      const revoked = new Set(message.sessionIds);
      for (const c of entry.connections) if (c.actor && revoked.has(c.actor.sessionId)) c.revoke();
      return;
    }
    // Serialised once for all of this user's sockets.
    const text = message.kind === 'update' ? updateFrame(message) : JSON.stringify({ type: 'event', event: message.event });
    for (const c of entry.connections) c.sendRaw(text);
  }

  return {
    add(userId: string, connection: Connection): void {
      let entry = byUser.get(userId);
      if (!entry) {
        entry = { connections: new Set(), unsubscribe: bus.subscribe(userId, (m) => deliver(userId, m)) };
        byUser.set(userId, entry);
      }
      entry.connections.add(connection);
    },

    /** Returns true when this was the user's last socket here. */
    remove(userId: string, connection: Connection): boolean {
      const entry = byUser.get(userId);
      if (!entry || !entry.connections.delete(connection)) return false;
      if (entry.connections.size > 0) return false;
      entry.unsubscribe();
      byUser.delete(userId);
      return true;
    },

    /** This user's sockets on this node (a copy). */
    connectionsOf(userId: string): Connection[] {
      const entry = byUser.get(userId);
      return entry ? [...entry.connections] : [];
    },

    userCount: () => byUser.size,
  };
}

export type ConnectionRegistry = ReturnType<typeof connectionRegistry>;
