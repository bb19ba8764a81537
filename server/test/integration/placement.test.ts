import type { HealthResponse, PlacementResponse } from '@hearth/protocol';
import { CONSENT, SAFETY, connectAs, inProgressGroupSession, type Person } from '../helpers/room-helpers';
import { request } from '../helpers/socket';
import { DB_KINDS } from '../helpers/test-db';
import { api, login, startTestApp, type TestApp } from '../helpers/test-app';

describe.each(DB_KINDS)('node identity and session placement (%s)', (kind) => {
  let app: TestApp;
  let therapist: Person;
  let sessionId: string;

  beforeAll(async () => {
    app = await startTestApp(kind, { NODE_ID: 'node-a' });
    therapist = await connectAs(app, 'therapist@hearth.test');
    sessionId = await inProgressGroupSession(app, therapist.token);
  }, 60_000);

  afterAll(async () => {
    therapist?.socket.close();
    await app?.stop();
  });

  it('health names this process: NODE_ID and the OS pid', async () => {
    const res = await api<HealthResponse>(app, 'GET', '/api/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', nodeId: 'node-a', pid: process.pid });
  });

  it('placement has no node until someone opens the room, then this node', async () => {
    const before = await api<PlacementResponse>(app, 'GET', `/api/sessions/${sessionId}/placement`, { token: therapist.token });
    expect(before).toEqual({ status: 200, body: {} });

    const joined = await request(therapist.socket, 'room:join', { sessionId });
    expect(joined).toMatchObject({ ok: true, data: { status: 'admitted' } });

    const after = await api<PlacementResponse>(app, 'GET', `/api/sessions/${sessionId}/placement`, { token: therapist.token });
    expect(after).toEqual({ status: 200, body: { nodeId: 'node-a' } });
    const admin = await login(app, 'admin@hearth.test');
    const byAdmin = await api<PlacementResponse>(app, 'GET', `/api/sessions/${sessionId}/placement`, { token: admin.accessToken });
    expect(byAdmin).toEqual({ status: 200, body: { nodeId: 'node-a' } });
  });

  it('patients of the session, strangers and anonymous callers are refused', async () => {
    const patient = await connectAs(app, 'patient1@hearth.test');
    try {
      await request(patient.socket, 'room:join', { sessionId, safety: SAFETY, consent: CONSENT });
      const res = await api(app, 'GET', `/api/sessions/${sessionId}/placement`, { token: patient.token });
      expect(res.status).toBe(403);
    } finally {
      patient.socket.close();
    }
    const anonymous = await api(app, 'GET', `/api/sessions/${sessionId}/placement`);
    expect(anonymous.status).toBe(401);
    const unknown = await api(app, 'GET', `/api/sessions/00000000-0000-4000-8000-000000000000/placement`, { token: therapist.token });
    expect(unknown.status).toBe(403);
  });
});
