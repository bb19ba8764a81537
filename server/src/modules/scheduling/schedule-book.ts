import { DateTime } from 'luxon';
import { In, type DataSource, type EntityManager } from 'typeorm';
import {
  defaultTrackFor,
  PROGRAM_TRACK_LABELS,
  PROGRAM_TRACKS,
  groupFormatSchema,
  individualFormatSchema,
  SCHEDULING_LIMITS,
  type CreateProgramBody,
  type FacilitatorRole,
  type ProgramTrack,
  type Role,
  type SessionFormat,
  type UpdateProgramBody,
} from '@hearth/protocol';
import { User } from '../users/entities/user.entity';
import { findConflicts, type Booking, type Conflict } from './domain/conflicts';
import { assertTimeZone, dayBounds, localDateOf } from './domain/local-time';
import { expandRecurrence, parseRecurrenceRule, type Occurrence } from './domain/recurrence';
import { defaultWeeklyHours } from './domain/week';
import {
  CohortEntity,
  CohortTherapistEntity,
  EnrollmentEntity,
  ProgramEntity,
  ProgramMemberEntity,
  ProgramTrackEntity,
  ScheduledSessionEntity,
  SessionGuestEntity,
  SessionSeriesEntity,
} from './entities';
import { ScheduleQueries } from './schedule-queries';
import { SchedulingError, SchedulingErrorCode } from './scheduling.error';

/** Every scheduling write takes this transaction-scoped lock, so two bookings cannot both pass the conflict check. */
const SCHEDULING_LOCK_KEY = 0x48_45_41_52; // "HEAR"
/** Tail of the queue of scheduling writes, per database (never rejects). */
const writeQueues = new WeakMap<DataSource, Promise<void>>();

export interface NewSession {
  kind: 'group' | 'individual';
  format: SessionFormat;
  title: string;
  theme?: string | null;
  startsAt: Date;
  endsAt: Date;
  cohortId?: string;
  therapistId?: string;
  patientId?: string;
}

export interface SeriesInput {
  title: string;
  format: SessionFormat;
  rrule: string;
  startDate: string;
  startTime: string;
  durationMinutes: number;
  themes?: string[];
}

function fail(code: SchedulingErrorCode, message: string): never {
  throw new SchedulingError(code, message);
}

/**
 * The write side of scheduling: creates programs, cohorts, enrollments,
 * series and sessions, and keeps the invariants no caller may skip — people
 * have the right role and program, nobody is double-booked, nothing is
 * scheduled in the past. No authorization here: the service decides who may
 * call what; the demo seed calls it directly.
 */
export class ScheduleBook {
  readonly queries: ScheduleQueries;

  constructor(readonly manager: EntityManager) {
    this.queries = new ScheduleQueries(manager);
  }

  private get m(): EntityManager {
    return this.manager;
  }

  /**
   * Runs `fn` in one transaction holding the scheduling lock. The advisory
   * lock serialises writers across processes on PostgreSQL; the in-process
   * queue does it on PGlite, whose single connection is shared by every query
   * runner (so the advisory lock is re-entrant there and transactions would
   * interleave).
   */
  static async transaction<T>(ds: DataSource, fn: (book: ScheduleBook) => Promise<T>): Promise<T> {
    const previous = writeQueues.get(ds) ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    writeQueues.set(ds, previous.then(() => mine));
    await previous;
    try {
      return await ds.transaction(async (m) => {
        await m.query('SELECT pg_advisory_xact_lock($1)', [SCHEDULING_LOCK_KEY]);
        return fn(new ScheduleBook(m));
      });
    } finally {
      done();
    }
  }

  // ------------------------------------------------------------------ programs

