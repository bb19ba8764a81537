import { In, type DataSource } from 'typeorm';
import { firstFreeSlot, lastFreeSlotBefore } from '../modules/scheduling/domain/conflicts';
import { addMinutes, dayBounds, localDateOf } from '../modules/scheduling/domain/local-time';
import { CohortEntity, ProgramEntity, ScheduledSessionEntity, SessionSeriesEntity } from '../modules/scheduling/entities';
import { ScheduleBook } from '../modules/scheduling/schedule-book';
import { SchedulingError, SchedulingErrorCode } from '../modules/scheduling/scheduling.error';
import { User } from '../modules/users/entities/user.entity';

export const DEMO_PROGRAM = {
  name: 'Evening Adult IOP',
  specialty: 'adult',
  timeZone: 'America/Phoenix',
  weeklyHoursTarget: 9,
  displayNamePolicy: 'first_name',
  joinWindowMinutesBefore: 15,
  lateAfterMinutes: 1,
} as const;
export const DEMO_COHORT_NAME = 'Evening Group A';
export const DEMO_SERIES = {
  title: 'Evening group',
  format: 'group_therapy',
  rrule: 'FREQ=WEEKLY;BYDAY=MO,WE,TH',
  startTime: '18:00',
  durationMinutes: 180,
  themes: ['Coping strategies', 'Relapse prevention', 'Emotional regulation', 'Communication skills', 'Stress management', 'Building routines'],
} as const;
const LIVE_TITLE = 'Evening group (live demo)';
export const DEMO_FAMILY_TITLE = 'Family session (live demo)';
const ONE_TO_ONE_MINUTES = 50;

export interface DemoScheduleSummary {
  programId: string;
  cohortId: string;
  /** The group session in progress now. */
  liveGroupSessionId: string;
  /** patient1's 1:1 with the therapist today, when one fits. */
  oneToOneSessionId: string | null;
  /** patient1's family session with the therapist, in progress now. */
  familySessionId: string;
}

/**
 * The demo program, cohort and series — created once — plus, whatever the
 * clock says, a group session in progress (started 10 min ago, ends in 3 h)
 * a 1:1 today for patient1 with the therapist, and a family session in progress
 * for patient1 with the therapist (it overlaps the live group on purpose: the
 * demo must always have both to join). Safe to run on every
 * start: it adds only what is missing. The live group wins over anything of
 * the demo people it overlaps (those are cancelled); the 1:1 goes after it,
 * or — late in the evening, when nothing fits after it today — earlier today.
 * Returns null when the demo accounts are not all there (not a demo database).
 */
