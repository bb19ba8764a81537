// Formatting in the browser's own locale and time zone, unless the program's zone shows
// a different clock: then the program's time, named ("6:00 – 9:00 PM (Phoenix time)"),
// since that is the time the group meets and the one staff talk about.
import { formatSessionRange, isOtherZone, wallClockIn } from '../calendar/zonedTime';

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'long', day: 'numeric' });
const rangeFormat = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
});

/** "6:00 PM"; in `timeZone` when given (the card's range names that zone). */
export function formatTime(date: Date, timeZone?: string | null): string {
  if (timeZone && isOtherZone(timeZone, date)) {
    return new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit', timeZone }).format(date);
  }
  return timeFormat.format(date);
}

/** "Mon, Nov 24, 6:00 – 9:00 PM"; with a `timeZone` other than the browser's: "… (Phoenix time)". */
export function formatRange(start: Date, end: Date, timeZone?: string | null): string {
  if (timeZone) return formatSessionRange(start, end, timeZone);
  return rangeFormat.formatRange(start, end);
}

function startOfDay(ms: number): number {
  const date = new Date(ms);
  date.setHours(0, 0, 0, 0);
  return date.getTime();
}

/** Whole days from one ISO date ("2026-12-01") to another. */
function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * "Today", "Tomorrow" or "Wednesday, November 26": the day in `timeZone` (the
 * program's, like the cards' times) when given, else the browser's.
 */
export function formatDayHeading(date: Date, now: number, timeZone?: string | null): string {
  const days = timeZone
    ? daysBetween(wallClockIn(new Date(now), timeZone).date, wallClockIn(date, timeZone).date)
    : Math.round((startOfDay(date.getTime()) - startOfDay(now)) / 86_400_000);
  if (days === 0) return 'Today';
  if (days === 1) return 'Tomorrow';
  return timeZone ? new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'long', day: 'numeric', timeZone }).format(date) : dayFormat.format(date);
}

/** A key that groups sessions by calendar day: in `timeZone` when given, else the browser's. */
export function dayKey(date: Date, timeZone?: string | null): string {
  if (timeZone) return wallClockIn(date, timeZone).date;
  return `${date.getFullYear()}-${date.getMonth() + 1}-${date.getDate()}`;
}

/** "in 25 minutes", "in 2 hours" for an upcoming start. */
export function formatStartsIn(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  if (minutes < 60) return minutes === 1 ? 'in 1 minute' : `in ${minutes} minutes`;
  const hours = Math.round(minutes / 60);
  return hours === 1 ? 'in about 1 hour' : `in about ${hours} hours`;
}
