import { z } from 'zod';

/**
 * A patient's attendance of one session in one word, for the therapist's cards
 * and the record page. Computed once here (the server sends it; the client shows
 * it): from the room's segments, the lateness the records module computed, and
 * the latest correction.
 *
 * - `attended`: in the room, arrived on time
 * - `late`: in the room, arrived `lateMinutes` ≥ the program's `lateAfterMinutes` (1 unless the
 *   program allows a grace period) after the scheduled start
 * - `no_show`: on the roster, never in the room, and the session is over
 *   (ended by the therapist or past its scheduled end)
 * - `not_yet`: never in the room, and the session is still on
 *
 * A correction overrides the segments: corrected to 0 minutes reads as a no-show
 * once the session is over; corrected above 0 for someone with no segment (joined
 * by phone) reads as attended.
 */
export const attendanceMarkSchema = z.enum(['attended', 'late', 'no_show', 'not_yet']);
export type AttendanceMark = z.infer<typeof attendanceMarkSchema>;

export interface AttendanceMarkInput {
  segments: number;
  lateMinutes: number;
  correction: { minutes: number } | null;
}

/** The program setting's bounds: late from the first whole minute (the default) up to an hour's grace. */
export const LATE_AFTER_MINUTES = { min: 1, max: 60, default: 1 } as const;

export function attendanceMarkOf(row: AttendanceMarkInput, sessionOver: boolean, lateAfterMinutes: number = LATE_AFTER_MINUTES.default): AttendanceMark {
  const corrected = row.correction?.minutes;
  const wasThere = corrected !== undefined ? corrected > 0 : row.segments > 0;
  if (!wasThere) return sessionOver ? 'no_show' : 'not_yet';
  return row.segments > 0 && row.lateMinutes >= Math.max(1, lateAfterMinutes) ? 'late' : 'attended';
}

/** Whether marks are final: the therapist ended it, or its scheduled end has passed. */
export function sessionIsOver(endsAt: Date, endedAt: Date | null, now: Date): boolean {
  return endedAt !== null || now.getTime() >= endsAt.getTime();
}

export const attendanceCountsSchema = z.object({
  attended: z.number().int().min(0),
  late: z.number().int().min(0),
  noShow: z.number().int().min(0),
  notYet: z.number().int().min(0),
});
export type AttendanceCounts = z.infer<typeof attendanceCountsSchema>;

export function countAttendanceMarks(marks: readonly AttendanceMark[]): AttendanceCounts {
  const counts: AttendanceCounts = { attended: 0, late: 0, noShow: 0, notYet: 0 };
  for (const m of marks) {
    if (m === 'attended') counts.attended++;
    else if (m === 'late') counts.late++;
    else if (m === 'no_show') counts.noShow++;
    else counts.notYet++;
  }
  return counts;
}

/** "6 attended · 1 late · 1 no-show" (zero counts left out; "no patients" when there are none). */
export function attendanceCountsText(c: AttendanceCounts): string {
  const parts = [
    c.attended ? `${c.attended} attended` : '',
    c.late ? `${c.late} late` : '',
    c.noShow ? `${c.noShow} no-show` : '',
    c.notYet ? `${c.notYet} not arrived` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : 'no patients';
}

export const ATTENDANCE_MARK_LABEL: Record<AttendanceMark, string> = {
  attended: 'attended',
  late: 'late',
  no_show: 'no-show',
  not_yet: 'not arrived',
};
