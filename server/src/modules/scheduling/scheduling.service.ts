import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import ical, { ICalEventStatus } from 'ical-generator';
import { DataSource, In, IsNull, type EntityManager } from 'typeorm';
import type {
  CalendarLink,
  CalendarLinkStatus,
  Cohort,
  CohortRoster,
  CreateCohortBody,
  CreateEnrollmentBody,
  CreateMemberBody,
  CreateProgramBody,
  CreateSeriesBody,
  CreateSeriesResponse,
  CreateSessionBody,
  Enrollment,
  Member,
  NextSessionResponse,
  Program,
  RosterEntry,
  Series,
  SessionDetail,
  SessionParticipant,
  SessionRangeQuery,
  SessionView,
  UpdateEnrollmentBody,
  UpdateProgramBody,
  UpdateSessionBody,
  WeekHours,
} from '@hearth/protocol';
import { isJoinWindowOpen, joinOpensAt, PROGRAM_TRACKS, SCHEDULING_LIMITS, sessionViewKindOf, type ProgramTrack } from '@hearth/protocol';
import type { Principal } from '../auth/auth.service';
import { hashPassword } from '../auth/password';
import { sha256 } from '../auth/tokens';
import { displayNameFor, fullName } from '../users/display-name';
import { User } from '../users/entities/user.entity';
import { localDateOf } from './domain/local-time';
import { toRfc5545, parseRecurrenceRule } from './domain/recurrence';
import { summariseWeek, weekOf } from './domain/week';
import {
  CalendarFeedEntity,
  CohortEntity,
  CohortTherapistEntity,
  EnrollmentEntity,
  ProgramEntity,
  ProgramTrackEntity,
  ProgramMemberEntity,
  SessionSeriesEntity,
} from './entities';
import { ScheduleBook } from './schedule-book';
import { ScheduleQueries, type PersonRow, type SessionRow } from './schedule-queries';
import { SchedulingError, SchedulingErrorCode } from './scheduling.error';

const DAY_MS = 86_400_000;

/** What the live-room side needs to admit someone to a session. */
export interface JoinContext {
  session: SessionView;
  /** The user's part in this session; 'none' when they are not on its roster. */
  role: 'therapist' | 'patient' | 'guest' | 'none';
  /** From the program's join window before the start until the end; never when cancelled. */
  joinWindowOpen: boolean;
  /** The user's name as others in the session see it. */
  displayName: string;
  /** Everyone on the roster; patients and guests named per the program's display-name policy. */
  participants: SessionParticipant[];
}

type CohortAccess = 'admin' | 'therapist' | 'patient';
type SessionAccess = 'admin' | 'therapist' | 'patient' | 'guest';

function notFound(what: string): never {
  throw new SchedulingError(SchedulingErrorCode.NotFound, `No such ${what}.`);
}
function forbidden(message: string): never {
  throw new SchedulingError(SchedulingErrorCode.Forbidden, message);
}
/** For a child resource: "no such cohort" becomes "no such <what>". */
const asNotFound =
  (what: string) =>
  (e: unknown): never => {
    if (e instanceof SchedulingError && e.code === SchedulingErrorCode.NotFound) notFound(what);
    throw e;
  };

/**
 * Programs, cohorts, enrollments and sessions, with the access rules:
 * admins act on the programs they belong to; therapists on the cohorts they
 * lead or co-lead and their own 1:1s; patients see their own cohorts and
 * sessions; family guests see the sessions they are invited to. Anything a
 * caller may not see answers 404; anything they see but may not change, 403.
 */
@Injectable()
export class SchedulingService {
  constructor(private readonly ds: DataSource) {}

  private get queries(): ScheduleQueries {
    return new ScheduleQueries(this.ds.manager);
  }

  // ================================================================== access

  private async isMember(programId: string, userId: string, m: EntityManager = this.ds.manager): Promise<boolean> {
    return m.getRepository(ProgramMemberEntity).exists({ where: { programId, userId } });
  }

