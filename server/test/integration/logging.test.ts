/**
 * The log cannot leak: the built server runs as its own process with JSON logs at
 * the most verbose level, and the test drives the paths that carry health data and
 * credentials (sign-in, a wrong password, a refresh, a bad token on HTTP and on the
 * socket, a malformed body, a safety check, group chat, a check-in, a crisis alert,
 * a note draft, a guest invite) with planted values. Then every line it wrote must
 * be one JSON object, and none may hold a planted value, a token, a password or a
 * secret from its configuration.
 */
import { writeFileSync } from 'node:fs';
import { CONSENT_VERSION } from '@hearth/protocol';
import { ok } from '../helpers/facilitation';
import { freePort, serverData, startServerProcess, type ServerData, type ServerProcess } from '../helpers/server-process';
import { connectSocket, request, type TestSocket } from '../helpers/socket';
import { api, login } from '../helpers/test-app';
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from '../helpers/test-db';

jest.setTimeout(240_000);

const PLANTED = {
  location: 'Quillfeather Lane 77, behind the planted laundromat',
  callbackNumber: '+1 480 555 0173',
  chat: 'planted sentence: I kept the bottle in the garage',
  narrative: 'Planted narrative about the garage bottle',
  memberText: 'Planted member text about Zanzibar',
  guestName: 'Zephyrine Plantedname',
  relationship: 'plantedcousin',
  wrongPassword: 'Planted-Wrong-Password-42',
  rawBodyPassword: 'Planted-Raw-Body-Pass-9',
  badToken: 'eyJhbGciOiJIUzI1NiJ9.eyJwbGFudGVkIjoxfQ.planted-bad-signature-xyz',
  dbPassword: 'planted-db-password-31337',
};
const JWT_SECRET = 'planted-jwt-secret-0123456789abcdef0123456789';

