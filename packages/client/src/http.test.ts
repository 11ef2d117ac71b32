import { describe, expect, it } from 'vitest';
import { ApiError, NetworkError } from './errors.js';
import { createHttp, type FetchLike } from './http.js';
import { FakeClock } from './test/fakes.js';

function httpWith(fetch: FetchLike, clock = new FakeClock()) {
  return createHttp({ baseUrl: 'https://chat.example/feige/', fetch, timers: clock, timeoutMs: 1_000 });
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });

describe('HTTP transport', () => {
  it('POSTs the params as JSON to /api/op/<op> with the bearer token and returns the result', async () => {
    let seen: { url: string; init: RequestInit | undefined } | null = null;
    const http = httpWith(async (input, init) => {
      seen = { url: String(input), init };
      return json(200, { friends: [] });
    });
    await expect(http.request('friends.list', {}, 'tok-1')).resolves.toEqual({ friends: [] });
    expect(seen!.url).toBe('https://chat.example/feige/api/op/friends.list');
    expect(seen!.init?.method).toBe('POST');
    expect(new Headers(seen!.init?.headers).get('authorization')).toBe('Bearer tok-1');
    expect(seen!.init?.body).toBe('{}');
  });

  it('turns an error reply into an ApiError with code, status, request id and the catalog retryable flag', async () => {
    const http = httpWith(async () =>
      json(429, { code: 'rate.limited', message: 'slow down', requestId: 'r-9', retryAfterMs: 1200 }),
    );
    const error = await http.request('friends.list', {}, 'tok-1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'rate.limited', status: 429, requestId: 'r-9', retryAfterMs: 1200, retryable: true });

    const invalid = httpWith(async () =>
      json(400, { code: 'request.invalid', message: 'bad', requestId: 'r-1', issues: [{ path: 'userId', message: 'x' }] }),
    );
    await expect(invalid.request('friends.remove', { userId: '' }, 'tok-1')).rejects.toMatchObject({
      code: 'request.invalid',
      retryable: false,
      issues: [{ path: 'userId', message: 'x' }],
    });
  });

  it('reports a failed fetch, a proxy error page and a timeout as NetworkError, not ApiError', async () => {
    await expect(httpWith(() => Promise.reject(new TypeError('fetch failed'))).request('ping', {}, null)).rejects.toBeInstanceOf(
      NetworkError,
    );
    await expect(
      httpWith(async () => new Response('<html>502 Bad Gateway</html>', { status: 502 })).request('ping', {}, null),
    ).rejects.toBeInstanceOf(NetworkError);

    const clock = new FakeClock();
    const hanging: FetchLike = (_input, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))));
    const pending = httpWith(hanging, clock).request('ping', {}, null).catch((e: unknown) => e);
    await clock.advance(1_000);
    expect(await pending).toBeInstanceOf(NetworkError);
  });
});
