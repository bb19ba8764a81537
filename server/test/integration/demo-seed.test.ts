import { DateTime } from 'luxon';
import type { DataSource } from 'typeorm';
import { openDatabase } from '../../src/database/data-source';
import { seedDemo } from '../../src/seed/demo-seed';
import { DEMO_FAMILY_TITLE } from '../../src/seed/demo-schedule';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/test-db';

jest.setTimeout(60_000);

const ZONE = 'America/Phoenix';
const phoenix = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).toJSDate();
const local = (d: Date) => DateTime.fromJSDate(d, { zone: ZONE }).toFormat('yyyy-MM-dd HH:mm');

interface Row {
  id: string;
  kind: string;
  title: string;
  status: string;
  starts_at: Date;
  ends_at: Date;
  patient_id: string | null;
}

describe.each(DB_KINDS)('demo seed on %s', (kind) => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    ds = await openDatabase(db.target);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const sessions = async (): Promise<Row[]> => ds.query(`SELECT id, kind, title, status, starts_at, ends_at, patient_id FROM sessions ORDER BY starts_at`);
  const byId = async (id: string | null | undefined) => (await sessions()).find((s) => s.id === id);

  /**
   * Nobody may be in two scheduled sessions at once, whatever the seed did —
   * except the demo family session, which runs alongside the live group on purpose.
   */
  async function expectNoDoubleBooking(): Promise<void> {
    const clashes = await ds.query(`
      SELECT a.id AS a, b.id AS b, pa.user_id
        FROM sessions a JOIN session_people pa ON pa.session_id = a.id
        JOIN session_people pb ON pb.user_id = pa.user_id
        JOIN sessions b ON b.id = pb.session_id
       WHERE a.id < b.id AND a.status = 'scheduled' AND b.status = 'scheduled'
         AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
         AND a.title <> $1 AND b.title <> $1`, [DEMO_FAMILY_TITLE]);
    expect(clashes).toEqual([]);
  }

  async function expectFamilyInProgress(now: Date, summary: Awaited<ReturnType<typeof seedDemo>>) {
    const [family] = await ds.query(`SELECT kind, format, status, starts_at, ends_at, patient_id, therapist_id FROM sessions WHERE id = $1`, [
      summary.schedule?.familySessionId,
    ]);
    const [patient1] = await ds.query(`SELECT id FROM users WHERE email = 'patient1@hearth.test'`);
    const [therapist] = await ds.query(`SELECT id FROM users WHERE email = 'therapist@hearth.test'`);
    expect(family).toMatchObject({ kind: 'individual', format: 'family', status: 'scheduled', patient_id: patient1.id, therapist_id: therapist.id });
    expect(new Date(family.starts_at).getTime()).toBeLessThanOrEqual(now.getTime());
    expect(new Date(family.ends_at).getTime()).toBeGreaterThanOrEqual(now.getTime() + 3600_000);
  }

  async function expectLiveGroupAndOneToOne(now: Date, summary: Awaited<ReturnType<typeof seedDemo>>) {
    const live = await byId(summary.schedule?.liveGroupSessionId);
    expect(live).toMatchObject({ kind: 'group', status: 'scheduled' });
    expect(live!.starts_at.getTime()).toBeLessThanOrEqual(now.getTime());
    expect(live!.ends_at.getTime()).toBeGreaterThanOrEqual(now.getTime() + 3600_000);
    const oneToOne = await byId(summary.schedule?.oneToOneSessionId);
    expect(oneToOne).toMatchObject({ kind: 'individual', status: 'scheduled' });
    expect(oneToOne!.title).not.toBe(DEMO_FAMILY_TITLE);
    expect(local(oneToOne!.starts_at).slice(0, 10)).toBe(local(now).slice(0, 10)); // today, program time zone
    await expectNoDoubleBooking();
    await expectFamilyInProgress(now, summary);
    return { live: live!, oneToOne: oneToOne! };
  }

  it('creates the program, cohort and series, a group in progress and a 1:1 after it (Monday morning)', async () => {
    const now = phoenix('2030-03-04T10:00'); // a Monday
    const summary = await seedDemo(ds, { now });
    expect(summary.created).toBe(true);
    const { live, oneToOne } = await expectLiveGroupAndOneToOne(now, summary);
    expect([local(live.starts_at), local(live.ends_at)]).toEqual(['2030-03-04 09:50', '2030-03-04 13:00']);
    // "in an hour" would clash with the group for patient1 and the therapist: it goes right after.
    expect([local(oneToOne.starts_at), local(oneToOne.ends_at)]).toEqual(['2030-03-04 13:00', '2030-03-04 13:50']);

    const [program] = await ds.query(`SELECT name, time_zone, specialty, weekly_target_minutes, display_name_policy FROM programs`);
    expect(program).toEqual({ name: 'Evening Adult IOP', time_zone: ZONE, specialty: 'adult', weekly_target_minutes: 540, display_name_policy: 'first_name' });
    const roster: { email: string; role: string }[] = await ds.query(`
      SELECT u.email, 'therapist:' || ct.role AS role FROM cohort_therapists ct JOIN users u ON u.id = ct.user_id
      UNION ALL SELECT u.email, 'patient' FROM enrollments e JOIN users u ON u.id = e.patient_id ORDER BY 1`);
    expect(roster).toHaveLength(10);
    expect(roster).toContainEqual({ email: 'therapist@hearth.test', role: 'therapist:lead' });
    expect(roster).toContainEqual({ email: 'cotherapist@hearth.test', role: 'therapist:co' });
    // The series: Mon/Wed/Thu 18:00–21:00 Phoenix, today's included.
    const series = (await sessions()).filter((s) => s.title === 'Evening group');
    expect(local(series[0]!.starts_at)).toBe('2030-03-04 18:00');
    expect(new Set(series.map((s) => DateTime.fromJSDate(s.starts_at, { zone: ZONE }).toFormat('ccc HH:mm')))).toEqual(
      new Set(['Mon 18:00', 'Wed 18:00', 'Thu 18:00']),
    );
  });

  it('changes nothing when run again while the demo session is still going', async () => {
    const before = await sessions();
    const summary = await seedDemo(ds, { now: phoenix('2030-03-04T10:30') });
    expect(summary.created).toBe(false);
    expect(await sessions()).toEqual(before);
  });

  it('uses a series occurrence in progress, and adds a later 1:1 when the earlier one is over (Monday 18:30)', async () => {
    const now = phoenix('2030-03-04T18:30');
    const summary = await seedDemo(ds, { now });
    const { live, oneToOne } = await expectLiveGroupAndOneToOne(now, summary);
    expect(live.title).toBe('Evening group');
    expect([local(oneToOne.starts_at), local(oneToOne.ends_at)]).toEqual(['2030-03-04 21:00', '2030-03-04 21:50']);
  });

  it('late in the evening puts the 1:1 earlier today, since nothing fits after the live group (Tuesday 22:30)', async () => {
    const now = phoenix('2030-03-05T22:30');
    const summary = await seedDemo(ds, { now });
    const { live, oneToOne } = await expectLiveGroupAndOneToOne(now, summary);
    expect([local(live.starts_at), local(live.ends_at)]).toEqual(['2030-03-05 22:20', '2030-03-06 01:30']);
    expect([local(oneToOne.starts_at), local(oneToOne.ends_at)]).toEqual(['2030-03-05 21:30', '2030-03-05 22:20']);
  });

  it('the live group wins over an overlapping series occurrence, which is cancelled (Wednesday 17:00)', async () => {
    const now = phoenix('2030-03-06T17:00');
    const summary = await seedDemo(ds, { now });
    const { live, oneToOne } = await expectLiveGroupAndOneToOne(now, summary);
    expect([local(live.starts_at), local(live.ends_at)]).toEqual(['2030-03-06 16:50', '2030-03-06 20:00']);
    const wednesdaySeries = (await sessions()).find((s) => s.title === 'Evening group' && local(s.starts_at) === '2030-03-06 18:00');
    expect(wednesdaySeries?.status).toBe('cancelled');
    expect([local(oneToOne.starts_at), local(oneToOne.ends_at)]).toEqual(['2030-03-06 20:00', '2030-03-06 20:50']);
  });

  it('tops the series up when restarted weeks later, so the evenings keep coming', async () => {
    const now = phoenix('2030-06-10T10:00'); // a Monday, past the first 12 weeks
    const summary = await seedDemo(ds, { now });
    await expectLiveGroupAndOneToOne(now, summary);
    const series = (await sessions()).filter((s) => s.title === 'Evening group').map((s) => local(s.starts_at));
    expect(series).toContain('2030-06-10 18:00');
    expect(series).toContain('2030-08-26 18:00');
    expect(new Set(series).size).toBe(series.length);
  });
});