  /** The program, when the caller is an admin belonging to it. */
  private async adminProgram(p: Principal, programId: string, m: EntityManager = this.ds.manager): Promise<ProgramEntity> {
    if (p.role !== 'admin') forbidden('Only program admins can do this.');
    const program = await m.getRepository(ProgramEntity).findOne({ where: { id: programId } });
    if (!program || !(await this.isMember(programId, p.userId, m))) notFound('program');
    return program;
  }

  private async cohortAccess(
    p: Principal,
    cohortId: string,
    m: EntityManager = this.ds.manager,
  ): Promise<{ cohort: CohortEntity; program: ProgramEntity; access: CohortAccess }> {
    const cohort = await m.getRepository(CohortEntity).findOne({ where: { id: cohortId } });
    if (!cohort) notFound('cohort');
    const program = await m.getRepository(ProgramEntity).findOneOrFail({ where: { id: cohort.programId } });
    let access: CohortAccess | null = null;
    if (p.role === 'admin' && (await this.isMember(program.id, p.userId, m))) access = 'admin';
    else if (p.role === 'therapist' && (await m.getRepository(CohortTherapistEntity).exists({ where: { cohortId, userId: p.userId } }))) access = 'therapist';
    else if (p.role === 'patient' && (await m.getRepository(EnrollmentEntity).exists({ where: { cohortId, patientId: p.userId } }))) access = 'patient';
    if (!access) notFound('cohort');
    return { cohort, program, access };
  }

  private async sessionAccess(p: Principal, sessionId: string, m: EntityManager = this.ds.manager): Promise<{ row: SessionRow; access: SessionAccess }> {
    const row = await new ScheduleQueries(m).sessionById(p.userId, sessionId);
    if (!row) notFound('session');
    if (row.myRole) return { row, access: row.myRole };
    if (p.role === 'admin' && (await this.isMember(row.programId, p.userId, m))) return { row, access: 'admin' };
    return notFound('session');
  }

  private static canManage(access: SessionAccess | CohortAccess): boolean {
    return access === 'admin' || access === 'therapist';
  }

  // ================================================================== programs (admin)

  async createProgram(p: Principal, body: CreateProgramBody): Promise<Program> {
    if (p.role !== 'admin') forbidden('Only program admins can do this.');
    return ScheduleBook.transaction(this.ds, async (book) => {
      const program = await book.createProgram(body, [p.userId]);
      return toProgram(program, await book.tracksOf(program.id));
    });
  }

  async listPrograms(p: Principal): Promise<Program[]> {
    const rows = await this.ds
      .getRepository(ProgramEntity)
      .createQueryBuilder('p')
      .innerJoin(ProgramMemberEntity, 'pm', 'pm.program_id = p.id AND pm.user_id = :userId', { userId: p.userId })
      .orderBy('p.name')
      .getMany();
    const tracks = rows.length ? await this.ds.getRepository(ProgramTrackEntity).find({ where: { programId: In(rows.map((r) => r.id)) } }) : [];
    return rows.map((r) => toProgram(r, tracks.filter((t) => t.programId === r.id).map((t) => t.track)));
  }

  async getProgram(p: Principal, programId: string): Promise<Program> {
    const program = await this.adminProgram(p, programId);
    return toProgram(program, await new ScheduleBook(this.ds.manager).tracksOf(program.id));
  }

  async updateProgram(p: Principal, programId: string, body: UpdateProgramBody): Promise<Program> {
    return ScheduleBook.transaction(this.ds, async (book) => {
      const program = await this.adminProgram(p, programId, book.manager);
      const updated = await book.updateProgram(program, body);
      return toProgram(updated, await book.tracksOf(program.id));
    });
  }

  /** Creates an account (any role) as a member of the program. */
  async createMember(p: Principal, programId: string, body: CreateMemberBody): Promise<Member> {
    await this.adminProgram(p, programId);
    const passwordHash = await hashPassword(body.password);
    return ScheduleBook.transaction(this.ds, async (book) => {
      const users = book.manager.getRepository(User);
      if (await users.exists({ where: { email: body.email } })) {
        throw new SchedulingError(SchedulingErrorCode.AlreadyExists, 'An account with this e-mail address already exists.');
      }
      const user = await users.save(
        users.create({ email: body.email, passwordHash, role: body.role, firstName: body.firstName, lastName: body.lastName, disabledAt: null }),
      );
      await book.addMember(programId, user.id);
      return toMember(user);
    });
  }

