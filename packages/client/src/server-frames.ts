import type { EphemeralDto, ErrorDto, UpdateDto } from '@feige/protocol';
import { parseErrorDto } from './errors.js';

/**
 * Frames as the SDK sees them after checking the envelope. Bodies (DTOs) are trusted, as protocol/dto.ts says: the
 * server is ours. The envelope is checked because the SDK's own bookkeeping (reply ids, pts arithmetic) depends on it.
 */
export type IncomingFrame =
  | { type: 'reply'; id: string; ok: true; data: unknown }
  | { type: 'reply'; id: string; ok: false; error: ErrorDto }
  | { type: 'update'; update: UpdateDto }
  | { type: 'event'; event: EphemeralDto };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isUpdate(value: unknown): value is UpdateDto {
  return (
    isRecord(value) &&
    typeof value.type === 'string' &&
    typeof value.pts === 'number' &&
    Number.isSafeInteger(value.pts) &&
    value.pts > 0
  );
}

function isEphemeral(value: unknown): value is EphemeralDto {
  return isRecord(value) && (value.type === 'typing' || value.type === 'presence');
}

/** Null for anything that is not a well-formed server frame; the caller drops it. */
export function parseServerFrame(text: string): IncomingFrame | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(value)) return null;
  switch (value.type) {
    case 'reply': {
      if (typeof value.id !== 'string') return null;
      if (value.ok === true) return { type: 'reply', id: value.id, ok: true, data: value.data };
      const error = parseErrorDto(value.error);
      return error ? { type: 'reply', id: value.id, ok: false, error } : null;
    }
    case 'update':
      return isUpdate(value.update) ? { type: 'update', update: value.update } : null;
    case 'event':
      return isEphemeral(value.event) ? { type: 'event', event: value.event } : null;
    default:
      return null;
  }
}
