import { login, startTestApp, type TestApp } from '../helpers/test-app';
import { connectSocket, request, type TestSocket } from '../helpers/socket';

jest.setTimeout(60_000);

describe('realtime handshake and acks', () => {
  let app: TestApp;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    app = await startTestApp('postgres');
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await app?.stop();
  });

  it('accepts a signed-in user and acknowledges requests', async () => {
    const { accessToken } = await login(app, 'patient1@hearth.test');
    const socket = await connectSocket(app.baseUrl, { token: accessToken });
    sockets.push(socket);
    const ack = await request<{ serverTime: number }>(socket, 'system:ping', {});
    expect(ack.ok).toBe(true);
    if (ack.ok) expect(Math.abs(ack.data.serverTime - Date.now())).toBeLessThan(5000);
  });

  it('refuses a missing or forged token with a reason', async () => {
    await expect(connectSocket(app.baseUrl, {})).rejects.toMatchObject({ data: { code: 'unauthenticated' } });
    await expect(connectSocket(app.baseUrl, { token: 'abc.def.ghi' })).rejects.toMatchObject({
      data: { code: 'unauthenticated' },
    });
  });

  it('refuses an old protocol version and says to reload', async () => {
    const { accessToken } = await login(app, 'patient2@hearth.test');
    await expect(connectSocket(app.baseUrl, { token: accessToken, protocolVersion: 0 })).rejects.toMatchObject({
      data: { code: 'protocol_mismatch', message: expect.stringMatching(/reload/) },
    });
  });

  it('answers a malformed payload with a typed error and keeps serving', async () => {
    const { accessToken } = await login(app, 'patient3@hearth.test');
    const socket = await connectSocket(app.baseUrl, { token: accessToken });
    sockets.push(socket);
    const bad = await request(socket, 'system:ping', { unexpected: 'x'.repeat(1000) });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const good = await request(socket, 'system:ping', {});
    expect(good.ok).toBe(true);
    expect(socket.connected).toBe(true);
  });

  it('closes the sockets of a device that signs out, and only those', async () => {
    const a = await login(app, 'patient5@hearth.test');
    const b = await login(app, 'patient5@hearth.test'); // a second device
    const sa = await connectSocket(app.baseUrl, { token: a.accessToken });
    const sb = await connectSocket(app.baseUrl, { token: b.accessToken });
    sockets.push(sa, sb);
    const told = new Promise<{ reason: string }>((resolve) => sa.once('system:disconnected', resolve));
    const closed = new Promise<string>((resolve) => sa.once('disconnect', resolve));
    await fetch(`${app.baseUrl}/api/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${a.accessToken}` } });
    expect(await told).toEqual({ reason: 'Signed out.' });
    expect(await closed).toBe('io server disconnect');
    expect(sb.connected).toBe(true);
  });

  it('refuses a signed-out session', async () => {
    const { accessToken } = await login(app, 'patient4@hearth.test');
    await fetch(`${app.baseUrl}/api/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${accessToken}` } });
    await expect(connectSocket(app.baseUrl, { token: accessToken })).rejects.toMatchObject({
      data: { code: 'unauthenticated' },
    });
  });
});