  async listMembers(p: Principal, programId: string): Promise<Member[]> {
    await this.adminProgram(p, programId);
    const users = await this.ds
      .getRepository(User)
      .createQueryBuilder('u')
      .innerJoin(ProgramMemberEntity, 'pm', 'pm.user_id = u.id AND pm.program_id = :programId', { programId })
      .orderBy('u.role')
      .addOrderBy('u.last_name')
      .addOrderBy('u.first_name')
      .getMany();
    return users.map(toMember);
  }

  // ================================================================== cohorts and enrollments

  async createCohort(p: Principal, programId: string, body: CreateCohortBody, now = new Date()): Promise<Cohort> {
    const cohort = await ScheduleBook.transaction(this.ds, async (book) => {
      const program = await this.adminProgram(p, programId, book.manager);
      return book.createCohort(program, body);
    });
    return (await this.cohortViews([cohort.id], now))[0]!;
  }

  async createEnrollment(p: Principal, cohortId: string, body: CreateEnrollmentBody, now = new Date()): Promise<Enrollment> {
    return ScheduleBook.transaction(this.ds, async (book) => {
      const { cohort, program, access } = await this.cohortAccess(p, cohortId, book.manager);
      if (access !== 'admin') forbidden('Only program admins enroll patients.');
      return toEnrollment(await book.enroll(program, cohort, body, now));
    });
  }

  async updateEnrollment(p: Principal, enrollmentId: string, body: UpdateEnrollmentBody, now = new Date()): Promise<Enrollment> {
    return ScheduleBook.transaction(this.ds, async (book) => {
      const enrollment = await book.manager.getRepository(EnrollmentEntity).findOne({ where: { id: enrollmentId } });
      if (!enrollment) notFound('enrollment');
      const { cohort, program, access } = await this.cohortAccess(p, enrollment.cohortId, book.manager).catch(asNotFound('enrollment'));
      if (access !== 'admin') forbidden('Only program admins change enrollments.');
      return toEnrollment(await book.setEnrollmentEnd(program, cohort, enrollment, body.endDate, now));
    });
  }

  /** The cohorts the caller belongs to (admins: every cohort of their programs). */
  async myCohorts(p: Principal, now = new Date()): Promise<Cohort[]> {
    let ids: string[] = [];
    const m = this.ds.manager;
    if (p.role === 'admin') {
      const rows: { id: string }[] = await m.query(
        `SELECT c.id FROM cohorts c JOIN program_members pm ON pm.program_id = c.program_id AND pm.user_id = $1`,
        [p.userId],
      );
      ids = rows.map((r) => r.id);
    } else if (p.role === 'therapist') {
      ids = (await m.getRepository(CohortTherapistEntity).find({ where: { userId: p.userId } })).map((t) => t.cohortId);
    } else if (p.role === 'patient') {
      ids = (await m.getRepository(EnrollmentEntity).find({ where: { patientId: p.userId } })).map((e) => e.cohortId);
    }
    return this.cohortViews([...new Set(ids)], now);
  }

  async getCohort(p: Principal, cohortId: string, now = new Date()): Promise<Cohort> {
    await this.cohortAccess(p, cohortId);
    return (await this.cohortViews([cohortId], now))[0]!;
  }

