import type { FriendRequestDto, SelfDto, SessionDto, UserDto } from '@feige/protocol';
import type { FriendRequestRecord, SessionRecord, UserRecord } from '../storage/records.js';

/** Records to wire shapes: the only place that decides what of a record a client may see. */
export function userDto(user: UserRecord): UserDto {
  return { id: user.id, username: user.username, displayName: user.displayName };
}

export function selfDto(user: UserRecord): SelfDto {
  return { ...userDto(user), createdAt: user.createdAt };
}

export function sessionDto(session: SessionRecord, currentSessionId: string): SessionDto {
  return {
    id: session.id,
    deviceName: session.deviceName,
    createdAt: session.createdAt,
    lastSeenAt: session.lastSeenAt,
    current: session.id === currentSessionId,
  };
}

export function friendRequestDto(request: FriendRequestRecord, users: Map<string, UserRecord>): FriendRequestDto {
  const from = users.get(request.fromId);
  const to = users.get(request.toId);
  if (!from || !to) throw new Error(`friend request ${request.id} refers to a missing user`);
  return {
    id: request.id,
    from: userDto(from),
    to: userDto(to),
    note: request.note,
    state: request.state,
    createdAt: request.createdAt,
    updatedAt: request.updatedAt,
  };
}
