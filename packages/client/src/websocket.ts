import { paths } from '@feige/protocol';

// Method syntax makes the parameter bivariant, so both the DOM WebSocket (handlers taking MessageEvent / CloseEvent)
// and the `ws` package's WebSocket satisfy this interface without adapters.
type Handler<E> = { handle(event: E): void }['handle'];

/** The part of the WebSocket API the SDK uses; the browser's WebSocket and `ws`'s both fit. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: Handler<unknown> | null;
  onmessage: Handler<{ data: unknown }> | null;
  onclose: Handler<{ code: number; reason: string }> | null;
  onerror: Handler<unknown> | null;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

export const readyStates = { connecting: 0, open: 1, closing: 2, closed: 3 } as const;

function trimSlashes(url: string): string {
  return url.replace(/\/+$/u, '');
}

/** Same origin (and path prefix, for servers behind a sub-path proxy) as the HTTP base, with ws: or wss:. */
export function socketUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = trimSlashes(url.pathname) + paths.socket;
  url.search = '';
  url.hash = '';
  return url.toString();
}

export function opUrl(baseUrl: string, op: string): string {
  return trimSlashes(baseUrl) + paths.op + op;
}

const decoder = new TextDecoder();

/** Server frames are text; tolerate runtimes that hand text over as bytes. */
export function frameText(data: unknown): string | null {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return decoder.decode(data);
  if (ArrayBuffer.isView(data)) return decoder.decode(data);
  return null;
}
