import { schemas, type OpInput, type OpName, type OpResult } from '@feige/protocol';
import { AppError } from '../lib/app-error.js';
import type { Actor, Origin, Services } from '../services/index.js';

type Handler<O extends OpName> = (s: Services, actor: Actor, input: OpInput<O>, origin: Origin) => Promise<OpResult<O>>;
type PublicHandler<O extends OpName> = (s: Services, input: OpInput<O>, origin: Origin) => Promise<OpResult<O>>;

/** Ops callable without a session. */
const publicHandlers: { [O in 'auth.register' | 'auth.login']: PublicHandler<O> } = {
  'auth.register': (s, input, origin) => s.auth.register(input, origin),
  'auth.login': (s, input, origin) => s.auth.login(input, origin),
};

/** Every other op: one line each from the wire to one service method, shared by HTTP and WebSocket. */
const handlers: { [O in Exclude<OpName, keyof typeof publicHandlers>]: Handler<O> } = {
  'auth.logout': (s, a) => s.auth.logout(a),
  'auth.me': (s, a) => s.auth.me(a),
  'auth.changePassword': (s, a, i) => s.auth.changePassword(a, i),
  'sessions.list': (s, a) => s.auth.listSessions(a),
  'sessions.revoke': (s, a, i) => s.auth.revokeSession(a, i),
  'users.search': (s, a, i) => s.friends.search(a, i),
  'friends.list': (s, a) => s.friends.list(a),
  'friends.requests': (s, a) => s.friends.requests(a),
  'friends.request': (s, a, i) => s.friends.request(a, i),
  'friends.accept': (s, a, i) => s.friends.accept(a, i),
  'friends.decline': (s, a, i) => s.friends.decline(a, i),
  'friends.cancel': (s, a, i) => s.friends.cancel(a, i),
  'friends.remove': (s, a, i) => s.friends.remove(a, i),
  'blocks.list': (s, a) => s.friends.blocks(a),
  'blocks.add': (s, a, i) => s.friends.block(a, i),
  'blocks.remove': (s, a, i) => s.friends.unblock(a, i),
  'conversations.list': (s, a) => s.conversations.list(a),
  'conversations.openDirect': (s, a, i) => s.conversations.openDirect(a, i),
  'conversations.get': async (s, a, i) => ({ conversation: await s.conversations.get(a, i.conversationId) }),
  'conversations.updateSettings': (s, a, i) => s.conversations.updateSettings(a, i),
  'groups.create': (s, a, i) => s.groups.create(a, i),
  'groups.members': (s, a, i) => s.groups.members(a, i),
  'groups.rename': (s, a, i) => s.groups.rename(a, i),
  'groups.setAnnouncement': (s, a, i) => s.groups.setAnnouncement(a, i),
  'groups.updateSettings': (s, a, i) => s.groups.updateSettings(a, i),
  'groups.invite': (s, a, i) => s.groups.invite(a, i),
  'groups.joinRequests': (s, a, i) => s.groups.joinRequests(a, i),
  'groups.approveJoin': (s, a, i) => s.groups.approveJoin(a, i),
  'groups.rejectJoin': (s, a, i) => s.groups.rejectJoin(a, i),
  'groups.createInviteLink': (s, a, i) => s.groups.createInviteLink(a, i),
  'groups.inviteLinks': (s, a, i) => s.groups.inviteLinks(a, i),
  'groups.revokeInviteLink': (s, a, i) => s.groups.revokeInviteLink(a, i),
  'groups.join': (s, a, i) => s.groups.join(a, i),
  'groups.leave': (s, a, i) => s.groups.leave(a, i),
  'groups.removeMember': (s, a, i) => s.groups.removeMember(a, i),
  'groups.setRole': (s, a, i) => s.groups.setRole(a, i),
  'groups.transferOwnership': (s, a, i) => s.groups.transferOwnership(a, i),
  'groups.dissolve': (s, a, i) => s.groups.dissolve(a, i),
  'messages.send': (s, a, i) => s.messages.send(a, i),
  'messages.history': (s, a, i) => s.conversations.history(a, i),
  'messages.read': (s, a, i) => s.conversations.markRead(a, i),
  'messages.readers': (s, a, i) => s.conversations.readers(a, i),
  'messages.readCounts': (s, a, i) => s.conversations.readCounts(a, i),
  'typing.start': (s, a, i) => s.conversations.typing(a, i),
  'sync.get': (s, a, i) => s.sync.get(a, i),
  ping: async () => ({ now: Date.now() }),
};

export function isPublicOp(op: OpName): op is keyof typeof publicHandlers {
  return Object.hasOwn(publicHandlers, op);
}

/** Parses `data` with the op's schema, then calls its handler. Invalid input becomes `request.invalid` with issues. */
export async function runOp(
  services: Services,
  op: OpName,
  data: unknown,
  actor: Actor | null,
  origin: Origin,
): Promise<unknown> {
  const parsed = schemas[op].safeParse(data ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    const first = issues[0];
    throw new AppError('request.invalid', first ? `${first.path || 'input'} ${first.message}` : 'invalid input', { issues });
  }
  if (isPublicOp(op)) {
    const handler = publicHandlers[op] as PublicHandler<typeof op>;
    return handler(services, parsed.data as never, origin);
  }
  if (!actor) throw new AppError('auth.required', 'sign in first');
  const handler = handlers[op] as Handler<typeof op>;
  return handler(services, actor, parsed.data as never, origin);
}