  async createProgram(input: CreateProgramBody, memberIds: readonly string[] = []): Promise<ProgramEntity> {
    assertTimeZone(input.timeZone);
    const program = await this.m.getRepository(ProgramEntity).save(
      this.m.getRepository(ProgramEntity).create({
        name: input.name,
        specialty: input.specialty,
        timeZone: input.timeZone,
        weeklyTargetMinutes: Math.round((input.weeklyHoursTarget ?? defaultWeeklyHours(input.specialty)) * 60),
        displayNamePolicy: input.displayNamePolicy,
        joinWindowMinutesBefore: input.joinWindowMinutesBefore,
        lateAfterMinutes: input.lateAfterMinutes,
      }),
    );
    for (const userId of memberIds) await this.addMember(program.id, userId);
    const tracks = input.tracks ?? [defaultTrackFor(input.specialty)];
    await this.m.getRepository(ProgramTrackEntity).insert(tracks.map((track) => ({ programId: program.id, track })));
    return program;
  }

  /** The tracks a program runs, in PROGRAM_TRACKS order. */
  async tracksOf(programId: string): Promise<ProgramTrack[]> {
    const rows = await this.m.getRepository(ProgramTrackEntity).find({ where: { programId } });
    return PROGRAM_TRACKS.filter((t) => rows.some((r) => r.track === t));
  }

  /** The tracks it runs from now on; a track that still has cohorts stays (refused, naming them). */
  async setTracks(program: ProgramEntity, tracks: readonly ProgramTrack[]): Promise<void> {
    const current = await this.tracksOf(program.id);
    const dropped = current.filter((t) => !tracks.includes(t));
    if (dropped.length > 0) {
      const inUse = await this.m.getRepository(CohortEntity).find({ where: { programId: program.id, track: In(dropped) }, order: { name: 'ASC' } });
      if (inUse.length > 0) {
        const names = inUse.map((c) => `${c.name} (${PROGRAM_TRACK_LABELS[c.track]})`).join(', ');
        fail(SchedulingErrorCode.InvalidState, `Move these cohorts to another track first: ${names}.`);
      }
      await this.m.getRepository(ProgramTrackEntity).delete({ programId: program.id, track: In(dropped) });
    }
    const added = tracks.filter((t) => !current.includes(t));
    if (added.length > 0) await this.m.getRepository(ProgramTrackEntity).insert(added.map((track) => ({ programId: program.id, track })));
  }

  async updateProgram(program: ProgramEntity, patch: UpdateProgramBody): Promise<ProgramEntity> {
    if (patch.name !== undefined) program.name = patch.name;
    if (patch.weeklyHoursTarget !== undefined) program.weeklyTargetMinutes = Math.round(patch.weeklyHoursTarget * 60);
    if (patch.displayNamePolicy !== undefined) program.displayNamePolicy = patch.displayNamePolicy;
    if (patch.joinWindowMinutesBefore !== undefined) program.joinWindowMinutesBefore = patch.joinWindowMinutesBefore;
    if (patch.lateAfterMinutes !== undefined) program.lateAfterMinutes = patch.lateAfterMinutes;
    if (patch.tracks !== undefined) await this.setTracks(program, patch.tracks);
    return this.m.getRepository(ProgramEntity).save(program);
  }

  async addMember(programId: string, userId: string): Promise<void> {
    await this.m.createQueryBuilder().insert().into(ProgramMemberEntity).values({ programId, userId }).orIgnore().execute();
  }

  /** The user, checked to have `role` and to belong to the program. */
  async memberWithRole(programId: string, userId: string, role: Role, what: string): Promise<User> {
    const user = await this.m.getRepository(User).findOne({ where: { id: userId } });
    const member = user && (await this.m.getRepository(ProgramMemberEntity).exists({ where: { programId, userId } }));
    if (!user || !member || user.disabledAt) fail(SchedulingErrorCode.InvalidReference, `The ${what} (${userId}) is not a member of this program.`);
    if (user.role !== role) fail(SchedulingErrorCode.InvalidReference, `The ${what} (${userId}) has the role "${user.role}", not "${role}".`);
    return user;
  }

  // ------------------------------------------------------------------ cohorts and enrollments

