import type { Cohort, CohortRoster, Program, SessionDetail, SessionView, WeekHours } from '@hearth/protocol';
import { api, login, startTestApp, type TestApp } from '../helpers/test-app';
import { DB_KINDS } from '../helpers/test-db';
import { createCohort, createMember, createOneToOne, createProgram, daysAhead, enroll, expectStatus, unique } from '../helpers/scheduling';

jest.setTimeout(180_000);

/**
 * Every scheduling route × every kind of caller. The rule: a caller whose
 * role can never use a route gets 403; a resource the caller may not see
 * answers 404 (its existence is not disclosed); no token, 401.
 */
const WHO = ['admin', 'otherAdmin', 'therapist', 'cotherapist', 'otherTherapist', 'patientIn', 'patientOut', 'family', 'anonymous'] as const;
type Who = (typeof WHO)[number];

interface Req {
  method: string;
  path: string;
  body?: unknown;
}
interface RouteCase {
  name: string;
  /** Builds the request for one caller (may create fresh resources first). */
  request: (who: Who) => Promise<Req> | Req;
  expect: Record<Who, number>;
  /** Checks what a successful caller got back. */
  check?: (who: Who, body: unknown) => void;
}

const ZONE = 'America/Phoenix';

/** Expected statuses: `rest` for everyone not named; anonymous is always 401. */
function statuses(named: Partial<Record<Who, number>>, rest: number): Record<Who, number> {
  return Object.fromEntries(WHO.map((w) => [w, w === 'anonymous' ? 401 : (named[w] ?? rest)])) as Record<Who, number>;
}

