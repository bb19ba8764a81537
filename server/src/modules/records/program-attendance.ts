import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { CommonErrorCode, ValidationError } from '../../common/domain-error';
import { BILLABLE_DAY_MINUTES, type AttendanceWeek } from '@hearth/protocol';
import type { Principal } from '../auth/auth.service';
import { ScheduleQueries } from '../scheduling/schedule-queries';
import { localDateOf } from '../scheduling/domain/local-time';
import { weekOf } from '../scheduling/domain/week';
import { AttendanceService } from './attendance.service';
import { MINUTE, msByLocalDay, weekMinutes, type Interval } from './domain/attendance';
import { toCsv } from '../../common/csv';
import { RecordsAccess } from './records-access';
import { RecordsError, RecordsErrorCode } from './records.error';

export const PROGRAM_CSV_COLUMNS = [
  'session_id',
  'session_date',
  'session_title',
  'cohort',
  'kind',
  'user_id',
  'name',
  'minutes',
  'corrected_minutes',
  'correction_reason',
  /** The patient's first check-in (safety check) for the session: the waiting room counts as arrived. */
  'checked_in_at',
  'late_minutes',
  'left_early_minutes',
  'segments',
  'weekly_target_minutes',
  /** attended / late / no_show / not_yet (packages/protocol attendance-marks.ts), as on the record page. */
  'attendance_mark',
] as const;

const MAX_RANGE_DAYS = 93;

/**
 * A program's attendance over a date range (default: this week in the
 * program's zone), one row per patient per session, for billing: program
 * admins only.
 */
@Injectable()
export class ProgramAttendance {
  constructor(
    private readonly ds: DataSource,
    private readonly access: RecordsAccess,
    private readonly attendance: AttendanceService,
  ) {}

  /** Throws 403 unless the caller administers the program; 404 when there is no such program. */
  async requireAdmin(p: Principal, programId: string): Promise<{ timeZone: string; weeklyTargetMinutes: number; name: string }> {
    const rows: { time_zone: string; weekly_target_minutes: number; name: string }[] = await this.ds.query(
      'SELECT time_zone, weekly_target_minutes, name FROM programs WHERE id = $1',
      [programId],
    );
    if (!rows[0]) throw new RecordsError(RecordsErrorCode.NotFound, 'No such program.');
    const member: unknown[] = await this.ds.query('SELECT 1 FROM program_members WHERE program_id = $1 AND user_id = $2', [programId, p.userId]);
    if (p.role !== 'admin' || member.length === 0) throw new RecordsError(RecordsErrorCode.Forbidden, 'Only the program’s admins export its attendance.');
    return { timeZone: rows[0].time_zone, weeklyTargetMinutes: Number(rows[0].weekly_target_minutes), name: rows[0].name };
  }