  async createCohort(
    program: ProgramEntity,
    input: { name: string; track?: ProgramTrack; therapistId: string; coTherapistIds: string[] },
  ): Promise<CohortEntity> {
    const taken = await this.m.getRepository(CohortEntity).exists({ where: { programId: program.id, name: input.name } });
    if (taken) fail(SchedulingErrorCode.AlreadyExists, `This program already has a cohort named "${input.name}".`);
    const runs = await this.tracksOf(program.id);
    const track = input.track ?? (runs.length === 1 ? runs[0] : undefined);
    if (!track) fail(SchedulingErrorCode.InvalidReference, `Pick the cohort's track: ${runs.map((t) => PROGRAM_TRACK_LABELS[t]).join(', ')}.`);
    if (!runs.includes(track)) {
      fail(SchedulingErrorCode.InvalidReference, `This program does not run a ${PROGRAM_TRACK_LABELS[track]} track (it runs: ${runs.map((t) => PROGRAM_TRACK_LABELS[t]).join(', ')}).`);
    }
    const therapists: [string, FacilitatorRole][] = [[input.therapistId, 'lead'], ...input.coTherapistIds.map((id): [string, FacilitatorRole] => [id, 'co'])];
    for (const [id, role] of therapists) await this.memberWithRole(program.id, id, 'therapist', role === 'lead' ? 'therapist' : 'co-therapist');
    const cohort = await this.m.getRepository(CohortEntity).save(
      this.m.getRepository(CohortEntity).create({ programId: program.id, name: input.name, track }),
    );
    await this.m.getRepository(CohortTherapistEntity).insert(therapists.map(([userId, role]) => ({ cohortId: cohort.id, userId, role })));
    return cohort;
  }

  async enroll(
    program: ProgramEntity,
    cohort: CohortEntity,
    input: { patientId: string; startDate: string; endDate?: string | null },
    now: Date,
  ): Promise<EnrollmentEntity> {
    await this.memberWithRole(program.id, input.patientId, 'patient', 'patient');
    const existing = await this.m.getRepository(EnrollmentEntity).find({ where: { cohortId: cohort.id, patientId: input.patientId } });
    const end = input.endDate ?? null;
    const clash = existing.find((e) => e.startDate <= (end ?? '9999-12-31') && (e.endDate ?? '9999-12-31') >= input.startDate);
    if (clash) {
      fail(SchedulingErrorCode.AlreadyExists, `The patient is already enrolled in this cohort from ${clash.startDate}${clash.endDate ? ` to ${clash.endDate}` : ''}.`);
    }
    await this.assertFreeForCohort(program, cohort, input.patientId, { from: input.startDate, to: end }, now);
    return this.m.getRepository(EnrollmentEntity).save(
      this.m.getRepository(EnrollmentEntity).create({ cohortId: cohort.id, patientId: input.patientId, startDate: input.startDate, endDate: end }),
    );
  }

  /** Sets or clears an enrollment's end date; lengthening it is checked for double-booking like a new enrollment. */
  async setEnrollmentEnd(program: ProgramEntity, cohort: CohortEntity, enrollment: EnrollmentEntity, endDate: string | null, now: Date) {
    if (endDate !== null && endDate < enrollment.startDate) {
      fail(SchedulingErrorCode.InvalidSchedule, `The end date ${endDate} is before the enrollment's start ${enrollment.startDate}.`);
    }
    const others = await this.m.getRepository(EnrollmentEntity).find({ where: { cohortId: cohort.id, patientId: enrollment.patientId } });
    const clash = others.find(
      (e) => e.id !== enrollment.id && e.startDate <= (endDate ?? '9999-12-31') && (e.endDate ?? '9999-12-31') >= enrollment.startDate,
    );
    if (clash) fail(SchedulingErrorCode.AlreadyExists, `That would overlap the patient's other enrollment from ${clash.startDate}.`);
    const lengthened = endDate === null ? enrollment.endDate !== null : enrollment.endDate !== null && endDate > enrollment.endDate;
    if (lengthened && enrollment.endDate) {
      const from = DateTime.fromISO(enrollment.endDate).plus({ days: 1 }).toISODate() as string;
      await this.assertFreeForCohort(program, cohort, enrollment.patientId, { from, to: endDate }, now);
    }
    enrollment.endDate = endDate;
    return this.m.getRepository(EnrollmentEntity).save(enrollment);
  }