describe.each(DB_KINDS)('scheduling authorization matrix on %s', (kind) => {
  let app: TestApp;
  const token: Partial<Record<Who, string>> = {};
  const userId: Partial<Record<Who, string>> = {};
  let program: Program;
  let cohortA: Cohort;
  let liveSessionId: string;
  let familySessionId: string;
  let slot = 0;
  /** A distinct, conflict-free morning slot four days or more ahead. */
  const nextSlot = () => {
    const n = slot++;
    return daysAhead(ZONE, 4 + Math.floor(n / 8), `${String(6 + (n % 8)).padStart(2, '0')}:00`);
  };

  beforeAll(async () => {
    app = await startTestApp(kind);
    for (const [who, email] of [
      ['admin', 'admin@hearth.test'],
      ['therapist', 'therapist@hearth.test'],
      ['cotherapist', 'cotherapist@hearth.test'],
      ['patientIn', 'patient1@hearth.test'],
    ] as const) {
      const res = await login(app, email);
      token[who] = res.accessToken;
      userId[who] = res.user.id;
    }
    const programs = expectStatus(await api<Program[]>(app, 'GET', '/api/admin/programs', { token: token.admin }), 200);
    program = programs.find((p) => p.name === 'Evening Adult IOP')!;
    const cohorts = expectStatus(await api<Cohort[]>(app, 'GET', '/api/me/cohorts', { token: token.admin }), 200);
    cohortA = cohorts.find((c) => c.name === 'Evening Group A')!;
    liveSessionId = app.seeded!.schedule!.liveGroupSessionId;

    // A second cohort in the same program, led by another therapist, with another patient.
    const otherTherapist = await createMember(app, token.admin!, program.id, 'therapist', 'Olive');
    const patientOut = await createMember(app, token.admin!, program.id, 'patient', 'Pat');
    const family = await createMember(app, token.admin!, program.id, 'family', 'Fran');
    const cohortB = await createCohort(app, token.admin!, program.id, otherTherapist.id);
    await enroll(app, token.admin!, cohortB.id, patientOut.id, '2020-01-01');
    // An admin of another program only.
    const other = await createProgram(app, token.admin!, { timeZone: 'America/Chicago' });
    const otherAdmin = await createMember(app, token.admin!, other.id, 'admin', 'Otto');
    for (const [who, m] of [
      ['otherTherapist', otherTherapist],
      ['patientOut', patientOut],
      ['family', family],
      ['otherAdmin', otherAdmin],
    ] as const) {
      token[who] = m.token;
      userId[who] = m.id;
    }
    // A family 1:1 for patient1 with the therapist, the family member invited.
    const familySession = await createOneToOne(app, token.admin!, {
      programId: program.id,
      therapistId: userId.therapist!,
      patientId: userId.patientIn!,
      startsAt: daysAhead(ZONE, 2, '09:00'),
      format: 'family',
    });
    familySessionId = expectStatus(familySession, 201).id;
    expectStatus(await api(app, 'POST', `/api/sessions/${familySessionId}/guests`, { token: token.admin, body: { userId: family.id } }), 201);
  });

  afterAll(async () => {
    await app?.stop();
  });

  const idsOf = (body: unknown) => (body as SessionView[]).map((s) => s.id);

  const ROUTES: RouteCase[] = [
    {
      name: 'GET /api/me/sessions',
      request: () => ({ method: 'GET', path: '/api/me/sessions' }),
      expect: statuses({}, 200),
      check: (who, body) => {
        const sees = ['admin', 'therapist', 'cotherapist', 'patientIn'].includes(who);
        expect([who, idsOf(body).includes(liveSessionId)]).toEqual([who, sees]);
        const seesFamily = ['admin', 'therapist', 'patientIn', 'family'].includes(who);
        expect([who, idsOf(body).includes(familySessionId)]).toEqual([who, seesFamily]);
      },
    },
    { name: 'GET /api/me/next-session', request: () => ({ method: 'GET', path: '/api/me/next-session' }), expect: statuses({}, 200) },
    {
      name: 'GET /api/me/cohorts',
      request: () => ({ method: 'GET', path: '/api/me/cohorts' }),
      expect: statuses({}, 200),
      check: (who, body) => {
        const sees = ['admin', 'therapist', 'cotherapist', 'patientIn'].includes(who);
        expect([who, (body as Cohort[]).some((c) => c.id === cohortA.id)]).toEqual([who, sees]);
      },
    },
    { name: 'GET /api/me/calendar-link', request: () => ({ method: 'GET', path: '/api/me/calendar-link' }), expect: statuses({}, 200) },
    { name: 'POST /api/me/calendar-link', request: () => ({ method: 'POST', path: '/api/me/calendar-link' }), expect: statuses({}, 201) },
    { name: 'DELETE /api/me/calendar-link', request: () => ({ method: 'DELETE', path: '/api/me/calendar-link' }), expect: statuses({}, 204) },
    {
      name: 'POST /api/admin/programs',
      request: () => ({ method: 'POST', path: '/api/admin/programs', body: { name: unique('P'), specialty: 'veterans', timeZone: 'America/Denver' } }),
      expect: statuses({ admin: 201, otherAdmin: 201 }, 403),
    },
    {
      name: 'GET /api/admin/programs',
      request: () => ({ method: 'GET', path: '/api/admin/programs' }),
      expect: statuses({ admin: 200, otherAdmin: 200 }, 403),
      check: (who, body) => expect([who, (body as Program[]).some((p) => p.id === program.id)]).toEqual([who, who === 'admin']),
    },
    { name: 'GET /api/admin/programs/:id', request: () => ({ method: 'GET', path: `/api/admin/programs/${program.id}` }), expect: statuses({ admin: 200, otherAdmin: 404 }, 403) },
    {
      name: 'PATCH /api/admin/programs/:id',
      request: () => ({ method: 'PATCH', path: `/api/admin/programs/${program.id}`, body: { joinWindowMinutesBefore: 15 } }),
      expect: statuses({ admin: 200, otherAdmin: 404 }, 403),
    },
    { name: 'GET /api/admin/programs/:id/members', request: () => ({ method: 'GET', path: `/api/admin/programs/${program.id}/members` }), expect: statuses({ admin: 200, otherAdmin: 404 }, 403) },
    {
      name: 'POST /api/admin/programs/:id/members',
      request: () => ({
        method: 'POST',
        path: `/api/admin/programs/${program.id}/members`,
        body: { email: `${unique('m')}@example.test`, firstName: 'New', lastName: 'Member', role: 'patient', password: 'a-long-test-password' },
      }),
      expect: statuses({ admin: 201, otherAdmin: 404 }, 403),
    },
    {
      name: 'POST /api/admin/programs/:id/cohorts',
      request: () => ({ method: 'POST', path: `/api/admin/programs/${program.id}/cohorts`, body: { name: unique('C'), therapistId: userId.therapist } }),
      expect: statuses({ admin: 201, otherAdmin: 404 }, 403),
    },
    {
      name: 'POST /api/admin/cohorts/:id/enrollments',
      request: async (who) => {
        const patient = who === 'admin' ? await createMember(app, token.admin!, program.id, 'patient') : { id: userId.patientOut };
        return { method: 'POST', path: `/api/admin/cohorts/${cohortA.id}/enrollments`, body: { patientId: patient.id, startDate: '2030-01-01' } };
      },
      expect: statuses({ admin: 201, otherAdmin: 404 }, 403),
    },
    {
      name: 'PATCH /api/admin/enrollments/:id',
      request: async () => {
        const rows: { id: string }[] = await app.dataSource.query(`SELECT id FROM enrollments WHERE cohort_id = $1 AND patient_id = $2`, [cohortA.id, userId.patientIn]);
        return { method: 'PATCH', path: `/api/admin/enrollments/${rows[0]!.id}`, body: { endDate: null } };
      },
      expect: statuses({ admin: 200, otherAdmin: 404 }, 403),
    },
    {
      name: 'POST /api/admin/cohorts/:id/series',
      request: () => ({
        method: 'POST',
        path: `/api/admin/cohorts/${cohortA.id}/series`,
        body: { title: 'Sunday skills', format: 'life_skills', rrule: 'FREQ=WEEKLY;BYDAY=SU;COUNT=2', startDate: '2031-01-01', startTime: '05:00', durationMinutes: 60 },
      }),
      expect: statuses({ admin: 201, otherAdmin: 404 }, 403),
    },
    {
      name: 'POST /api/admin/series/:id/extend',
      request: async () => {
        const rows: { id: string }[] = await app.dataSource.query(`SELECT id FROM session_series WHERE cohort_id = $1 LIMIT 1`, [cohortA.id]);
        return { method: 'POST', path: `/api/admin/series/${rows[0]!.id}/extend` };
      },
      expect: statuses({ admin: 200, otherAdmin: 404 }, 403),
    },
    ...(['', '/roster', '/sessions'] as const).map(
      (suffix): RouteCase => ({
        name: `GET /api/cohorts/:id${suffix}`,
        request: () => ({ method: 'GET', path: `/api/cohorts/${cohortA.id}${suffix}` }),
        expect: statuses({ admin: 200, therapist: 200, cotherapist: 200, patientIn: 200, family: 403 }, 404),
      }),
    ),
    {
      name: 'GET /api/programs/:id/week',
      request: () => ({ method: 'GET', path: `/api/programs/${program.id}/week` }),
      expect: statuses({ admin: 200, otherAdmin: 404, therapist: 200, cotherapist: 200, otherTherapist: 200 }, 403),
      check: (who, body) => {
        const ids = (body as WeekHours).patients.map((p) => p.patientId);
        // A therapist sees only the patients of their own cohorts.
        expect([who, ids.includes(userId.patientIn!), ids.includes(userId.patientOut!)]).toEqual([
          who,
          who !== 'otherTherapist',
          who === 'admin' || who === 'otherTherapist',
        ]);
      },
    },
    {
      name: 'POST /api/sessions (group)',
      request: () => {
        const startsAt = nextSlot();
        return {
          method: 'POST',
          path: '/api/sessions',
          body: { kind: 'group', cohortId: cohortA.id, format: 'psychoeducation', title: 'Workshop', startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 45 * 60_000).toISOString() },
        };
      },
      expect: statuses({ admin: 201, therapist: 201, cotherapist: 201, patientIn: 403, patientOut: 403, family: 403 }, 404),
    },
    {
      name: 'POST /api/sessions (1:1)',
      request: (who) => {
        const startsAt = nextSlot();
        const therapistId = who === 'admin' || who === 'otherAdmin' ? userId.therapist : (userId[who] ?? userId.therapist);
        return {
          method: 'POST',
          path: '/api/sessions',
          body: { kind: 'individual', programId: program.id, therapistId, patientId: userId.patientIn, startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 50 * 60_000).toISOString() },
        };
      },
      // The other therapist belongs to the program but patient1 is not in their cohorts.
      expect: statuses({ admin: 201, therapist: 201, cotherapist: 201, otherTherapist: 403, otherAdmin: 404 }, 403),
    },
    {
      name: 'GET /api/sessions/:id (group)',
      request: () => ({ method: 'GET', path: `/api/sessions/${liveSessionId}` }),
      expect: statuses({ admin: 200, therapist: 200, cotherapist: 200, patientIn: 200 }, 404),
      check: (who, body) => {
        const detail = body as SessionDetail;
        const alex = detail.participants.find((x) => x.userId === userId.patientIn)!;
        // Patients see each other by first name (program policy); staff see full names.
        expect([who, alex.displayName]).toEqual([who, who === 'patientIn' ? 'Alex' : 'Alex Rivera']);
      },
    },
    {
      name: 'GET /api/sessions/:id (family 1:1)',
      request: () => ({ method: 'GET', path: `/api/sessions/${familySessionId}` }),
      expect: statuses({ admin: 200, therapist: 200, patientIn: 200, family: 200 }, 404),
    },
    {
      name: 'PATCH /api/sessions/:id',
      request: () => ({ method: 'PATCH', path: `/api/sessions/${liveSessionId}`, body: { theme: 'Coping strategies' } }),
      expect: statuses({ admin: 200, therapist: 200, cotherapist: 200, patientIn: 403, patientOut: 403, family: 403 }, 404),
    },
    {
      name: 'POST /api/sessions/:id/cancel',
      request: async () => {
        const startsAt = nextSlot();
        const made = await api<SessionView>(app, 'POST', '/api/sessions', {
          token: token.admin,
          body: { kind: 'group', cohortId: cohortA.id, format: 'life_skills', title: 'To cancel', startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 30 * 60_000).toISOString() },
        });
        return { method: 'POST', path: `/api/sessions/${expectStatus(made, 201).id}/cancel`, body: { reason: 'Holiday' } };
      },
      expect: statuses({ admin: 200, therapist: 200, cotherapist: 200, patientIn: 403, patientOut: 403, family: 403 }, 404),
      check: (who, body) => expect([who, (body as SessionView).status]).toEqual([who, 'cancelled']),
    },
    {
      name: 'POST /api/sessions/:id/guests',
      request: async (who) => {
        const guest = who === 'admin' || who === 'therapist' ? (await createMember(app, token.admin!, program.id, 'family')).id : userId.family;
        return { method: 'POST', path: `/api/sessions/${familySessionId}/guests`, body: { userId: guest } };
      },
      // The co-therapist is not part of the therapist's family 1:1.
      expect: statuses({ admin: 201, therapist: 201, patientIn: 403, patientOut: 403, family: 403 }, 404),
    },
  ];

  it.each(ROUTES.map((r) => [r.name, r] as const))('%s', async (_name, route) => {
    const got: Record<string, number> = {};
    for (const who of WHO) {
      const req = await route.request(who);
      const res = await api(app, req.method, req.path, { token: who === 'anonymous' ? undefined : token[who], body: req.body });
      got[who] = res.status;
      if (res.status < 300 && route.check) route.check(who, res.body);
      if (res.status >= 400) expect(res.body).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    }
    expect(got).toEqual(route.expect);
  });

  it('a patient outside the cohort cannot learn its roster, and a patient inside sees names per the policy without e-mails', async () => {
    const inside = expectStatus(await api<CohortRoster>(app, 'GET', `/api/cohorts/${cohortA.id}/roster`, { token: token.patientIn }), 200);
    const patients = inside.members.filter((x) => x.role === 'patient');
    expect(patients.map((x) => x.displayName)).toContain('Jordan');
    expect(patients.every((x) => x.email === undefined && x.enrollment === undefined && !x.displayName.includes(' '))).toBe(true);
    const staff = expectStatus(await api<CohortRoster>(app, 'GET', `/api/cohorts/${cohortA.id}/roster`, { token: token.therapist }), 200);
    expect(staff.members.find((x) => x.role === 'patient' && x.displayName === 'Jordan Lee')?.email).toBe('patient2@hearth.test');
  });
});
