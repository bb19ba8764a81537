import type { EntityManager } from 'typeorm';
import type { DisplayNamePolicy, FacilitatorRole, ProgramTrack, SessionFormat, SessionKind, SessionStatus } from '@hearth/protocol';
import type { Booking } from './domain/conflicts';

/** A session row with what every view of it needs from its program and cohort. */
export interface SessionRow {
  id: string;
  programId: string;
  seriesId: string | null;
  cohortId: string | null;
  cohortName: string | null;
  /** The cohort's track (group sessions). */
  track: ProgramTrack | null;
  kind: SessionKind;
  format: SessionFormat;
  title: string;
  theme: string | null;
  status: SessionStatus;
  cancelledReason: string | null;
  startsAt: Date;
  endsAt: Date;
  therapistId: string | null;
  patientId: string | null;
  timeZone: string;
  joinWindowMinutesBefore: number;
  /** The program's attendance rule: late from this many minutes after the start. */
  lateAfterMinutes: number;
  displayNamePolicy: DisplayNamePolicy;
  /** The asking user's part in it, when they take part. */
  myRole: 'therapist' | 'patient' | 'guest' | null;
}

export interface PersonRow {
  userId: string;
  role: 'therapist' | 'patient' | 'guest';
  facilitatorRole: FacilitatorRole | null;
  firstName: string;
  lastName: string;
}

type Raw = Record<string, unknown>;

const asDate = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)));

function toSessionRow(r: Raw): SessionRow {
  return {
    id: r.id as string,
    programId: r.program_id as string,
    seriesId: (r.series_id as string | null) ?? null,
    cohortId: (r.cohort_id as string | null) ?? null,
    cohortName: (r.cohort_name as string | null) ?? null,
    track: (r.cohort_track as ProgramTrack | null) ?? null,
    kind: r.kind as SessionKind,
    format: r.format as SessionFormat,
    title: r.title as string,
    theme: (r.theme as string | null) ?? null,
    status: r.status as SessionStatus,
    cancelledReason: (r.cancelled_reason as string | null) ?? null,
    startsAt: asDate(r.starts_at),
    endsAt: asDate(r.ends_at),
    therapistId: (r.therapist_id as string | null) ?? null,
    patientId: (r.patient_id as string | null) ?? null,
    timeZone: r.time_zone as string,
    joinWindowMinutesBefore: Number(r.join_window_minutes_before),
    lateAfterMinutes: Number(r.late_after_minutes ?? 1),
    displayNamePolicy: r.display_name_policy as DisplayNamePolicy,
    myRole: (r.my_role as SessionRow['myRole']) ?? null,
  };
}

// $1 is always the asking user.
const SESSION_SELECT = `
  SELECT s.id, s.program_id, s.series_id, s.cohort_id, c.name AS cohort_name, c.track AS cohort_track, s.kind, s.format, s.title, s.theme,
         s.status, s.cancelled_reason, s.starts_at, s.ends_at, s.therapist_id, s.patient_id,
         p.time_zone, p.join_window_minutes_before, p.late_after_minutes, p.display_name_policy,
         (SELECT sp.role FROM session_people sp WHERE sp.session_id = s.id AND sp.user_id = $1
           ORDER BY CASE sp.role WHEN 'therapist' THEN 0 WHEN 'patient' THEN 1 ELSE 2 END LIMIT 1) AS my_role
    FROM sessions s
    JOIN programs p ON p.id = s.program_id
    LEFT JOIN cohorts c ON c.id = s.cohort_id`;

const TAKES_PART = `EXISTS (SELECT 1 FROM session_people sp WHERE sp.session_id = s.id AND sp.user_id = $1)`;
const ADMINISTERS = `EXISTS (SELECT 1 FROM program_members pm WHERE pm.program_id = s.program_id AND pm.user_id = $1)`;

/** Read side of scheduling: plain SQL over the session_people view. */
export class ScheduleQueries {
  constructor(private readonly m: EntityManager) {}