export async function ensureDemoSchedule(
  ds: DataSource,
  emails: { admin: string; therapist: string; cotherapist: string; patients: string[] },
  now: Date,
): Promise<DemoScheduleSummary | null> {
  return ScheduleBook.transaction(ds, async (book) => {
    const m = book.manager;
    const all = [emails.admin, emails.therapist, emails.cotherapist, ...emails.patients];
    const users = await m.getRepository(User).find({ where: { email: In(all) } });
    if (users.length !== all.length) return null;
    const id = (email: string) => users.find((u) => u.email === email)!.id;
    const patientIds = emails.patients.map(id);

    let program = await m.getRepository(ProgramEntity).findOne({ where: { name: DEMO_PROGRAM.name } });
    program ??= await book.createProgram({ ...DEMO_PROGRAM }, all.map(id));
    const zone = program.timeZone;
    const today = localDateOf(now, zone);

    let cohort = await m.getRepository(CohortEntity).findOne({ where: { programId: program.id, name: DEMO_COHORT_NAME } });
    if (!cohort) {
      cohort = await book.createCohort(program, {
        name: DEMO_COHORT_NAME,
        track: 'adults',
        therapistId: id(emails.therapist),
        coTherapistIds: [id(emails.cotherapist)],
      });
      const startDate = localDateOf(addMinutes(now, -14 * 24 * 60), zone);
      for (const patientId of patientIds) await book.enroll(program, cohort, { patientId, startDate }, now);
    }
    const series = await m.getRepository(SessionSeriesEntity).findOne({ where: { cohortId: cohort.id }, order: { createdAt: 'ASC' } });
    if (!series) {
      await book.createSeries(program, cohort, { ...DEMO_SERIES, themes: [...DEMO_SERIES.themes], startDate: today }, now);
    } else {
      // Keep the evenings coming on a demo restarted weeks later; skip if someone booked over them.
      await book.extendSeries(program, cohort, series, now).catch((e: unknown) => {
        if (!(e instanceof SchedulingError && e.code === SchedulingErrorCode.DoubleBooked)) throw e;
      });
    }

    // ---- a group session in progress, with at least an hour to go
    const people = [id(emails.therapist), id(emails.cotherapist), ...patientIds];
    const live = await m
      .getRepository(ScheduledSessionEntity)
      .createQueryBuilder('s')
      .where('s.cohort_id = :cohortId AND s.status = :status AND s.starts_at <= :now AND s.ends_at >= :soon', {
        cohortId: cohort.id,
        status: 'scheduled',
        now,
        soon: addMinutes(now, 60),
      })
      .orderBy('s.starts_at')
      .getOne();
    let liveId = live?.id;
    if (!liveId) {
      const startsAt = addMinutes(now, -10);
      const endsAt = addMinutes(now, 180);
      await m.query(
        `UPDATE sessions s SET status = 'cancelled', cancelled_at = $1, cancelled_reason = 'Replaced by the demo session in progress', updated_at = now()
          WHERE s.status = 'scheduled' AND s.starts_at < $3 AND s.ends_at > $2
            AND EXISTS (SELECT 1 FROM session_people sp WHERE sp.session_id = s.id AND sp.user_id = ANY($4::uuid[]))`,
        [now, startsAt, endsAt, people],
      );
      const made = await book.createSession(
        program,
        { kind: 'group', cohortId: cohort.id, format: 'group_therapy', title: LIVE_TITLE, theme: 'Check-in and coping strategies', startsAt, endsAt },
        now,
      );
      liveId = made.id;
    }

    // ---- patient1's 1:1 with the therapist today
    const therapistId = id(emails.therapist);
    const patientId = patientIds[0]!;
    const day = dayBounds(today, zone);
    const todays = await m
      .getRepository(ScheduledSessionEntity)
      .createQueryBuilder('s')
      .where('s.kind = :kind AND s.format = :format AND s.status = :status AND s.patient_id = :patientId AND s.therapist_id = :therapistId', {
        kind: 'individual',
        format: 'individual_therapy',
        status: 'scheduled',
        patientId,
        therapistId,
      })
      .andWhere('s.starts_at >= :from AND s.starts_at < :to', { from: day.start, to: day.end })
      .getMany();
    let oneToOneId = todays.find((s) => s.endsAt > now)?.id ?? null;
    if (!oneToOneId) {
      const busy = await book.queries.bookingsOf([therapistId, patientId], { from: day.start, to: addMinutes(day.end, 24 * 60) });
      // Starting today (program zone), an hour from now or after whatever is in the way.
      const later = firstFreeSlot(busy, addMinutes(now, 60), ONE_TO_ONE_MINUTES, addMinutes(day.end, ONE_TO_ONE_MINUTES - 1));
      const earlier = later || todays.length > 0 ? null : lastFreeSlotBefore(busy, now, ONE_TO_ONE_MINUTES, day.start);
      const slot = later ?? earlier;
      if (slot) {
        const made = await book.createSession(
          program,
          { kind: 'individual', therapistId, patientId, format: 'individual_therapy', title: 'Individual session', ...slot },
          now,
          { allowPast: !later },
        );
        oneToOneId = made.id;
      } else {
        oneToOneId = todays[0]?.id ?? null;
      }
    }

    // ---- patient1's family session with the therapist, in progress with at least an hour to go
    const family = await m
      .getRepository(ScheduledSessionEntity)
      .createQueryBuilder('s')
      .where('s.format = :format AND s.kind = :kind AND s.status = :status AND s.patient_id = :patientId AND s.therapist_id = :therapistId', {
        format: 'family',
        kind: 'individual',
        status: 'scheduled',
        patientId,
        therapistId,
      })
      .andWhere('s.starts_at <= :now AND s.ends_at >= :soon', { now, soon: addMinutes(now, 60) })
      .orderBy('s.starts_at')
      .getOne();
    let familyId = family?.id;
    if (!familyId) {
      const made = await book.createSession(
        program,
        {
          kind: 'individual',
          therapistId,
          patientId,
          format: 'family',
          title: DEMO_FAMILY_TITLE,
          theme: 'Family communication',
          startsAt: addMinutes(now, -5),
          endsAt: addMinutes(now, 120),
        },
        now,
        { allowPast: true, allowOverlap: true },
      );
      familyId = made.id;
    }
    return { programId: program.id, cohortId: cohort.id, liveGroupSessionId: liveId, oneToOneSessionId: oneToOneId, familySessionId: familyId };
  });
}
