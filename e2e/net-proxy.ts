/**
 * A TCP proxy in front of the app, so a test can take one browser context off the network the way a real outage
 * does: `cut()` tears down every open connection (HTTP keep-alive and WebSocket alike) and turns new ones away
 * until `restore()`. The page points at `proxy.url` instead of the app's URL; nothing else changes for it.
 */
import net from 'node:net';

export interface NetProxy {
  /** `http://127.0.0.1:<port>`: the same server as the target, seen through the proxy (a different origin). */
  url: string;
  /** Destroy every open connection (RST to the browser) and refuse new ones until `restore()`. */
  cut(): void;
  /** Accept and pipe new connections again. */
  restore(): void;
  /** Connections piped right now. */
  readonly openConnections: number;
  /** Stop listening and destroy everything. */
  close(): Promise<void>;
}

/** Start a proxy on 127.0.0.1:0 piping to `targetUrl` (`http://HOST:PORT`). */
export async function startNetProxy(targetUrl: string): Promise<NetProxy> {
  const target = new URL(targetUrl);
  const targetPort = Number(target.port);
  const targetHost = target.hostname;
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  let isCut = false;

  const server = net.createServer((client) => {
    client.on('error', () => {
      // ECONNRESET and friends: the peer or cut() ended it; nothing to report.
    });
    if (isCut) {
      // Like a dead network: the connection goes nowhere. RST, so the browser gives up at once.
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect({ port: targetPort, host: targetHost });
    upstream.on('error', () => {
      // Closing one side below also closes the other.
    });
    const pair = { client, upstream };
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      if (!client.destroyed) client.destroy();
      if (!upstream.destroyed) upstream.destroy();
    };
    client.once('close', end);
    upstream.once('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('net proxy: no TCP address');

  function dropAll(): void {
    for (const pair of [...pairs]) {
      pairs.delete(pair);
      if (!pair.client.destroyed) pair.client.resetAndDestroy();
      if (!pair.upstream.destroyed) pair.upstream.destroy();
    }
  }

  return {
    url: `http://127.0.0.1:${address.port}`,
    cut() {
      isCut = true;
      dropAll();
    },
    restore() {
      isCut = false;
    },
    get openConnections() {
      return pairs.size;
    },
    close() {
      isCut = true;
      dropAll();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
