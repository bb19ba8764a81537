import { connectSocket, type TestSocket } from '../helpers/socket';
import { DB_KINDS } from '../helpers/test-db';
import { api, login, startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(180_000);

type Tokens = { accessToken: string; refreshToken: string };

/** Refresh tokens are redeemed once, atomically; presenting a rotated one again ends the whole sign-in. */
describe.each(DB_KINDS)('refresh tokens — %s', (kind) => {
  let app: TestApp;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    app = await startTestApp(kind);
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await app?.stop();
  });

  const refresh = (refreshToken: string) => api<Tokens & { code?: string }>(app, 'POST', '/api/auth/refresh', { body: { refreshToken } });

  it('five concurrent refreshes with one token: exactly one succeeds, and its chain keeps working', async () => {
    const { refreshToken } = await login(app, 'patient1@hearth.test');
    const results = await Promise.all(Array.from({ length: 5 }, () => refresh(refreshToken)));
    const winners = results.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r.status === 401)).toHaveLength(4);
    // Losing a race is not theft: the winner's sign-in goes on.
    const next = await refresh(winners[0]!.body.refreshToken);
    expect(next.status).toBe(200);
    expect((await api(app, 'GET', '/api/auth/me', { token: next.body.accessToken })).status).toBe(200);
  });

  it('reusing a rotated token ends the sign-in: the newer chain stops working and its sockets close', async () => {
    const first = await login(app, 'patient2@hearth.test');
    const other = await login(app, 'patient2@hearth.test'); // another device, unaffected
    const second = await refresh(first.refreshToken);
    expect(second.status).toBe(200);
    const socket = await connectSocket(app.baseUrl, { token: second.body.accessToken });
    const otherSocket = await connectSocket(app.baseUrl, { token: other.accessToken });
    sockets.push(socket, otherSocket);
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));

    await new Promise((r) => setTimeout(r, 2500)); // past the window in which a concurrent refresh counts as a race
    expect((await refresh(first.refreshToken)).status).toBe(401); // the stolen, already-used token

    expect(await closed).toBe('io server disconnect');
    expect((await refresh(second.body.refreshToken)).status).toBe(401);
    expect((await api(app, 'GET', '/api/auth/me', { token: second.body.accessToken })).status).toBe(401);
    expect(otherSocket.connected).toBe(true);
    expect((await api(app, 'GET', '/api/auth/me', { token: other.accessToken })).status).toBe(200);
  });
});
