import type {
  AuthResultDto,
  ConversationDto,
  FriendDto,
  FriendRequestDto,
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
  'conversations.openDirect': { conversation: ConversationDto };
  'messages.send': { message: MessageDto; duplicate: boolean };
  'messages.history': { messages: MessageDto[]; hasMore: boolean };
  'messages.read': { readSeq: number };
  'typing.start': Record<string, never>;
  'sync.get': { updates: UpdateDto[]; pts: number; hasMore: boolean };
  ping: { now: number };
}

export type OpResult<O extends OpName> = OpResults[O];

// Compile-time check that every op has a result type and no result lacks an op.
type Missing = Exclude<OpName, keyof OpResults> | Exclude<keyof OpResults, OpName>;
const _everyOpHasAResult: [Missing] extends [never] ? true : Missing = true;
void _everyOpHasAResult;
