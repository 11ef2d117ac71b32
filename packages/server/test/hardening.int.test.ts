import { request } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { limits } from '@feige/protocol';
import { friendsWithChat, online, record, registerUser, startTestServer, waitFor, type TestServer } from '@feige/test-kit';

/** POST an op from a chosen loopback source address (the server sees it as the client's address). */
function postFrom(server: TestServer, localAddress: string, op: string, body: unknown): Promise<{ status: number; body: { code?: string; retryAfterMs?: number } }> {
  const url = new URL(`/api/op/${op}`, server.url);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', localAddress, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as { code?: string } }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

describe('hardening', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('shuts down although a client holds an idle connection that never sent a byte', async () => {
    server = await startTestServer();
    const url = new URL(server.url);
    const idle = connect(Number(url.port), url.hostname);
    await new Promise((resolve) => idle.once('connect', resolve));
    const closed = server.close().then(() => 'closed');
    const outcome = await Promise.race([closed, new Promise((resolve) => setTimeout(() => resolve('still running'), 8_000))]);
    idle.destroy();
    server = undefined;
    expect(outcome).toBe('closed');
  });

  it('hides my presence from someone I blocked', async () => {
    server = await startTestServer();
    const { a, b } = await friendsWithChat(server);
    await a.client.call('blocks.add', { userId: b.id });
    const onB = record(b.client);
    a.client.disconnect();
    a.client.connect();
    await online(a.client);
    // Something B does hear, sent after A's reconnect: once it is in, any presence event for A would be too.
    const c = await registerUser(server, 'carol');
    await c.client.call('friends.request', { userId: b.id });
    await waitFor(() => onB.updates.some((u) => u.type === 'friend.request'), 'the marker');
    expect(onB.events.filter((e) => e.type === 'presence' && e.userId === a.id)).toEqual([]);
    expect((await b.client.call('friends.list', {})).friends.find((f) => f.user.id === a.id)?.online).toBe(false);
  });

  it('wrong passwords from one address do not lock the account for another address', async () => {
    server = await startTestServer({ loginLimits: { perAccount: 3 } });
    const victim = await registerUser(server, 'victim', { connect: false });
    for (let i = 0; i < 4; i++) await postFrom(server, '127.0.0.2', 'auth.login', { username: victim.username, password: 'wrong password' });
    const attacker = await postFrom(server, '127.0.0.2', 'auth.login', { username: victim.username, password: victim.password });
    expect(attacker.body.code).toBe('rate.limited');
    const owner = await postFrom(server, '127.0.0.3', 'auth.login', { username: victim.username, password: victim.password });
    expect(owner.status).toBe(200);
  });

  it('limits new accounts per address', async () => {
    server = await startTestServer({ loginLimits: { registrationsPerAddress: 2 } });
    const register = (name: string) => postFrom(server!, '127.0.0.4', 'auth.register', { username: name, displayName: name, password: 'password-123' });
    expect((await register('first_one')).status).toBe(200);
    expect((await register('second_one')).status).toBe(200);
    const third = await register('third_one');
    expect(third.body.code).toBe('rate.limited');
    expect(third.body.retryAfterMs).toBeGreaterThan(0);
    expect((await postFrom(server, '127.0.0.5', 'auth.register', { username: 'elsewhere', displayName: 'x', password: 'password-123' })).status).toBe(200);
  });

  it('rate-limits a flood of HTTP requests from one address with retryAfterMs', async () => {
    // The server's clock stands still, so the bucket cannot refill while a busy machine spreads the flood out.
    server = await startTestServer({ manualClock: true });
    const replies = await Promise.all(
      Array.from({ length: limits.httpRequestsBurst + 50 }, () => postFrom(server!, '127.0.0.6', 'auth.me', {})),
    );
    const limited = replies.filter((r) => r.body.code === 'rate.limited');
    expect(limited.length).toBeGreaterThan(0);
    expect(limited.every((r) => r.status === 429 && (r.body.retryAfterMs ?? 0) > 0)).toBe(true);
    expect(replies.filter((r) => r.body.code === 'auth.required').length).toBe(limits.httpRequestsBurst);
    expect(limited.length).toBe(50);
  });

  it('refuses names and messages that would show nothing', async () => {
    server = await startTestServer();
    const blankName = await postFrom(server, '127.0.0.7', 'auth.register', { username: 'blank_name', displayName: '\u202e\u200b', password: 'password-123' });
    expect(blankName.body.code).toBe('request.invalid');
    for (const username of ['...', '---', '_._', 'a\u0301\u0301'.slice(1)]) {
      const reply = await postFrom(server, '127.0.0.7', 'auth.register', { username, displayName: 'x', password: 'password-123' });
      expect(reply.body.code, JSON.stringify(username)).toBe('request.invalid');
    }
    const { a, conversationId } = await friendsWithChat(server);
    await expect(a.client.call('messages.send', { conversationId, clientMsgId: 'zw', text: '\u200b\u200b' })).rejects.toMatchObject({ code: 'message.empty' });
  });

  it('answers a malformed URL with a typed error', async () => {
    server = await startTestServer();
    const reply = await fetch(`${server.url}/api/op/%ZZ`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(reply.status).toBe(400);
    expect(((await reply.json()) as { code: string }).code).toBe('request.invalid');
  });
});
