import type { Ack, ClientToServerEvents, ErrorBody } from '@hearth/protocol';
import { DEFAULT_REQUEST_TIMEOUT_MS, RequestError, type AckEmitter, type HearthSocket } from './socket';

type RequestEvent = keyof ClientToServerEvents;
type RequestPayload<E extends RequestEvent> = Parameters<ClientToServerEvents[E]>[0];
type RequestResult<E extends RequestEvent> =
  Parameters<ClientToServerEvents[E]>[1] extends (ack: Ack<infer T>) => void ? T : never;

export interface PatientRequestOptions {
  /** No answer yet after this long: the request counts as slow and is sent again. */
  slowAfterMs?: number;
  /** Waits between re-sends after that, doubling up to `maxBackoffMs`. */
  firstBackoffMs?: number;
  maxBackoffMs?: number;
  /** Gives up (code `timeout`) after this long in all. */
  giveUpAfterMs?: number;
  /** Called once when the request turns slow, and once more when it settles after that. */
  onSlow?(): void;
  onSettledAfterSlow?(): void;
}

/** The part of a socket this needs: emit plus whether it is connected now. */
export type RetryEmitter = AckEmitter & { connected?: boolean };

function retryKey(): string {
  const random = globalThis.crypto?.randomUUID?.().replace(/-/g, '');
  return random ?? `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 12)}`;
}

/**
 * A request that a slow server does not turn into a failure: after `slowAfterMs`
 * it is sent again with backoff, under the same `requestId` so the server runs it
 * once (server/src/modules/realtime/request-retries.ts), and the first answer to any
 * copy wins. Re-sends wait while the socket is down (the reconnect path takes over).
 * Rejects with the server's refusal as `RequestError`, or code `timeout` only after
 * `giveUpAfterMs`.
 */
export function requestPatiently<E extends RequestEvent>(
  socket: HearthSocket | RetryEmitter,
  event: E,
  payload: RequestPayload<E>,
  {
    slowAfterMs = DEFAULT_REQUEST_TIMEOUT_MS,
    firstBackoffMs = 2_000,
    maxBackoffMs = 15_000,
    giveUpAfterMs = 120_000,
    onSlow,
    onSettledAfterSlow,
  }: PatientRequestOptions = {},
): Promise<RequestResult<E>> {
  const emitter = socket as RetryEmitter;
  const keyed = { ...(payload as object), requestId: retryKey() };
  return new Promise<RequestResult<E>>((resolve, reject) => {
    let settled = false;
    let slow = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const giveUp = setTimeout(() => {
      finish(() => reject(new RequestError(event, 'timeout', `No answer to ${event} within ${giveUpAfterMs} ms`)));
    }, giveUpAfterMs);

    function finish(settle: () => void) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(giveUp);
      settle();
      if (slow) onSettledAfterSlow?.();
    }

    function send() {
      emitter.emit(event, keyed, (ack: Ack<unknown>) => {
        finish(() => {
          if (ack.ok) resolve(ack.data as RequestResult<E>);
          else {
            const error: ErrorBody = ack.error;
            reject(new RequestError(event, error.code, error.message, error.hostNodeId, error.retryAfterSeconds));
          }
        });
      });
    }

    function resendAfter(waitMs: number, nextWaitMs: number) {
      timer = setTimeout(() => {
        if (settled) return;
        if (!slow) {
          slow = true;
          onSlow?.();
        }
        // socket.io would buffer a send while disconnected and replay it on a new socket.
        if (emitter.connected !== false) send();
        resendAfter(nextWaitMs, Math.min(nextWaitMs * 2, maxBackoffMs));
      }, waitMs);
    }

    send();
    resendAfter(slowAfterMs, firstBackoffMs);
  });
}
