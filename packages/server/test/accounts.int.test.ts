import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, type FeigeClient } from '@feige/client';
import type { ErrorCode, ErrorDto, OpName } from '@feige/protocol';
import { newClient, online, registerUser, startTestServer, waitFor, type TestServer } from '@feige/test-kit';

const password = 'correct horse battery';

/** A raw HTTP call of one op, for checks the SDK would hide (status codes, a token the SDK has forgotten). */
async function post(server: TestServer, op: OpName, body: unknown, token?: string): Promise<{ status: number; body: ErrorDto }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${server.url}/api/op/${op}`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as ErrorDto };
}

/** Registers `username` on a fresh client (no socket). */
function register(server: TestServer, username: string, displayName = username, pw = password) {
  return newClient(server).register({ username, displayName, password: pw, deviceName: 'phone' });
}

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => new Error('expected a refusal, got success'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

function sessionEndings(client: FeigeClient): ErrorCode[] {
  const codes: ErrorCode[] = [];
  client.on('sessionEnded', (code) => codes.push(code));
  return codes;
}

describe('registration', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('accepts usernames of 3 and 32 characters and refuses 2 and 33 as request.invalid with an issue on username', async () => {
    expect((await register(server, 'abc')).user.username).toBe('abc');
    expect((await register(server, 'u'.repeat(32))).user.username).toBe('u'.repeat(32));
    for (const username of ['ab', 'v'.repeat(33)]) {
      const error = await refusal(register(server, username));
      expect(error.code).toBe('request.invalid');
      expect(error.issues?.map((i) => i.path)).toEqual(['username']);
    }
  });

  it('refuses usernames with spaces, punctuation or emoji as request.invalid', async () => {
    for (const username of ['bad name', 'semi;colon', 'cat🐱cat', '<script>']) {
      const error = await refusal(register(server, username));
      expect(error.code).toBe('request.invalid');
      expect(error.issues?.[0]?.path).toBe('username');
    }
  });

  it('registers Chinese usernames and logs in with them', async () => {
    const auth = await register(server, '王小明');
    expect(auth.user.username).toBe('王小明');
    const again = await newClient(server).login({ username: '王小明', password });
    expect(again.user.id).toBe(auth.user.id);
  });

  // The issue fixes usernames at 3–32 characters in every script; a two-character name like 张伟 is refused with a
  // clear message (display names carry the short real name).
  it('refuses a two-character username such as 张伟 with request.invalid, and accepts 张伟伟', async () => {
    const error = await refusal(register(server, '张伟'));
    expect(error.code).toBe('request.invalid');
    expect(error.issues?.[0]?.path).toBe('username');
    const auth = await register(server, '张伟伟');
    expect((await newClient(server).login({ username: '张伟伟', password })).user.id).toBe(auth.user.id);
  });

  it('lets only one of Alice, alice, ALICE and full-width ａｌｉｃｅ exist, refusing the others as auth.username_taken', async () => {
    const first = await register(server, 'Alice');
    for (const username of ['alice', 'ALICE', 'ａｌｉｃｅ']) {
      const error = await refusal(register(server, username));
      expect(error.code).toBe('auth.username_taken');
      expect(error.status).toBe(409);
    }
    const login = await newClient(server).login({ username: 'ａｌｉｃｅ', password });
    expect(login.user.id).toBe(first.user.id);
  });

  it('lets exactly one of two concurrent registrations of Alice and alice succeed', async () => {
    const results = await Promise.allSettled([register(server, 'Alice'), register(server, 'alice'), register(server, 'ALICE')]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const codes = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as ApiError).code] : []));
    expect(codes).toEqual(['auth.username_taken', 'auth.username_taken']);
  });

  it('refuses a display name that is empty, blank or holds a line break or NUL as request.invalid', async () => {
    for (const [i, displayName] of ['', '   ', 'two\nlines', 'nul\u0000name'].entries()) {
      const error = await refusal(register(server, `named${i}`, displayName));
      expect(error.code).toBe('request.invalid');
      expect(error.issues?.[0]?.path).toBe('displayName');
    }
  });

  it('keeps a display name with emoji and Chinese exactly as given', async () => {
    const displayName = '小明 🐱 👩‍👩‍👧‍👦 🇨🇳';
    const client = newClient(server);
    const auth = await client.register({ username: 'xiaoming', displayName, password });
    expect(auth.user.displayName).toBe(displayName);
    expect((await client.call('auth.me', {})).user.displayName).toBe(displayName);
    const other = await registerUser(server, 'finder', { connect: false });
    const found = await other.client.call('users.search', { query: 'xiaoming' });
    expect(found.users.map((u) => u.displayName)).toEqual([displayName]);
  });

  it('refuses a password shorter than 8 characters as request.invalid with an issue on password, and accepts 8', async () => {
    const error = await refusal(register(server, 'shorty', 'Shorty', '1234567'));
    expect(error.code).toBe('request.invalid');
    expect(error.issues).toEqual([expect.objectContaining({ path: 'password' })]);
    expect((await register(server, 'shorty', 'Shorty', '12345678')).user.username).toBe('shorty');
  });
});

describe('logging in and out', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('logs in whatever the case or width of the username', async () => {
    const { user } = await register(server, 'MixedCase');
    for (const username of ['mixedcase', 'MIXEDCASE', 'MixedCase', 'ｍｉｘｅｄｃａｓｅ']) {
      const auth = await newClient(server).login({ username, password });
      expect(auth.user.id).toBe(user.id);
      expect(auth.user.username).toBe('MixedCase');
    }
  });

  it('answers an unknown user and a wrong password with the same code, status and message', async () => {
    await register(server, 'existing');
    const unknown = await post(server, 'auth.login', { username: 'nobody-here', password });
    const wrong = await post(server, 'auth.login', { username: 'existing', password: 'not the password' });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.body.code).toBe('auth.bad_credentials');
    expect(wrong.body.code).toBe('auth.bad_credentials');
    expect(wrong.body.message).toBe(unknown.body.message);
    expect(Object.keys(wrong.body).sort()).toEqual(Object.keys(unknown.body).sort());
  });

  it('tells me who I am and which session I use with auth.me, over the socket and over HTTP', async () => {
    const me = await registerUser(server, 'self');
    const overSocket = await me.client.call('auth.me', {});
    expect(overSocket.user).toMatchObject({ id: me.id, username: me.username });
    expect(overSocket.session).toMatchObject({ id: me.client.session?.id, current: true, deviceName: 'device 1' });
    const overHttp = await post(server, 'auth.me', {}, me.client.token ?? '');
    expect(overHttp.status).toBe(200);
    expect(overHttp.body).toEqual(overSocket);
  });

  it('logout revokes the token and closes that device’s open socket, leaving the other device signed in', async () => {
    const me = await registerUser(server, 'leaver');
    const other = await me.device();
    const token = me.client.token ?? '';
    const ended = sessionEndings(me.client);
    expect(server.app.stats().sockets).toBe(2);
    // The device's own token, over HTTP, while its socket is open (the SDK's logout() closes its socket first).
    const reply = await post(server, 'auth.logout', {}, token);
    expect(reply.status).toBe(200);
    await waitFor(() => ended.length === 1, 'the session to end');
    expect(ended).toEqual(['auth.session_revoked']);
    expect(me.client.state).toBe('closed');
    await waitFor(() => server.app.stats().sockets === 1, 'the server to close the logged-out socket');
    const after = await post(server, 'auth.me', {}, token);
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('auth.session_revoked');
    expect(other.state).toBe('online');
    expect((await other.call('auth.me', {})).user.id).toBe(me.id);
  });

  // Regression: the reply to the frame that logs the socket out must not be lost when the socket closes.
  it('answers auth.logout sent over the device’s own socket before closing it', async () => {
    const me = await registerUser(server, 'wsleaver');
    const token = me.client.token ?? '';
    const ended = sessionEndings(me.client);
    const outcome = await me.client.call('auth.logout', {}).then(
      (result) => ({ ok: true, result }),
      (error: unknown) => ({ ok: false, error: String(error) }),
    );
    await waitFor(() => ended.length === 1, 'the session to end');
    expect((await post(server, 'auth.me', {}, token)).body.code).toBe('auth.session_revoked');
    expect(outcome).toEqual({ ok: true, result: {} });
  });

  it('the SDK’s logout forgets the token and the server no longer accepts it', async () => {
    const me = await registerUser(server, 'sdkleaver');
    const token = me.client.token ?? '';
    await me.client.logout();
    expect(me.client.token).toBeNull();
    expect((await post(server, 'auth.me', {}, token)).body.code).toBe('auth.session_revoked');
    await waitFor(() => server.app.stats().sockets === 0, 'no sockets left');
  });
});

describe('sessions and devices', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('lists each device once and marks the caller’s own session as current', async () => {
    const me = await registerUser(server, 'many');
    const second = await me.device();
    const third = newClient(server);
    await third.login({ username: me.username, password: me.password, deviceName: 'laptop' });
    const { sessions } = await second.call('sessions.list', {});
    expect(sessions.map((s) => s.id).sort()).toEqual([me.client.session?.id, second.session?.id, third.session?.id].sort());
    expect(sessions.filter((s) => s.current).map((s) => s.id)).toEqual([second.session?.id]);
    expect(sessions.map((s) => s.deviceName).sort()).toEqual(['another device', 'device 1', 'laptop']);
    const fromThird = await third.call('sessions.list', {});
    expect(fromThird.sessions.filter((s) => s.current).map((s) => s.id)).toEqual([third.session?.id]);
  });

  it('revoking another device’s session closes its open socket, stops it reconnecting and kills its token', async () => {
    const me = await registerUser(server, 'revoker');
    const victim = await me.device();
    const victimToken = victim.token ?? '';
    const victimSession = victim.session?.id ?? '';
    const ended = sessionEndings(victim);
    expect(server.app.stats().sockets).toBe(2);
    await me.client.call('sessions.revoke', { sessionId: victimSession });
    await waitFor(() => ended.length === 1, 'sessionEnded on the revoked device');
    expect(ended).toEqual(['auth.session_revoked']);
    expect(victim.state).toBe('closed');
    expect(victim.token).toBeNull();
    await waitFor(() => server.app.stats().sockets === 1, 'the revoked socket to close');
    // Longer than the test client's largest reconnect delay (500 ms): a reconnecting client would be back by now.
    await new Promise((r) => setTimeout(r, 700));
    expect(server.app.stats().sockets).toBe(1);
    expect(victim.state).toBe('closed');
    expect((await post(server, 'auth.me', {}, victimToken)).body.code).toBe('auth.session_revoked');
    const { sessions } = await me.client.call('sessions.list', {});
    expect(sessions.map((s) => s.id)).toEqual([me.client.session?.id]);
    expect(me.client.state).toBe('online');
  });

  it('answers session.not_found when revoking someone else’s session, and that session keeps working', async () => {
    const me = await registerUser(server, 'nosy');
    const them = await registerUser(server, 'target');
    const theirs = them.client.session?.id ?? '';
    const error = await refusal(me.client.call('sessions.revoke', { sessionId: theirs }));
    expect(error.code).toBe('session.not_found');
    const unknown = await refusal(me.client.call('sessions.revoke', { sessionId: 's_does_not_exist' }));
    expect(unknown.code).toBe('session.not_found');
    expect(unknown.message).toBe(error.message);
    expect((await them.client.call('auth.me', {})).session.id).toBe(theirs);
    expect(them.client.state).toBe('online');
  });

  it('changing the password on device 1 ends device 2: its token stops working and its open socket is closed', async () => {
    const me = await registerUser(server, 'changer');
    const device2 = await me.device();
    const token2 = device2.token ?? '';
    const ended = sessionEndings(device2);
    const device1Ended = sessionEndings(me.client);
    const newPassword = 'a brand new secret';
    const result = await me.client.call('auth.changePassword', { oldPassword: me.password, newPassword });
    expect(result.revokedSessions).toBe(1);
    await waitFor(() => ended.length === 1, 'device 2 to be signed out');
    expect(ended).toEqual(['auth.session_revoked']);
    expect(device2.state).toBe('closed');
    await waitFor(() => server.app.stats().sockets === 1, 'device 2’s socket to close');
    expect((await post(server, 'auth.me', {}, token2)).body.code).toBe('auth.session_revoked');
    // Device 1 keeps working, on its socket and over HTTP.
    expect(me.client.state).toBe('online');
    expect(device1Ended).toEqual([]);
    expect((await me.client.call('auth.me', {})).user.id).toBe(me.id);
    expect((await post(server, 'auth.me', {}, me.client.token ?? '')).status).toBe(200);
    // The old password no longer logs in; the new one does.
    expect((await refusal(newClient(server).login({ username: me.username, password: me.password }))).code).toBe(
      'auth.bad_credentials',
    );
    expect((await newClient(server).login({ username: me.username, password: newPassword })).user.id).toBe(me.id);
  });

  it('refuses a password change with the wrong old password as auth.bad_credentials and changes nothing', async () => {
    const me = await registerUser(server, 'forgetful');
    const device2 = await me.device();
    const error = await refusal(me.client.call('auth.changePassword', { oldPassword: 'not my password', newPassword: 'whatever123' }));
    expect(error.code).toBe('auth.bad_credentials');
    expect(device2.state).toBe('online');
    expect((await device2.call('auth.me', {})).user.id).toBe(me.id);
    expect((await newClient(server).login({ username: me.username, password: me.password })).user.id).toBe(me.id);
    expect((await refusal(newClient(server).login({ username: me.username, password: 'whatever123' }))).code).toBe(
      'auth.bad_credentials',
    );
  });
});

describe('login rate limits', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('refuses an account after 5 wrong passwords, even with the right one, until the window has passed', async () => {
    server = await startTestServer({ manualClock: true, loginLimits: { perAccount: 5, perAddress: 1000, windowMs: 60_000 } });
    const victim = await registerUser(server, 'victim', { connect: false });
    const bystander = await registerUser(server, 'bystander', { connect: false });
    for (let i = 0; i < 5; i++) {
      const error = await refusal(newClient(server).login({ username: victim.username, password: `wrong ${i}` }));
      expect(error.code).toBe('auth.bad_credentials');
    }
    const limited = await refusal(newClient(server).login({ username: victim.username, password: victim.password }));
    expect(limited.code).toBe('rate.limited');
    expect(limited.status).toBe(429);
    expect(limited.retryAfterMs).toBeGreaterThan(0);
    expect(limited.retryAfterMs).toBeLessThanOrEqual(60_000);
    // The same account under another case is the same account.
    expect((await refusal(newClient(server).login({ username: victim.username.toUpperCase(), password: victim.password }))).code).toBe(
      'rate.limited',
    );
    // Other accounts from the same address are not affected.
    expect((await newClient(server).login({ username: bystander.username, password: bystander.password })).user.id).toBe(bystander.id);
    server.clock.advance(60_001);
    expect((await newClient(server).login({ username: victim.username, password: victim.password })).user.id).toBe(victim.id);
  });

  it('refuses an address after too many failed logins across different usernames, until the window has passed', async () => {
    server = await startTestServer({ manualClock: true, loginLimits: { perAccount: 1000, perAddress: 3, windowMs: 60_000 } });
    const real = await registerUser(server, 'real', { connect: false });
    for (const username of ['guess-one', 'guess-two', real.username]) {
      const error = await refusal(newClient(server).login({ username, password: 'not it at all' }));
      expect(error.code).toBe('auth.bad_credentials');
    }
    const limited = await refusal(newClient(server).login({ username: real.username, password: real.password }));
    expect(limited.code).toBe('rate.limited');
    expect(limited.retryAfterMs).toBeGreaterThan(0);
    const other = await refusal(newClient(server).login({ username: 'yet-another-name', password: 'anything goes' }));
    expect(other.code).toBe('rate.limited');
    server.clock.advance(60_001);
    expect((await newClient(server).login({ username: real.username, password: real.password })).user.id).toBe(real.id);
  });

  it('checks at most 5 passwords for an account when 20 wrong guesses arrive at once', async () => {
    server = await startTestServer({ manualClock: true, loginLimits: { perAccount: 5, perAddress: 1000, windowMs: 60_000 } });
    const target = await registerUser(server, 'target', { connect: false });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        post(server as TestServer, 'auth.login', { username: target.username, password: `guess number ${i}` }),
      ),
    );
    const codes = results.map((r) => r.body.code);
    expect(codes.filter((c) => c !== 'auth.bad_credentials' && c !== 'rate.limited')).toEqual([]);
    expect(codes.filter((c) => c === 'auth.bad_credentials').length).toBeLessThanOrEqual(5);
    expect(codes.filter((c) => c === 'rate.limited').length).toBeGreaterThanOrEqual(15);
  });

  it('does not count successful logins towards the account limit', async () => {
    server = await startTestServer({ manualClock: true, loginLimits: { perAccount: 3, perAddress: 1000, windowMs: 60_000 } });
    const me = await registerUser(server, 'regular', { connect: false });
    for (let i = 0; i < 6; i++) {
      const client = newClient(server);
      expect((await client.login({ username: me.username, password: me.password })).user.id).toBe(me.id);
    }
  });
});

describe('a revoked session over HTTP', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('an SDK client whose token was revoked elsewhere ends its session on its next HTTP call', async () => {
    const me = await registerUser(server, 'httponly', { connect: false });
    const other = await me.device();
    await other.call('sessions.revoke', { sessionId: me.client.session?.id ?? '' });
    const ended = sessionEndings(me.client);
    const error = await refusal(me.client.call('auth.me', {}));
    expect(error.code).toBe('auth.session_revoked');
    expect(ended).toEqual(['auth.session_revoked']);
    expect(me.client.token).toBeNull();
    await online(other);
  });
});
