import { ApiError, NetworkError } from '@feige/client';
import type { ErrorCode } from '@feige/protocol';
import type { TFunction } from 'i18next';
import type { TranslationKey } from './resources';

/**
 * One text per catalogued error code. Typed as a Record over ErrorCode, so a code added to the protocol without a
 * translation here fails the typecheck, and the key type makes a missing text in the JSON fail it too.
 */
export const errorKeys: Record<ErrorCode, TranslationKey> = {
  'request.invalid': 'errors.request.invalid',
  'request.unknown_op': 'errors.request.unknown_op',
  'request.too_large': 'errors.request.too_large',
  'rate.limited': 'errors.rate.limited',
  'auth.required': 'errors.auth.required',
  'auth.bad_credentials': 'errors.auth.bad_credentials',
  'auth.session_revoked': 'errors.auth.session_revoked',
  'auth.username_taken': 'errors.auth.username_taken',
  'auth.already_authenticated': 'errors.auth.already_authenticated',
  'auth.timeout': 'errors.auth.timeout',
  'user.not_found': 'errors.user.not_found',
  'session.not_found': 'errors.session.not_found',
  'friend.request_not_found': 'errors.friend.request_not_found',
  'friend.already_friends': 'errors.friend.already_friends',
  'friend.not_friends': 'errors.friend.not_friends',
  'friend.self': 'errors.friend.self',
  'friend.blocked': 'errors.friend.blocked',
  'block.self': 'errors.block.self',
  'conversation.not_found': 'errors.conversation.not_found',
  'message.empty': 'errors.message.empty',
  'group.permission_denied': 'errors.group.permission_denied',
  'group.not_member': 'errors.group.not_member',
  'group.already_member': 'errors.group.already_member',
  'group.full': 'errors.group.full',
  'group.invite_invalid': 'errors.group.invite_invalid',
  'group.owner_must_transfer': 'errors.group.owner_must_transfer',
  'group.join_request_not_found': 'errors.group.join_request_not_found',
  'message.mention_all_denied': 'errors.message.mention_all_denied',
  'message.id_conflict': 'errors.message.id_conflict',
  'server.internal': 'errors.server.internal',
  'server.shutting_down': 'errors.server.shutting_down',
};

export function errorCodeText(t: TFunction, code: ErrorCode): string {
  return t(errorKeys[code]);
}

/** Text for anything a call can throw. Branches on the error's class and code, never on its message. */
export function errorText(t: TFunction, error: unknown): string {
  if (error instanceof ApiError) return errorCodeText(t, error.code);
  if (error instanceof NetworkError) return t('common.networkError');
  return t('common.unexpectedError');
}
