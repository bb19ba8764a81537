import { WorkerPool } from '../../src/modules/media/worker-pool';
import { request } from '../helpers/socket';
import { connectAs, inProgressGroupSession, nextEvent, type Person } from '../helpers/room-helpers';
import { startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(60_000);

describe('a mediasoup worker dying under a live session', () => {
  let app: TestApp;
  let therapist: Person;

  beforeAll(async () => {
    app = await startTestApp('postgres');
    therapist = await connectAs(app, 'therapist@hearth.test');
  });
  afterAll(async () => {
    therapist?.socket.close();
    await app?.stop();
  });

  it('is replaced, and the people in the room get a fresh media room without leaving', async () => {
    const sessionId = await inProgressGroupSession(app, therapist.token);
    const joined = await request<{ room: { routerRtpCapabilities: unknown } }>(therapist.socket, 'room:join', { sessionId });
    expect(joined.ok).toBe(true);
    const pool = app.app.get(WorkerPool);
    const oldPid = pool.getWorker().pid;

    const fresh = nextEvent(therapist.socket, 'room:admitted', () => true, 15_000);
    process.kill(oldPid, 'SIGKILL');
    const pushed = await fresh;
    expect(pushed.room.participants.map((p) => p.userId)).toContain(therapist.userId);
    expect(pool.getWorker().pid).not.toBe(oldPid);
    expect(pool.size).toBe(1);
    // Media works again on the new worker.
    const t = await request<{ id: string }>(therapist.socket, 'media:createTransport', { sessionId, direction: 'recv' });
    expect(t.ok).toBe(true);
    const health = await fetch(`${app.baseUrl}/api/health`);
    expect(await health.json()).toMatchObject({ status: 'ok', mediasoupWorkers: 1 });
  });
});
