/**
 * The error catalog: every code a client can see, with its HTTP status and whether retrying the same request
 * may succeed. Codes are `<area>.<reason>` and are never reused for another meaning.
 */
export const errorCatalog = {
  'request.invalid': { status: 400, retryable: false },
  'request.unknown_op': { status: 400, retryable: false },
  'request.too_large': { status: 413, retryable: false },
  'rate.limited': { status: 429, retryable: true },
  'auth.required': { status: 401, retryable: false },
  'auth.bad_credentials': { status: 401, retryable: false },
  'auth.session_revoked': { status: 401, retryable: false },
  'auth.username_taken': { status: 409, retryable: false },
  'auth.already_authenticated': { status: 409, retryable: false },
  'auth.timeout': { status: 408, retryable: true },
  'user.not_found': { status: 404, retryable: false },
  'session.not_found': { status: 404, retryable: false },
  'friend.request_not_found': { status: 404, retryable: false },
  'friend.already_friends': { status: 409, retryable: false },
  'friend.not_friends': { status: 403, retryable: false },
  'friend.self': { status: 400, retryable: false },
  'friend.blocked': { status: 403, retryable: false },
  'block.self': { status: 400, retryable: false },
  'conversation.not_found': { status: 404, retryable: false },
  'message.empty': { status: 400, retryable: false },
  'group.permission_denied': { status: 403, retryable: false },
  'group.not_member': { status: 404, retryable: false },
  'group.already_member': { status: 409, retryable: false },
  'group.full': { status: 409, retryable: false },
  'group.invite_invalid': { status: 404, retryable: false },
  'group.owner_must_transfer': { status: 409, retryable: false },
  'group.join_request_not_found': { status: 404, retryable: false },
  'message.mention_all_denied': { status: 403, retryable: false },
  'message.id_conflict': { status: 409, retryable: false },
  'server.internal': { status: 500, retryable: true },
  'server.shutting_down': { status: 503, retryable: true },
} as const satisfies Record<string, { status: number; retryable: boolean }>;

export type ErrorCode = keyof typeof errorCatalog;

export const errorCodes = Object.keys(errorCatalog) as ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorCatalog, value);
}

/** One problem found while validating input: where, and what is wrong. */
export interface IssueDto {
  path: string;
  message: string;
}

/** The body of every error reply, over HTTP and WebSocket alike. */
export interface ErrorDto {
  code: ErrorCode;
  message: string;
  requestId: string;
  retryAfterMs?: number;
  issues?: IssueDto[];
}

/** WebSocket close codes the server uses. Fatal application errors close with 4000 + HTTP status. */
export const closeCodes = {
  normal: 1000,
  goingAway: 1001,
  tooLarge: 1009,
  authTimeout: 4408,
  authFailed: 4401,
  sessionRevoked: 4401,
  idle: 4408,
  slowConsumer: 4429,
} as const;
