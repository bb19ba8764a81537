/** The program's default: the join button turns on this many minutes before the start. */
export const DEFAULT_JOIN_MINUTES_BEFORE = 15;

export interface Joinable {
  startsAt: Date;
  endsAt: Date;
  status: 'scheduled' | 'cancelled';
}

/** When joining opens: `minutesBefore` the start. It closes at the end. */
export function joinOpensAt(session: Pick<Joinable, 'startsAt'>, minutesBefore: number): Date {
  return new Date(session.startsAt.getTime() - minutesBefore * 60_000);
}

/** True from `minutesBefore` the start until (not including) the end; never for a cancelled session. */
export function isJoinWindowOpen(session: Joinable, minutesBefore: number, now: Date): boolean {
  if (session.status !== 'scheduled') return false;
  const t = now.getTime();
  return t >= joinOpensAt(session, minutesBefore).getTime() && t < session.endsAt.getTime();
}
