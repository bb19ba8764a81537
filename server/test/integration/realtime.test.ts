import { login, startTestApp, type TestApp } from '../helpers/test-app';
import { connectSocket, request, type TestSocket } from '../helpers/socket';
import { RealtimeGateway, type HearthServer } from '../../src/modules/realtime/realtime.gateway';
import { RoomsService } from '../../src/modules/rooms/rooms.service';

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

  it('gives a socket one disconnect listener for all gateways (no MaxListenersExceededWarning), and every gateway still hears it', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    try {
      const { accessToken, user } = await login(app, 'patient6@hearth.test');
      const socket = await connectSocket(app.baseUrl, { token: accessToken });
      sockets.push(socket);
      expect((await request(socket, 'system:ping', {})).ok).toBe(true);
      const server = (app.app.get(RealtimeGateway) as unknown as { server: HearthServer }).server;
      const mine = [...server.of('/').sockets.values()].find((s) => s.data.userId === user.id)!;
      expect(mine).toBeDefined();
      // The adapter's one dispatcher, rxjs's shared takeUntil and the idle tracker.
      expect(mine.listenerCount('disconnect')).toBeLessThanOrEqual(3);
      // RoomsGateway.handleDisconnect still runs through the dispatcher.
      const rooms = app.app.get(RoomsService);
      const disconnected = new Promise<string>((resolve) => {
        const original = rooms.disconnected.bind(rooms);
        jest.spyOn(rooms, 'disconnected').mockImplementation((userId, socketId, now) => {
          resolve(socketId);
          return original(userId, socketId, now);
        });
      });
      const id = mine.id;
      socket.close();
      expect(await disconnected).toBe(id);
      await new Promise((r) => setImmediate(r)); // process warnings are emitted on the next tick
      expect(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning'))).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      jest.restoreAllMocks();
    }
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