  /**
   * Sessions overlapping [from, to) that the user takes part in, or — with
   * `asAdmin` — that belong to a program the user is a member of.
   */
  async sessionsFor(userId: string, range: { from: Date; to: Date }, opts: { asAdmin: boolean; cohortId?: string }): Promise<SessionRow[]> {
    const params: unknown[] = [userId, range.from, range.to];
    let where = `s.starts_at < $3 AND s.ends_at > $2 AND (${TAKES_PART}${opts.asAdmin ? ` OR ${ADMINISTERS}` : ''})`;
    if (opts.cohortId) {
      params.push(opts.cohortId);
      where += ` AND s.cohort_id = $${params.length}`;
    }
    const rows: Raw[] = await this.m.query(`${SESSION_SELECT} WHERE ${where} ORDER BY s.starts_at, s.id`, params);
    return rows.map(toSessionRow);
  }

  /** Sessions of a cohort in a range, whoever asks (callers check access first). */
  async cohortSessions(userId: string, cohortId: string, range: { from: Date; to: Date }): Promise<SessionRow[]> {
    const rows: Raw[] = await this.m.query(
      `${SESSION_SELECT} WHERE s.cohort_id = $2 AND s.starts_at < $4 AND s.ends_at > $3 ORDER BY s.starts_at, s.id`,
      [userId, cohortId, range.from, range.to],
    );
    return rows.map(toSessionRow);
  }

  async sessionById(userId: string, sessionId: string): Promise<SessionRow | null> {
    const rows: Raw[] = await this.m.query(`${SESSION_SELECT} WHERE s.id = $2`, [userId, sessionId]);
    return rows[0] ? toSessionRow(rows[0]) : null;
  }

  async sessionsByIds(userId: string, ids: readonly string[]): Promise<SessionRow[]> {
    if (ids.length === 0) return [];
    const rows: Raw[] = await this.m.query(`${SESSION_SELECT} WHERE s.id = ANY($2::uuid[]) ORDER BY s.starts_at, s.id`, [userId, ids]);
    return rows.map(toSessionRow);
  }

  /** Everyone taking part in the sessions, with names; therapists lead first. */
  async peopleOf(sessionIds: readonly string[]): Promise<Map<string, PersonRow[]>> {
    const out = new Map<string, PersonRow[]>();
    if (sessionIds.length === 0) return out;
    const rows: Raw[] = await this.m.query(
      `SELECT sp.session_id, sp.user_id, sp.role, sp.facilitator_role, u.first_name, u.last_name
         FROM session_people sp JOIN users u ON u.id = sp.user_id
        WHERE sp.session_id = ANY($1::uuid[])
        ORDER BY CASE sp.role WHEN 'therapist' THEN 0 WHEN 'patient' THEN 1 ELSE 2 END,
                 CASE sp.facilitator_role WHEN 'lead' THEN 0 ELSE 1 END, u.first_name, u.last_name, u.id`,
      [sessionIds],
    );
    for (const r of rows) {
      const list = out.get(r.session_id as string) ?? [];
      list.push({
        userId: r.user_id as string,
        role: r.role as PersonRow['role'],
        facilitatorRole: (r.facilitator_role as FacilitatorRole | null) ?? null,
        firstName: r.first_name as string,
        lastName: r.last_name as string,
      });
      out.set(r.session_id as string, list);
    }
    return out;
  }

