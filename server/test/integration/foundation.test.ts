import { DataSource } from 'typeorm';
import { AuthSession } from '../../src/modules/auth/entities/auth-session.entity';
import { api, login, startTestApp, type TestApp } from '../helpers/test-app';
import { DB_KINDS } from '../helpers/test-db';

jest.setTimeout(60_000);

describe.each(DB_KINDS)('foundation on %s', (kind) => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp(kind);
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('reports health with the database and one mediasoup worker per configured core', async () => {
    const res = await api(app, 'GET', '/api/health');
    expect(res).toEqual({ status: 200, body: { status: 'ok', db: 'ok', mediasoupWorkers: 1, nodeId: expect.any(String), pid: process.pid } });
  });

  it('applied the migrations to a real database', async () => {
    const ds = app.dataSource as DataSource;
    const rows: { name: string }[] = await ds.query('SELECT name FROM migrations ORDER BY id');
    expect(rows.map((r) => r.name)).toContain('Accounts1732400000000');
    const [row] = (await ds.query('SELECT count(*)::int AS count FROM users')) as { count: number }[];
    const count = row?.count;
    expect(count).toBe(11); // demo seed: admin, 2 therapists, 8 patients
  });

  it('logs a demo user in and answers /me with that user', async () => {
    const { accessToken, user } = await login(app, 'patient1@hearth.test');
    expect(user).toMatchObject({ role: 'patient', displayName: 'Alex Rivera' });
    const me = await api(app, 'GET', '/api/auth/me', { token: accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toEqual(user);
  });

  it('refuses wrong credentials with a JSON 401 that does not say which part was wrong', async () => {
    const wrongPw = await api(app, 'POST', '/api/auth/login', { body: { email: 'patient1@hearth.test', password: 'nope' } });
    const noUser = await api(app, 'POST', '/api/auth/login', { body: { email: 'nobody@hearth.test', password: 'nope' } });
    expect(wrongPw.status).toBe(401);
    expect(wrongPw.body).toEqual({ code: 'invalid_credentials', message: 'Email or password is incorrect.' });
    expect(noUser).toEqual(wrongPw);
  });

  it('validates bodies at the boundary with a clear 400', async () => {
    const bad = await api<{ code: string; message: string }>(app, 'POST', '/api/auth/login', { body: { email: 'not-an-email' } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('bad_request');
    expect(bad.body.message).toMatch(/email/);
    expect(bad.body.message).toMatch(/password/);
    const malformed = await api<{ code: string }>(app, 'POST', '/api/auth/login', { rawBody: '{"email":' });
    expect(malformed).toEqual({ status: 400, body: { code: 'bad_request', message: 'Malformed JSON body' } });
    const huge = await api<{ code: string }>(app, 'POST', '/api/auth/login', { rawBody: JSON.stringify({ email: 'a'.repeat(100_000) }) });
    expect(huge.status).toBe(413);
  });

  it('requires a valid token on protected routes', async () => {
    expect((await api(app, 'GET', '/api/auth/me')).status).toBe(401);
    expect((await api(app, 'GET', '/api/auth/me', { token: 'forged.token.value' })).status).toBe(401);
    expect(await api(app, 'GET', '/api/nothing-here')).toMatchObject({ status: 404, body: { code: 'not_found' } });
  });

  it('rotates refresh tokens and refuses the old one', async () => {
    const first = await login(app, 'patient2@hearth.test');
    const refreshed = await api<{ accessToken: string; refreshToken: string }>(app, 'POST', '/api/auth/refresh', {
      body: { refreshToken: first.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refreshToken).not.toBe(first.refreshToken);
    const reused = await api(app, 'POST', '/api/auth/refresh', { body: { refreshToken: first.refreshToken } });
    expect(reused.status).toBe(401);
  });

  it('logs out on the server: the access token stops working at once', async () => {
    const { accessToken } = await login(app, 'patient3@hearth.test');
    expect((await api(app, 'POST', '/api/auth/logout', { token: accessToken })).status).toBe(204);
    const after = await api<{ code: string }>(app, 'GET', '/api/auth/me', { token: accessToken });
    expect(after.status).toBe(401);
  });

  it('signs a user out after the inactivity timeout', async () => {
    const { accessToken } = await login(app, 'patient4@hearth.test');
    // Pretend the last activity was 16 minutes ago (timeout: 15).
    await app.dataSource
      .getRepository(AuthSession)
      .createQueryBuilder()
      .update()
      .set({ lastActiveAt: () => "now() - interval '16 minutes'" })
      .execute();
    const res = await api<{ code: string; message: string }>(app, 'GET', '/api/auth/me', { token: accessToken });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('session_expired');
    expect(res.body.message).toMatch(/15 minutes without activity/);
  });
});