  /**
   * The cohort's therapists and patients. Staff see every enrollment with
   * full names and e-mails; a patient sees the people enrolled today, named
   * per the program's display-name policy.
   */
  async getRoster(p: Principal, cohortId: string, now = new Date()): Promise<CohortRoster> {
    const { program, access } = await this.cohortAccess(p, cohortId);
    const cohort = (await this.cohortViews([cohortId], now))[0]!;
    const staffView = access !== 'patient';
    const today = localDateOf(now, program.timeZone);
    const therapists = await this.ds.getRepository(CohortTherapistEntity).find({ where: { cohortId } });
    let enrollments = await this.ds.getRepository(EnrollmentEntity).find({ where: { cohortId }, order: { startDate: 'ASC' } });
    if (!staffView) enrollments = enrollments.filter((e) => e.startDate <= today && (e.endDate === null || e.endDate >= today));
    const users = await this.usersById([...therapists.map((t) => t.userId), ...enrollments.map((e) => e.patientId)]);
    const members: RosterEntry[] = [
      ...therapists
        .sort((a, b) => (a.role === b.role ? 0 : a.role === 'lead' ? -1 : 1))
        .map((t) => {
          const u = users.get(t.userId)!;
          return { userId: u.id, role: 'therapist' as const, displayName: fullName(u), facilitatorRole: t.role, ...(staffView ? { email: u.email } : {}) };
        }),
      ...enrollments.map((e) => {
        const u = users.get(e.patientId)!;
        return staffView
          ? { userId: u.id, role: 'patient' as const, displayName: fullName(u), email: u.email, enrollment: toEnrollment(e) }
          : { userId: u.id, role: 'patient' as const, displayName: displayNameFor(u, program.displayNamePolicy) };
      }),
    ];
    return { cohort, members };
  }

  async cohortSessions(p: Principal, cohortId: string, q: SessionRangeQuery, now = new Date()): Promise<SessionView[]> {
    const { access } = await this.cohortAccess(p, cohortId);
    const range = resolveRange(q, now);
    // A patient sees only the cohort sessions inside their own enrollment.
    const rows =
      access === 'patient'
        ? await this.queries.sessionsFor(p.userId, range, { asAdmin: false, cohortId })
        : await this.queries.cohortSessions(p.userId, cohortId, range);
    return this.toViews(rows, now, access === 'admin' ? 'admin' : undefined);
  }

  private async cohortViews(ids: string[], now: Date): Promise<Cohort[]> {
    if (ids.length === 0) return [];
    const cohorts = await this.ds.getRepository(CohortEntity).find({ where: { id: In(ids) }, order: { name: 'ASC' } });
    const programs = new Map(
      (await this.ds.getRepository(ProgramEntity).find({ where: { id: In([...new Set(cohorts.map((c) => c.programId))]) } })).map((p) => [p.id, p]),
    );
    const therapists = await this.ds.getRepository(CohortTherapistEntity).find({ where: { cohortId: In(ids) } });
    const enrollments = await this.ds.getRepository(EnrollmentEntity).find({ where: { cohortId: In(ids) } });
    const users = await this.usersById(therapists.map((t) => t.userId));
    return cohorts.map((c) => {
      const program = programs.get(c.programId)!;
      const today = localDateOf(now, program.timeZone);
      return {
        id: c.id,
        programId: c.programId,
        programName: program.name,
        name: c.name,
        track: c.track,
        timeZone: program.timeZone,
        therapists: therapists
          .filter((t) => t.cohortId === c.id)
          .sort((a, b) => (a.role === b.role ? 0 : a.role === 'lead' ? -1 : 1))
          .map((t) => ({ userId: t.userId, displayName: fullName(users.get(t.userId)!), role: t.role })),
        activePatientCount: enrollments.filter((e) => e.cohortId === c.id && e.startDate <= today && (e.endDate === null || e.endDate >= today)).length,
      };
    });
  }

  // ================================================================== series and sessions

  async createSeries(p: Principal, cohortId: string, body: CreateSeriesBody, now = new Date()): Promise<CreateSeriesResponse> {
    const { series, ids } = await ScheduleBook.transaction(this.ds, async (book) => {
      const { cohort, program, access } = await this.cohortAccess(p, cohortId, book.manager);
      if (access !== 'admin') forbidden('Only program admins create recurring series.');
      const made = await book.createSeries(program, cohort, body, now);
      return { series: made.series, ids: made.sessions.map((s) => s.id) };
    });
    const rows = await this.queries.sessionsByIds(p.userId, ids);
    return { series: toSeries(series), sessions: await this.toViews(rows, now, 'admin') };
  }

