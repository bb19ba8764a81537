import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { attendanceMarkOf, countAttendanceMarks, sessionIsOver, type AttendanceCounts, type AttendanceRow } from '@hearth/protocol';
import { CommonErrorCode, ValidationError } from '../../common/domain-error';
import type { Principal } from '../auth/auth.service';
import { fullName } from '../users/display-name';
import { summariseAttendance, type Interval, type SegmentInput } from './domain/attendance';
import { toCsv } from '../../common/csv';
import type { SessionForRecords } from './records-access';
import { RecordsError, RecordsErrorCode } from './records.error';

type Raw = Record<string, unknown>;

export const SESSION_CSV_COLUMNS = [
  'session_id',
  'session_title',
  'session_starts_at',
  'session_ends_at',
  'user_id',
  'name',
  'role',
  'minutes',
  /** Patients: their first safety check for the session, on entering the waiting room (or the room). */
  'checked_in_at',
  'first_joined_at',
  'last_left_at',
  'late_minutes',
  'left_early_minutes',
  'segments',
  'corrected_minutes',
  'correction_reason',
  /** Patients: attended / late / no_show / not_yet (packages/protocol attendance-marks.ts); empty for therapists. */
  'attendance_mark',
] as const;

/** Attendance of a session, computed from the room's segments with the latest correction beside it. */
@Injectable()
export class AttendanceService {
  constructor(private readonly ds: DataSource) {}

  /** One row per participant; `intervalsOut`, when given, receives each person's merged, clipped time in the room. */
  async rows(s: SessionForRecords, now = new Date(), intervalsOut?: Map<string, Interval[]>): Promise<AttendanceRow[]> {
    const segments: Raw[] = await this.ds.query(
      'SELECT user_id, joined_at, left_at FROM attendance_segments WHERE session_id = $1 ORDER BY joined_at',
      [s.row.id],
    );
    // A patient checks in (the pre-join safety check) as they enter the waiting room: their arrival,
    // even while nobody admits them yet.
    const checkIns: Raw[] = await this.ds.query(
      'SELECT user_id, MIN(created_at) AS at FROM safety_checks WHERE session_id = $1 GROUP BY user_id',
      [s.row.id],
    );
    const checkedInOf = new Map(checkIns.map((c) => [String(c.user_id), new Date(c.at as string)]));
    const corrections: Raw[] = await this.ds.query(
      `SELECT DISTINCT ON (user_id) user_id, minutes, reason, corrected_by, corrected_at
         FROM attendance_corrections WHERE session_id = $1 ORDER BY user_id, corrected_at DESC`,
      [s.row.id],
    );
    const byUser = new Map<string, SegmentInput[]>();
    for (const r of segments) {
      const list = byUser.get(String(r.user_id)) ?? [];
      list.push({ joinedAt: new Date(r.joined_at as string), leftAt: r.left_at ? new Date(r.left_at as string) : null });
      byUser.set(String(r.user_id), list);
    }
    const correctionOf = new Map(corrections.map((c) => [String(c.user_id), c]));
    // Everyone on the roster, plus anyone with segments who is no longer on it.
    const people = [...s.people.map((x) => ({ userId: x.userId, role: x.role, name: fullName(x) }))];
    const known = new Set(people.map((x) => x.userId));
    const strangers = [...byUser.keys()].filter((id) => !known.has(id));
    if (strangers.length) {
      const users: Raw[] = await this.ds.query('SELECT id, first_name, last_name FROM users WHERE id = ANY($1::uuid[])', [strangers]);
      for (const u of users) people.push({ userId: String(u.id), role: 'patient', name: `${String(u.first_name)} ${String(u.last_name)}` });
    }
    const window = { start: s.row.startsAt, end: s.row.endsAt, endedAt: s.endedAt };
    const over = sessionIsOver(s.row.endsAt, s.endedAt, now);
    return people.map((person) => {
      const checkedInAt = person.role === 'therapist' ? null : (checkedInOf.get(person.userId) ?? null);
      const sum = summariseAttendance(byUser.get(person.userId) ?? [], window, now, { checkedInAt });
      intervalsOut?.set(person.userId, sum.intervals);
      const c = correctionOf.get(person.userId);
      const correction = c
        ? { minutes: Number(c.minutes), reason: String(c.reason), byUserId: String(c.corrected_by), at: new Date(c.corrected_at as string).toISOString() }
        : null;
      return {
        userId: person.userId,
        name: person.name,
        role: person.role,
        minutes: sum.minutes,
        checkedInAt: checkedInAt?.toISOString() ?? null,
        firstJoinedAt: sum.firstJoinedAt?.toISOString() ?? null,
        lastLeftAt: sum.lastLeftAt?.toISOString() ?? null,
        lateMinutes: sum.lateMinutes,
        leftEarlyMinutes: sum.leftEarlyMinutes,
        segments: sum.segments,
        present: sum.present,
        correction,
        mark: person.role === 'patient' ? attendanceMarkOf({ segments: sum.segments, lateMinutes: sum.lateMinutes, correction }, over, s.row.lateAfterMinutes) : null,
      };
    });
  }

  /** The session's patients counted by mark (attended / late / no-show / not yet), for the therapist's cards. */
  async counts(s: SessionForRecords, now = new Date()): Promise<AttendanceCounts> {
    const rows = await this.rows(s, now);
    return countAttendanceMarks(rows.flatMap((r) => (r.mark ? [r.mark] : [])));
  }

  csv(s: SessionForRecords, rows: readonly AttendanceRow[]): string {
    return toCsv(
      SESSION_CSV_COLUMNS,
      rows.map((r) => ({
        session_id: s.row.id,
        session_title: s.row.title,
        session_starts_at: s.row.startsAt,
        session_ends_at: s.row.endsAt,
        user_id: r.userId,
        name: r.name,
        role: r.role,
        minutes: r.minutes,
        checked_in_at: r.checkedInAt ?? '',
        first_joined_at: r.firstJoinedAt ?? '',
        last_left_at: r.lastLeftAt ?? '',
        late_minutes: r.lateMinutes,
        left_early_minutes: r.leftEarlyMinutes,
        segments: r.segments,
        corrected_minutes: r.correction ? r.correction.minutes : '',
        correction_reason: r.correction?.reason ?? '',
        attendance_mark: r.mark ?? '',
      })),
    );
  }

  /** A therapist's correction; the computed minutes stay as they are beside it. */
  async correct(p: Principal, s: SessionForRecords, userId: string, minutes: number, reason: string, now = new Date()): Promise<void> {
    if (s.access !== 'therapist') throw new RecordsError(RecordsErrorCode.Forbidden, 'Only the session’s therapists correct attendance.');
    if (!s.people.some((x) => x.userId === userId && x.role !== 'therapist')) {
      throw new RecordsError(RecordsErrorCode.NotAMember, 'That person is not a participant of this session.');
    }
    const max = Math.floor((s.row.endsAt.getTime() - s.row.startsAt.getTime()) / 60_000);
    if (minutes > max) throw new ValidationError(CommonErrorCode.BadRequest, `Minutes cannot exceed the session’s ${max}.`);
    await this.ds.query(
      'INSERT INTO attendance_corrections (session_id, user_id, minutes, reason, corrected_by, corrected_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [s.row.id, userId, minutes, reason.trim(), p.userId, now],
    );
  }
}