describe('logging: structured and free of health data and secrets', () => {
  let db: TestDatabase;
  let data: ServerData;
  let server: ServerProcess;
  let lines: string[] = [];
  const sockets: TestSocket[] = [];
  const issued: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    // The local PostgreSQL trusts 127.0.0.1, so a password in the URL is accepted and ignored: a planted secret.
    const url = new URL('url' in db.target && db.target.url ? db.target.url : TEST_DATABASE_URL);
    url.password = PLANTED.dbPassword;
    data = serverData(url.toString());
    server = await startServerProcess(await freePort(), { ...data.env, LOG_FORMAT: 'json', LOG_LEVEL: 'verbose', JWT_SECRET });
  });

  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await server?.kill('SIGKILL');
    data?.cleanup();
    await db?.drop();
  });

  it('drives the paths that carry health data and credentials', async () => {
    const app = { baseUrl: server.baseUrl };
    const therapist = await login(app, 'therapist@hearth.test');
    const patient = await login(app, 'patient1@hearth.test');
    issued.push(therapist.accessToken, therapist.refreshToken, patient.accessToken, patient.refreshToken);

    // Credentials that must not be echoed.
    expect((await api(app, 'POST', '/api/auth/login', { body: { email: 'patient2@hearth.test', password: PLANTED.wrongPassword } })).status).toBe(401);
    expect((await api(app, 'GET', '/api/me/sessions', { token: PLANTED.badToken })).status).toBe(401);
    expect(
      (await api(app, 'POST', '/api/auth/login', { rawBody: `{"email":"patient3@hearth.test","password":"${PLANTED.rawBodyPassword}"` })).status,
    ).toBe(400);
    const refreshed = await api<{ accessToken: string; refreshToken: string }>(app, 'POST', '/api/auth/refresh', {
      body: { refreshToken: patient.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    issued.push(refreshed.body.accessToken, refreshed.body.refreshToken);
    await expect(connectSocket(server.baseUrl, { token: PLANTED.badToken })).rejects.toMatchObject({ data: { code: 'unauthenticated' } });

    // The group: a safety check, admission, chat, a check-in and a crisis alert.
    const sessions = await api<{ id: string; kind: string; startsAt: string; endsAt: string }[]>(app, 'GET', '/api/me/sessions', {
      token: therapist.accessToken,
    });
    const now = Date.now();
    const live = (kind: string) => sessions.body.find((s) => s.kind === kind && Date.parse(s.startsAt) <= now && Date.parse(s.endsAt) > now)!.id;
    const sessionId = live('group');
    const t = await connectSocket(server.baseUrl, { token: therapist.accessToken });
    const p = await connectSocket(server.baseUrl, { token: refreshed.body.accessToken });
    sockets.push(t, p);
    ok(await request(t, 'room:join', { sessionId }));
    ok(
      await request(p, 'room:join', {
        sessionId,
        safety: { location: PLANTED.location, callbackNumber: PLANTED.callbackNumber },
        consent: { telehealthConsentVersion: CONSENT_VERSION, groupAgreement: true },
      }),
    );
    ok(await request(t, 'lobby:admit', { sessionId, userIds: 'all' }));
    ok(await request(p, 'chat:send', { sessionId, text: PLANTED.chat }));
    const checkin = ok<{ id: string }>(await request(t, 'checkin:open', { sessionId }));
    ok(await request(p, 'checkin:submit', { sessionId, checkinId: checkin.id, mood: 7, craving: 9 }));
    ok(await request(p, 'crisis:raise', { sessionId }));
    // A malformed payload and an unknown event: refused, never logged with their content.
    expect(await request(p, 'chat:send', { sessionId, text: PLANTED.chat, extra: PLANTED.location })).toMatchObject({ ok: false });
    expect(await request(p, 'chat:shout', { text: PLANTED.chat })).toMatchObject({ ok: false, error: { code: 'bad_request' } });

    // A note draft and a guest invite to the family session.
    const note = await api(app, 'PUT', `/api/sessions/${sessionId}/note`, {
      token: therapist.accessToken,
      body: { narrative: PLANTED.narrative, members: [{ userId: patient.user.id, text: PLANTED.memberText }] },
    });
    expect(note.status).toBe(204);
    const invite = await api(app, 'POST', `/api/sessions/${live('family')}/guest-invites`, {
      token: therapist.accessToken,
      body: { name: PLANTED.guestName, relationship: PLANTED.relationship },
    });
    expect(invite.status).toBe(201);

    // Graceful stop flushes everything the process had to say.
    await server.kill('SIGTERM');
    lines = server.output().split('\n').filter((l) => l.trim() !== '');
    // HEARTH_LOG_CAPTURE=<file> keeps what the server wrote, to read it.
    if (process.env.HEARTH_LOG_CAPTURE) writeFileSync(process.env.HEARTH_LOG_CAPTURE, `${lines.join('\n')}\n`);
  });

  it('writes one JSON object a line with a level, a time and a message', () => {
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) {
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`not a JSON line: ${line}`);
      }
      expect(parsed).toEqual(expect.objectContaining({ level: expect.any(String), time: expect.any(String) }));
    }
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.some((l) => typeof l.msg === 'string' && l.msg.startsWith('Hearth is running: http://'))).toBe(true);
  });

  it('holds no planted value, token, password or configured secret', () => {
    const all = lines.join('\n');
    const forbidden = [...Object.values(PLANTED), JWT_SECRET, 'hearth-demo', ...issued];
    for (const value of forbidden) expect({ value, found: all.includes(value) }).toEqual({ value, found: false });
    // Check-in answers and the phone number in any spelling.
    expect(all).not.toMatch(/"mood":\s*7|"craving":\s*9|555\D?0173/);
  });

  it("answers a client's mistakes with one warn line and its code, and logs no stack trace", () => {
    const parsed = lines.map((l) => JSON.parse(l) as { level: string; msg?: string; errorCode?: string; err?: unknown });
    const refused = parsed.filter((l) => l.errorCode !== undefined);
    expect(refused.map((l) => [l.level, l.msg, l.errorCode])).toEqual(
      expect.arrayContaining([
        ['warn', 'POST /api/auth/login 401', 'invalid_credentials'],
        ['warn', 'GET /api/me/sessions 401', 'unauthenticated'],
      ]),
    );
    expect(parsed.find((l) => l.msg === 'POST /api/auth/login 400')).toMatchObject({ level: 'warn', errorCode: 'bad_request' });
    expect(parsed.filter((l) => l.level === 'error' || l.err !== undefined)).toEqual([]);
  });
});
