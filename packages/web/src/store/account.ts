import type { ErrorCode, SelfDto } from '@feige/protocol';
import type { Ctx } from './context';
import { reportBackground } from './context';
import { initialState } from './state';

export interface AccountHooks {
  /** Drop per-account caches held outside the store (read marks sent, typing timers …). */
  resetCaches(): void;
}

export function createAccountActions(ctx: Ctx, hooks: AccountHooks) {
  const { client } = ctx;

  function enter(me: SelfDto | null): void {
    ctx.nextEpoch();
    hooks.resetCaches();
    ctx.set((s) => ({
      ...initialState(),
      signedIn: true,
      me,
      connection: s.connection,
      browserOnline: s.browserOnline,
      outbox: [...client.outbox],
    }));
  }

  /** Leave the signed-in UI. `reason` is set when the server ended the session (revoked elsewhere, password changed). */
  function leave(reason: ErrorCode | null): void {
    ctx.nextEpoch();
    hooks.resetCaches();
    ctx.set((s) => ({ ...initialState(), endedBy: reason, connection: s.connection, browserOnline: s.browserOnline }));
  }

  /**
   * On page load: a stored token means a session to resume, without asking for the password again. The SDK keeps
   * the user with the token, so my own messages are told apart even before the socket is back.
   */
  function resume(): void {
    if (!client.token) return;
    enter(client.user);
    client.connect();
    if (!ctx.get().me) void refreshMe().catch(reportBackground);
  }

  async function refreshMe(): Promise<void> {
    const at = ctx.epoch();
    const { user } = await client.call('auth.me', {});
    ctx.setIf(at, (s) => ({ ...s, me: user }));
  }

  /** The socket authenticated: its user is the freshest copy of my profile. */
  function adoptSocketUser(): void {
    const user = client.user;
    if (!user) return;
    const current = ctx.get().me;
    if (current && current.id === user.id && current.displayName === user.displayName && current.username === user.username) return;
    ctx.set((s) => ({ ...s, me: user }));
  }

  async function login(username: string, password: string): Promise<void> {
    const result = await client.login({ username, password });
    enter(result.user);
    client.connect();
  }

  async function register(username: string, displayName: string, password: string): Promise<void> {
    const result = await client.register({ username, displayName, password });
    enter(result.user);
    client.connect();
  }

  async function logout(): Promise<void> {
    try {
      await client.logout();
    } catch (error) {
      // The SDK has already forgotten the token on this device; the failure only means the server could not be
      // told (offline), so its session lingers until revoked from another device. Sign out here regardless.
      reportBackground(error);
    }
    leave(null);
  }

  async function listSessions() {
    const { sessions } = await client.call('sessions.list', {});
    return [...sessions].sort((a, b) => Number(b.current) - Number(a.current) || b.lastSeenAt - a.lastSeenAt);
  }

  async function revokeSession(sessionId: string): Promise<void> {
    await client.call('sessions.revoke', { sessionId });
  }

  async function changePassword(oldPassword: string, newPassword: string): Promise<number> {
    const { revokedSessions } = await client.call('auth.changePassword', { oldPassword, newPassword });
    return revokedSessions;
  }

  return { resume, login, register, logout, leave, adoptSocketUser, listSessions, revokeSession, changePassword };
}

export type AccountActions = ReturnType<typeof createAccountActions>;
