import type { OpName } from '@feige/protocol';
import { ApiError, NetworkError, parseErrorDto } from './errors.js';
import type { Timers } from './timers.js';
import { opUrl } from './websocket.js';

export type FetchLike = typeof fetch;

export interface HttpDeps {
  baseUrl: string;
  fetch: FetchLike;
  timers: Timers;
  timeoutMs: number;
}

export interface Http {
  /** POST /api/op/<op>. Resolves with the parsed JSON result; rejects with ApiError or NetworkError. */
  request(op: OpName, params: unknown, token: string | null): Promise<unknown>;
}

export function createHttp(deps: HttpDeps): Http {
  // Called unbound: the browser's fetch throws "Illegal invocation" when called as a method of another object.
  const doFetch = deps.fetch;

  async function readJson(response: Response): Promise<{ ok: true; value: unknown } | { ok: false }> {
    try {
      return { ok: true, value: await response.json() };
    } catch {
      return { ok: false };
    }
  }

  return {
    async request(op, params, token) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (token !== null) headers.authorization = `Bearer ${token}`;
      const abort = new AbortController();
      const timer = deps.timers.setTimeout(() => abort.abort(), deps.timeoutMs);
      let response: Response;
      let body: { ok: true; value: unknown } | { ok: false };
      try {
        response = await doFetch(opUrl(deps.baseUrl, op), {
          method: 'POST',
          headers,
          body: JSON.stringify(params),
          signal: abort.signal,
        });
        body = await readJson(response);
      } catch (cause) {
        const message = abort.signal.aborted ? `${op}: no response within ${deps.timeoutMs} ms` : `${op}: request failed`;
        throw new NetworkError(message, { cause });
      } finally {
        deps.timers.clearTimeout(timer);
      }
      if (response.ok) {
        if (!body.ok) throw new NetworkError(`${op}: malformed response (HTTP ${response.status})`);
        return body.value;
      }
      const dto = body.ok ? parseErrorDto(body.value, response.status) : null;
      // Not our error shape: a proxy or load balancer answered, so the server was never reached.
      if (!dto) throw new NetworkError(`${op}: HTTP ${response.status} without an error body`);
      throw new ApiError(dto, response.status);
    },
  };
}
