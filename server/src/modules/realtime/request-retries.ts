import { z } from 'zod';

/** Key a client puts in a request's payload so that re-sending it after a slow answer is safe. */
export const RETRY_KEY = 'requestId';
const retryKeySchema = z.string().min(8).max(64).regex(/^[A-Za-z0-9_-]+$/);

/** How long a finished request's answer is kept for a late re-send of it. */
const KEEP_ANSWER_MS = 120_000;

type Ack = (answer: unknown) => void;
type Next = (err?: Error) => void;

/** Answers kept for re-sends; one per process, shared by all of a user's sockets. */
export type RetryAnswers = Map<string, Pending>;

interface Pending {
  /** Acks of every copy of the request seen so far, answered together. */
  acks: Ack[];
  answer?: { value: unknown };
}

/**
 * socket.io per-socket middleware that makes requests idempotent across re-sends:
 * a request carrying `requestId` runs once; a copy arriving while it runs waits
 * for the same answer, and a copy arriving after it ran gets that answer again.
 * The key is removed from the payload before validation. Also applies the
 * test-only answer delays (HEARTH_TEST_DELAY_EVENTS; refused in production).
 *
 * With `shared` (the process's answers and the socket's user), a copy re-sent
 * on a new socket after a reconnect is still recognised — a chat message or a
 * crisis press is not run twice because the connection dropped mid-request.
 */
export function requestRetries(
  delays: Readonly<Record<string, number>> = {},
  shared?: { answers: RetryAnswers; userId: string },
) {
  const seen: RetryAnswers = shared?.answers ?? new Map<string, Pending>();
  const owner = shared ? `${shared.userId}/` : '';
  return (packet: unknown[], next: Next): void => {
    const [event, payload] = packet;
    const last = packet.length - 1;
    const ack = packet[last];
    const delay = typeof event === 'string' ? delays[event] : undefined;
    const run = () => (delay ? void setTimeout(() => next(), delay) : next());
    if (typeof ack !== 'function' || !payload || typeof payload !== 'object' || !(RETRY_KEY in payload)) return run();

    const { [RETRY_KEY]: rawKey, ...rest } = payload as Record<string, unknown>;
    packet[1] = rest;
    const key = retryKeySchema.safeParse(rawKey);
    if (!key.success) return run();
    const id = `${owner}${String(event)}/${key.data}`;
    const known = seen.get(id);
    if (known) {
      if (known.answer) (ack as Ack)(known.answer.value);
      else known.acks.push(ack as Ack);
      return;
    }
    const pending: Pending = { acks: [ack as Ack] };
    seen.set(id, pending);
    packet[last] = (answer: unknown) => {
      pending.answer = { value: answer };
      for (const a of pending.acks.splice(0)) a(answer);
      setTimeout(() => seen.delete(id), KEEP_ANSWER_MS).unref();
    };
    run();
  };
}
