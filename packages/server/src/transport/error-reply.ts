import { errorCatalog, type ErrorDto } from '@feige/protocol';
import { AppError } from '../lib/app-error.js';
import type { Logger } from '../lib/logger.js';

/**
 * Turns anything thrown into the reply a client sees. Unexpected errors are logged with their stack and answered with
 * `server.internal` and the request id only: no SQL, stack or driver text reaches a client.
 */
export function errorReply(error: unknown, requestId: string, logger: Logger): { status: number; body: ErrorDto } {
  if (error instanceof AppError) {
    const body: ErrorDto = { code: error.code, message: error.message, requestId };
    if (error.retryAfterMs !== undefined) body.retryAfterMs = error.retryAfterMs;
    if (error.issues !== undefined) body.issues = error.issues;
    return { status: errorCatalog[error.code].status, body };
  }
  logger.error({ err: error, requestId }, 'unexpected error');
  return {
    status: 500,
    body: { code: 'server.internal', message: 'something went wrong on the server', requestId },
  };
}
