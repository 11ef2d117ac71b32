import { errorCatalog, isErrorCode, type ErrorCode, type ErrorDto, type IssueDto } from '@feige/protocol';

/** The server refused a request. Branch on `code`, never on `message`. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: ErrorCode;
  readonly status?: number;
  readonly requestId: string;
  readonly retryAfterMs?: number;
  readonly issues?: IssueDto[];
  /** From the catalog: whether sending the same request again may succeed. */
  readonly retryable: boolean;

  constructor(dto: ErrorDto, status?: number) {
    super(dto.message);
    this.code = dto.code;
    this.requestId = dto.requestId;
    this.retryable = errorCatalog[dto.code].retryable;
    // Socket replies carry no HTTP status; the catalog knows it, so callers see one either way.
    this.status = status ?? errorCatalog[dto.code].status;
    if (dto.retryAfterMs !== undefined) this.retryAfterMs = dto.retryAfterMs;
    if (dto.issues !== undefined) this.issues = dto.issues;
  }

  toDto(): ErrorDto {
    const dto: ErrorDto = { code: this.code, message: this.message, requestId: this.requestId };
    if (this.retryAfterMs !== undefined) dto.retryAfterMs = this.retryAfterMs;
    if (this.issues !== undefined) dto.issues = this.issues;
    return dto;
  }
}

/** The request may or may not have reached the server: socket closed before the reply, fetch failed, timeout. */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
}

/** Codes that mean the token no longer works: the session is over, nothing retried will change that. */
const sessionEndingCodes: ReadonlySet<ErrorCode> = new Set(['auth.required', 'auth.session_revoked']);

export function endsSession(error: unknown): boolean {
  return error instanceof ApiError && sessionEndingCodes.has(error.code);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseIssues(value: unknown): IssueDto[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const issues: IssueDto[] = [];
  for (const item of value) {
    if (isRecord(item) && typeof item.path === 'string' && typeof item.message === 'string')
      issues.push({ path: item.path, message: item.message });
  }
  return issues;
}

/**
 * Reads an ErrorDto from a reply body, or null when the body is not one (a proxy's error page, say).
 * A code this SDK does not know yet (a newer server) is mapped by status so retry decisions stay sound.
 */
export function parseErrorDto(value: unknown, status?: number): ErrorDto | null {
  if (!isRecord(value)) return null;
  const raw = value.code;
  if (typeof raw !== 'string') return null;
  const known = isErrorCode(raw);
  const code: ErrorCode = isErrorCode(raw)
    ? raw
    : status !== undefined && status < 500
      ? 'request.invalid'
      : 'server.internal';
  const message = typeof value.message === 'string' ? value.message : '';
  const dto: ErrorDto = {
    code,
    message: known ? message : `${raw}: ${message}`,
    requestId: typeof value.requestId === 'string' ? value.requestId : '',
  };
  if (typeof value.retryAfterMs === 'number' && value.retryAfterMs >= 0) dto.retryAfterMs = value.retryAfterMs;
  const issues = parseIssues(value.issues);
  if (issues) dto.issues = issues;
  return dto;
}
