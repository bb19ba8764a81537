import type { DataSource } from 'typeorm';
import { connectSocket, request, type TestSocket } from '../helpers/socket';
import { inProgressGroupSession } from '../helpers/room-helpers';
import { login, startTestApp, type TestApp } from '../helpers/test-app';
import { DB_KINDS } from '../helpers/test-db';

jest.setTimeout(120_000);

/**
 * Health data read over the socket is audited with the caller's address and browser, as an
 * HTTP read is: the socket event's handler runs with its socket's origin (audit-origin.ts),
 * and two sockets' events at once each keep their own.
 */
describe.each(DB_KINDS)('audit origin of socket events on %s', (kind) => {
  let app: TestApp;
  let ds: DataSource;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    app = await startTestApp(kind);
    ds = app.dataSource;
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await app?.stop();
  });

  const historyReads = (userId: string): Promise<{ ip: string | null; user_agent: string | null }[]> =>
    ds.query(`SELECT ip, user_agent FROM audit_log WHERE action = 'chat.history_read' AND actor_user_id = $1 ORDER BY id`, [userId]);

  it('records the address and user agent of the socket whose event read the chat history', async () => {
    const therapist = await login(app, 'therapist@hearth.test');
    const cotherapist = await login(app, 'cotherapist@hearth.test');
    const sessionId = await inProgressGroupSession(app, therapist.accessToken);
    const a = await connectSocket(app.baseUrl, { token: therapist.accessToken }, { 'user-agent': 'HearthAuditTest/1.0 (therapist)' });
    const b = await connectSocket(app.baseUrl, { token: cotherapist.accessToken }, { 'user-agent': 'HearthAuditTest/2.0 (co-therapist)' });
    sockets.push(a, b);
    expect(await request(a, 'room:join', { sessionId })).toMatchObject({ ok: true, data: { status: 'admitted' } });
    expect(await request(b, 'room:join', { sessionId })).toMatchObject({ ok: true, data: { status: 'admitted' } });

    // Both at once: each entry carries its own socket's origin, not the other's.
    const [ra, rb] = await Promise.all([request(a, 'chat:history', { sessionId }), request(b, 'chat:history', { sessionId })]);
    expect(ra).toMatchObject({ ok: true });
    expect(rb).toMatchObject({ ok: true });
    const [mine] = await historyReads(therapist.user.id);
    const [theirs] = await historyReads(cotherapist.user.id);
    expect(mine).toEqual({ ip: expect.stringMatching(/127\.0\.0\.1|::1/), user_agent: 'HearthAuditTest/1.0 (therapist)' });
    expect(theirs).toEqual({ ip: expect.stringMatching(/127\.0\.0\.1|::1/), user_agent: 'HearthAuditTest/2.0 (co-therapist)' });
  });
});