  /** Refuses when the cohort's upcoming sessions between the dates clash with the person's other sessions. */
  private async assertFreeForCohort(
    program: ProgramEntity,
    cohort: CohortEntity,
    userId: string,
    dates: { from: string; to: string | null },
    now: Date,
  ): Promise<void> {
    const from = new Date(Math.max(now.getTime(), dayBounds(dates.from, program.timeZone).start.getTime()));
    const to = dates.to ? dayBounds(dates.to, program.timeZone).end : new Date(from.getTime() + 366 * 86_400_000);
    if (to <= from) return;
    const cohortSessions = await this.m
      .getRepository(ScheduledSessionEntity)
      .createQueryBuilder('s')
      .where('s.cohort_id = :cohortId AND s.status = :status AND s.starts_at < :to AND s.ends_at > :from', {
        cohortId: cohort.id,
        status: 'scheduled',
        from,
        to,
      })
      .getMany();
    if (cohortSessions.length === 0) return;
    const proposed = cohortSessions.map((s) => ({ startsAt: s.startsAt, endsAt: s.endsAt, people: [userId], title: s.title }));
    const existing = await this.queries.bookingsOf([userId], spanOf(proposed), cohort.id);
    await this.refuseConflicts(findConflicts(proposed, existing), program.timeZone);
  }

  async cohortTherapists(cohortId: string): Promise<CohortTherapistEntity[]> {
    return this.m.getRepository(CohortTherapistEntity).find({ where: { cohortId } });
  }

  // ------------------------------------------------------------------ series

  /**
   * Creates a recurring group session and materialises its occurrences from
   * now (or its start) for SCHEDULING_LIMITS.seriesHorizonWeeks. All or nothing:
   * one double-booked occurrence refuses the whole series.
   */
  async createSeries(
    program: ProgramEntity,
    cohort: CohortEntity,
    input: SeriesInput,
    now: Date,
  ): Promise<{ series: SessionSeriesEntity; sessions: ScheduledSessionEntity[] }> {
    assertTimeZone(program.timeZone);
    if (!groupFormatSchema.safeParse(input.format).success) fail(SchedulingErrorCode.InvalidSchedule, `"${input.format}" is not a group session format.`);
    const rule = parseRecurrenceRule(input.rrule);
    const oldest = DateTime.fromJSDate(now, { zone: program.timeZone }).minus({ years: 1 }).toISODate() as string;
    if (input.startDate < oldest) fail(SchedulingErrorCode.InvalidSchedule, `A series cannot start more than a year ago (${input.startDate}).`);
    const pattern = { rule, startDate: input.startDate, startTime: input.startTime, durationMinutes: input.durationMinutes, timeZone: program.timeZone };
    const seriesStart = dayBounds(input.startDate, program.timeZone).start;
    const from = seriesStart > now ? seriesStart : now;
    const to = new Date(from.getTime() + SCHEDULING_LIMITS.seriesHorizonWeeks * 7 * 86_400_000);
    const occurrences = expandRecurrence(pattern, { from, to });
    if (occurrences.length === 0) {
      fail(
        SchedulingErrorCode.InvalidSchedule,
        `The rule ${rule.text} gives no sessions between ${localDateOf(from, program.timeZone)} and ${localDateOf(to, program.timeZone)}.`,
      );
    }
    await this.assertNoConflicts(program, await this.groupBookings(cohort, program, occurrences));
    const series = await this.m.getRepository(SessionSeriesEntity).save(
      this.m.getRepository(SessionSeriesEntity).create({
        programId: program.id,
        cohortId: cohort.id,
        title: input.title,
        format: input.format,
        rrule: rule.text,
        startDate: input.startDate,
        startTime: input.startTime,
        durationMinutes: input.durationMinutes,
        timeZone: program.timeZone,
        themes: input.themes ?? [],
        materialisedUntil: to,
      }),
    );
    return { series, sessions: await this.materialise(series, occurrences) };
  }

