import { randomBytes } from 'node:crypto';
import type {
  ConversationDto,
  InviteLinkDto,
  JoinRequestDto,
  MemberDto,
  MemberRole,
  MessageDto,
  OpInput,
  SystemEventDto,
  UpdateBody,
} from '@feige/protocol';
import { AppError } from '../lib/app-error.js';
import type { ConversationRecord, InviteLinkRecord, JoinRequestRecord, MemberRecord, MessageRecord } from '../storage/records.js';
import type { Repos } from '../storage/storage.js';
import { directSendRefusal } from './access.js';
import type { Actor, ServiceDeps } from './context.js';
import { conversationDto } from './conversation-dto.js';
import { userDto } from './dto.js';
import type { PresenceService } from './presence.service.js';
import { appendUpdates, publishUpdates } from './updates.js';
import type { UpdateRecord } from '../storage/records.js';

type SystemEvent = SystemEventDto extends infer E ? (E extends unknown ? Omit<E, 'names'> : never) : never;

interface GroupState {
  conversation: ConversationRecord;
  members: MemberRecord[];
  me: MemberRecord;
}

const isAdmin = (role: MemberRole) => role === 'owner' || role === 'admin';

/** Groups: lifecycle, membership, roles, invitations and links. Every change is a system event in the timeline. */
export function groupsService(deps: ServiceDeps & { presence: PresenceService; maxMembers: number }) {
  const { storage, clock, ids, bus } = deps;

  /** Locks the group and checks that the actor belongs to it. Non-members learn nothing about it. */
  async function lockGroup(repos: Repos, conversationId: string, userId: string): Promise<GroupState> {
    await repos.conversations.lock(conversationId);
    const conversation = await repos.conversations.byId(conversationId);
    const members = conversation ? await repos.conversations.members(conversationId) : [];
    const me = members.find((m) => m.userId === userId);
    if (!conversation || conversation.kind !== 'group' || !me) throw new AppError('conversation.not_found', 'no such group');
    return { conversation, members, me };
  }

  function requireRole(state: GroupState, allowed: 'admin' | 'owner'): void {
    const ok = allowed === 'owner' ? state.me.role === 'owner' : isAdmin(state.me.role);
    if (!ok) throw new AppError('group.permission_denied', allowed === 'owner' ? 'only the owner can do that' : 'only admins can do that');
  }

  function requireMember(state: GroupState, userId: string): MemberRecord {
    const member = state.members.find((m) => m.userId === userId);
    if (!member) throw new AppError('group.not_member', 'that user is not in this group');
    return member;
  }

  /**
   * Writes a system event into the timeline and every recipient's log, plus any extra log entries. The caller holds
   * the conversation lock and has applied the change.
   */
  async function post(
    repos: Repos,
    conversationId: string,
    actorId: string,
    event: SystemEvent,
    recipients: readonly string[],
    extra: { userId: string; body: UpdateBody }[] = [],
    seq?: number,
  ): Promise<{ message: MessageRecord; records: UpdateRecord[] }> {
    const now = clock.now();
    const involved = new Set<string>([actorId]);
    for (const key of ['actorId', 'userId'] as const) if (key in event) involved.add((event as Record<string, string>)[key] ?? '');
    if ('userIds' in event) for (const id of event.userIds) involved.add(id);
    const users = await repos.users.byIds([...involved].filter(Boolean));
    const names = Object.fromEntries(users.map((u) => [u.id, u.displayName]));
    const message: MessageRecord = {
      id: ids.next('m'),
      conversationId,
      seq: seq ?? (await repos.conversations.nextSeq(conversationId, now)),
      kind: 'system',
      senderId: actorId,
      clientMsgId: ids.next('sys'),
      text: '',
      system: { ...event, names } as SystemEventDto,
      createdAt: now,
    };
    await repos.messages.insert(message);
    const body: UpdateBody = { type: 'message.new', message };
    const entries = [...new Set(recipients)].map((userId) => ({ userId, body }));
    return { message, records: await appendUpdates(repos, now, [...extra, ...entries]) };
  }

  /** Runs a change in a transaction and publishes what it wrote after commit. */
  async function change<T>(work: (repos: Repos) => Promise<{ result: T; records: UpdateRecord[] }>): Promise<T> {
    const { result, records } = await storage.transaction(work);
    publishUpdates(bus, records);
    return result;
  }

  /** Adds users to a locked group right now: they see history from their join event on (or all, if the group says so). */
  async function admit(
    repos: Repos,
    state: Pick<GroupState, 'conversation' | 'members'>,
    actorId: string,
    userIds: string[],
    event: SystemEvent,
  ): Promise<{ message: MessageRecord; records: UpdateRecord[] }> {
    if (state.members.length + userIds.length > state.conversation.maxMembers)
      throw new AppError('group.full', `a group holds at most ${state.conversation.maxMembers} members`);
    const seq = await repos.conversations.nextSeq(state.conversation.id, clock.now());
    const visibleFromSeq = state.conversation.historyVisibility === 'all' ? 1 : seq;
    await repos.conversations.addMembers(
      state.conversation.id,
      userIds.map((userId) => ({ userId, role: 'member' as const, visibleFromSeq, readSeq: seq })),
      clock.now(),
    );
    // Whoever joins by any path has no invitation left waiting: an old request must not pull them back in later.
    for (const userId of userIds) {
      const waiting = await repos.groups.pendingJoinRequestFor(state.conversation.id, userId);
      if (waiting) await repos.groups.settleJoinRequest(waiting.id, 'approved');
    }
    const joined = userIds.map((userId) => ({
      userId,
      body: { type: 'conversation.joined', conversationId: state.conversation.id } as UpdateBody,
    }));
    const recipients = [...state.members.map((m) => m.userId), ...userIds];
    return post(repos, state.conversation.id, actorId, event, recipients, joined, seq);
  }

  /** Takes users out of a locked group: they hear of it once, then nothing more. */
  async function expel(
    repos: Repos,
    state: GroupState,
    actorId: string,
    userIds: string[],
    event: SystemEvent,
    reason: 'left' | 'removed' | 'dissolved',
  ) {
    await repos.conversations.removeMembers(state.conversation.id, userIds);
    const left = userIds.map((userId) => ({
      userId,
      body: { type: 'conversation.left', conversationId: state.conversation.id, reason } as UpdateBody,
    }));
    // Everyone who was a member sees the event, the ones leaving included, so their last view explains itself.
    return post(repos, state.conversation.id, actorId, event, state.members.map((m) => m.userId), left);
  }

  async function joinRequestDto(repos: Repos, request: JoinRequestRecord): Promise<JoinRequestDto> {
    const users = new Map((await repos.users.byIds([request.userId, request.invitedBy])).map((u) => [u.id, u]));
    const user = users.get(request.userId);
    const invitedBy = users.get(request.invitedBy);
    if (!user || !invitedBy) throw new Error(`join request ${request.id} refers to a missing user`);
    return { id: request.id, conversationId: request.conversationId, user: userDto(user), invitedBy: userDto(invitedBy), createdAt: request.createdAt };
  }

  function linkDto(link: InviteLinkRecord): InviteLinkDto {
    return {
      token: link.token,
      conversationId: link.conversationId,
      createdBy: link.createdBy,
      createdAt: link.createdAt,
      expiresAt: link.expiresAt,
      maxUses: link.maxUses,
      uses: link.uses,
    };
  }

  /** Only friends can be invited, and nobody who blocks the inviter or is blocked by them. */
  async function requireInvitable(repos: Repos, inviterId: string, userIds: readonly string[]): Promise<void> {
    for (const userId of userIds) {
      if (userId === inviterId) throw new AppError('friend.self', 'you are in the group already');
      const refusal = await directSendRefusal(repos, inviterId, userId);
      if (refusal) throw refusal;
    }
  }

  return {
    async create(actor: Actor, input: OpInput<'groups.create'>): Promise<{ conversation: ConversationDto }> {
      const invitees = [...new Set(input.userIds)].filter((id) => id !== actor.userId);
      if (invitees.length + 1 > deps.maxMembers) throw new AppError('group.full', `a group holds at most ${deps.maxMembers} members`);
      const id = ids.next('g');
      await change(async (repos) => {
        await requireInvitable(repos, actor.userId, invitees);
        const now = clock.now();
        await repos.conversations.insertGroup({ id, title: input.title, ownerId: actor.userId, maxMembers: deps.maxMembers, at: now });
        const everyone = [actor.userId, ...invitees];
        await repos.conversations.addMembers(
          id,
          everyone.map((userId) => ({ userId, role: userId === actor.userId ? 'owner' : 'member', visibleFromSeq: 1, readSeq: 0 })),
          now,
        );
        const joined = everyone.map((userId) => ({ userId, body: { type: 'conversation.joined', conversationId: id } as UpdateBody }));
        const { records } = await post(repos, id, actor.userId, { type: 'group.created', actorId: actor.userId, title: input.title, userIds: invitees }, everyone, joined);
        // The creator has read the creation event.
        await repos.conversations.advanceRead(id, actor.userId, 1);
        return { result: undefined, records };
      });
      const conversation = await storage.repos.conversations.byId(id);
      if (!conversation) throw new Error(`group ${id} vanished`);
      return { conversation: await conversationDto(storage.repos, conversation, actor.userId) };
    },

    async members(actor: Actor, input: OpInput<'groups.members'>): Promise<{ members: MemberDto[] }> {
      const members = await storage.repos.conversations.members(input.conversationId);
      const conversation = await storage.repos.conversations.byId(input.conversationId);
      if (!conversation || conversation.kind !== 'group' || !members.some((m) => m.userId === actor.userId))
        throw new AppError('conversation.not_found', 'no such group');
      const users = new Map((await storage.repos.users.byIds(members.map((m) => m.userId))).map((u) => [u.id, u]));
      const order = { owner: 0, admin: 1, member: 2 };
      return {
        members: members
          .flatMap((m) => {
            const user = users.get(m.userId);
            return user ? [{ user: userDto(user), role: m.role, nickname: m.nickname, joinedAt: m.joinedAt, online: deps.presence.isOnline(m.userId) }] : [];
          })
          .sort((a, b) => order[a.role] - order[b.role] || a.joinedAt - b.joinedAt),
      };
    },

    rename: (actor: Actor, input: OpInput<'groups.rename'>): Promise<{ message: MessageDto }> =>
      change(async (repos) => {
        const state = await lockGroup(repos, input.conversationId, actor.userId);
        requireRole(state, 'admin');
        await repos.conversations.updateGroup(state.conversation.id, { title: input.title });
        const { message, records } = await post(repos, state.conversation.id, actor.userId, { type: 'group.renamed', actorId: actor.userId, title: input.title }, state.members.map((m) => m.userId));
        return { result: { message }, records };
      }),

    setAnnouncement: (actor: Actor, input: OpInput<'groups.setAnnouncement'>): Promise<{ message: MessageDto }> =>
      change(async (repos) => {
        const state = await lockGroup(repos, input.conversationId, actor.userId);
        requireRole(state, 'admin');
        await repos.conversations.updateGroup(state.conversation.id, { announcement: input.text });
        const { message, records } = await post(repos, state.conversation.id, actor.userId, { type: 'group.announcement', actorId: actor.userId, text: input.text }, state.members.map((m) => m.userId));
        return { result: { message }, records };
      }),

    updateSettings: (actor: Actor, input: OpInput<'groups.updateSettings'>) =>
      change<{ message: MessageDto | null }>(async (repos) => {
        const state = await lockGroup(repos, input.conversationId, actor.userId);
        requireRole(state, 'owner');
        const historyVisibility = input.historyVisibility ?? state.conversation.historyVisibility;
        const inviteApproval = input.inviteApproval ?? state.conversation.inviteApproval;
        if (historyVisibility === state.conversation.historyVisibility && inviteApproval === state.conversation.inviteApproval)
          return { result: { message: null }, records: [] };
        await repos.conversations.updateGroup(state.conversation.id, { historyVisibility, inviteApproval });
        const { message, records } = await post(repos, state.conversation.id, actor.userId, { type: 'group.settings', actorId: actor.userId, historyVisibility, inviteApproval }, state.members.map((m) => m.userId));
        return { result: { message }, records };
      }),

    /** Adds friends at once, or — when the owner asked for approval and the inviter is no admin — queues them. */
    invite: (actor: Actor, input: OpInput<'groups.invite'>) =>
      change<{ added: string[]; pending: string[]; message: MessageDto | null }>(async (repos) => {
        const state = await lockGroup(repos, input.conversationId, actor.userId);
        const fresh = [...new Set(input.userIds)].filter((id) => !state.members.some((m) => m.userId === id));
        if (fresh.length === 0) throw new AppError('group.already_member', 'everyone invited is in the group already');
        await requireInvitable(repos, actor.userId, fresh);
        if (state.conversation.inviteApproval && !isAdmin(state.me.role)) {
          const now = clock.now();
          const admins = state.members.filter((m) => isAdmin(m.role)).map((m) => m.userId);
          const entries: { userId: string; body: UpdateBody }[] = [];
          for (const userId of fresh) {
            if (await repos.groups.pendingJoinRequestFor(state.conversation.id, userId)) continue;
            const request: JoinRequestRecord = { id: ids.next('jr'), conversationId: state.conversation.id, userId, invitedBy: actor.userId, state: 'pending', createdAt: now };
            await repos.groups.insertJoinRequest(request);
            const dto = await joinRequestDto(repos, request);
            entries.push(...admins.map((admin) => ({ userId: admin, body: { type: 'group.joinRequest', request: dto, state: 'pending' } as UpdateBody })));
          }
          return { result: { added: [], pending: fresh, message: null }, records: await appendUpdates(repos, now, entries) };
        }
        const { message, records } = await admit(repos, state, actor.userId, fresh, { type: 'member.invited', actorId: actor.userId, userIds: fresh });
        return { result: { added: fresh, pending: [], message }, records };
      }),

    async joinRequests(actor: Actor, input: OpInput<'groups.joinRequests'>): Promise<{ requests: JoinRequestDto[] }> {
      const me = await storage.repos.conversations.member(input.conversationId, actor.userId);
      if (!me) throw new AppError('conversation.not_found', 'no such group');
      if (!isAdmin(me.role)) throw new AppError('group.permission_denied', 'only admins see join requests');
      const requests = await storage.repos.groups.pendingJoinRequests(input.conversationId);
      return { requests: await Promise.all(requests.map((r) => joinRequestDto(storage.repos, r))) };
    },

    approveJoin: (actor: Actor, input: OpInput<'groups.approveJoin'>) =>
      change<{ message: MessageDto | null }>(async (repos) => {
        const request = await repos.groups.joinRequest(input.requestId);
        if (!request) throw new AppError('group.join_request_not_found', 'no such join request');
        const state = await lockGroup(repos, request.conversationId, actor.userId);
        requireRole(state, 'admin');
        if (!(await repos.groups.settleJoinRequest(request.id, 'approved')))
          throw new AppError('group.join_request_not_found', 'that request was already handled');
        const dto = await joinRequestDto(repos, request);
        const admins = state.members.filter((m) => isAdmin(m.role)).map((m) => m.userId);
        const told = admins.map((userId) => ({ userId, body: { type: 'group.joinRequest', request: dto, state: 'approved' } as UpdateBody }));
        if (state.members.some((m) => m.userId === request.userId))
          return { result: { message: null }, records: await appendUpdates(repos, clock.now(), told) };
        const { message, records } = await admit(repos, state, actor.userId, [request.userId], { type: 'member.joined', userId: request.userId, via: 'approval' });
        return { result: { message }, records: [...records, ...(await appendUpdates(repos, clock.now(), told))] };
      }),

    rejectJoin: (actor: Actor, input: OpInput<'groups.rejectJoin'>) =>
      change(async (repos) => {
        const request = await repos.groups.joinRequest(input.requestId);
        if (!request) throw new AppError('group.join_request_not_found', 'no such join request');
        const state = await lockGroup(repos, request.conversationId, actor.userId);
        requireRole(state, 'admin');
        if (!(await repos.groups.settleJoinRequest(request.id, 'rejected')))
          throw new AppError('group.join_request_not_found', 'that request was already handled');
        const dto = await joinRequestDto(repos, request);
        const admins = state.members.filter((m) => isAdmin(m.role)).map((m) => m.userId);
        const records = await appendUpdates(repos, clock.now(), admins.map((userId) => ({ userId, body: { type: 'group.joinRequest', request: dto, state: 'rejected' } as UpdateBody })));
        return { result: {} as Record<string, never>, records };
      }),

    /** Admins make links; when approvals are off any member may. */
    createInviteLink: (actor: Actor, input: OpInput<'groups.createInviteLink'>) =>
      change(async (repos) => {
        const state = await lockGroup(repos, input.conversationId, actor.userId);
        if (state.conversation.inviteApproval) requireRole(state, 'admin');
        const now = clock.now();
        const link: InviteLinkRecord = {
          token: randomBytes(18).toString('base64url'),
          conversationId: state.conversation.id,
          createdBy: actor.userId,
          createdAt: now,
          expiresAt: input.expiresInMs === undefined ? null : now + input.expiresInMs,
          maxUses: input.maxUses ?? null,
          uses: 0,
          revokedAt: null,
        };
        await repos.groups.insertInvite(link);
        return { result: { link: linkDto(link) }, records: [] };
      }),

    async inviteLinks(actor: Actor, input: OpInput<'groups.inviteLinks'>): Promise<{ links: InviteLinkDto[] }> {
      const me = await storage.repos.conversations.member(input.conversationId, actor.userId);
      if (!me) throw new AppError('conversation.not_found', 'no such group');
      const now = clock.now();
      const links = await storage.repos.groups.activeInvites(input.conversationId);
      return {
        links: links
          .filter((l) => (isAdmin(me.role) || l.createdBy === actor.userId) && (l.expiresAt === null || l.expiresAt > now))
          .map(linkDto),
      };
    },

    /** The link's creator or an admin may revoke it. */
    revokeInviteLink: (actor: Actor, input: OpInput<'groups.revokeInviteLink'>) =>
      change(async (repos) => {
        const link = await repos.groups.inviteByToken(input.token);
        if (!link || link.revokedAt !== null) throw new AppError('group.invite_invalid', 'no such invite link');
        const state = await lockGroup(repos, link.conversationId, actor.userId);
        if (link.createdBy !== actor.userId) requireRole(state, 'admin');
        await repos.groups.revokeInvite(link.token, clock.now());
        return { result: {} as Record<string, never>, records: [] };
      }),

    async join(actor: Actor, input: OpInput<'groups.join'>): Promise<{ conversation: ConversationDto }> {
      const conversationId = await change(async (repos) => {
        const link = await repos.groups.inviteByToken(input.token);
        const invalid = () => new AppError('group.invite_invalid', 'this invite link is invalid, expired or used up');
        if (!link) throw invalid();
        await repos.conversations.lock(link.conversationId);
        const conversation = await repos.conversations.byId(link.conversationId);
        const now = clock.now();
        if (!conversation || link.revokedAt !== null || (link.expiresAt !== null && link.expiresAt <= now)) throw invalid();
        const members = await repos.conversations.members(conversation.id);
        if (members.some((m) => m.userId === actor.userId)) return { result: conversation.id, records: [] };
        // A link speaks for its creator: it lapses when they leave, when approvals start and they are no admin, and it
        // never admits someone who blocks them or whom they block.
        const creator = members.find((m) => m.userId === link.createdBy);
        if (!creator || (conversation.inviteApproval && !isAdmin(creator.role))) throw invalid();
        const blocks = await repos.social.blockedEitherWay(link.createdBy, actor.userId);
        if (blocks.aBlocksB || blocks.bBlocksA) throw invalid();
        if (!(await repos.groups.useInvite(link.token))) throw invalid();
        const { records } = await admit(repos, { conversation, members }, actor.userId, [actor.userId], { type: 'member.joined', userId: actor.userId, via: 'link' });
        return { result: conversation.id, records };
      });
      const conversation = await storage.repos.conversations.byId(conversationId);
      if (!conversation) throw new AppError('group.invite_invalid', 'the group is gone');
      return { conversation: await conversationDto(storage.repos, conversation, actor.userId) };
    },

    /** The owner hands the group over first, unless they are the last one in it (then it is dissolved). */
    leave: (actor: Actor, input: OpInput<'groups.leave'>) =>
      change(async (repos) => {
        const state = await lockGroup(repos, input.conversationId, actor.userId);
        if (state.me.role === 'owner' && state.members.length > 1)
          throw new AppError('group.owner_must_transfer', 'hand the group to another member before leaving');
        if (state.me.role === 'owner') {
          // The last one out turns off the lights: an ownerless group must not live on through its invite links.
          await repos.groups.revokeAllInvites(state.conversation.id, clock.now());
          const { records } = await expel(repos, state, actor.userId, [actor.userId], { type: 'group.dissolved', actorId: actor.userId }, 'dissolved');
          return { result: {} as Record<string, never>, records };
        }
        const { records } = await expel(repos, state, actor.userId, [actor.userId], { type: 'member.left', userId: actor.userId }, 'left');
        return { result: {} as Record<string, never>, records };
      }),

    /** Admins remove members; only the owner removes admins; nobody removes the owner. */
    removeMember: (actor: Actor, input: OpInput<'groups.removeMember'>) =>
      change(async (repos) => {
        const state = await lockGroup(repos, input.conversationId, actor.userId);
        requireRole(state, 'admin');
        const target = requireMember(state, input.userId);
        if (target.userId === actor.userId) throw new AppError('group.permission_denied', 'use leave to leave the group');
        if (target.role === 'owner' || (target.role === 'admin' && state.me.role !== 'owner'))
          throw new AppError('group.permission_denied', 'you cannot remove this member');
        const { message, records } = await expel(repos, state, actor.userId, [target.userId], { type: 'member.removed', actorId: actor.userId, userId: target.userId }, 'removed');
        return { result: { message }, records };
      }),

    setRole: (actor: Actor, input: OpInput<'groups.setRole'>) =>
      change<{ message: MessageDto | null }>(async (repos) => {
        const state = await lockGroup(repos, input.conversationId, actor.userId);
        requireRole(state, 'owner');
        const target = requireMember(state, input.userId);
        if (target.role === 'owner') throw new AppError('group.permission_denied', 'the owner stays owner; transfer ownership instead');
        if (target.role === input.role) return { result: { message: null }, records: [] };
        await repos.conversations.setRole(state.conversation.id, target.userId, input.role);
        const { message, records } = await post(repos, state.conversation.id, actor.userId, { type: 'member.role', actorId: actor.userId, userId: target.userId, role: input.role }, state.members.map((m) => m.userId));
        return { result: { message }, records };
      }),

    transferOwnership: (actor: Actor, input: OpInput<'groups.transferOwnership'>) =>
      change(async (repos) => {
        const state = await lockGroup(repos, input.conversationId, actor.userId);
        requireRole(state, 'owner');
        const target = requireMember(state, input.userId);
        if (target.userId === actor.userId) throw new AppError('group.permission_denied', 'you own this group already');
        await repos.conversations.setRole(state.conversation.id, actor.userId, 'admin');
        await repos.conversations.setRole(state.conversation.id, target.userId, 'owner');
        await repos.conversations.updateGroup(state.conversation.id, { ownerId: target.userId });
        const { message, records } = await post(repos, state.conversation.id, actor.userId, { type: 'group.owner', actorId: actor.userId, userId: target.userId }, state.members.map((m) => m.userId));
        return { result: { message }, records };
      }),

    /** Everyone is told, then nobody is a member: devices keep what they hold, the server gives nothing more. */
    dissolve: (actor: Actor, input: OpInput<'groups.dissolve'>) =>
      change(async (repos) => {
        const state = await lockGroup(repos, input.conversationId, actor.userId);
        requireRole(state, 'owner');
        await repos.groups.revokeAllInvites(state.conversation.id, clock.now());
        const everyone = state.members.map((m) => m.userId);
        const { records } = await expel(repos, state, actor.userId, everyone, { type: 'group.dissolved', actorId: actor.userId }, 'dissolved');
        return { result: {} as Record<string, never>, records };
      }),
  };
}

export type GroupsService = ReturnType<typeof groupsService>;
