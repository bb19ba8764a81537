import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Cohort, Member, Program, SessionView } from '@hearth/protocol';
import { api, login } from './test-app';

type App = { baseUrl: string };

/** Fails the test with the response body when the status is not the expected one. */
export function expectStatus<T>(res: { status: number; body: T }, status: number): T {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

export const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

/** Creates an account in the program (as its admin) and signs it in. */
export async function createMember(
  app: App,
  adminToken: string,
  programId: string,
  role: 'admin' | 'therapist' | 'patient' | 'family',
  firstName = role[0]!.toUpperCase() + role.slice(1),
  lastName = unique('Test'),
): Promise<Member & { token: string }> {
  const email = `${unique(role)}@example.test`;
  const password = 'a-long-test-password';
  const member = expectStatus(
    await api<Member>(app, 'POST', `/api/admin/programs/${programId}/members`, { token: adminToken, body: { email, firstName, lastName, role, password } }),
    201,
  );
  const { accessToken } = await login(app, email, password);
  return { ...member, token: accessToken };
}

export async function createProgram(app: App, adminToken: string, body: Record<string, unknown>): Promise<Program> {
  return expectStatus(await api<Program>(app, 'POST', '/api/admin/programs', { token: adminToken, body: { name: unique('Program'), specialty: 'adult', ...body } }), 201);
}

export async function createCohort(app: App, adminToken: string, programId: string, therapistId: string, coTherapistIds: string[] = []): Promise<Cohort> {
  return expectStatus(
    await api<Cohort>(app, 'POST', `/api/admin/programs/${programId}/cohorts`, { token: adminToken, body: { name: unique('Cohort'), therapistId, coTherapistIds } }),
    201,
  );
}

export async function enroll(app: App, adminToken: string, cohortId: string, patientId: string, startDate: string, endDate?: string) {
  return expectStatus(
    await api<{ id: string }>(app, 'POST', `/api/admin/cohorts/${cohortId}/enrollments`, { token: adminToken, body: { patientId, startDate, ...(endDate ? { endDate } : {}) } }),
    201,
  );
}

export async function createOneToOne(
  app: App,
  token: string,
  body: { programId: string; therapistId: string; patientId: string; startsAt: Date; minutes?: number; format?: string },
): Promise<{ status: number; body: SessionView & { code?: string; message?: string } }> {
  const { startsAt, minutes = 50, ...rest } = body;
  return api(app, 'POST', '/api/sessions', {
    token,
    body: { kind: 'individual', ...rest, startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + minutes * 60_000).toISOString() },
  });
}

/** A local date-time in a zone, as a Date. */
export function at(zone: string, isoLocal: string): Date {
  return DateTime.fromISO(isoLocal, { zone }).toJSDate();
}

/** `days` from today (in `zone`) at `time`. */
export function daysAhead(zone: string, days: number, time: string): Date {
  const [h, m] = time.split(':').map(Number);
  return DateTime.now().setZone(zone).plus({ days }).set({ hour: h, minute: m, second: 0, millisecond: 0 }).toJSDate();
}

export async function count(app: { dataSource: { query(sql: string): Promise<{ n: number }[]> } }, table: string): Promise<number> {
  const [row] = await app.dataSource.query(`SELECT count(*)::int AS n FROM ${table}`);
  return row!.n;
}
