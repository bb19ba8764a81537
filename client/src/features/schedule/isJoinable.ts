/** Patients may join from this many minutes before the start (the lobby opens early). */
export const JOIN_WINDOW_MINUTES = 15;

export interface SessionTimes {
  startsAt: string;
  endsAt: string;
}

/** When the join button turns on. */
export function joinOpensAt(session: SessionTimes, windowMinutes: number = JOIN_WINDOW_MINUTES): Date {
  return new Date(Date.parse(session.startsAt) - windowMinutes * 60_000);
}

/** True from `windowMinutes` before the start until (not including) the end. */
export function isJoinable(
  session: SessionTimes,
  now: Date | number,
  windowMinutes: number = JOIN_WINDOW_MINUTES,
): boolean {
  const opens = joinOpensAt(session, windowMinutes).getTime();
  const ends = Date.parse(session.endsAt);
  const at = typeof now === 'number' ? now : now.getTime();
  if (Number.isNaN(opens) || Number.isNaN(ends)) return false;
  return at >= opens && at < ends;
}
