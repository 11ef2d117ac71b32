import {
  limits,
  usernameKey,
  type FriendDto,
  type FriendRequestDto,
  type FriendRequestState,
  type OpInput,
  type UpdateBody,
  type UserDto,
} from '@feige/protocol';
import { AppError } from '../lib/app-error.js';
import type { FriendRequestRecord, UserRecord } from '../storage/records.js';
import type { Repos } from '../storage/storage.js';
import type { Actor, ServiceDeps } from './context.js';
import { friendRequestDto, userDto } from './dto.js';
import type { PresenceService } from './presence.service.js';
import { appendUpdates, publishUpdates } from './updates.js';

/** Search, friend requests, friendships and blocks. */
export function friendsService(deps: ServiceDeps & { presence: PresenceService }) {
  const { storage, clock, ids, bus } = deps;

  async function requireUser(repos: Repos, id: string): Promise<UserRecord> {
    const user = await repos.users.byId(id);
    if (!user) throw new AppError('user.not_found', 'no such user');
    return user;
  }

  async function requestDto(repos: Repos, request: FriendRequestRecord): Promise<FriendRequestDto> {
    const users = await repos.users.byIds([request.fromId, request.toId]);
    return friendRequestDto(request, new Map(users.map((u) => [u.id, u])));
  }

  /** Writes the request's new state to both users' logs; on acceptance also makes them friends. */
  async function settle(actor: Actor, requestId: string, state: FriendRequestState, allowed: 'from' | 'to') {
    const { dto, records } = await storage.transaction(async (repos) => {
      const request = await repos.social.requestById(requestId);
      const mine = request && (allowed === 'to' ? request.toId : request.fromId) === actor.userId;
      if (!request || !mine || request.state !== 'pending') throw new AppError('friend.request_not_found', 'no such pending request');
      await repos.users.lock([request.fromId, request.toId]);
      const now = clock.now();
      if (!(await repos.social.settleRequest(request.id, state, now)))
        throw new AppError('friend.request_not_found', 'no such pending request');
      const settled = { ...request, state, updatedAt: now };
      const dto = await requestDto(repos, settled);
      const entries: { userId: string; body: UpdateBody }[] = [
        { userId: request.fromId, body: { type: 'friend.request', request: dto } },
        { userId: request.toId, body: { type: 'friend.request', request: dto } },
      ];
      if (state === 'accepted') entries.push(...(await befriend(repos, dto.from, dto.to, now)));
      return { dto, records: await appendUpdates(repos, now, entries) };
    });
    publishUpdates(bus, records);
    return { request: dto };
  }

  async function befriend(repos: Repos, a: UserDto, b: UserDto, now: number) {
    if (await repos.social.friendshipSince(a.id, b.id)) throw new AppError('friend.already_friends', 'already friends');
    await repos.social.addFriendship(a.id, b.id, now);
    return [
      { userId: a.id, body: { type: 'friend.added', friend: b, since: now } as UpdateBody },
      { userId: b.id, body: { type: 'friend.added', friend: a, since: now } as UpdateBody },
    ];
  }

  return {
    async search(actor: Actor, input: OpInput<'users.search'>): Promise<{ users: UserDto[] }> {
      const query = input.query.normalize('NFKC').trim();
      if (query.length === 0) return { users: [] };
      // People who blocked me do not show up for me.
      const blockers = await storage.repos.social.blockersOf(actor.userId);
      const users = await storage.repos.users.search({
        keyPrefix: usernameKey(query),
        nameFragment: query,
        excludeIds: [actor.userId, ...blockers],
        limit: limits.searchResultsMax,
      });
      return { users: users.map(userDto) };
    },

    async list(actor: Actor): Promise<{ friends: FriendDto[] }> {
      const [friendships, blockers] = await Promise.all([
        storage.repos.social.friendsOf(actor.userId),
        storage.repos.social.blockersOf(actor.userId),
      ]);
      const users = new Map((await storage.repos.users.byIds(friendships.map((f) => f.friendId))).map((u) => [u.id, u]));
      // A friend who blocked me shows as offline to me.
      const hidden = new Set(blockers);
      const friends: FriendDto[] = [];
      for (const f of friendships) {
        const user = users.get(f.friendId);
        const online = !hidden.has(f.friendId) && deps.presence.isOnline(f.friendId);
        if (user) friends.push({ user: userDto(user), since: f.since, online });
      }
      friends.sort((a, b) => a.user.displayName.localeCompare(b.user.displayName));
      return { friends };
    },

    async requests(actor: Actor): Promise<{ incoming: FriendRequestDto[]; outgoing: FriendRequestDto[] }> {
      const { incoming, outgoing } = await storage.repos.social.pendingFor(actor.userId);
      const ids = new Set([...incoming, ...outgoing].flatMap((r) => [r.fromId, r.toId]));
      const users = new Map((await storage.repos.users.byIds([...ids])).map((u) => [u.id, u]));
      return {
        incoming: incoming.map((r) => friendRequestDto(r, users)),
        outgoing: outgoing.map((r) => friendRequestDto(r, users)),
      };
    },

    /** Sends a request; if the other side already asked me, we become friends instead. */
    async request(actor: Actor, input: OpInput<'friends.request'>): Promise<{ request: FriendRequestDto }> {
      if (input.userId === actor.userId) throw new AppError('friend.self', 'you cannot befriend yourself');
      const { dto, records } = await storage.transaction(async (repos) => {
        // Two requests between the same pair (either direction) run one after the other, never interleaved.
        await repos.users.lock([actor.userId, input.userId]);
        const [me, them] = [await requireUser(repos, actor.userId), await requireUser(repos, input.userId)];
        const blocks = await repos.social.blockedEitherWay(me.id, them.id);
        if (blocks.bBlocksA) throw new AppError('friend.blocked', 'this user does not accept requests from you');
        if (blocks.aBlocksB) throw new AppError('friend.blocked', 'unblock this user first');
        if (await repos.social.friendshipSince(me.id, them.id)) throw new AppError('friend.already_friends', 'already friends');
        const now = clock.now();
        const theirs = await repos.social.pendingBetween(them.id, me.id);
        if (theirs) {
          await repos.social.settleRequest(theirs.id, 'accepted', now);
          const dto = await requestDto(repos, { ...theirs, state: 'accepted', updatedAt: now });
          const entries = [
            { userId: me.id, body: { type: 'friend.request', request: dto } as UpdateBody },
            { userId: them.id, body: { type: 'friend.request', request: dto } as UpdateBody },
            ...(await befriend(repos, dto.from, dto.to, now)),
          ];
          return { dto, records: await appendUpdates(repos, now, entries) };
        }
        const note = input.note ?? '';
        const mine = await repos.social.pendingBetween(me.id, them.id);
        if (mine) {
          // Asking again refreshes the note rather than piling up requests.
          if (mine.note === note) return { dto: await requestDto(repos, mine), records: [] };
          await repos.social.updateNote(mine.id, note, now);
          const dto = await requestDto(repos, { ...mine, note, updatedAt: now });
          const entries = [me.id, them.id].map((userId) => ({ userId, body: { type: 'friend.request', request: dto } as UpdateBody }));
          return { dto, records: await appendUpdates(repos, now, entries) };
        }
        const request: FriendRequestRecord = {
          id: ids.next('fr'),
          fromId: me.id,
          toId: them.id,
          note,
          state: 'pending',
          createdAt: now,
          updatedAt: now,
        };
        await repos.social.insertRequest(request);
        const dto = await requestDto(repos, request);
        const entries = [me.id, them.id].map((userId) => ({ userId, body: { type: 'friend.request', request: dto } as UpdateBody }));
        return { dto, records: await appendUpdates(repos, now, entries) };
      });
      publishUpdates(bus, records);
      return { request: dto };
    },

    accept: (actor: Actor, input: OpInput<'friends.accept'>) => settle(actor, input.requestId, 'accepted', 'to'),
    decline: (actor: Actor, input: OpInput<'friends.decline'>) => settle(actor, input.requestId, 'declined', 'to'),
    cancel: (actor: Actor, input: OpInput<'friends.cancel'>) => settle(actor, input.requestId, 'cancelled', 'from'),

    /** Ends the friendship for both; the chat history stays readable, new messages are refused. */
    async remove(actor: Actor, input: OpInput<'friends.remove'>): Promise<Record<string, never>> {
      const records = await storage.transaction(async (repos) => {
        await repos.users.lock([actor.userId, input.userId]);
        if (!(await repos.social.removeFriendship(actor.userId, input.userId)))
          throw new AppError('friend.not_friends', 'you are not friends');
        return appendUpdates(repos, clock.now(), [
          { userId: actor.userId, body: { type: 'friend.removed', userId: input.userId } },
          { userId: input.userId, body: { type: 'friend.removed', userId: actor.userId } },
        ]);
      });
      publishUpdates(bus, records);
      return {};
    },

    async blocks(actor: Actor): Promise<{ users: UserDto[] }> {
      const ids = await storage.repos.social.blockedBy(actor.userId);
      return { users: (await storage.repos.users.byIds(ids)).map(userDto) };
    },

    /** Blocking cancels pending requests between the two; the friendship stays but nothing gets through. */
    async block(actor: Actor, input: OpInput<'blocks.add'>): Promise<Record<string, never>> {
      if (input.userId === actor.userId) throw new AppError('block.self', 'you cannot block yourself');
      const records = await storage.transaction(async (repos) => {
        const target = await requireUser(repos, input.userId);
        await repos.users.lock([actor.userId, target.id]);
        const now = clock.now();
        if (!(await repos.social.addBlock(actor.userId, target.id, now))) return [];
        const entries: { userId: string; body: UpdateBody }[] = [
          { userId: actor.userId, body: { type: 'block.added', user: userDto(target) } },
        ];
        for (const [from, to, state] of [
          [actor.userId, target.id, 'cancelled'],
          [target.id, actor.userId, 'declined'],
        ] as const) {
          const pending = await repos.social.pendingBetween(from, to);
          if (pending && (await repos.social.settleRequest(pending.id, state, now))) {
            const dto = await requestDto(repos, { ...pending, state, updatedAt: now });
            entries.push(...[from, to].map((userId) => ({ userId, body: { type: 'friend.request', request: dto } as UpdateBody })));
          }
        }
        return appendUpdates(repos, now, entries);
      });
      publishUpdates(bus, records);
      return {};
    },

    async unblock(actor: Actor, input: OpInput<'blocks.remove'>): Promise<Record<string, never>> {
      const records = await storage.transaction(async (repos) => {
        if (!(await repos.social.removeBlock(actor.userId, input.userId))) return [];
        return appendUpdates(repos, clock.now(), [{ userId: actor.userId, body: { type: 'block.removed', userId: input.userId } }]);
      });
      publishUpdates(bus, records);
      return {};
    },
  };
}

export type FriendsService = ReturnType<typeof friendsService>;