  /**
   * Tops a series up so its sessions reach SCHEDULING_LIMITS.seriesHorizonWeeks
   * ahead of now. All or nothing, like creation; returns the new sessions.
   */
  async extendSeries(program: ProgramEntity, cohort: CohortEntity, series: SessionSeriesEntity, now: Date): Promise<ScheduledSessionEntity[]> {
    const to = new Date(now.getTime() + SCHEDULING_LIMITS.seriesHorizonWeeks * 7 * 86_400_000);
    const from = series.materialisedUntil > now ? series.materialisedUntil : now;
    if (to <= from) return [];
    const pattern = {
      rule: parseRecurrenceRule(series.rrule),
      startDate: series.startDate,
      startTime: series.startTime,
      durationMinutes: series.durationMinutes,
      timeZone: series.timeZone,
    };
    const occurrences = expandRecurrence(pattern, { from, to });
    await this.assertNoConflicts(program, await this.groupBookings(cohort, program, occurrences));
    series.materialisedUntil = to;
    await this.m.getRepository(SessionSeriesEntity).save(series);
    return this.materialise(series, occurrences);
  }

  private async materialise(series: SessionSeriesEntity, occurrences: readonly Occurrence[]): Promise<ScheduledSessionEntity[]> {
    if (occurrences.length === 0) return [];
    const repo = this.m.getRepository(ScheduledSessionEntity);
    return repo.save(
      occurrences.map((o) =>
        repo.create({
          programId: series.programId,
          seriesId: series.id,
          seriesSlot: o.startsAt,
          cohortId: series.cohortId,
          kind: 'group',
          format: series.format,
          title: series.title,
          theme: series.themes.length ? series.themes[o.index % series.themes.length]! : null,
          startsAt: o.startsAt,
          endsAt: o.endsAt,
          status: 'scheduled',
          cancelledReason: null,
          cancelledAt: null,
          therapistId: null,
          patientId: null,
        }),
      ),
    );
  }

  /** Group-session bookings: the cohort's therapists and the patients enrolled on each occurrence's local date. */
  private async groupBookings(
    cohort: CohortEntity,
    program: ProgramEntity,
    occurrences: readonly Pick<Occurrence, 'startsAt' | 'endsAt'>[],
    sessionId?: string,
  ): Promise<Booking[]> {
    const therapists = (await this.cohortTherapists(cohort.id)).map((t) => t.userId);
    const enrollments = await this.m.getRepository(EnrollmentEntity).find({ where: { cohortId: cohort.id } });
    return occurrences.map((o) => {
      const day = localDateOf(o.startsAt, program.timeZone);
      const patients = enrollments.filter((e) => e.startDate <= day && (e.endDate === null || e.endDate >= day)).map((e) => e.patientId);
      return { sessionId, startsAt: o.startsAt, endsAt: o.endsAt, people: [...therapists, ...patients] };
    });
  }

  // ------------------------------------------------------------------ sessions

