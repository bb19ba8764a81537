import { z } from 'zod';
import { sessionViewSchema } from '@hearth/protocol';

const isParseableDate = (value: string) => !Number.isNaN(Date.parse(value));

/**
 * One entry of `GET /api/me/sessions`: the protocol's SessionView, of which the test contract
 * guarantees only id, title, kind, startsAt and endsAt. The rest is used when present.
 */
export const mySessionSchema = sessionViewSchema
  .partial()
  .required({ id: true, title: true, kind: true, startsAt: true, endsAt: true })
  .refine((s) => isParseableDate(s.startsAt) && isParseableDate(s.endsAt), 'startsAt and endsAt must be date-times')
  .refine((s) => s.joinOpensAt === undefined || isParseableDate(s.joinOpensAt), 'joinOpensAt must be a date-time');
export type MySession = z.infer<typeof mySessionSchema>;

export const mySessionsResponseSchema = z.array(mySessionSchema);

const isCancelled = (session: MySession) => session.status === 'cancelled';

/** Sessions worth showing: not ended before today began, soonest first. */
export function upcomingSessions(sessions: readonly MySession[], now: number): MySession[] {
  const startOfToday = new Date(now);
  startOfToday.setHours(0, 0, 0, 0);
  return sessions
    .filter((session) => Date.parse(session.endsAt) > startOfToday.getTime())
    .sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
}

/** The session the user should think about next: the earliest one not cancelled and not ended. */
export function nextSession(sessions: readonly MySession[], now: number): MySession | undefined {
  return sessions
    .filter((session) => !isCancelled(session) && Date.parse(session.endsAt) > now)
    .reduce<MySession | undefined>(
      (best, session) => (!best || Date.parse(session.startsAt) < Date.parse(best.startsAt) ? session : best),
      undefined,
    );
}
