import type { ErrorCode, MessageDto, UpdateDto } from '@feige/protocol';
import { createClient } from '../client.js';
import type { ClientState } from '../connection.js';
import type { OutboxEntry } from '../outbox.js';
import { createMemoryStore, type KeyValueStore } from '../storage.js';
import type { ClientOptions, FeigeClient } from '../types.js';
import { FakeClock, FakeServer } from './fakes.js';

export interface Recorded {
  client: FeigeClient;
  states: { state: ClientState; at: number }[];
  updates: UpdateDto[];
  outboxEvents: OutboxEntry[][];
  sent: { entry: OutboxEntry; message: MessageDto }[];
  sessionEnded: ErrorCode[];
}

/** One server, one clock, one device storage; clients built on them record everything they emit. */
export function createWorld() {
  const clock = new FakeClock();
  const server = new FakeServer(clock);
  const storage: KeyValueStore = createMemoryStore();

  function makeClient(options: Partial<ClientOptions> = {}): Recorded {
    const client = createClient({
      baseUrl: 'http://chat.test',
      WebSocket: server.WebSocket,
      fetch: server.fetch,
      storage,
      timers: clock,
      random: () => 0.5,
      onError: (error) => {
        throw error;
      },
      ...options,
    });
    const recorded: Recorded = { client, states: [], updates: [], outboxEvents: [], sent: [], sessionEnded: [] };
    client.on('state', (state) => recorded.states.push({ state, at: clock.now() }));
    client.on('update', (update) => recorded.updates.push(update));
    client.on('outbox', (entries) => recorded.outboxEvents.push(entries));
    client.on('sent', (entry, message) => recorded.sent.push({ entry, message }));
    client.on('sessionEnded', (code) => recorded.sessionEnded.push(code));
    return recorded;
  }

  /** A client that has logged in (over the fake HTTP API) and is connected and caught up. */
  async function onlineClient(options: Partial<ClientOptions> = {}): Promise<Recorded> {
    const recorded = makeClient(options);
    await recorded.client.login({ username: 'alice', password: 'correct horse' });
    recorded.client.connect();
    await clock.advance(0);
    return recorded;
  }

  return { clock, server, storage, makeClient, onlineClient };
}

export const ptsOf = (updates: readonly UpdateDto[]): number[] => updates.map((u) => u.pts);
