import type {
  AuthResultDto,
  ConversationDto,
  FriendDto,
  FriendRequestDto,
  InviteLinkDto,
  JoinRequestDto,
  MemberDto,
  MessageDto,
  SelfDto,
  SessionDto,
  UpdateDto,
  UserDto,
} from './dto.js';
import type { OpName } from './schemas.js';

/** What each op answers with. */
export interface OpResults {
  'auth.register': AuthResultDto;
  'auth.login': AuthResultDto;
  'auth.logout': Record<string, never>;
  'auth.me': { user: SelfDto; session: SessionDto };
  'auth.changePassword': { revokedSessions: number };
  'sessions.list': { sessions: SessionDto[] };
  'sessions.revoke': Record<string, never>;
  'users.search': { users: UserDto[] };
  'friends.list': { friends: FriendDto[] };
  'friends.requests': { incoming: FriendRequestDto[]; outgoing: FriendRequestDto[] };
  'friends.request': { request: FriendRequestDto };
  'friends.accept': { request: FriendRequestDto };
  'friends.decline': { request: FriendRequestDto };
  'friends.cancel': { request: FriendRequestDto };
  'friends.remove': Record<string, never>;
  'blocks.list': { users: UserDto[] };
  'blocks.add': Record<string, never>;
  'blocks.remove': Record<string, never>;
  'conversations.list': { conversations: ConversationDto[] };
  'conversations.get': { conversation: ConversationDto };
  'conversations.updateSettings': { conversation: ConversationDto };
  'groups.create': { conversation: ConversationDto };
  'groups.members': { members: MemberDto[] };
  'groups.rename': { message: MessageDto };
  'groups.setAnnouncement': { message: MessageDto };
  'groups.updateSettings': { message: MessageDto | null };
  /** Users added at once, and those whose invitation waits for an admin. */
  'groups.invite': { added: string[]; pending: string[]; message: MessageDto | null };
  'groups.joinRequests': { requests: JoinRequestDto[] };
  'groups.approveJoin': { message: MessageDto | null };
  'groups.rejectJoin': Record<string, never>;
  'groups.createInviteLink': { link: InviteLinkDto };
  'groups.inviteLinks': { links: InviteLinkDto[] };
  'groups.revokeInviteLink': Record<string, never>;
  'groups.join': { conversation: ConversationDto };
  'groups.leave': Record<string, never>;
  'groups.removeMember': { message: MessageDto };
  'groups.setRole': { message: MessageDto | null };
  'groups.transferOwnership': { message: MessageDto };
  'groups.dissolve': Record<string, never>;
  'conversations.openDirect': { conversation: ConversationDto };
  'messages.send': { message: MessageDto; duplicate: boolean };
  'messages.history': { messages: MessageDto[]; hasMore: boolean };
  'messages.read': { readSeq: number };
  /** Who read the message (members up to limits.groupReadersListMax; above that `readers` is null). */
  'messages.readers': { count: number; readers: UserDto[] | null };
  /** For each of my messages in the range: how many other members have read it. */
  'messages.readCounts': { counts: { seq: number; count: number }[] };
  'typing.start': Record<string, never>;
  'sync.get': { updates: UpdateDto[]; pts: number; hasMore: boolean };
  ping: { now: number };
}

export type OpResult<O extends OpName> = OpResults[O];

// Compile-time check that every op has a result type and no result lacks an op.
type Missing = Exclude<OpName, keyof OpResults> | Exclude<keyof OpResults, OpName>;
const _everyOpHasAResult: [Missing] extends [never] ? true : Missing = true;
void _everyOpHasAResult;