  /** Materialises a series' sessions up to the horizon ahead of now (after the first 12 weeks run out). */
  async extendSeries(p: Principal, seriesId: string, now = new Date()): Promise<CreateSeriesResponse> {
    const { series, ids } = await ScheduleBook.transaction(this.ds, async (book) => {
      const found = await book.manager.getRepository(SessionSeriesEntity).findOne({ where: { id: seriesId } });
      if (!found) notFound('series');
      const { cohort, program, access } = await this.cohortAccess(p, found.cohortId, book.manager).catch(asNotFound('series'));
      if (access !== 'admin') forbidden('Only program admins extend recurring series.');
      const made = await book.extendSeries(program, cohort, found, now);
      return { series: found, ids: made.map((s) => s.id) };
    });
    const rows = await this.queries.sessionsByIds(p.userId, ids);
    return { series: toSeries(series), sessions: await this.toViews(rows, now, 'admin') };
  }

  async createSession(p: Principal, body: CreateSessionBody, now = new Date()): Promise<SessionView> {
    const id = await ScheduleBook.transaction(this.ds, async (book) => {
      const m = book.manager;
      if (body.kind === 'group') {
        const { program, access } = await this.cohortAccess(p, body.cohortId, m);
        if (!SchedulingService.canManage(access)) forbidden('Only the cohort’s therapists and program admins schedule its sessions.');
        const s = await book.createSession(
          program,
          { kind: 'group', cohortId: body.cohortId, format: body.format, title: body.title, theme: body.theme, startsAt: new Date(body.startsAt), endsAt: new Date(body.endsAt) },
          now,
        );
        return s.id;
      }
      let program: ProgramEntity;
      if (p.role === 'admin') {
        program = await this.adminProgram(p, body.programId, m);
      } else if (p.role === 'therapist') {
        const found = await m.getRepository(ProgramEntity).findOne({ where: { id: body.programId } });
        if (!found || !(await this.isMember(found.id, p.userId, m))) notFound('program');
        program = found;
        if (body.therapistId !== p.userId) forbidden('Therapists book 1:1 sessions for themselves.');
        if (!(await book.queries.isPatientOfTherapist(body.patientId, p.userId, program.id))) {
          forbidden('You can book 1:1 sessions only with patients of your cohorts.');
        }
      } else {
        return forbidden('Only therapists and program admins book sessions.');
      }
      const s = await book.createSession(
        program,
        {
          kind: 'individual',
          therapistId: body.therapistId,
          patientId: body.patientId,
          format: body.format,
          title: body.title ?? (body.format === 'family' ? 'Family session' : 'Individual session'),
          theme: body.theme,
          startsAt: new Date(body.startsAt),
          endsAt: new Date(body.endsAt),
        },
        now,
      );
      return s.id;
    });
    return this.viewOf(p, id, now);
  }

  async getSession(p: Principal, sessionId: string, now = new Date()): Promise<SessionDetail> {
    const { row, access } = await this.sessionAccess(p, sessionId);
    const people = (await this.queries.peopleOf([row.id])).get(row.id) ?? [];
    const [session] = await this.toViews([row], now, access === 'admin' ? 'admin' : undefined);
    const staffView = SchedulingService.canManage(access);
    return { session: session!, participants: people.map((x) => toParticipant(x, staffView ? 'full_name' : row.displayNamePolicy)) };
  }

  async updateSession(p: Principal, sessionId: string, body: UpdateSessionBody, now = new Date()): Promise<SessionView> {
    await ScheduleBook.transaction(this.ds, async (book) => {
      const { row, access } = await this.sessionAccess(p, sessionId, book.manager);
      if (!SchedulingService.canManage(access)) forbidden('Only the session’s therapists and program admins change it.');
      const program = await book.manager.getRepository(ProgramEntity).findOneOrFail({ where: { id: row.programId } });
      const session = (await book.findSession(sessionId))!;
      await book.updateSession(
        program,
        session,
        {
          title: body.title,
          theme: body.theme,
          format: body.format,
          startsAt: body.startsAt ? new Date(body.startsAt) : undefined,
          endsAt: body.endsAt ? new Date(body.endsAt) : undefined,
        },
        now,
      );
    });
    return this.viewOf(p, sessionId, now);
  }

  async cancelSession(p: Principal, sessionId: string, reason: string | undefined, now = new Date()): Promise<SessionView> {
    await ScheduleBook.transaction(this.ds, async (book) => {
      const { access } = await this.sessionAccess(p, sessionId, book.manager);
      if (!SchedulingService.canManage(access)) forbidden('Only the session’s therapists and program admins cancel it.');
      await book.cancelSession((await book.findSession(sessionId))!, reason, now);
    });
    return this.viewOf(p, sessionId, now);
  }

