import { admittedGroup, ok, type Group } from '../helpers/facilitation';
import { SocketActivity } from '../../src/modules/realtime/socket-activity';
import { eventually } from '../helpers/eventually';
import { connectSocket, request, type TestSocket } from '../helpers/socket';
import { api, login, startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(150_000);

/**
 * Automatic logoff covers sockets: socket events and being in a live session
 * count as activity; an idle socket is closed by the server.
 */
describe('idle logoff on sockets (PostgreSQL)', () => {
  let app: TestApp;
  let g: Group;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    app = await startTestApp('postgres'); // IDLE_TIMEOUT_MINUTES: 15
    g = await admittedGroup(app, 1);
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    g?.everyone.forEach((p) => p.socket.close());
    await app?.stop();
  });

  /** Pretends the sign-in's last activity was `minutes` ago. */
  async function idleFor(accessToken: string, minutes: number): Promise<string> {
    const sid = JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()).sid as string;
    await app.dataSource.query(`UPDATE auth_sessions SET last_active_at = now() - make_interval(secs => $2) WHERE id = $1`, [sid, minutes * 60]);
    return sid;
  }
  async function lastActiveSecondsAgo(sid: string): Promise<number> {
    const [row] = await app.dataSource.query(`SELECT extract(epoch FROM now() - last_active_at)::float AS s FROM auth_sessions WHERE id = $1`, [sid]);
    return Number(row.s);
  }

  it('counts socket events as activity', async () => {
    const { accessToken } = await login(app, 'patient5@hearth.test');
    const socket = await connectSocket(app.baseUrl, { token: accessToken });
    sockets.push(socket);
    const sid = await idleFor(accessToken, 14);
    ok(await request(socket, 'system:ping', {}));
    await eventually(async () => (await lastActiveSecondsAgo(sid)) < 60, 10_000, 'the socket event to count as activity');
    expect((await api(app, 'GET', '/api/auth/me', { token: accessToken })).status).toBe(200);
  });

  it('keeps a patient in a live group signed in without any HTTP call or socket event', async () => {
    const patient = g.patients[0]!;
    const sid = await idleFor(patient.token, 12);
    // The sweep as it runs a minute from now: presence is written at most once a minute (the
    // join wrote it just now), and the sweep's own timer is the last test's to wait for.
    const inAMinute = new Date(Date.now() + 61_000);
    await app.app.get(SocketActivity, { strict: false }).sweep(inAMinute);
    expect(await lastActiveSecondsAgo(sid)).toBeLessThan(60);
    expect(patient.socket.connected).toBe(true);
    expect((await api(app, 'GET', '/api/auth/me', { token: patient.token })).status).toBe(200);
  });

  it('closes an idle socket from the server and ends the sign-in', async () => {
    const { accessToken } = await login(app, 'patient6@hearth.test');
    const socket = await connectSocket(app.baseUrl, { token: accessToken });
    sockets.push(socket);
    const told = new Promise<{ reason: string }>((resolve) => socket.once('system:disconnected', resolve));
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    await idleFor(accessToken, 16);
    expect(await told).toEqual({ reason: 'Signed out after inactivity.' });
    expect(await closed).toBe('io server disconnect');
    expect((await api(app, 'GET', '/api/auth/me', { token: accessToken })).status).toBe(401);
  }, 150_000);
});
