import { errorCatalog, type ErrorCode, type IssueDto } from '@feige/protocol';

export interface AppErrorOptions {
  retryAfterMs?: number;
  issues?: IssueDto[];
  cause?: unknown;
}

/** A refusal with a catalogued code. Services throw these; transports turn them into replies. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly retryAfterMs: number | undefined;
  readonly issues: IssueDto[] | undefined;

  constructor(code: ErrorCode, message?: string, options: AppErrorOptions = {}) {
    super(message ?? code, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.retryAfterMs = options.retryAfterMs;
    this.issues = options.issues;
  }

  get status(): number {
    return errorCatalog[this.code].status;
  }
}