  /**
   * A one-off group session or a 1:1. `allowPast` and `allowOverlap` are for the
   * demo seed only (its family session runs alongside the live group on purpose).
   */
  async createSession(
    program: ProgramEntity,
    input: NewSession,
    now: Date,
    opts: { allowPast?: boolean; allowOverlap?: boolean } = {},
  ): Promise<ScheduledSessionEntity> {
    this.assertTimes(input.startsAt, input.endsAt, opts.allowPast ? new Date(0) : now);
    let bookings: Booking[];
    if (input.kind === 'group') {
      if (!groupFormatSchema.safeParse(input.format).success) fail(SchedulingErrorCode.InvalidSchedule, `"${input.format}" is not a group session format.`);
      const cohort = await this.m.getRepository(CohortEntity).findOne({ where: { id: input.cohortId, programId: program.id } });
      if (!cohort) fail(SchedulingErrorCode.NotFound, 'No such cohort in this program.');
      bookings = await this.groupBookings(cohort, program, [input]);
    } else {
      if (!individualFormatSchema.safeParse(input.format).success) {
        fail(SchedulingErrorCode.InvalidSchedule, `"${input.format}" is not a 1:1 session format (individual_therapy or family).`);
      }
      await this.memberWithRole(program.id, input.therapistId!, 'therapist', 'therapist');
      await this.memberWithRole(program.id, input.patientId!, 'patient', 'patient');
      bookings = [{ startsAt: input.startsAt, endsAt: input.endsAt, people: [input.therapistId!, input.patientId!] }];
    }
    if (!opts.allowOverlap) await this.assertNoConflicts(program, bookings);
    const repo = this.m.getRepository(ScheduledSessionEntity);
    return repo.save(
      repo.create({
        programId: program.id,
        seriesId: null,
        seriesSlot: null,
        cohortId: input.kind === 'group' ? input.cohortId! : null,
        kind: input.kind,
        format: input.format,
        title: input.title,
        theme: input.theme ?? null,
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        status: 'scheduled',
        cancelledReason: null,
        cancelledAt: null,
        therapistId: input.kind === 'individual' ? input.therapistId! : null,
        patientId: input.kind === 'individual' ? input.patientId! : null,
      }),
    );
  }

  async findSession(sessionId: string): Promise<ScheduledSessionEntity | null> {
    return this.m.getRepository(ScheduledSessionEntity).findOne({ where: { id: sessionId } });
  }

  /** Changes the title, theme or format of one session, or moves it (checked for double-booking). */
  async updateSession(
    program: ProgramEntity,
    session: ScheduledSessionEntity,
    patch: { title?: string; theme?: string | null; format?: SessionFormat; startsAt?: Date; endsAt?: Date },
    now: Date,
  ): Promise<ScheduledSessionEntity> {
    if (session.status === 'cancelled') fail(SchedulingErrorCode.InvalidState, 'This session was cancelled; schedule a new one instead.');
    if (patch.format !== undefined) {
      const ok = session.kind === 'group' ? groupFormatSchema.safeParse(patch.format).success : individualFormatSchema.safeParse(patch.format).success;
      if (!ok) fail(SchedulingErrorCode.InvalidSchedule, `"${patch.format}" is not a format for a ${session.kind === 'group' ? 'group' : '1:1'} session.`);
      session.format = patch.format;
    }
    if (patch.title !== undefined) session.title = patch.title;
    if (patch.theme !== undefined) session.theme = patch.theme;
    if (patch.startsAt && patch.endsAt) {
      if (session.endsAt <= now) fail(SchedulingErrorCode.InvalidState, 'This session is over; it cannot be moved.');
      this.assertTimes(patch.startsAt, patch.endsAt, now);
      const moved = { startsAt: patch.startsAt, endsAt: patch.endsAt };
      let bookings: Booking[];
      if (session.kind === 'group') {
        const cohort = await this.m.getRepository(CohortEntity).findOneOrFail({ where: { id: session.cohortId! } });
        bookings = await this.groupBookings(cohort, program, [moved], session.id);
      } else {
        bookings = [{ sessionId: session.id, ...moved, people: [session.therapistId!, session.patientId!] }];
      }
      const guests = await this.m.getRepository(SessionGuestEntity).find({ where: { sessionId: session.id } });
      bookings[0] = { ...bookings[0]!, people: [...bookings[0]!.people, ...guests.map((g) => g.userId)] };
      await this.assertNoConflicts(program, bookings);
      session.startsAt = patch.startsAt;
      session.endsAt = patch.endsAt;
    }
    return this.m.getRepository(ScheduledSessionEntity).save(session);
  }