  /** Attended minutes per patient per local day of a week, against the program's weekly target. */
  async week(p: Principal, programId: string, weekOfDate: string | undefined, now = new Date()): Promise<AttendanceWeek> {
    const program = await this.requireAdmin(p, programId);
    const zone = program.timeZone;
    const week = weekOf(weekOfDate ?? localDateOf(now, zone), zone);
    const monday = DateTime.fromJSDate(week.start, { zone });
    const days = Array.from({ length: 7 }, (_, i) => monday.plus({ days: i }).toISODate()!);
    const sessions = (await new ScheduleQueries(this.ds.manager).sessionsFor(p.userId, { from: week.start, to: week.end }, { asAdmin: true })).filter(
      (s) => s.programId === programId && s.status !== 'cancelled' && s.startsAt <= now,
    );
    // Milliseconds, floored to minutes only at the end: a stay split at local midnight loses no minute
    // in the week's total (the days each floor on their own, so they may sum to a minute less).
    const byPatient = new Map<string, { name: string; msByDay: number[] }>();
    for (const row of sessions) {
      const startDay = days.indexOf(DateTime.fromJSDate(row.startsAt, { zone }).toISODate()!);
      const intervals = new Map<string, Interval[]>();
      for (const a of await this.attendance.rows(await this.access.load(row, 'admin'), now, intervals)) {
        if (a.role !== 'patient') continue;
        const entry = byPatient.get(a.userId) ?? { name: a.name, msByDay: [0, 0, 0, 0, 0, 0, 0] };
        if (a.correction) {
          // A correction is for the session as a whole: it counts on the day the session started.
          if (startDay >= 0) entry.msByDay[startDay]! += a.correction.minutes * MINUTE;
        } else {
          // Time in the room split at local midnight in the program's zone (a late group crossing midnight counts on both days).
          for (const [date, ms] of msByLocalDay(intervals.get(a.userId) ?? [], zone)) {
            const i = days.indexOf(date);
            if (i >= 0) entry.msByDay[i]! += ms;
          }
        }
        byPatient.set(a.userId, entry);
      }
    }
    return {
      programId,
      timeZone: zone,
      weekStart: week.weekStart,
      weekEnd: week.weekEnd,
      days,
      targetMinutes: program.weeklyTargetMinutes,
      patients: [...byPatient]
        .map(([patientId, e]) => {
          const { minutesByDay, totalMinutes } = weekMinutes(e.msByDay);
          const flags: AttendanceWeek['patients'][number]['flags'] = [];
          if (totalMinutes < program.weeklyTargetMinutes) flags.push('below_target');
          if (minutesByDay.some((m) => m > 0 && m < BILLABLE_DAY_MINUTES)) flags.push('short_day');
          return { patientId, name: e.name, minutesByDay, totalMinutes, flags };
        })
        .sort((a, b) => a.name.localeCompare(b.name)),
    };
  }

  async csv(
    p: Principal,
    programId: string,
    range: { from?: string; to?: string },
    now = new Date(),
  ): Promise<{ csv: string; filename: string; patientIds: string[] }> {
    const program = await this.requireAdmin(p, programId);
    const zone = program.timeZone;
    const week = weekOf(localDateOf(now, zone), zone);
    const from = range.from ? DateTime.fromISO(range.from, { zone }).startOf('day') : DateTime.fromJSDate(week.start, { zone });
    const to = range.to ? DateTime.fromISO(range.to, { zone }).startOf('day').plus({ days: 1 }) : DateTime.fromJSDate(week.end, { zone });
    if (!from.isValid || !to.isValid || to <= from || to.diff(from, 'days').days > MAX_RANGE_DAYS) {
      throw new ValidationError(CommonErrorCode.BadRequest, `Choose a range of 1 to ${MAX_RANGE_DAYS} days.`);
    }
    const sessions = (
      await new ScheduleQueries(this.ds.manager).sessionsFor(p.userId, { from: from.toJSDate(), to: to.toJSDate() }, { asAdmin: true })
    ).filter((s) => s.programId === programId && s.status !== 'cancelled' && s.startsAt <= now);
    const out: Record<(typeof PROGRAM_CSV_COLUMNS)[number], unknown>[] = [];
    const patients = new Set<string>();
    for (const row of sessions) {
      const s = await this.access.load(row, 'admin');
      for (const a of await this.attendance.rows(s, now)) {
        if (a.role === 'therapist') continue;
        patients.add(a.userId);
        out.push({
          session_id: row.id,
          session_date: DateTime.fromJSDate(row.startsAt, { zone }).toISODate(),
          session_title: row.title,
          cohort: row.cohortName ?? '',
          kind: row.kind,
          user_id: a.userId,
          name: a.name,
          minutes: a.minutes,
          corrected_minutes: a.correction ? a.correction.minutes : '',
          correction_reason: a.correction?.reason ?? '',
          checked_in_at: a.checkedInAt ?? '',
          late_minutes: a.lateMinutes,
          left_early_minutes: a.leftEarlyMinutes,
          segments: a.segments,
          weekly_target_minutes: program.weeklyTargetMinutes,
          attendance_mark: a.mark ?? '',
        });
      }
    }
    return {
      csv: toCsv(PROGRAM_CSV_COLUMNS, out),
      filename: `attendance-${from.toISODate()}-to-${to.minus({ days: 1 }).toISODate()}.csv`,
      patientIds: [...patients],
    };
  }
}
