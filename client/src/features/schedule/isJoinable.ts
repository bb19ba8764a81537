/** Default join window: the button turns on this many minutes before the start. */
export const JOIN_WINDOW_MINUTES = 15;

export interface SessionTimes {
  startsAt: string;
  endsAt: string;
  /** The server's opening time (the program's own window); wins over `windowMinutes`. */
  joinOpensAt?: string;
  status?: 'scheduled' | 'cancelled';
}

/** When the join button turns on. */
export function joinOpensAt(session: SessionTimes, windowMinutes: number = JOIN_WINDOW_MINUTES): Date {
  if (session.joinOpensAt !== undefined) return new Date(session.joinOpensAt);
  return new Date(Date.parse(session.startsAt) - windowMinutes * 60_000);
}

/**
 * True from `windowMinutes` before the start (or the server's `joinOpensAt`) until, not
 * including, the end; never for a cancelled session.
 */
export function isJoinable(
  session: SessionTimes,
  now: Date | number,
  windowMinutes: number = JOIN_WINDOW_MINUTES,
): boolean {
  if (session.status === 'cancelled') return false;
  const opens = joinOpensAt(session, windowMinutes).getTime();
  const ends = Date.parse(session.endsAt);
  const at = typeof now === 'number' ? now : now.getTime();
  if (Number.isNaN(opens) || Number.isNaN(ends)) return false;
  return at >= opens && at < ends;
}
