import { connectSocket, request } from '../helpers/socket';
import { connectAs, inProgressGroupSession, type Person } from '../helpers/room-helpers';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { DB_KINDS } from '../helpers/test-db';

jest.setTimeout(60_000);

type Ok<T> = { ok: true; data: T };
const ok = <T>(ack: unknown): T => {
  expect(ack).toMatchObject({ ok: true });
  return (ack as Ok<T>).data;
};

/**
 * A client re-sends a slow request under its `requestId`; the server (delayed on
 * purpose by HEARTH_TEST_DELAY_EVENTS) runs it once and gives every copy one answer.
 */
describe.each(DB_KINDS)('re-sent requests on a slow server run once (real sockets and mediasoup) — %s', (kind) => {
  let app: TestApp;
  let therapist: Person;
  let sessionId: string;

  beforeAll(async () => {
    app = await startTestApp(kind, { HEARTH_TEST_DELAY_EVENTS: 'media:createTransport:1500' });
    therapist = await connectAs(app, 'therapist@hearth.test');
    sessionId = await inProgressGroupSession(app, therapist.token);
    ok(await request(therapist.socket, 'room:join', { sessionId }));
  });
  afterAll(async () => {
    therapist?.socket.close();
    await app?.stop();
  });

  it('answers a copy sent while the first still runs, and one sent after it ran, with the same transport', async () => {
    const payload = { sessionId, direction: 'send', requestId: 'retrykey0001' };
    const started = Date.now();
    const [first, copy] = await Promise.all([
      request<{ id: string }>(therapist.socket, 'media:createTransport', payload),
      new Promise((r) => setTimeout(r, 300)).then(() => request<{ id: string }>(therapist.socket, 'media:createTransport', payload)),
    ]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400); // the delay hook held it
    const id = ok<{ id: string }>(first).id;
    expect(ok<{ id: string }>(copy).id).toBe(id);
    const late = ok<{ id: string }>(await request(therapist.socket, 'media:createTransport', payload));
    expect(late.id).toBe(id);

    // Another request (its own key, or none) is new work: a new transport.
    const other = ok<{ id: string }>(
      await request(therapist.socket, 'media:createTransport', { sessionId, direction: 'send', requestId: 'retrykey0002' }),
    );
    expect(other.id).not.toBe(id);
  });

  it('still validates the payload once the key is taken off', async () => {
    expect(
      await request(therapist.socket, 'media:createTransport', { sessionId, direction: 'sideways', requestId: 'retrykey0003' }),
    ).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });

  it('answers a chat message re-sent on a new socket after a reconnect with the first answer: one message, not two', async () => {
    const payload = { sessionId, text: 'Sent once, re-sent after a dropped connection', requestId: 'chatretry0001' };
    const first = ok<{ id: string }>(await request(therapist.socket, 'chat:send', payload));
    // The connection drops; the client re-sends the same request on its new socket.
    therapist.socket.close();
    therapist = { ...therapist, socket: await connectSocket(app.baseUrl, { token: therapist.token }) };
    ok(await request(therapist.socket, 'room:join', { sessionId }));
    const again = ok<{ id: string }>(await request(therapist.socket, 'chat:send', payload));
    expect(again.id).toBe(first.id);
    const history = ok<{ messages: { id: string; text: string }[] }>(await request(therapist.socket, 'chat:history', { sessionId }));
    expect(history.messages.filter((m) => m.text === payload.text)).toHaveLength(1);
  });
});
