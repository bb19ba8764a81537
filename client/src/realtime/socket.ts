import { io, type Socket } from 'socket.io-client';
import {
  PROTOCOL_VERSION,
  type Ack,
  type ClientToServerEvents,
  type ErrorBody,
  type HandshakeAuth,
  type ServerToClientEvents,
} from '@hearth/protocol';

/** The one socket type the client uses: events are declared once, in @hearth/protocol. */
export type HearthSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface CreateSocketOptions {
  /**
   * Access token from sign-in, or a function returning the current one: socket.io
   * calls it on every (re)connect, so a reconnect after a token refresh still
   * authenticates.
   */
  token: string | (() => string | null);
  /** Server origin; defaults to the page's own origin (Vite proxies /socket.io in development). */
  url?: string;
  /** Connect straight away (default) or wait for `socket.connect()`. */
  autoConnect?: boolean;
}

/** Creates Hearth's typed socket.io client; the handshake carries the token and protocol version. */
export function createSocket({ token, url, autoConnect = true }: CreateSocketOptions): HearthSocket {
  const origin = url ?? window.location.origin;
  const auth = (cb: (data: HandshakeAuth) => void) =>
    cb({ token: (typeof token === 'function' ? token() : token) ?? '', protocolVersion: PROTOCOL_VERSION });
  // Reconnects by itself after a drop or a server restart: backoff 0.5 s → 5 s with ±50 % jitter,
  // so a restarted server is not hit by every client at the same instant.
  const socket: HearthSocket = io(origin, {
    auth,
    autoConnect,
    transports: ['websocket', 'polling'],
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
    randomizationFactor: 0.5,
  });
  // A handshake refused by the server's middleware is not retried by socket.io;
  // one refused for too many connections from this network is, once its wait is over.
  socket.on('connect_error', (err) => {
    const delay = retryDelayAfterRefusal(err);
    if (delay !== null && !socket.active) setTimeout(() => socket.connect(), delay);
  });
  return socket;
}

/** How long to wait before connecting again after a refused handshake, or null when retrying would not help. */
export function retryDelayAfterRefusal(err: unknown, random: () => number = Math.random): number | null {
  const data = (err as { data?: Partial<ErrorBody> } | null)?.data;
  if (data?.code !== 'rate_limited') return null;
  const seconds = typeof data.retryAfterSeconds === 'number' && data.retryAfterSeconds > 0 ? data.retryAfterSeconds : 5;
  // Spread the returns of a clinic's worth of tabs behind one address.
  return Math.round(seconds * 1000 * (1 + 0.5 * random()));
}

/** Events that are requests: their last parameter is an ack callback. */
type RequestEvent = keyof ClientToServerEvents;
type RequestPayload<E extends RequestEvent> = Parameters<ClientToServerEvents[E]>[0];
type RequestResult<E extends RequestEvent> =
  Parameters<ClientToServerEvents[E]>[1] extends (ack: Ack<infer T>) => void ? T : never;

/** A request that was refused by the server (`{ok:false}`) or never answered. */
export class RequestError extends Error {
  override readonly name = 'RequestError';

  constructor(
    readonly event: string,
    /** The server's error code, or `timeout` when no acknowledgement arrived in time. */
    readonly code: string,
    message: string,
    /** `session_elsewhere` (cluster): the node hosting the session. */
    readonly hostNodeId?: string,
    /** `rate_limited`: whole seconds until the server takes this request again. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** The part of a socket that `request` needs; lets tests pass a fake emitter. */
export interface AckEmitter {
  emit(event: string, payload: unknown, ack: (ack: Ack<unknown>) => void): unknown;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/**
 * Emits a request and waits for its acknowledgement. Resolves with `data` on
 * `{ok:true}`; rejects with `RequestError` on `{ok:false}` (the server's code and message)
 * or when no acknowledgement arrives within `timeoutMs` (code `timeout`).
 */
export function request<E extends RequestEvent>(
  socket: HearthSocket | AckEmitter,
  event: E,
  payload: RequestPayload<E>,
  timeoutMs: number = DEFAULT_REQUEST_TIMEOUT_MS,
): Promise<RequestResult<E>> {
  const emitter = socket as AckEmitter;
  return new Promise<RequestResult<E>>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      reject(new RequestError(event, 'timeout', `No answer to ${event} within ${timeoutMs} ms`));
    }, timeoutMs);

    emitter.emit(event, payload, (ack: Ack<unknown>) => {
      // A late answer after the timeout is ignored: the caller has already moved on.
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (ack.ok) {
        resolve(ack.data as RequestResult<E>);
      } else {
        const error: ErrorBody = ack.error;
        reject(new RequestError(event, error.code, error.message, error.hostNodeId));
      }
    });
  });
}
