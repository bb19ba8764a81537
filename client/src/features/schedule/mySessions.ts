import { z } from 'zod';

const isoDateTime = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'expected an ISO date-time');

/**
 * One entry of `GET /api/me/sessions`. The contract guarantees these fields; the server may
 * send more, which are kept. (Belongs in @hearth/protocol once the server side lands.)
 */
export const mySessionSchema = z
  .object({
    id: z.string().min(1),
    title: z.string(),
    kind: z.enum(['group', 'individual']),
    startsAt: isoDateTime,
    endsAt: isoDateTime,
  })
  .passthrough();
export type MySession = z.infer<typeof mySessionSchema>;

export const mySessionsResponseSchema = z.array(mySessionSchema);

/** Sessions worth showing: not ended before today began, soonest first. */
export function upcomingSessions(sessions: readonly MySession[], now: number): MySession[] {
  const startOfToday = new Date(now);
  startOfToday.setHours(0, 0, 0, 0);
  return sessions
    .filter((session) => Date.parse(session.endsAt) > startOfToday.getTime())
    .sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
}

/** The session the user should think about next: the earliest one that has not ended. */
export function nextSession(sessions: readonly MySession[], now: number): MySession | undefined {
  return sessions
    .filter((session) => Date.parse(session.endsAt) > now)
    .reduce<MySession | undefined>(
      (best, session) => (!best || Date.parse(session.startsAt) < Date.parse(best.startsAt) ? session : best),
      undefined,
    );
}
