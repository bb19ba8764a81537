/**
 * Programs list the tracks they run and every cohort belongs to one of them
 * (real app, real database): the admin API validates and authorizes it, the
 * schedule carries a group session's track, and the migration turns the old
 * free-text `cohorts.track` into tracks without losing what it said.
 */
import { DataSource } from 'typeorm';
import type { Cohort, Program, SessionView } from '@hearth/protocol';
import { buildDataSourceOptions } from '../../src/database/data-source';
import { MIGRATIONS } from '../../src/database/migrations';
import { ProgramTracks1775200000000 } from '../../src/database/migrations/1775200000000-ProgramTracks';
import { api, login, startTestApp, type TestApp } from '../helpers/test-app';
import { createTestDatabase, DB_KINDS } from '../helpers/test-db';
import { createMember, createProgram, expectStatus } from '../helpers/scheduling';

jest.setTimeout(120_000);
type ErrorBody = { code: string; message: string };

describe.each(DB_KINDS)('program tracks on %s', (kind) => {
  let app: TestApp;
  let admin: string;
  let therapistId: string;

  beforeAll(async () => {
    app = await startTestApp(kind);
    admin = (await login(app, 'admin@hearth.test')).accessToken;
  });
  afterAll(async () => {
    await app?.stop();
  });

  const cohort = (programId: string, body: Record<string, unknown>) =>
    api<Cohort | ErrorBody>(app, 'POST', `/api/admin/programs/${programId}/cohorts`, { token: admin, body: { therapistId, ...body } });

  it('a program runs its specialty’s track unless the admin picks others; cohorts belong to one of them', async () => {
    const teen = await createProgram(app, admin, { timeZone: 'America/Phoenix', specialty: 'adolescent' });
    expect(teen.tracks).toEqual(['adolescents']);
    therapistId = (await createMember(app, admin, teen.id, 'therapist')).id;
    // One track: a cohort may leave it out.
    expect(expectStatus(await cohort(teen.id, { name: 'Teens A' }), 201)).toMatchObject({ track: 'adolescents' });
    // Not a track this program runs: refused, naming what it runs.
    const wrong = expectStatus(await cohort(teen.id, { name: 'Teens B', track: 'veterans' }), 400) as ErrorBody;
    expect(wrong).toMatchObject({ code: 'invalid_reference' });
    expect(wrong.message).toMatch(/Veterans.*Adolescents/);
    // Free text is no longer a track.
    expect((await cohort(teen.id, { name: 'Teens C', track: 'evening' })).status).toBe(400);

    const program = await createProgram(app, admin, { timeZone: 'America/Phoenix', specialty: 'adult', tracks: ['veterans', 'adults', 'women'] });
    expect(program.tracks).toEqual(['adults', 'women', 'veterans']);
    therapistId = (await createMember(app, admin, program.id, 'therapist')).id;
    // Several tracks: the cohort must name one.
    const unnamed = expectStatus(await cohort(program.id, { name: 'Group A' }), 400) as ErrorBody;
    expect(unnamed.message).toMatch(/Pick the cohort's track/);
    expect(expectStatus(await cohort(program.id, { name: 'Vets', track: 'veterans' }), 201)).toMatchObject({ track: 'veterans' });
    // Bad sets of tracks.
    for (const tracks of [[], ['adults', 'adults'], ['pirates']]) {
      expect((await api(app, 'POST', '/api/admin/programs', { token: admin, body: { name: 'Bad tracks', specialty: 'adult', timeZone: 'America/Phoenix', tracks } })).status).toBe(400);
    }
  });

  it('the admin changes which tracks a program runs, but not away from its cohorts', async () => {
    const program = await createProgram(app, admin, { timeZone: 'America/Phoenix', specialty: 'adult', tracks: ['adults', 'men'] });
    therapistId = (await createMember(app, admin, program.id, 'therapist')).id;
    expectStatus(await cohort(program.id, { name: 'Men A', track: 'men' }), 201);
    const patch = (tracks: string[], token = admin) => api<Program | ErrorBody>(app, 'PATCH', `/api/admin/programs/${program.id}`, { token, body: { tracks } });
    expect(expectStatus(await patch(['lgbtq', 'men', 'adults']), 200)).toMatchObject({ tracks: ['adults', 'men', 'lgbtq'] });
    expect(expectStatus(await patch(['men']), 200)).toMatchObject({ tracks: ['men'] });
    const refused = expectStatus(await patch(['adults']), 409) as ErrorBody;
    expect(refused.message).toMatch(/Men A \(Men\)/);
    expect(expectStatus(await api<Program>(app, 'GET', `/api/admin/programs/${program.id}`, { token: admin }), 200).tracks).toEqual(['men']);
    // Authorization as the other admin routes: therapists and patients may not; another program's admin sees nothing.
    const therapist = (await login(app, 'therapist@hearth.test')).accessToken;
    const patient = (await login(app, 'patient1@hearth.test')).accessToken;
    expect((await patch(['adults', 'men'], therapist)).status).toBe(403);
    expect((await patch(['adults', 'men'], patient)).status).toBe(403);
    expect((await patch(['adults', 'men'])).status).toBe(200);
  });

  it('the demo program runs the adults track, and its group sessions carry their cohort’s track', async () => {
    const programs = expectStatus(await api<Program[]>(app, 'GET', '/api/admin/programs', { token: admin }), 200);
    expect(programs.find((p) => p.name === 'Evening Adult IOP')).toMatchObject({ tracks: ['adults'] });
    const patient = (await login(app, 'patient1@hearth.test')).accessToken;
    const sessions = expectStatus(await api<SessionView[]>(app, 'GET', '/api/me/sessions', { token: patient }), 200);
    expect(sessions.find((s) => s.kind === 'group')).toMatchObject({ cohortName: 'Evening Group A', track: 'adults' });
    expect(sessions.find((s) => s.kind === 'individual')).toMatchObject({ track: null });
  });
});

describe.each(DB_KINDS)('the tracks migration on %s', (kind) => {
  it('turns free-text tracks into the program’s tracks, keeping text that names none in the cohort’s name', async () => {
    const db = await createTestDatabase(kind, { empty: true }); // migrated up to just before the tracks migration
    const before = MIGRATIONS.filter((m) => m !== ProgramTracks1775200000000);
    const ds = new DataSource({ ...buildDataSourceOptions(db.target), migrations: before } as ConstructorParameters<typeof DataSource>[0]);
    await ds.initialize();
    try {
      await ds.runMigrations();
      const [adult] = await ds.query(`INSERT INTO programs (name, specialty, time_zone, weekly_target_minutes, display_name_policy, join_window_minutes_before)
        VALUES ('Old adult IOP', 'adult', 'America/Phoenix', 540, 'first_name', 15) RETURNING id`);
      const [teen] = await ds.query(`INSERT INTO programs (name, specialty, time_zone, weekly_target_minutes, display_name_policy, join_window_minutes_before)
        VALUES ('Old teen IOP', 'adolescent', 'America/Phoenix', 360, 'first_name', 15) RETURNING id`);
      const old: [string, string, string | null][] = [
        [adult.id, 'Evening Group A', 'evening'],
        [adult.id, 'Monday group', 'Evening'],
        [adult.id, 'Vets', 'Veterans'],
        [adult.id, 'Women Tue', "women's"],
        [adult.id, 'Men Thu', 'MEN'],
        [adult.id, 'Pride', 'LGBTQ+'],
        [adult.id, 'Plain', null],
        [teen.id, 'After school', 'weekend'],
      ];
      for (const [programId, name, track] of old) await ds.query(`INSERT INTO cohorts (program_id, name, track) VALUES ($1, $2, $3)`, [programId, name, track]);

      const qr = ds.createQueryRunner();
      await new ProgramTracks1775200000000().up(qr);
      await qr.release();

      const cohorts: { name: string; track: string; program: string }[] = await ds.query(
        `SELECT c.name, c.track, p.name AS program FROM cohorts c JOIN programs p ON p.id = c.program_id ORDER BY p.name, c.name`,
      );
      expect(cohorts.map((c) => [c.program, c.name, c.track])).toEqual([
        ['Old adult IOP', 'Evening Group A', 'adults'], // the name already says "evening"
        ['Old adult IOP', 'Men Thu', 'men'],
        ['Old adult IOP', 'Monday group (Evening)', 'adults'],
        ['Old adult IOP', 'Plain', 'adults'],
        ['Old adult IOP', 'Pride', 'lgbtq'],
        ['Old adult IOP', 'Vets', 'veterans'],
        ['Old adult IOP', 'Women Tue', 'women'],
        ['Old teen IOP', 'After school (weekend)', 'adolescents'],
      ]);
      const tracks: { program: string; track: string }[] = await ds.query(
        `SELECT p.name AS program, t.track FROM program_tracks t JOIN programs p ON p.id = t.program_id ORDER BY p.name, t.track`,
      );
      expect(tracks.map((t) => `${t.program}: ${t.track}`)).toEqual([
        'Old adult IOP: adults',
        'Old adult IOP: lgbtq',
        'Old adult IOP: men',
        'Old adult IOP: veterans',
        'Old adult IOP: women',
        'Old teen IOP: adolescents',
      ]);
      // From now on a cohort's track is one its program runs.
      await expect(ds.query(`INSERT INTO cohorts (program_id, name, track) VALUES ($1, 'Stray', 'veterans')`, [teen.id])).rejects.toThrow();
      await expect(ds.query(`INSERT INTO cohorts (program_id, name, track) VALUES ($1, 'Null', NULL)`, [teen.id])).rejects.toThrow();
    } finally {
      await ds.destroy();
      await db.drop();
    }
  });
});
