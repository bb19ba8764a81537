import { DateTime, IANAZone } from 'luxon';
import { SchedulingError, SchedulingErrorCode } from '../scheduling.error';

/** Wall-clock fields in some zone; `month` is 1–12. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second?: number;
}

export function assertTimeZone(zone: string): void {
  if (!IANAZone.isValidZone(zone)) {
    throw new SchedulingError(SchedulingErrorCode.InvalidTimeZone, `Unknown time zone "${zone}". Use an IANA name such as America/Phoenix.`);
  }
}

/** The instant when the wall clock in `zone` shows these fields. Times skipped by a DST change move forward by the gap. */
export function instantOf(wall: WallClock, zone: string): Date {
  const dt = DateTime.fromObject(wall, { zone });
  if (!dt.isValid) {
    throw new SchedulingError(SchedulingErrorCode.InvalidSchedule, `No such local time in ${zone}: ${dt.invalidExplanation ?? dt.invalidReason}`);
  }
  return dt.toJSDate();
}

/** Wall-clock fields of an instant seen from `zone`. */
export function wallClockOf(instant: Date, zone: string): WallClock {
  const dt = DateTime.fromJSDate(instant, { zone });
  return { year: dt.year, month: dt.month, day: dt.day, hour: dt.hour, minute: dt.minute, second: dt.second };
}

/** `YYYY-MM-DD` of the instant in `zone`. */
export function localDateOf(instant: Date, zone: string): string {
  return DateTime.fromJSDate(instant, { zone }).toISODate() as string;
}

/** Parses `YYYY-MM-DD` (+ optional `HH:MM`) into wall-clock fields; refuses impossible dates. */
export function parseLocalDate(date: string, time = '00:00'): WallClock {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{2}):(\d{2})$/.exec(time);
  if (!d || !t) throw new SchedulingError(SchedulingErrorCode.InvalidSchedule, `Not a date and time: ${date} ${time}`);
  const wall = { year: +d[1]!, month: +d[2]!, day: +d[3]!, hour: +t[1]!, minute: +t[2]! };
  const probe = DateTime.fromObject(wall, { zone: 'UTC' });
  if (!probe.isValid || probe.day !== wall.day || wall.hour > 23 || wall.minute > 59) {
    throw new SchedulingError(SchedulingErrorCode.InvalidSchedule, `There is no such date: ${date} ${time}.`);
  }
  return wall;
}

/**
 * "Floating" time: the wall-clock fields stored in a Date's UTC fields. rrule
 * expands in floating time so that 18:00 stays 18:00 whatever the offset.
 */
export function toFloating(wall: WallClock): Date {
  return new Date(Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second ?? 0));
}

export function fromFloating(floating: Date): WallClock {
  return {
    year: floating.getUTCFullYear(),
    month: floating.getUTCMonth() + 1,
    day: floating.getUTCDate(),
    hour: floating.getUTCHours(),
    minute: floating.getUTCMinutes(),
    second: floating.getUTCSeconds(),
  };
}

export function addMinutes(d: Date, minutes: number): Date {
  return new Date(d.getTime() + minutes * 60_000);
}

/** Start (inclusive) and end (exclusive) instants of a local calendar day. */
export function dayBounds(date: string, zone: string): { start: Date; end: Date } {
  const start = DateTime.fromISO(date, { zone }).startOf('day');
  return { start: start.toJSDate(), end: start.plus({ days: 1 }).toJSDate() };
}
