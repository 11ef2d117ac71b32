import { usernameKey, type AuthResultDto, type OpInput, type SelfDto, type SessionDto } from '@feige/protocol';
import { AppError } from '../lib/app-error.js';
import { dummyPasswordHash, hashPassword, verifyPassword } from '../lib/passwords.js';
import { keyedMutex } from '../lib/keyed-mutex.js';
import { windowLimiter } from '../lib/rate-limiter.js';
import { hashToken, newSessionToken } from '../lib/tokens.js';
import { UniqueViolation } from '../storage/errors.js';
import type { SessionRecord, UserRecord } from '../storage/records.js';
import type { Actor, Origin, ServiceDeps } from './context.js';
import { selfDto, sessionDto } from './dto.js';

export interface LoginLimits {
  /**
   * Failed logins per account from one address in a window, before that address is refused for the account until
   * the window ends. (Counting per account alone would let anyone lock anyone out by name.) Ten times as many failures
   * from everywhere together lock the account for everyone: that only happens under a distributed attack.
   */
  perAccount: number;
  /** Failed logins per address in one window. */
  perAddress: number;
  windowMs: number;
  /** New accounts per address per hour. */
  registrationsPerAddress: number;
}

export const defaultLoginLimits: LoginLimits = { perAccount: 10, perAddress: 50, windowMs: 5 * 60_000, registrationsPerAddress: 50 };

