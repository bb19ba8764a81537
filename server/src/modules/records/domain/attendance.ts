import { DateTime } from 'luxon';

/**
 * Attendance arithmetic, pure: from a participant's join/leave segments to
 * whole minutes in the room. Overlapping segments (two tabs, a reconnect
 * that opened before the old one closed) count once; everything is clipped
 * to the scheduled window; an open segment runs to "now" (at most the end).
 */

/** Half-open [start, end) in epoch milliseconds. */
export interface Interval {
  start: number;
  end: number;
}

export interface SegmentInput {
  joinedAt: Date;
  /** Null while the person is still in the room. */
  leftAt: Date | null;
}

export interface SessionWindow {
  /** Scheduled start and end: minutes outside never count. */
  start: Date;
  end: Date;
  /** When the therapist ended the session, if they did (early leave is measured against it). */
  endedAt?: Date | null;
}

export interface AttendanceSummary {
  /** Whole minutes in the room (floor of the merged, clipped time). */
  minutes: number;
  /** Exact milliseconds behind `minutes`. */
  ms: number;
  firstJoinedAt: Date | null;
  lastLeftAt: Date | null;
  /**
   * Minutes after the scheduled start the person arrived: their check-in (`opts.checkedInAt`,
   * the waiting room counts) or their first time in the room, whichever came first. 0 when on
   * time or never in the room.
   */
  lateMinutes: number;
  leftEarlyMinutes: number;
  segments: number;
  present: boolean;
  /** The merged, clipped intervals (for per-day sums). */
  intervals: Interval[];
}

export const MINUTE = 60_000;

/** Sorted, with overlapping or touching intervals joined; empty ones dropped. */
export function mergeIntervals(list: readonly Interval[]): Interval[] {
  const sorted = list.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push({ ...i });
  }
  return out;
}

/** The parts of `list` inside `within` (itself a list, e.g. the therapist's presence). */
export function intersect(list: readonly Interval[], within: readonly Interval[]): Interval[] {
  const a = mergeIntervals(list);
  const b = mergeIntervals(within);
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const start = Math.max(a[i]!.start, b[j]!.start);
    const end = Math.min(a[i]!.end, b[j]!.end);
    if (end > start) out.push({ start, end });
    if (a[i]!.end < b[j]!.end) i++;
    else j++;
  }
  return out;
}

export function totalMs(list: readonly Interval[]): number {
  return list.reduce((sum, i) => sum + (i.end - i.start), 0);
}

/** Segments as intervals; an open one runs to `now`. */
export function toIntervals(segments: readonly SegmentInput[], now: Date): Interval[] {
  return segments.map((s) => ({ start: s.joinedAt.getTime(), end: (s.leftAt ?? now).getTime() }));
}

/**
 * One participant's attendance in one session. `within`, when given,
 * further limits counted time (e.g. only while a therapist was present).
 */
export function summariseAttendance(
  segments: readonly SegmentInput[],
  window: SessionWindow,
  now: Date,
  opts: { within?: readonly Interval[]; checkedInAt?: Date | null } = {},
): AttendanceSummary {
  const start = window.start.getTime();
  const end = window.end.getTime();
  let intervals = intersect(toIntervals(segments, now), [{ start, end }]);
  if (opts.within) intervals = intersect(intervals, opts.within);
  const ms = totalMs(intervals);
  const maxMinutes = Math.max(0, Math.floor((end - start) / MINUTE));
  const minutes = Math.min(maxMinutes, Math.max(0, Math.floor(ms / MINUTE)));
  const present = segments.some((s) => s.leftAt === null);
  const first = intervals[0];
  const last = intervals[intervals.length - 1];
  const stopped = Math.min(end, window.endedAt?.getTime() ?? end);
  const over = !present && now.getTime() >= stopped;
  // Waiting to be admitted is not being late: the arrival is the check-in when it came first.
  const arrival = first ? Math.min(first.start, opts.checkedInAt?.getTime() ?? Infinity) : null;
  return {
    minutes,
    ms,
    firstJoinedAt: segments.length ? new Date(Math.min(...segments.map((s) => s.joinedAt.getTime()))) : null,
    lastLeftAt: present || segments.length === 0 ? null : new Date(Math.max(...segments.map((s) => s.leftAt!.getTime()))),
    lateMinutes: arrival === null ? 0 : Math.max(0, Math.floor((arrival - start) / MINUTE)),
    leftEarlyMinutes: last && over ? Math.max(0, Math.floor((stopped - last.end) / MINUTE)) : 0,
    segments: segments.length,
    present,
    intervals,
  };
}

/**
 * Milliseconds per local calendar day (ISO date in `timeZone`), splitting
 * intervals at local midnight. Uses real elapsed time, so a day with a DST
 * change counts what actually passed.
 */
export function msByLocalDay(intervals: readonly Interval[], timeZone: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const i of mergeIntervals(intervals)) {
    let t = i.start;
    while (t < i.end) {
      const local = DateTime.fromMillis(t, { zone: timeZone });
      const nextMidnight = local.startOf('day').plus({ days: 1 }).toMillis();
      const stop = Math.min(i.end, nextMidnight);
      const day = local.toISODate()!;
      out.set(day, (out.get(day) ?? 0) + (stop - t));
      t = stop;
    }
  }
  return out;
}

/**
 * A week's days in whole minutes, and its total from the summed time floored once: a stay
 * split at local midnight loses no minute in the total (its two days, each floored, may show
 * a minute less between them).
 */
export function weekMinutes(msByDay: readonly number[]): { minutesByDay: number[]; totalMinutes: number } {
  return {
    minutesByDay: msByDay.map((ms) => Math.floor(ms / MINUTE)),
    totalMinutes: Math.floor(msByDay.reduce((a, b) => a + b, 0) / MINUTE),
  };
}
