import { z } from 'zod';
import type { EphemeralDto, SelfDto, SessionDto, UpdateDto } from './dto.js';
import type { ErrorDto } from './errors.js';

/**
 * WebSocket frames are JSON text. The client sends requests; the server answers each with a reply carrying the same
 * `id`, and pushes updates (stored, resumable, numbered by `pts`) and events (ephemeral).
 */
export const requestFrame = z.strictObject({
  id: z.string().min(1).max(64),
  op: z.string().min(1).max(64),
  data: z.unknown().optional(),
});
export type RequestFrame = z.infer<typeof requestFrame>;

/** The first frame on a socket: `{ id, op: 'auth', data: { token } }`. */
export const authFrameData = z.strictObject({ token: z.string().min(1).max(200) });

export interface AuthOkDto {
  user: SelfDto;
  session: SessionDto;
  /** The newest pts of the user's update log at the moment of authentication. */
  pts: number;
}

export type ServerFrame =
  | { type: 'reply'; id: string; ok: true; data: unknown }
  | { type: 'reply'; id: string; ok: false; error: ErrorDto }
  | { type: 'update'; update: UpdateDto }
  | { type: 'event'; event: EphemeralDto };