  async addGuest(p: Principal, sessionId: string, userId: string, now = new Date()): Promise<SessionDetail> {
    await ScheduleBook.transaction(this.ds, async (book) => {
      const { row, access } = await this.sessionAccess(p, sessionId, book.manager);
      if (!SchedulingService.canManage(access)) forbidden('Only the session’s therapists and program admins invite guests.');
      const program = await book.manager.getRepository(ProgramEntity).findOneOrFail({ where: { id: row.programId } });
      await book.addGuest(program, (await book.findSession(sessionId))!, userId, now);
    });
    return this.getSession(p, sessionId, now);
  }

  // ================================================================== the caller's schedule

  /** The caller's sessions overlapping the range (default: from a day ago to two weeks ahead). */
  async mySessions(p: Principal, q: SessionRangeQuery, now = new Date()): Promise<SessionView[]> {
    const rows = await this.queries.sessionsFor(p.userId, resolveRange(q, now), { asAdmin: p.role === 'admin' });
    return this.toViews(rows, now, p.role === 'admin' ? 'admin' : undefined);
  }

  /** The caller's next session that has not ended and is not cancelled. */
  async nextSession(p: Principal, now = new Date()): Promise<NextSessionResponse> {
    const rows = await this.queries.sessionsFor(
      p.userId,
      { from: now, to: new Date(now.getTime() + SCHEDULING_LIMITS.maxRangeDays * DAY_MS) },
      { asAdmin: p.role === 'admin' },
    );
    const next = rows.find((r) => r.status === 'scheduled' && r.endsAt > now);
    if (!next) return { session: null };
    const [view] = await this.toViews([next], now, p.role === 'admin' ? 'admin' : undefined);
    return { session: view! };
  }

  /** Scheduled hours per patient this week against the program's target; therapists see their cohorts' patients. */
  async weekHours(p: Principal, programId: string, weekOfDate: string | undefined, now = new Date()): Promise<WeekHours> {
    let program: ProgramEntity;
    let therapistId: string | undefined;
    if (p.role === 'admin') {
      program = await this.adminProgram(p, programId);
    } else if (p.role === 'therapist') {
      const found = await this.ds.getRepository(ProgramEntity).findOne({ where: { id: programId } });
      if (!found || !(await this.isMember(programId, p.userId))) notFound('program');
      program = found;
      therapistId = p.userId;
    } else {
      return forbidden('Only therapists and program admins see week hours.');
    }
    const week = weekOf(weekOfDate ?? localDateOf(now, program.timeZone), program.timeZone);
    const patients = await this.queries.patientsInProgram(program.id, { from: week.weekStart, to: week.weekEnd }, therapistId);
    const sessions = await this.queries.patientSessions(
      program.id,
      patients.map((x) => x.patientId),
      { from: week.start, to: week.end },
    );
    const summaries = summariseWeek(
      patients.map((x) => x.patientId),
      sessions,
      week,
      program.weeklyTargetMinutes,
    );
    return {
      programId: program.id,
      timeZone: program.timeZone,
      weekStart: week.weekStart,
      weekEnd: week.weekEnd,
      targetMinutes: program.weeklyTargetMinutes,
      patients: summaries.map((s, i) => ({
        patientId: s.patientId,
        name: fullName(patients[i]!),
        cohortNames: patients[i]!.cohortNames,
        scheduledMinutes: s.scheduledMinutes,
        targetMinutes: program.weeklyTargetMinutes,
        individualSessions: s.individualSessions,
        flags: s.flags,
      })),
    };
  }

  // ================================================================== join context (for live rooms)

  /** Whether the caller runs this session: one of its therapists, or an admin of its program. */
  async managesSession(p: Principal, sessionId: string): Promise<boolean> {
    try {
      return SchedulingService.canManage((await this.sessionAccess(p, sessionId)).access);
    } catch (e) {
      if (e instanceof SchedulingError && e.code === SchedulingErrorCode.NotFound) return false;
      throw e;
    }
  }

