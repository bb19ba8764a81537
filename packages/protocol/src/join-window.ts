/**
 * When a session can be joined: one rule for the server (which refuses a
 * join outside it) and the client (which turns the join button on).
 */

/** The program's default: joining opens this many minutes before the start. */
export const DEFAULT_JOIN_MINUTES_BEFORE = 15;

/** An instant as either side holds it: a Date (server), an ISO string (wire), or ms since epoch. */
export type Instant = Date | string | number;

/** A session's times as far as joining is concerned. */
export interface JoinWindowFacts {
  startsAt: Instant;
  endsAt: Instant;
  /** A cancelled session never opens. Absent: scheduled. */
  status?: 'scheduled' | 'cancelled';
  /** The opening the server computed with the program's own setting; wins over `minutesBefore`. */
  joinOpensAt?: Instant;
}

function ms(t: Instant): number {
  if (t instanceof Date) return t.getTime();
  return typeof t === 'number' ? t : Date.parse(t);
}

/** When joining opens: `joinOpensAt` if given, else `minutesBefore` the start. It closes at the end. */
export function joinOpensAt(session: Pick<JoinWindowFacts, 'startsAt' | 'joinOpensAt'>, minutesBefore: number = DEFAULT_JOIN_MINUTES_BEFORE): Date {
  if (session.joinOpensAt !== undefined) return new Date(ms(session.joinOpensAt));
  return new Date(ms(session.startsAt) - minutesBefore * 60_000);
}

/**
 * True from the opening (see `joinOpensAt`) until, not including, the end;
 * never for a cancelled session or unreadable times.
 */
export function isJoinWindowOpen(session: JoinWindowFacts, now: Instant, minutesBefore: number = DEFAULT_JOIN_MINUTES_BEFORE): boolean {
  if (session.status === 'cancelled') return false;
  const opens = joinOpensAt(session, minutesBefore).getTime();
  const ends = ms(session.endsAt);
  const at = ms(now);
  if (Number.isNaN(opens) || Number.isNaN(ends) || Number.isNaN(at)) return false;
  return at >= opens && at < ends;
}
