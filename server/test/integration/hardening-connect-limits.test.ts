/**
 * Per-IP limit on socket handshakes: past SOCKET_CONNECTS_PER_IP in a minute an
 * address is refused with `connect_error` `rate_limited` (and how long to wait),
 * before its token is even checked. The address is the one Express uses:
 * X-Forwarded-For counts only when TRUST_PROXY trusts the hop.
 */
import { io } from 'socket.io-client';
import { PROTOCOL_VERSION } from '@hearth/protocol';
import { connectSocket, type TestSocket } from '../helpers/socket';
import { login, startTestApp, type TestApp } from '../helpers/test-app';
import { DB_KINDS } from '../helpers/test-db';

jest.setTimeout(120_000);

const LIMIT = 5;

/** Connects with an X-Forwarded-For header; resolves with the socket or the connect_error data. */
function connectFrom(app: TestApp, token: string, forwardedFor?: string): Promise<{ socket?: TestSocket; error?: Record<string, unknown> }> {
  const socket: TestSocket = io(app.baseUrl, {
    auth: { token, protocolVersion: PROTOCOL_VERSION },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...(forwardedFor ? { extraHeaders: { 'x-forwarded-for': forwardedFor } } : {}),
  });
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ socket }));
    socket.once('connect_error', (err: Error & { data?: Record<string, unknown> }) => {
      socket.close();
      resolve({ error: err.data ?? { message: err.message } });
    });
  });
}

describe.each(DB_KINDS.slice(0, 1))('socket handshakes per IP (%s)', (kind) => {
  const open: TestSocket[] = [];
  afterEach(() => open.splice(0).forEach((s) => s.close()));

  describe('connecting directly (no TRUST_PROXY)', () => {
    let app: TestApp;
    let token: string;
    beforeAll(async () => {
      app = await startTestApp(kind, { SOCKET_CONNECTS_PER_IP: String(LIMIT) });
      token = (await login(app, 'patient1@hearth.test')).accessToken;
    });
    afterAll(async () => app?.stop());

    it('refuses the handshake past the limit with rate_limited and a wait, whoever signs in, and a forged X-Forwarded-For does not escape it', async () => {
      for (let i = 0; i < LIMIT; i++) open.push(await connectSocket(app.baseUrl, { token }));
      const refused = await connectFrom(app, token);
      expect(refused.socket).toBeUndefined();
      expect(refused.error).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/Too many connections/) });
      expect(refused.error?.retryAfterSeconds).toEqual(expect.any(Number));
      expect(refused.error?.retryAfterSeconds as number).toBeGreaterThan(0);
      expect(refused.error?.retryAfterSeconds as number).toBeLessThanOrEqual(60);
      // Another account from the same address, or a made-up forwarded address: still this address's budget.
      const other = (await login(app, 'therapist@hearth.test')).accessToken;
      expect((await connectFrom(app, other)).error).toMatchObject({ code: 'rate_limited' });
      expect((await connectFrom(app, other, '198.51.100.9')).error).toMatchObject({ code: 'rate_limited' });
      // Sockets already connected keep working.
      expect(open.every((s) => s.connected)).toBe(true);
    });
  });

  describe('behind a trusted balancer (TRUST_PROXY=loopback)', () => {
    let app: TestApp;
    let token: string;
    beforeAll(async () => {
      app = await startTestApp(kind, { SOCKET_CONNECTS_PER_IP: String(LIMIT), TRUST_PROXY: 'loopback' });
      token = (await login(app, 'patient1@hearth.test')).accessToken;
    });
    afterAll(async () => app?.stop());

    it('counts each client address the balancer forwards on its own', async () => {
      for (let i = 0; i < LIMIT; i++) {
        const r = await connectFrom(app, token, '203.0.113.7');
        expect(r.error).toBeUndefined();
        open.push(r.socket!);
      }
      expect((await connectFrom(app, token, '203.0.113.7')).error).toMatchObject({ code: 'rate_limited' });
      const neighbour = await connectFrom(app, token, '203.0.113.8');
      expect(neighbour.error).toBeUndefined();
      open.push(neighbour.socket!);
    });
  });
});