  /**
   * Everything the live-room side needs to decide whether `userId` may join
   * `sessionId` now and in which part: a patient only for their cohort's
   * sessions or their own 1:1, inside the join window; only the session's
   * therapists moderate. Null when the session does not exist.
   */
  async getJoinContext(sessionId: string, userId: string, now = new Date()): Promise<JoinContext | null> {
    const row = await this.queries.sessionById(userId, sessionId);
    if (!row) return null;
    const people = (await this.queries.peopleOf([row.id])).get(row.id) ?? [];
    const [session] = await this.toViews([row], now, undefined, people);
    const participants = people.map((x) => toParticipant(x, row.displayNamePolicy));
    let displayName = participants.find((x) => x.userId === userId)?.displayName;
    if (!displayName) {
      const user = await this.ds.getRepository(User).findOne({ where: { id: userId } });
      displayName = user ? fullName(user) : '';
    }
    return {
      session: session!,
      role: row.myRole ?? 'none',
      joinWindowOpen: isJoinWindowOpen(row, now, row.joinWindowMinutesBefore),
      displayName,
      participants,
    };
  }

  // ================================================================== calendar feed

  async calendarLinkStatus(p: Principal): Promise<CalendarLinkStatus> {
    const feed = await this.ds.getRepository(CalendarFeedEntity).findOne({ where: { userId: p.userId, revokedAt: IsNull() } });
    return { active: !!feed, createdAt: feed ? feed.createdAt.toISOString() : null };
  }

  /** A new personal feed URL; any earlier one stops working. The token is shown once and stored hashed. */
  async createCalendarLink(p: Principal, baseUrl: string, now = new Date()): Promise<CalendarLink> {
    const token = randomBytes(32).toString('base64url');
    const feed = await this.ds.transaction(async (m) => {
      await m.getRepository(CalendarFeedEntity).update({ userId: p.userId, revokedAt: IsNull() }, { revokedAt: now });
      return m.getRepository(CalendarFeedEntity).save(m.getRepository(CalendarFeedEntity).create({ userId: p.userId, tokenHash: sha256(token), revokedAt: null }));
    });
    return { url: `${baseUrl}/api/calendar/${token}.ics`, createdAt: feed.createdAt.toISOString() };
  }

  async revokeCalendarLink(p: Principal, now = new Date()): Promise<void> {
    await this.ds.getRepository(CalendarFeedEntity).update({ userId: p.userId, revokedAt: IsNull() }, { revokedAt: now });
  }

  /**
   * The ICS text for a feed token. Events say only "Hearth group session" and
   * the like: calendars sync to third parties, and a program or theme name
   * can disclose treatment (42 CFR Part 2).
   */
  async calendarFeed(token: string, baseUrl: string, now = new Date()): Promise<string> {
    const feed = /^[A-Za-z0-9_-]{20,100}$/.test(token)
      ? await this.ds.getRepository(CalendarFeedEntity).findOne({ where: { tokenHash: sha256(token), revokedAt: IsNull() } })
      : null;
    const user = feed && (await this.ds.getRepository(User).findOne({ where: { id: feed.userId } }));
    if (!feed || !user || user.disabledAt) notFound('calendar');
    const rows = await this.queries.sessionsFor(user.id, { from: new Date(now.getTime() - 30 * DAY_MS), to: new Date(now.getTime() + 90 * DAY_MS) }, { asAdmin: user.role === 'admin' });
    const calendar = ical({ name: 'Hearth sessions', prodId: { company: 'Hearth', product: 'Hearth', language: 'EN' }, ttl: 15 * 60 });
    for (const r of rows) {
      calendar.createEvent({
        id: `${r.id}@hearth`,
        start: r.startsAt,
        end: r.endsAt,
        stamp: now,
        summary: r.kind === 'individual' ? (r.format === 'family' ? 'Hearth family session' : 'Hearth 1:1 session') : 'Hearth group session',
        description: 'Join from Hearth when it is time.',
        url: `${baseUrl}/sessions/${r.id}/join`,
        status: r.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
      });
    }
    return calendar.toString();
  }

  // ================================================================== views