  async cancelSession(session: ScheduledSessionEntity, reason: string | undefined, now: Date): Promise<ScheduledSessionEntity> {
    if (session.status === 'cancelled') fail(SchedulingErrorCode.InvalidState, 'This session is already cancelled.');
    if (session.endsAt <= now) fail(SchedulingErrorCode.InvalidState, 'This session is over; it cannot be cancelled.');
    session.status = 'cancelled';
    session.cancelledAt = now;
    session.cancelledReason = reason ?? null;
    return this.m.getRepository(ScheduledSessionEntity).save(session);
  }

  async addGuest(program: ProgramEntity, session: ScheduledSessionEntity, userId: string, now: Date): Promise<void> {
    if (session.format !== 'family') fail(SchedulingErrorCode.InvalidSchedule, 'Guests can be invited to family sessions only.');
    if (session.status === 'cancelled' || session.endsAt <= now) fail(SchedulingErrorCode.InvalidState, 'This session is cancelled or over.');
    await this.memberWithRole(program.id, userId, 'family', 'guest');
    if (await this.m.getRepository(SessionGuestEntity).exists({ where: { sessionId: session.id, userId } })) {
      fail(SchedulingErrorCode.AlreadyExists, 'This guest is already invited.');
    }
    await this.assertNoConflicts(program, [{ sessionId: session.id, startsAt: session.startsAt, endsAt: session.endsAt, people: [userId] }]);
    await this.m.getRepository(SessionGuestEntity).insert({ sessionId: session.id, userId });
  }

  // ------------------------------------------------------------------ checks

  private assertTimes(startsAt: Date, endsAt: Date, now: Date): void {
    const minutes = (endsAt.getTime() - startsAt.getTime()) / 60_000;
    if (!(minutes > 0)) fail(SchedulingErrorCode.InvalidSchedule, 'A session must end after it starts.');
    if (minutes < SCHEDULING_LIMITS.minSessionMinutes || minutes > SCHEDULING_LIMITS.maxSessionMinutes) {
      fail(SchedulingErrorCode.InvalidSchedule, `A session lasts between ${SCHEDULING_LIMITS.minSessionMinutes} minutes and ${SCHEDULING_LIMITS.maxSessionMinutes / 60} hours.`);
    }
    if (endsAt <= now) fail(SchedulingErrorCode.InvalidSchedule, 'That session would already be over.');
  }

  /** Refuses with 409 when any of the bookings would double-book someone. */
  async assertNoConflicts(program: ProgramEntity, bookings: readonly Booking[]): Promise<void> {
    if (bookings.length === 0) return;
    const people = [...new Set(bookings.flatMap((b) => b.people))];
    const existing = await this.queries.bookingsOf(people, spanOf(bookings));
    await this.refuseConflicts(findConflicts(bookings, existing), program.timeZone);
  }

  private async refuseConflicts(conflicts: Conflict[], zone: string): Promise<void> {
    if (conflicts.length === 0) return;
    const names = new Map(
      (await this.m.getRepository(User).findBy({ id: In([...new Set(conflicts.map((c) => c.personId))]) })).map((u) => [u.id, `${u.firstName} ${u.lastName}`]),
    );
    const when = (d: Date) => DateTime.fromJSDate(d, { zone }).toFormat("ccc d LLL yyyy HH:mm");
    const lines = conflicts.slice(0, 5).map((c) => {
      const what = c.existing.title ? `"${c.existing.title}"` : 'another session';
      return `${names.get(c.personId) ?? c.personId} is already booked ${when(c.existing.startsAt)}–${DateTime.fromJSDate(c.existing.endsAt, { zone }).toFormat('HH:mm')} (${what})`;
    });
    const more = conflicts.length > 5 ? ` and ${conflicts.length - 5} more` : '';
    throw new SchedulingError(SchedulingErrorCode.DoubleBooked, `Double-booking refused: ${lines.join('; ')}${more}.`);
  }
}

function spanOf(bookings: readonly { startsAt: Date; endsAt: Date }[]): { from: Date; to: Date } {
  return {
    from: new Date(Math.min(...bookings.map((b) => b.startsAt.getTime()))),
    to: new Date(Math.max(...bookings.map((b) => b.endsAt.getTime()))),
  };
}
