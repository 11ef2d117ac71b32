import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { limits, paths } from '@feige/protocol';
import { WebSocketServer } from 'ws';
import type { Gateway } from './gateway.js';

export interface UpgradeDeps {
  gateway: Gateway;
  /** True once the server has begun to shut down. */
  isClosing(): boolean;
}

function refuse(socket: Duplex, status: string): void {
  // Node removed its own error listener before handing the socket over: a reset must not become an uncaught error.
  socket.on('error', destroy);
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * WebSocket upgrades on `paths.socket`, taken straight from the HTTP server's `upgrade` event and handed to the
 * gateway. They do not go through the web framework's routing: a routed upgrade keeps the framework's request,
 * reply, response and per-request logger (and the request's header strings) alive for as long as the socket is
 * open, which was most of what an idle socket cost (docs/decisions.md). The socket keeps only the peer's address.
 */
export function acceptWebSockets(server: Server, deps: UpgradeDeps): WebSocketServer {
  const wss = new WebSocketServer({
    noServer: true,
    // The gateway tracks its sockets itself.
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: limits.frameMaxBytes,
  });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = request.url?.split('?', 1)[0];
    if (path !== paths.socket) return refuse(socket, '404 Not Found');
    if (deps.isClosing()) return refuse(socket, '503 Service Unavailable');
    const address = request.socket.remoteAddress ?? '';
    // `ws` guards the socket against errors from here on, answers a bad handshake itself, and calls back once the
    // socket is a WebSocket.
    wss.handleUpgrade(request, socket, head, (ws) => deps.gateway.accept(ws, address));
    return undefined;
  });
  return wss;
}

function destroy(this: Duplex): void {
  this.destroy();
}
