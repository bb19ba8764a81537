import { Logger } from '@nestjs/common';
import type { Ack } from '@hearth/protocol';
import type { ZodType, ZodTypeDef } from 'zod';
import { DomainError } from '../../common/domain-error';
import { parseInput } from '../../common/validation';

const logger = new Logger('Realtime');

/** Waits run after every handled request, before its ack (the live state store: an acknowledged change is on disk). */
const settlers = new Set<() => Promise<void>>();

/** Registers a wait that runs before every ack; returns the unregister. */
export function addAckSettler(settle: () => Promise<void>): () => void {
  settlers.add(settle);
  return () => settlers.delete(settle);
}

/**
 * Runs a socket request handler: validates the payload, turns domain errors
 * into `{ok:false}` acks and never lets an exception reach socket.io.
 * Payloads are never logged (they may hold health data).
 */
export async function handleRequest<I, O>(
  event: string,
  schema: ZodType<I, ZodTypeDef, unknown>,
  payload: unknown,
  handler: (input: I) => Promise<O> | O,
): Promise<Ack<O>> {
  try {
    const input = parseInput(schema, payload, `${event} payload`);
    const data = await handler(input);
    for (const settle of settlers) await settle();
    return { ok: true, data };
  } catch (e) {
    if (e instanceof DomainError) {
      logger.debug(`${event} refused: ${e.code}`);
      return { ok: false, error: e.toBody() };
    }
    // Ours, not the client's: class, code and stack (common/logging strips driver parameters).
    logger.error({ err: e, event, msg: `${event} failed` });
    return { ok: false, error: { code: 'internal', message: 'Something went wrong on our side. Please try again.' } };
  }
}