  private async viewOf(p: Principal, sessionId: string, now: Date): Promise<SessionView> {
    const { row, access } = await this.sessionAccess(p, sessionId);
    const [view] = await this.toViews([row], now, access === 'admin' ? 'admin' : undefined);
    return view!;
  }

  private async toViews(rows: SessionRow[], now: Date, fallbackRole?: 'admin', people?: PersonRow[]): Promise<SessionView[]> {
    const peopleBySession = people && rows.length === 1 ? new Map([[rows[0]!.id, people]]) : await this.queries.peopleOf(rows.map((r) => r.id));
    return rows.map((r) => ({
      id: r.id,
      programId: r.programId,
      seriesId: r.seriesId,
      cohortId: r.cohortId,
      cohortName: r.cohortName,
      track: r.track,
      kind: sessionViewKindOf(r.kind, r.format),
      format: r.format,
      title: r.title,
      theme: r.theme,
      status: r.status,
      cancelledReason: r.cancelledReason,
      startsAt: r.startsAt.toISOString(),
      endsAt: r.endsAt.toISOString(),
      timeZone: r.timeZone,
      joinOpensAt: joinOpensAt(r, r.joinWindowMinutesBefore).toISOString(),
      joinable: isJoinWindowOpen(r, now, r.joinWindowMinutesBefore),
      therapistNames: (peopleBySession.get(r.id) ?? []).filter((x) => x.role === 'therapist').map((x) => fullName(x)),
      myRole: r.myRole ?? fallbackRole ?? 'admin',
    }));
  }

  private async usersById(ids: string[]): Promise<Map<string, User>> {
    if (ids.length === 0) return new Map();
    const users = await this.ds.getRepository(User).find({ where: { id: In([...new Set(ids)]) } });
    return new Map(users.map((u) => [u.id, u]));
  }
}

// ==================================================================== mapping

function resolveRange(q: SessionRangeQuery, now: Date): { from: Date; to: Date } {
  const to = q.to ? new Date(q.to) : undefined;
  const from = q.from ? new Date(q.from) : to ? new Date(to.getTime() - 15 * DAY_MS) : new Date(now.getTime() - DAY_MS);
  return { from, to: to ?? new Date(from.getTime() + 15 * DAY_MS) };
}

function toParticipant(x: PersonRow, policy: ProgramEntity['displayNamePolicy']): SessionParticipant {
  // A guest's name is "Dana (sister of Alex)" in full whatever the policy: it says who they are to whom.
  return { userId: x.userId, role: x.role, displayName: x.role === 'patient' ? displayNameFor(x, policy) : fullName(x) };
}

function toProgram(p: ProgramEntity, tracks: readonly ProgramTrack[]): Program {
  return {
    id: p.id,
    name: p.name,
    specialty: p.specialty,
    timeZone: p.timeZone,
    weeklyHoursTarget: p.weeklyTargetMinutes / 60,
    displayNamePolicy: p.displayNamePolicy,
    joinWindowMinutesBefore: p.joinWindowMinutesBefore,
    lateAfterMinutes: p.lateAfterMinutes,
    tracks: PROGRAM_TRACKS.filter((t) => tracks.includes(t)),
    createdAt: p.createdAt.toISOString(),
  };
}

function toMember(u: User): Member {
  return { id: u.id, email: u.email, role: u.role, firstName: u.firstName, lastName: u.lastName };
}

function toEnrollment(e: EnrollmentEntity): Enrollment {
  return { id: e.id, cohortId: e.cohortId, patientId: e.patientId, startDate: e.startDate, endDate: e.endDate };
}

function toSeries(s: SessionSeriesEntity): Series {
  return {
    id: s.id,
    programId: s.programId,
    cohortId: s.cohortId,
    title: s.title,
    format: s.format as Series['format'],
    rrule: toRfc5545({ rule: parseRecurrenceRule(s.rrule), startDate: s.startDate, startTime: s.startTime, timeZone: s.timeZone }),
    startDate: s.startDate,
    startTime: s.startTime,
    durationMinutes: s.durationMinutes,
    timeZone: s.timeZone,
    materialisedUntil: s.materialisedUntil.toISOString(),
  };
}
