import { z } from 'zod';

/** Error codes that travel in acks and HTTP error bodies. Extend, never rename. */
export const ErrorCode = {
  BadRequest: 'bad_request',
  Unauthenticated: 'unauthenticated',
  Forbidden: 'forbidden',
  NotFound: 'not_found',
  Conflict: 'conflict',
  RateLimited: 'rate_limited',
  ProtocolMismatch: 'protocol_mismatch',
  Internal: 'internal',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ErrorBody {
  code: string;
  message: string;
  /** Field-level problems from validation, when there are any. */
  issues?: { path: string; message: string }[];
  /** `session_elsewhere`: the node hosting the session; reconnect with `?node=<nodeId>` (the balancer routes it there). */
  hostNodeId?: string;
  /** `rate_limited`: whole seconds before trying again (a refused socket handshake carries it in `connect_error`'s data). */
  retryAfterSeconds?: number;
}

/** Every socket request is acknowledged with this. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };
export type AckCallback<T> = (ack: Ack<T>) => void;

export const errorBodySchema = z.object({
  code: z.string(),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  hostNodeId: z.string().optional(),
  /** `rate_limited`: whole seconds before trying again (a refused socket handshake carries it in `connect_error`'s data). */
  retryAfterSeconds: z.number().int().min(0).optional(),
});