  /**
   * Scheduled sessions overlapping [from, to) that any of these people take
   * part in, as bookings listing those of them involved. Sessions of
   * `exceptCohortId` are left out (used when someone joins that cohort).
   */
  async bookingsOf(userIds: readonly string[], range: { from: Date; to: Date }, exceptCohortId?: string): Promise<Booking[]> {
    if (userIds.length === 0) return [];
    const rows: Raw[] = await this.m.query(
      `SELECT s.id, s.title, s.starts_at, s.ends_at, array_agg(DISTINCT sp.user_id::text) AS people
         FROM sessions s JOIN session_people sp ON sp.session_id = s.id
        WHERE s.status = 'scheduled' AND s.starts_at < $3 AND s.ends_at > $2
          AND sp.user_id = ANY($1::uuid[])
          AND ($4::uuid IS NULL OR s.cohort_id IS DISTINCT FROM $4::uuid)
        GROUP BY s.id, s.title, s.starts_at, s.ends_at`,
      [userIds, range.from, range.to, exceptCohortId ?? null],
    );
    return rows.map((r) => ({
      sessionId: r.id as string,
      title: r.title as string,
      startsAt: asDate(r.starts_at),
      endsAt: asDate(r.ends_at),
      people: parseArray(r.people),
    }));
  }

  /** Is the patient enrolled (at any time) in a cohort of this program that the therapist leads or co-leads? */
  async isPatientOfTherapist(patientId: string, therapistId: string, programId: string): Promise<boolean> {
    const rows: Raw[] = await this.m.query(
      `SELECT 1 FROM enrollments e
         JOIN cohorts c ON c.id = e.cohort_id
         JOIN cohort_therapists ct ON ct.cohort_id = e.cohort_id
        WHERE e.patient_id = $1 AND ct.user_id = $2 AND c.program_id = $3 LIMIT 1`,
      [patientId, therapistId, programId],
    );
    return rows.length > 0;
  }

  /** Patients with an enrollment in the program (optionally only in cohorts this therapist leads) overlapping the dates. */
  async patientsInProgram(
    programId: string,
    dates: { from: string; to: string },
    therapistId?: string,
  ): Promise<{ patientId: string; firstName: string; lastName: string; cohortNames: string[] }[]> {
    const rows: Raw[] = await this.m.query(
      `SELECT u.id, u.first_name, u.last_name, array_agg(DISTINCT c.name) AS cohort_names
         FROM enrollments e
         JOIN cohorts c ON c.id = e.cohort_id
         JOIN users u ON u.id = e.patient_id
        WHERE c.program_id = $1 AND e.start_date <= $3::date AND (e.end_date IS NULL OR e.end_date >= $2::date)
          AND ($4::uuid IS NULL OR EXISTS (SELECT 1 FROM cohort_therapists ct WHERE ct.cohort_id = c.id AND ct.user_id = $4::uuid))
        GROUP BY u.id, u.first_name, u.last_name
        ORDER BY u.last_name, u.first_name, u.id`,
      [programId, dates.from, dates.to, therapistId ?? null],
    );
    return rows.map((r) => ({
      patientId: r.id as string,
      firstName: r.first_name as string,
      lastName: r.last_name as string,
      cohortNames: parseArray(r.cohort_names),
    }));
  }

  /** Scheduled sessions of the program in the range, one row per patient taking part. */
  async patientSessions(programId: string, patientIds: readonly string[], range: { from: Date; to: Date }) {
    if (patientIds.length === 0) return [];
    const rows: Raw[] = await this.m.query(
      `SELECT sp.user_id, s.kind, s.starts_at, s.ends_at
         FROM sessions s JOIN session_people sp ON sp.session_id = s.id AND sp.role = 'patient'
        WHERE s.program_id = $1 AND s.status = 'scheduled' AND s.starts_at < $4 AND s.ends_at > $3
          AND sp.user_id = ANY($2::uuid[])`,
      [programId, patientIds, range.from, range.to],
    );
    return rows.map((r) => ({
      patientId: r.user_id as string,
      kind: r.kind as SessionKind,
      startsAt: asDate(r.starts_at),
      endsAt: asDate(r.ends_at),
    }));
  }
}

/** node-postgres parses arrays; PGlite may hand back the text form `{a,b}`. */
function parseArray(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'string') {
    const inner = v.replace(/^\{|\}$/g, '');
    return inner ? inner.split(',').map((s) => s.replace(/^"|"$/g, '')) : [];
  }
  return [];
}
