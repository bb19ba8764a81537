import { DateTime } from 'luxon';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { CohortRoster, CreateSeriesResponse, NextSessionResponse, Program, SessionDetail, SessionView, WeekHours } from '@hearth/protocol';
import { ScheduleBook } from '../../src/modules/scheduling/schedule-book';
import { SchedulingService } from '../../src/modules/scheduling/scheduling.service';
import { api, login, startTestApp, type TestApp } from '../helpers/test-app';
import { DB_KINDS } from '../helpers/test-db';
import { at, count, createCohort, createMember, createOneToOne, createProgram, daysAhead, enroll, expectStatus } from '../helpers/scheduling';

jest.setTimeout(120_000);

const PHOENIX = 'America/Phoenix';
type ErrorBody = { code: string; message: string };

/** The first day, more than a week ahead, on which `zone` changes its UTC offset. */
function nextOffsetChange(zone: string): DateTime {
  let day = DateTime.now().setZone(zone).startOf('day').plus({ days: 8 });
  const offsetAt = (d: DateTime) => d.set({ hour: 18 }).offset;
  while (offsetAt(day) === offsetAt(day.minus({ days: 1 }))) day = day.plus({ days: 1 });
  return day;
}

describe.each(DB_KINDS)('scheduling on %s', (kind) => {
  let app: TestApp;
  let admin: string;
  let therapist: { id: string; token: string };
  let patient1: { id: string; token: string };
  let demo: Program;
  let liveId: string;
  let oneToOneId: string;

  beforeAll(async () => {
    app = await startTestApp(kind);
    admin = (await login(app, 'admin@hearth.test')).accessToken;
    const t = await login(app, 'therapist@hearth.test');
    therapist = { id: t.user.id, token: t.accessToken };
    const p = await login(app, 'patient1@hearth.test');
    patient1 = { id: p.user.id, token: p.accessToken };
    demo = expectStatus(await api<Program[]>(app, 'GET', '/api/admin/programs', { token: admin }), 200).find((x) => x.name === 'Evening Adult IOP')!;
    liveId = app.seeded!.schedule!.liveGroupSessionId;
    oneToOneId = app.seeded!.schedule!.oneToOneSessionId!;
  });
  afterAll(async () => {
    await app?.stop();
  });

  describe('the demo data of TEST-CONTRACT.md', () => {
    it('gives patient1 a group session in progress and a 1:1 today in GET /api/me/sessions', async () => {
      const sessions = expectStatus(await api<SessionView[]>(app, 'GET', '/api/me/sessions', { token: patient1.token }), 200);
      const live = sessions.find((s) => s.id === liveId)!;
      expect(live).toMatchObject({ kind: 'group', format: 'group_therapy', status: 'scheduled', joinable: true, cohortName: 'Evening Group A', myRole: 'patient' });
      expect(live.therapistNames).toEqual(['Maya Ellison', 'Chris Navarro']);
      expect(Date.parse(live.startsAt)).toBeLessThanOrEqual(Date.now());
      expect(Date.parse(live.endsAt)).toBeGreaterThan(Date.now() + 2 * 3600_000);
      const oneToOne = sessions.find((s) => s.id === oneToOneId)!;
      expect(oneToOne).toMatchObject({ kind: 'individual', format: 'individual_therapy', therapistNames: ['Maya Ellison'] });
      const today = DateTime.now().setZone(PHOENIX).toISODate();
      expect(DateTime.fromISO(oneToOne.startsAt, { zone: PHOENIX }).toISODate()).toBe(today);
      expect(sessions.map((s) => s.startsAt)).toEqual([...sessions.map((s) => s.startsAt)].sort());
    });

    it('the program: Phoenix, adult, 9 h a week, first names', () => {
      expect(demo).toMatchObject({ timeZone: PHOENIX, specialty: 'adult', weeklyHoursTarget: 9, displayNamePolicy: 'first_name', joinWindowMinutesBefore: 15 });
    });
  });

  describe('recurrence across DST', () => {
    async function seriesIn(zone: string, startDate: string) {
      const program = await createProgram(app, admin, { timeZone: zone });
      const th = await createMember(app, admin, program.id, 'therapist');
      const pt = await createMember(app, admin, program.id, 'patient');
      const cohort = await createCohort(app, admin, program.id, th.id);
      await enroll(app, admin, cohort.id, pt.id, startDate);
      const res = await api<CreateSeriesResponse>(app, 'POST', `/api/admin/cohorts/${cohort.id}/series`, {
        token: admin,
        body: { title: 'Evening group', format: 'group_therapy', rrule: 'FREQ=WEEKLY;BYDAY=MO,WE,TH', startDate, startTime: '18:00', durationMinutes: 180, themes: ['A', 'B'] },
      });
      return { program, cohort, pt, body: expectStatus(res, 201) };
    }

    it('keeps 18:00 local in America/Denver across the next DST change while the UTC time moves by an hour', async () => {
      const change = nextOffsetChange('America/Denver');
      const startDate = change.minus({ days: 7 }).toISODate()!;
      const { body, pt } = await seriesIn('America/Denver', startDate);
      expect(body.series.rrule).toBe(`DTSTART;TZID=America/Denver:${startDate.replaceAll('-', '')}T180000\nRRULE:FREQ=WEEKLY;BYDAY=MO,WE,TH`);
      const before = body.sessions.filter((s) => DateTime.fromISO(s.startsAt) < change);
      const after = body.sessions.filter((s) => DateTime.fromISO(s.startsAt) > change);
      expect(before.length).toBeGreaterThan(0);
      expect(after.length).toBeGreaterThan(20);
      for (const s of body.sessions) {
        expect(DateTime.fromISO(s.startsAt, { zone: 'America/Denver' }).toFormat('HH:mm')).toBe('18:00');
        expect(DateTime.fromISO(s.endsAt, { zone: 'America/Denver' }).toFormat('HH:mm')).toBe('21:00');
        expect(['Mon', 'Wed', 'Thu']).toContain(DateTime.fromISO(s.startsAt, { zone: 'America/Denver' }).toFormat('ccc'));
      }
      const utcHour = (s: SessionView) => DateTime.fromISO(s.startsAt, { zone: 'utc' }).hour;
      expect(new Set(before.map(utcHour)).size).toBe(1);
      expect(new Set(after.map(utcHour)).size).toBe(1);
      expect(Math.abs(utcHour(before[0]!) - utcHour(after[0]!))).toBe(1);
      // Themes rotate per occurrence.
      expect(body.sessions.slice(0, 4).map((s) => s.theme)).toEqual(['A', 'B', 'A', 'B']);
      // The patient's own schedule shows the same sessions.
      const mine = expectStatus(
        await api<SessionView[]>(app, 'GET', `/api/me/sessions?from=${encodeURIComponent(change.minus({ days: 8 }).toISO()!)}&to=${encodeURIComponent(change.plus({ days: 8 }).toISO()!)}`, {
          token: pt.token,
        }),
        200,
      );
      expect(mine.length).toBeGreaterThanOrEqual(6);
      expect(mine.every((s) => DateTime.fromISO(s.startsAt, { zone: 'America/Denver' }).hour === 18)).toBe(true);
    });

    it('tops a series up to 12 weeks ahead as time passes, without duplicates', async () => {
      const startDate = DateTime.now().setZone(PHOENIX).plus({ days: 1 }).toISODate()!;
      const { body } = await seriesIn(PHOENIX, startDate);
      const extendNow = expectStatus(await api<CreateSeriesResponse>(app, 'POST', `/api/admin/series/${body.series.id}/extend`, { token: admin }), 200);
      expect(extendNow.sessions).toEqual([]); // already materialised up to the horizon
      const a = await login(app, 'admin@hearth.test');
      const principal = { userId: a.user.id, sessionId: 'n/a', role: 'admin' as const };
      const threeWeeksOn = new Date(Date.parse(body.series.materialisedUntil) - 12 * 7 * 86_400_000 + 21 * 86_400_000);
      const extended = await app.app.get(SchedulingService).extendSeries(principal, body.series.id, threeWeeksOn);
      expect(extended.sessions).toHaveLength(9); // three more weeks of Mon/Wed/Thu
      const slots: { n: number; distinct: number }[] = await app.dataSource.query(
        `SELECT count(*)::int AS n, count(DISTINCT starts_at)::int AS distinct FROM sessions WHERE series_id = $1`,
        [body.series.id],
      );
      expect(slots[0]).toEqual({ n: body.sessions.length + 9, distinct: body.sessions.length + 9 });
    });

    it('does not move in America/Phoenix, which has no DST', async () => {
      const change = nextOffsetChange('America/Denver');
      const { body } = await seriesIn(PHOENIX, change.minus({ days: 7 }).toISODate()!);
      expect(new Set(body.sessions.map((s) => DateTime.fromISO(s.startsAt, { zone: 'utc' }).toFormat('HH:mm')))).toEqual(new Set(['01:00']));
    });
  });

  describe('join window', () => {
    it('opens 15 minutes before the start (program setting) and closes at the end, as the server reports', async () => {
      const th = await createMember(app, admin, demo.id, 'therapist');
      const pt = await createMember(app, admin, demo.id, 'patient');
      const soon = new Date(Date.now() + 10 * 60_000);
      const later = new Date(Date.now() + 25 * 60_000);
      const a = expectStatus(await createOneToOne(app, admin, { programId: demo.id, therapistId: th.id, patientId: pt.id, startsAt: soon, minutes: 10 }), 201);
      const b = expectStatus(await createOneToOne(app, admin, { programId: demo.id, therapistId: th.id, patientId: pt.id, startsAt: later }), 201);
      expect(a.joinOpensAt).toBe(new Date(soon.getTime() - 15 * 60_000).toISOString());
      const mine = expectStatus(await api<SessionView[]>(app, 'GET', '/api/me/sessions', { token: pt.token }), 200);
      expect(mine.map((s) => [s.id, s.joinable])).toEqual([
        [a.id, true],
        [b.id, false],
      ]);
      const next = expectStatus(await api<NextSessionResponse>(app, 'GET', '/api/me/next-session', { token: pt.token }), 200);
      expect(next.session?.id).toBe(a.id);

      // A wider window in the program's settings opens the later one too.
      expectStatus(await api(app, 'PATCH', `/api/admin/programs/${demo.id}`, { token: admin, body: { joinWindowMinutesBefore: 30 } }), 200);
      const wider = expectStatus(await api<SessionView[]>(app, 'GET', '/api/me/sessions', { token: pt.token }), 200);
      expect(wider.find((s) => s.id === b.id)?.joinable).toBe(true);
      expectStatus(await api(app, 'PATCH', `/api/admin/programs/${demo.id}`, { token: admin, body: { joinWindowMinutesBefore: 15 } }), 200);

      // The exact edges, through the context the live rooms use.
      const scheduling = app.app.get(SchedulingService);
      const start = new Date(b.startsAt);
      const end = new Date(b.endsAt);
      const open = async (now: Date) => (await scheduling.getJoinContext(b.id, pt.id, now))!.joinWindowOpen;
      expect(await open(new Date(start.getTime() - 15 * 60_000 - 1))).toBe(false);
      expect(await open(new Date(start.getTime() - 15 * 60_000))).toBe(true);
      expect(await open(new Date(end.getTime() - 1))).toBe(true);
      expect(await open(end)).toBe(false);
    });

    it('tells the live rooms who is who: patient, therapist, or nobody, with names per the policy', async () => {
      const scheduling = app.app.get(SchedulingService);
      const now = new Date();
      const asPatient = (await scheduling.getJoinContext(liveId, patient1.id, now))!;
      expect(asPatient).toMatchObject({ role: 'patient', joinWindowOpen: true, displayName: 'Alex' });
      expect(asPatient.participants.filter((x) => x.role === 'therapist').map((x) => x.displayName)).toEqual(['Maya Ellison', 'Chris Navarro']);
      expect(asPatient.participants.filter((x) => x.role === 'patient').map((x) => x.displayName).sort()).toEqual(
        ['Alex', 'Casey', 'Jamie', 'Jordan', 'Morgan', 'Riley', 'Sam', 'Taylor'],
      );
      expect((await scheduling.getJoinContext(liveId, therapist.id, now))!.role).toBe('therapist');
      const outsider = await createMember(app, admin, demo.id, 'patient');
      expect((await scheduling.getJoinContext(liveId, outsider.id, now))!.role).toBe('none');
      expect(await scheduling.getJoinContext('00000000-0000-4000-8000-000000000000', patient1.id, now)).toBeNull();
      // patient1's own 1:1 is theirs; patient2 is not on it.
      const p2 = await login(app, 'patient2@hearth.test');
      expect((await scheduling.getJoinContext(oneToOneId, patient1.id, now))!.role).toBe('patient');
      expect((await scheduling.getJoinContext(oneToOneId, p2.user.id, now))!.role).toBe('none');
    });
  });

  describe('double-booking', () => {
    it('refuses a 1:1 that overlaps the patient’s group session, naming who and when, and stores nothing', async () => {
      const before = await count(app, 'sessions');
      const live = (await api<SessionDetail>(app, 'GET', `/api/sessions/${liveId}`, { token: admin })).body.session;
      const th = await createMember(app, admin, demo.id, 'therapist');
      const res = await createOneToOne(app, admin, { programId: demo.id, therapistId: th.id, patientId: patient1.id, startsAt: new Date(Date.parse(live.startsAt) + 30 * 60_000) });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('double_booked');
      // The demo family session overlaps the group on purpose: either one is named.
      expect(res.body.message).toMatch(/Alex Rivera is already booked .*"(Evening group|Family session)/);
      expect(await count(app, 'sessions')).toBe(before);
    });

    it('refuses to double-book a therapist, and allows back-to-back sessions', async () => {
      const p2 = await createMember(app, admin, demo.id, 'patient');
      const p3 = await createMember(app, admin, demo.id, 'patient');
      const th = await createMember(app, admin, demo.id, 'therapist');
      const startsAt = daysAhead(PHOENIX, 3, '10:00');
      expectStatus(await createOneToOne(app, admin, { programId: demo.id, therapistId: th.id, patientId: p2.id, startsAt }), 201);
      const clash = await createOneToOne(app, admin, { programId: demo.id, therapistId: th.id, patientId: p3.id, startsAt: new Date(startsAt.getTime() + 20 * 60_000) });
      expect(clash.status).toBe(409);
      expect(clash.body.message).toContain(`${th.firstName} ${th.lastName} is already booked`);
      const backToBack = await createOneToOne(app, admin, { programId: demo.id, therapistId: th.id, patientId: p3.id, startsAt: new Date(startsAt.getTime() + 50 * 60_000) });
      expect(backToBack.status).toBe(201);
    });

    /** Holds a scheduling transaction open on `a` and checks one on `b` waits for it. */
    async function expectSerialised(a: DataSource, b: DataSource): Promise<void> {
      const order: string[] = [];
      let release!: () => void;
      let entered!: () => void;
      const held = new Promise<void>((r) => (release = r));
      const firstIn = new Promise<void>((r) => (entered = r));
      const first = ScheduleBook.transaction(a, async () => {
        order.push('first in');
        entered();
        await held;
        order.push('first out');
      });
      await firstIn;
      const second = ScheduleBook.transaction(b, async () => {
        order.push('second in');
      });
      await new Promise((r) => setTimeout(r, 200)); // room for the second to (wrongly) get in
      expect(order).toEqual(['first in']);
      release();
      await Promise.all([first, second]);
      expect(order).toEqual(['first in', 'first out', 'second in']);
    }

    it('serialises scheduling writes, so two bookings cannot both pass the double-booking check', async () => {
      await expectSerialised(app.dataSource, app.dataSource);
    });

    if (kind === 'postgres') {
      it('serialises them across server processes too (advisory lock)', async () => {
        const other = new DataSource({ ...(app.dataSource.options as DataSourceOptions) });
        await other.initialize();
        try {
          await expectSerialised(app.dataSource, other);
        } finally {
          await other.destroy();
        }
      });
    }

    it('refuses a whole series when one occurrence clashes, and an enrollment that would clash', async () => {
      const program = await createProgram(app, admin, { timeZone: PHOENIX });
      const th = await createMember(app, admin, program.id, 'therapist');
      const pt = await createMember(app, admin, program.id, 'patient');
      const cohort = await createCohort(app, admin, program.id, th.id);
      const startDate = DateTime.now().setZone(PHOENIX).plus({ days: 1 }).toISODate()!;
      await enroll(app, admin, cohort.id, pt.id, startDate);
      const body = { title: 'Evening', format: 'group_therapy', rrule: 'FREQ=WEEKLY;BYDAY=MO,WE,TH', startDate, startTime: '18:00', durationMinutes: 180 };
      expectStatus(await api(app, 'POST', `/api/admin/cohorts/${cohort.id}/series`, { token: admin, body }), 201);
      const sessionsBefore = await count(app, 'sessions');
      const seriesBefore = await count(app, 'session_series');
      const overlapping = await api<ErrorBody>(app, 'POST', `/api/admin/cohorts/${cohort.id}/series`, {
        token: admin,
        body: { ...body, rrule: 'FREQ=WEEKLY;BYDAY=WE', startTime: '20:00', durationMinutes: 60 },
      });
      expect(overlapping.status).toBe(409);
      expect(overlapping.body.code).toBe('double_booked');
      expect(await count(app, 'sessions')).toBe(sessionsBefore);
      expect(await count(app, 'session_series')).toBe(seriesBefore);

      // A patient with a 1:1 on a group evening cannot join the cohort from that day.
      const newcomer = await createMember(app, admin, program.id, 'patient');
      const otherTh = await createMember(app, admin, program.id, 'therapist');
      const cohortSessions = expectStatus(await api<SessionView[]>(app, 'GET', `/api/cohorts/${cohort.id}/sessions`, { token: admin }), 200);
      const evening = new Date(cohortSessions[0]!.startsAt);
      expectStatus(await createOneToOne(app, admin, { programId: program.id, therapistId: otherTh.id, patientId: newcomer.id, startsAt: new Date(evening.getTime() + 3600_000) }), 201);
      const refused = await api<ErrorBody>(app, 'POST', `/api/admin/cohorts/${cohort.id}/enrollments`, { token: admin, body: { patientId: newcomer.id, startDate } });
      expect(refused.status).toBe(409);
      expect(await count(app, 'enrollments')).toBeGreaterThan(0);
      const rows = await app.dataSource.query(`SELECT 1 FROM enrollments WHERE patient_id = $1`, [newcomer.id]);
      expect(rows).toHaveLength(0);
    });
  });

  describe('cancel and reschedule', () => {
    it('moves one occurrence (conflict-checked), cancels another, and frees its slot', async () => {
      const program = await createProgram(app, admin, { timeZone: 'America/New_York' });
      const th = await createMember(app, admin, program.id, 'therapist');
      const pt = await createMember(app, admin, program.id, 'patient');
      const cohort = await createCohort(app, admin, program.id, th.id);
      const startDate = DateTime.now().setZone('America/New_York').plus({ days: 1 }).toISODate()!;
      await enroll(app, admin, cohort.id, pt.id, startDate);
      const created = expectStatus(
        await api<CreateSeriesResponse>(app, 'POST', `/api/admin/cohorts/${cohort.id}/series`, {
          token: admin,
          body: { title: 'Skills', format: 'life_skills', rrule: 'FREQ=DAILY;COUNT=3', startDate, startTime: '09:00', durationMinutes: 60 },
        }),
        201,
      );
      const [first, second, third] = created.sessions as [SessionView, SessionView, SessionView];

      // Reschedule the first an hour later, with a new theme; it stays in its series.
      const movedStart = new Date(Date.parse(first.startsAt) + 3600_000);
      const moved = expectStatus(
        await api<SessionView>(app, 'PATCH', `/api/sessions/${first.id}`, {
          token: th.token,
          body: { startsAt: movedStart.toISOString(), endsAt: new Date(movedStart.getTime() + 3600_000).toISOString(), theme: 'Time management' },
        }),
        200,
      );
      expect(moved).toMatchObject({ id: first.id, seriesId: created.series.id, startsAt: movedStart.toISOString(), theme: 'Time management' });

      // Moving the second onto the third double-books the patient: refused, unchanged.
      const onto = await api<ErrorBody>(app, 'PATCH', `/api/sessions/${second.id}`, { token: th.token, body: { startsAt: third.startsAt, endsAt: third.endsAt } });
      expect(onto.status).toBe(409);
      const secondNow = expectStatus(await api<SessionDetail>(app, 'GET', `/api/sessions/${second.id}`, { token: th.token }), 200);
      expect(secondNow.session.startsAt).toBe(second.startsAt);

      // Cancel the third: it stays visible as cancelled, cannot be joined or cancelled again, and its slot is free.
      const cancelled = expectStatus(await api<SessionView>(app, 'POST', `/api/sessions/${third.id}/cancel`, { token: admin, body: { reason: 'Holiday' } }), 200);
      expect(cancelled).toMatchObject({ status: 'cancelled', cancelledReason: 'Holiday', joinable: false });
      const again = await api<ErrorBody>(app, 'POST', `/api/sessions/${third.id}/cancel`, { token: admin, body: {} });
      expect(again).toMatchObject({ status: 409, body: { code: 'invalid_state' } });
      const mine = expectStatus(await api<SessionView[]>(app, 'GET', '/api/me/sessions', { token: pt.token }), 200);
      expect(mine.find((s) => s.id === third.id)?.status).toBe('cancelled');
      expectStatus(await api(app, 'PATCH', `/api/sessions/${second.id}`, { token: th.token, body: { startsAt: third.startsAt, endsAt: third.endsAt } }), 200);
      const editCancelled = await api<ErrorBody>(app, 'PATCH', `/api/sessions/${third.id}`, { token: admin, body: { theme: 'x' } });
      expect(editCancelled).toMatchObject({ status: 409, body: { code: 'invalid_state' } });
    });
  });

  describe('bad input', () => {
    it('answers 4xx with a clear message and changes nothing', async () => {
      const program = await createProgram(app, admin, { timeZone: PHOENIX });
      const th = await createMember(app, admin, program.id, 'therapist');
      const pt = await createMember(app, admin, program.id, 'patient');
      const cohort = await createCohort(app, admin, program.id, th.id);
      const tables = ['programs', 'cohorts', 'enrollments', 'session_series', 'sessions', 'users'];
      const snapshot = async () => Promise.all(tables.map((t) => count(app, t)));
      const before = await snapshot();
      const series = (over: Record<string, unknown>) =>
        api<ErrorBody>(app, 'POST', `/api/admin/cohorts/${cohort.id}/series`, {
          token: admin,
          body: { title: 'X', format: 'group_therapy', rrule: 'FREQ=WEEKLY;BYDAY=MO', startDate: '2031-01-06', startTime: '18:00', durationMinutes: 60, ...over },
        });
      const tomorrow = daysAhead(PHOENIX, 1, '10:00');
      const cases: [string, Promise<{ status: number; body: Partial<ErrorBody> }>, number, string, RegExp][] = [
        ['invalid RRULE', series({ rrule: 'FREQ=SOMETIMES' }), 400, 'invalid_recurrence', /FREQ=SOMETIMES is not supported/],
        ['RRULE with garbage', series({ rrule: 'FREQ=WEEKLY;BYDAY=XX' }), 400, 'invalid_recurrence', /BYDAY must list days/],
        ['RRULE with no sessions', series({ rrule: 'FREQ=WEEKLY;UNTIL=20310101' }), 400, 'invalid_recurrence', /UNTIL is before the first session/],
        ['impossible start date', series({ startDate: '2031-02-30' }), 400, 'bad_request', /startDate: must be a real calendar date/],
        ['impossible time', series({ startTime: '24:30' }), 400, 'bad_request', /startTime/],
        [
          'unknown time zone',
          api<ErrorBody>(app, 'POST', '/api/admin/programs', { token: admin, body: { name: 'Nowhere', specialty: 'adult', timeZone: 'Mars/Olympus_Mons' } }),
          400,
          'bad_request',
          /unknown time zone "Mars\/Olympus_Mons"/,
        ],
        [
          'impossible date-time',
          api<ErrorBody>(app, 'POST', '/api/sessions', {
            token: admin,
            body: { kind: 'individual', programId: program.id, therapistId: th.id, patientId: pt.id, startsAt: '2031-02-30T10:00:00Z', endsAt: '2031-02-30T11:00:00Z' },
          }),
          400,
          'bad_request',
          /startsAt: must be an ISO 8601 date-time/,
        ],
        [
          'end before start',
          createOneToOne(app, admin, { programId: program.id, therapistId: th.id, patientId: pt.id, startsAt: tomorrow, minutes: -30 }),
          400,
          'bad_request',
          /endsAt: must be after startsAt/,
        ],
        [
          'a session in the past',
          createOneToOne(app, admin, { programId: program.id, therapistId: th.id, patientId: pt.id, startsAt: new Date(Date.now() - 3 * 3600_000) }),
          400,
          'invalid_schedule',
          /already be over/,
        ],
        [
          'a patient where the therapist goes',
          createOneToOne(app, admin, { programId: program.id, therapistId: pt.id, patientId: pt.id, startsAt: tomorrow }),
          400,
          'invalid_reference',
          /has the role "patient", not "therapist"/,
        ],
        [
          'a group format for a 1:1',
          createOneToOne(app, admin, { programId: program.id, therapistId: th.id, patientId: pt.id, startsAt: tomorrow, format: 'psychoeducation' }),
          400,
          'bad_request',
          /format/,
        ],
        ['unknown query parameter', api<ErrorBody>(app, 'GET', '/api/me/sessions?since=yesterday', { token: admin }), 400, 'bad_request', /Unrecognized key/],
        ['range too wide', api<ErrorBody>(app, 'GET', '/api/me/sessions?from=2031-01-01T00:00:00Z&to=2031-12-31T00:00:00Z', { token: admin }), 400, 'bad_request', /at most 92 days/],
        ['from after to', api<ErrorBody>(app, 'GET', '/api/me/sessions?from=2031-01-02T00:00:00Z&to=2031-01-01T00:00:00Z', { token: admin }), 400, 'bad_request', /must be after from/],
        ['malformed id', api<ErrorBody>(app, 'GET', '/api/sessions/not-a-uuid', { token: admin }), 400, 'bad_request', /sessionId/],
        ['unknown body field', api<ErrorBody>(app, 'PATCH', `/api/admin/programs/${program.id}`, { token: admin, body: { timeZone: 'UTC' } }), 400, 'bad_request', /Unrecognized key/],
        [
          'enrollment ending before it starts',
          api<ErrorBody>(app, 'POST', `/api/admin/cohorts/${cohort.id}/enrollments`, { token: admin, body: { patientId: pt.id, startDate: '2031-02-01', endDate: '2031-01-01' } }),
          400,
          'bad_request',
          /endDate: must not be before startDate/,
        ],
        ['bad week', api<ErrorBody>(app, 'GET', `/api/programs/${program.id}/week?weekOf=2031-13-01`, { token: admin }), 400, 'bad_request', /weekOf/],
      ];
      for (const [name, pending, status, code, message] of cases) {
        const res = await pending;
        expect([name, res.status, res.body.code]).toEqual([name, status, code]);
        expect([name, res.body.message]).toEqual([name, expect.stringMatching(message)]);
      }
      expect(await snapshot()).toEqual(before);
    });
  });

  describe('week view', () => {
    it('sums each patient’s scheduled hours against the target and flags those without a 1:1', async () => {
      const program = await createProgram(app, admin, { timeZone: PHOENIX, specialty: 'adolescent' });
      expect(program.weeklyHoursTarget).toBe(6);
      const th = await createMember(app, admin, program.id, 'therapist');
      const [a, b, c] = [
        await createMember(app, admin, program.id, 'patient', 'Ana'),
        await createMember(app, admin, program.id, 'patient', 'Ben'),
        await createMember(app, admin, program.id, 'patient', 'Cy'),
      ];
      const cohort = await createCohort(app, admin, program.id, th.id);
      // Two weeks ahead, so the whole week is in the future.
      const monday = DateTime.now().setZone(PHOENIX).startOf('week').plus({ weeks: 2 });
      const startDate = monday.minus({ days: 7 }).toISODate()!;
      await enroll(app, admin, cohort.id, a.id, startDate);
      await enroll(app, admin, cohort.id, b.id, startDate);
      // Cy joins on the Wednesday: two of the three evenings.
      await enroll(app, admin, cohort.id, c.id, monday.plus({ days: 2 }).toISODate()!);
      expectStatus(
        await api(app, 'POST', `/api/admin/cohorts/${cohort.id}/series`, {
          token: admin,
          body: { title: 'Group', format: 'group_therapy', rrule: 'FREQ=WEEKLY;BYDAY=MO,WE,TH', startDate, startTime: '16:00', durationMinutes: 120 },
        }),
        201,
      );
      expectStatus(await createOneToOne(app, admin, { programId: program.id, therapistId: th.id, patientId: a.id, startsAt: at(PHOENIX, `${monday.plus({ days: 1 }).toISODate()}T10:00`), minutes: 60 }), 201);

      const week = expectStatus(await api<WeekHours>(app, 'GET', `/api/programs/${program.id}/week?weekOf=${monday.plus({ days: 3 }).toISODate()}`, { token: th.token }), 200);
      expect(week).toMatchObject({ weekStart: monday.toISODate(), weekEnd: monday.plus({ days: 6 }).toISODate(), targetMinutes: 360, timeZone: PHOENIX });
      const byName = Object.fromEntries(week.patients.map((p) => [p.name.split(' ')[0], [p.scheduledMinutes, p.individualSessions, p.flags]]));
      expect(byName).toEqual({
        Ana: [420, 1, []],
        Ben: [360, 0, ['no_individual_session']],
        Cy: [240, 0, ['below_target', 'no_individual_session']],
      });
    });
  });

  describe('display-name policy', () => {
    it('names patients to other patients per the program policy, everywhere', async () => {
      const cohortId = (await api<SessionDetail>(app, 'GET', `/api/sessions/${liveId}`, { token: admin })).body.session.cohortId!;
      const rosterNames = async () =>
        expectStatus(await api<CohortRoster>(app, 'GET', `/api/cohorts/${cohortId}/roster`, { token: patient1.token }), 200)
          .members.filter((m) => m.role === 'patient')
          .map((m) => m.displayName);
      expect(await rosterNames()).toContain('Jordan');
      expectStatus(await api(app, 'PATCH', `/api/admin/programs/${demo.id}`, { token: admin, body: { displayNamePolicy: 'initials' } }), 200);
      try {
        expect(await rosterNames()).toContain('J.L.');
        const detail = expectStatus(await api<SessionDetail>(app, 'GET', `/api/sessions/${liveId}`, { token: patient1.token }), 200);
        expect(detail.participants.filter((x) => x.role === 'patient').map((x) => x.displayName)).toContain('J.L.');
        expect(detail.participants.filter((x) => x.role === 'therapist').map((x) => x.displayName)).toContain('Maya Ellison');
        const ctx = await app.app.get(SchedulingService).getJoinContext(liveId, patient1.id, new Date());
        expect(ctx?.displayName).toBe('A.R.');
      } finally {
        expectStatus(await api(app, 'PATCH', `/api/admin/programs/${demo.id}`, { token: admin, body: { displayNamePolicy: 'first_name' } }), 200);
      }
    });
  });

  describe('ICS calendar feed', () => {
    it('serves a tokenised feed that can be rotated and revoked, without treatment details', async () => {
      expect(expectStatus(await api(app, 'GET', '/api/me/calendar-link', { token: patient1.token }), 200)).toEqual({ active: false, createdAt: null });
      const link = expectStatus(await api<{ url: string }>(app, 'POST', '/api/me/calendar-link', { token: patient1.token }), 201);
      expect(link.url).toMatch(new RegExp(`^${app.baseUrl}/api/calendar/[A-Za-z0-9_-]{43}\\.ics$`));
      const feed = await fetch(link.url);
      expect(feed.status).toBe(200);
      expect(feed.headers.get('content-type')).toMatch(/^text\/calendar/);
      const text = await feed.text();
      expect(text).toMatch(/^BEGIN:VCALENDAR/);
      expect(text).toContain(`UID:${liveId}@hearth`);
      expect(text).toContain(`UID:${oneToOneId}@hearth`);
      expect(text).toContain('SUMMARY:Hearth group session');
      expect(text).toContain('SUMMARY:Hearth 1:1 session');
      expect(text).not.toMatch(/Evening Adult IOP|Coping|Alex|Rivera/);
      // The token is not stored as such.
      const stored: { token_hash: string }[] = await app.dataSource.query(`SELECT token_hash FROM calendar_feeds`);
      const token = link.url.split('/').pop()!.replace('.ics', '');
      expect(stored.some((r) => r.token_hash.includes(token))).toBe(false);
      expect(expectStatus(await api<{ active: boolean }>(app, 'GET', '/api/me/calendar-link', { token: patient1.token }), 200).active).toBe(true);

      // Rotating makes a new URL and kills the old one; revoking kills the new one.
      const rotated = expectStatus(await api<{ url: string }>(app, 'POST', '/api/me/calendar-link', { token: patient1.token }), 201);
      expect(rotated.url).not.toBe(link.url);
      expect((await fetch(link.url)).status).toBe(404);
      expect((await fetch(rotated.url)).status).toBe(200);
      expectStatus(await api(app, 'DELETE', '/api/me/calendar-link', { token: patient1.token }), 204);
      expect((await fetch(rotated.url)).status).toBe(404);
      expect((await fetch(`${app.baseUrl}/api/calendar/not-a-token.ics`)).status).toBe(404);
      expect((await fetch(`${app.baseUrl}/api/calendar/whatever`)).status).toBe(404);
    });
  });
});
