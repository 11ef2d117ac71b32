import { WebSocket } from 'ws';
import { createClient, createMemoryStore, type ClientOptions, type FeigeClient, type KeyValueStore } from '@feige/client';
import type { EphemeralDto, UpdateDto } from '@feige/protocol';
import type { TestServer } from './server.js';

let counter = 0;

/** A unique, valid username for one test world. */
export function uniqueName(base = 'user'): string {
  counter++;
  return `${base}${counter}_${process.pid % 10000}`;
}

/** An SDK client for the test server, with its own in-memory storage unless one is given (a "device"). */
export function newClient(server: Pick<TestServer, 'url'>, options: Partial<ClientOptions> & { storage?: KeyValueStore } = {}): FeigeClient {
  return createClient({
    baseUrl: server.url,
    WebSocket,
    storage: options.storage ?? createMemoryStore(),
    reconnect: { baseMs: 50, maxMs: 500 },
    onError: (error) => {
      throw error;
    },
    ...options,
  });
}

/** Waits until `check` returns a truthy value, polling; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(check: () => T | Promise<T>, what = 'condition', timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function online(client: FeigeClient): Promise<void> {
  await waitFor(() => client.state === 'online', 'the client to be online');
}

/** Everything a client emits, in order, for assertions. */
export function record(client: FeigeClient): { updates: UpdateDto[]; events: EphemeralDto[]; stop(): void } {
  const updates: UpdateDto[] = [];
  const events: EphemeralDto[] = [];
  const offs = [client.on('update', (u) => updates.push(u)), client.on('event', (e) => events.push(e))];
  return { updates, events, stop: () => offs.forEach((off) => off()) };
}

export interface TestUser {
  client: FeigeClient;
  id: string;
  username: string;
  password: string;
  /** Another device of the same user: logs in with a fresh session and storage. */
  device(): Promise<FeigeClient>;
}

/** Registers a user through the SDK and connects them. */
export async function registerUser(server: Pick<TestServer, 'url'>, base = 'user', options: { connect?: boolean } = {}): Promise<TestUser> {
  const username = uniqueName(base);
  const password = 'correct horse battery';
  const client = newClient(server);
  const auth = await client.register({ username, displayName: `${base} ${username}`, password, deviceName: 'device 1' });
  if (options.connect !== false) {
    client.connect();
    await online(client);
  }
  return {
    client,
    id: auth.user.id,
    username,
    password,
    async device() {
      const other = newClient(server);
      await other.login({ username, password, deviceName: 'another device' });
      other.connect();
      await online(other);
      return other;
    },
  };
}

/** Makes two users friends the way people do: a request and an acceptance. */
export async function makeFriends(a: TestUser, b: TestUser): Promise<void> {
  const { request } = await a.client.call('friends.request', { userId: b.id });
  await b.client.call('friends.accept', { requestId: request.id });
}

/** Two friends with a direct conversation between them. */
export async function friendsWithChat(server: Pick<TestServer, 'url'>): Promise<{ a: TestUser; b: TestUser; conversationId: string }> {
  const a = await registerUser(server, 'alice');
  const b = await registerUser(server, 'bob');
  await makeFriends(a, b);
  const { conversation } = await a.client.call('conversations.openDirect', { userId: b.id });
  return { a, b, conversationId: conversation.id };
}