/** Accounts and sessions: register, log in and out, who am I, password change, devices. */
export function authService(deps: ServiceDeps & { loginLimits: LoginLimits }) {
  const { storage, clock, ids, bus } = deps;
  const byAccountAndAddress = windowLimiter(clock, { max: deps.loginLimits.perAccount, windowMs: deps.loginLimits.windowMs });
  const byAccount = windowLimiter(clock, { max: deps.loginLimits.perAccount * 10, windowMs: deps.loginLimits.windowMs });
  const registrations = windowLimiter(clock, { max: deps.loginLimits.registrationsPerAddress, windowMs: 3_600_000 });
  const byAddress = windowLimiter(clock, { max: deps.loginLimits.perAddress, windowMs: deps.loginLimits.windowMs });
  const oneAtATime = keyedMutex();

  async function openSession(user: UserRecord, deviceName: string): Promise<AuthResultDto> {
    const token = newSessionToken();
    const now = clock.now();
    const session: SessionRecord = {
      id: ids.next('s'),
      userId: user.id,
      deviceName,
      createdAt: now,
      lastSeenAt: now,
      revokedAt: null,
    };
    await storage.repos.sessions.insert({ ...session, tokenHash: hashToken(token) });
    return { token, user: selfDto(user), session: sessionDto(session, session.id) };
  }

  function refuseIfLimited(accountKey: string, address: string): void {
    const wait = Math.max(
      byAccountAndAddress.retryAfter(`${accountKey}\n${address}`),
      byAccount.retryAfter(accountKey),
      byAddress.retryAfter(address),
    );
    if (wait > 0) throw new AppError('rate.limited', 'too many failed logins; try again later', { retryAfterMs: wait });
  }

  async function revokeSessions(userId: string, sessionIds: string[]): Promise<void> {
    if (sessionIds.length > 0) bus.publish(userId, { kind: 'revoke', sessionIds });
  }

  return {
    /** `origin` null: an operator creating the account (CLI), not limited. */
    async register(input: OpInput<'auth.register'>, origin: Origin | null): Promise<AuthResultDto> {
      if (origin) {
        const wait = registrations.retryAfter(origin.address);
        if (wait > 0) throw new AppError('rate.limited', 'too many new accounts from this address; try again later', { retryAfterMs: wait });
        registrations.hit(origin.address);
      }
      const user: UserRecord = {
        id: ids.next('u'),
        username: input.username,
        displayName: input.displayName,
        passwordHash: await hashPassword(input.password),
        createdAt: clock.now(),
      };
      try {
        await storage.repos.users.insert({ ...user, usernameKey: usernameKey(input.username) });
      } catch (error) {
        if (error instanceof UniqueViolation) throw new AppError('auth.username_taken', 'that username is taken', { cause: error });
        throw error;
      }
      return openSession(user, input.deviceName ?? 'Unknown device');
    },

    /** Unknown user and wrong password answer alike, and take alike long. */
    async login(input: OpInput<'auth.login'>, origin: Origin): Promise<AuthResultDto> {
      const key = usernameKey(input.username);
      // One password check at a time per account, so guesses sent all at once meet the limit one by one
      // instead of all passing the check before the first failure is counted.
      const user = await oneAtATime(key, async () => {
        refuseIfLimited(key, origin.address);
        const found = await storage.repos.users.byUsernameKey(key);
        const ok = await verifyPassword(input.password, found?.passwordHash ?? (await dummyPasswordHash()));
        if (!found || !ok) {
          byAccountAndAddress.hit(`${key}\n${origin.address}`);
          byAccount.hit(key);
          byAddress.hit(origin.address);
          throw new AppError('auth.bad_credentials', 'wrong username or password');
        }
        byAccountAndAddress.reset(`${key}\n${origin.address}`);
        return found;
      });
      return openSession(user, input.deviceName ?? 'Unknown device');
    },

    /** Resolves a token to its user and session, or refuses it. */
    async authenticate(token: string): Promise<{ actor: Actor; user: SelfDto; session: SessionDto }> {
      const session = await storage.repos.sessions.byTokenHash(hashToken(token));
      if (!session) throw new AppError('auth.required', 'not signed in');
      if (session.revokedAt !== null) throw new AppError('auth.session_revoked', 'this session was signed out');
      const user = await storage.repos.users.byId(session.userId);
      if (!user) throw new AppError('auth.required', 'not signed in');
      const now = clock.now();
      // Refreshing "last seen" at most once a minute keeps authentication read-only on the hot path.
      if (now - session.lastSeenAt > 60_000) await storage.repos.sessions.touch(session.id, now);
      return {
        actor: { userId: user.id, sessionId: session.id },
        user: selfDto(user),
        session: sessionDto({ ...session, lastSeenAt: now }, session.id),
      };
    },

    /** Whether the session can still act (it may have been revoked since it authenticated). */
    async isActive(sessionId: string): Promise<boolean> {
      const session = await storage.repos.sessions.byId(sessionId);
      return session !== undefined && session.revokedAt === null;
    },

    async me(actor: Actor): Promise<{ user: SelfDto; session: SessionDto }> {
      const [user, session] = await Promise.all([
        storage.repos.users.byId(actor.userId),
        storage.repos.sessions.byId(actor.sessionId),
      ]);
      if (!user || !session) throw new AppError('auth.required', 'not signed in');
      return { user: selfDto(user), session: sessionDto(session, actor.sessionId) };
    },

    async logout(actor: Actor): Promise<Record<string, never>> {
      await storage.repos.sessions.revoke(actor.sessionId, clock.now());
      await revokeSessions(actor.userId, [actor.sessionId]);
      return {};
    },

    /** Every other session of the user ends at once, open sockets included. */
    async changePassword(actor: Actor, input: OpInput<'auth.changePassword'>): Promise<{ revokedSessions: number }> {
      const user = await storage.repos.users.byId(actor.userId);
      if (!user) throw new AppError('auth.required', 'not signed in');
      if (!(await verifyPassword(input.oldPassword, user.passwordHash)))
        throw new AppError('auth.bad_credentials', 'the current password is wrong');
      const hash = await hashPassword(input.newPassword);
      const revoked = await storage.transaction(async (repos) => {
        await repos.users.setPasswordHash(user.id, hash);
        return repos.sessions.revokeAllExcept(user.id, actor.sessionId, clock.now());
      });
      await revokeSessions(user.id, revoked);
      return { revokedSessions: revoked.length };
    },

    async listSessions(actor: Actor): Promise<{ sessions: SessionDto[] }> {
      const sessions = await storage.repos.sessions.activeForUser(actor.userId);
      return { sessions: sessions.map((s) => sessionDto(s, actor.sessionId)) };
    },

    async revokeSession(actor: Actor, input: OpInput<'sessions.revoke'>): Promise<Record<string, never>> {
      const session = await storage.repos.sessions.byId(input.sessionId);
      if (!session || session.userId !== actor.userId || session.revokedAt !== null)
        throw new AppError('session.not_found', 'no such session');
      await storage.repos.sessions.revoke(session.id, clock.now());
      await revokeSessions(actor.userId, [session.id]);
      return {};
    },

    /** For the admin CLI: set a password without the old one; every session ends. */
    async resetPassword(username: string, password: string): Promise<void> {
      const user = await storage.repos.users.byUsernameKey(usernameKey(username));
      if (!user) throw new AppError('user.not_found', 'no such user');
      const hash = await hashPassword(password);
      const revoked = await storage.transaction(async (repos) => {
        await repos.users.setPasswordHash(user.id, hash);
        return repos.sessions.revokeAllExcept(user.id, '', clock.now());
      });
      await revokeSessions(user.id, revoked);
    },
  };
}

export type AuthService = ReturnType<typeof authService>;
