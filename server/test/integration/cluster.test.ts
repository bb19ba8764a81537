import { io } from 'socket.io-client';
import { PROTOCOL_VERSION, type Ack, type FloorView, type HealthResponse, type JoinResult, type PlacementResponse } from '@hearth/protocol';
import { ok } from '../helpers/facilitation';
import { CONSENT, SAFETY, inProgressGroupSession } from '../helpers/room-helpers';
import { holdSharedRedis, SHARED_REDIS_WAIT_MS } from '../helpers/shared-redis';
import { freePort, serverData, startServerProcess, type ServerData, type ServerProcess } from '../helpers/server-process';
import { request, type TestSocket } from '../helpers/socket';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db';
import { api, login } from '../helpers/test-app';

jest.setTimeout(240_000);

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function connect(baseUrl: string, token: string): Promise<TestSocket> {
  const socket: TestSocket = io(baseUrl, { auth: { token, protocolVersion: PROTOCOL_VERSION }, transports: ['websocket'], forceNew: true, reconnection: false });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/**
 * Two real node processes on one PostgreSQL and one Redis. A session is
 * hosted by the node a client first joins through (a Redis lease); the
 * other node sends clients there with a typed redirect. When the host dies
 * (kill -9), the other node takes the lease once it runs out and rebuilds
 * the session from its snapshot: the admitted patient goes straight back
 * into the room and the floor is as it was.
 */
describe('two nodes sharing PostgreSQL and Redis', () => {
  let db: TestDatabase;
  let data: ServerData;
  let a: ServerProcess;
  let b: ServerProcess;
  let sessionId: string;
  const sockets: TestSocket[] = [];
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};

  let releaseRedis: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    releaseRedis = await holdSharedRedis(REDIS_URL); // no other test's nodes on this Redis meanwhile
  }, SHARED_REDIS_WAIT_MS + 10_000);

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    data = serverData('url' in db.target ? db.target.url : undefined);
    // The failover test polls room:join until the lease moves; per-user join limits are not what it tests.
    const env = { ...data.env, REDIS_URL, SOCKET_RATE_LIMIT_SCALE: '100', SOCKET_CONNECTS_PER_IP: '100000' };
    a = await startServerProcess(await freePort(), { ...env, NODE_ID: `a-${process.pid}`, RTC_MIN_PORT: '41000', RTC_MAX_PORT: '41999' });
    b = await startServerProcess(await freePort(), { ...env, NODE_ID: `b-${process.pid}`, RTC_MIN_PORT: '42000', RTC_MAX_PORT: '42999' });
    for (const who of ['therapist', 'patient1']) {
      const { accessToken, user } = await login(a, `${who}@hearth.test`);
      tokens[who] = accessToken;
      ids[who] = user.id;
    }
    sessionId = await inProgressGroupSession(a, tokens.therapist!);
  });

  afterAll(async () => {
    for (const s of sockets) s.close();
    await a?.kill('SIGKILL');
    await b?.kill('SIGKILL');
    await releaseRedis?.();
    data?.cleanup();
    await db?.drop();
  });

  const open = async (node: ServerProcess, who: string) => {
    const s = await connect(node.baseUrl, tokens[who]!);
    sockets.push(s);
    return s;
  };

  it('health names each node', async () => {
    expect((await api<HealthResponse>(a, 'GET', '/api/health')).body.nodeId).toBe(`a-${process.pid}`);
    expect((await api<HealthResponse>(b, 'GET', '/api/health')).body.nodeId).toBe(`b-${process.pid}`);
  });

  it('the first join places the session on that node; the other node redirects there', async () => {
    const therapistOnB = await open(b, 'therapist');
    expect(ok<JoinResult>(await request(therapistOnB, 'room:join', { sessionId })).status).toBe('admitted');
    // Either node answers where it runs.
    for (const node of [a, b]) {
      const placement = await api<PlacementResponse>(node, 'GET', `/api/sessions/${sessionId}/placement`, { token: tokens.therapist });
      expect(placement.body).toEqual({ nodeId: `b-${process.pid}` });
    }
    const patientOnA = await open(a, 'patient1');
    const refused = await request<JoinResult>(patientOnA, 'room:join', { sessionId, safety: SAFETY, consent: CONSENT });
    expect(refused).toEqual({ ok: false, error: expect.objectContaining({ code: 'session_elsewhere', hostNodeId: `b-${process.pid}` }) });

    const patientOnB = await open(b, 'patient1');
    expect(ok<JoinResult>(await request(patientOnB, 'room:join', { sessionId, safety: SAFETY, consent: CONSENT })).status).toBe('waiting');
    ok(await request(therapistOnB, 'lobby:admit', { sessionId, userIds: [ids.patient1] }));
    ok(await request(therapistOnB, 'turn:setTalkingStick', { sessionId, on: true }));
    ok(await request(therapistOnB, 'turn:grant', { sessionId, userId: ids.patient1 }));
  });

  it('when the host dies, the other node takes the session over from its snapshot', async () => {
    await b.kill('SIGKILL');
    const therapistOnA = await open(a, 'therapist');
    // Until B's lease runs out (a few seconds) A still sends clients to B; then A hosts.
    const t0 = Date.now();
    let joined: Ack<JoinResult>;
    for (;;) {
      joined = await request<JoinResult>(therapistOnA, 'room:join', { sessionId });
      if (joined.ok || joined.error.code !== 'session_elsewhere' || Date.now() - t0 > 30_000) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(joined).toMatchObject({ ok: true, data: { status: 'admitted' } });
    process.stdout.write(`failover: A hosts the session ${Date.now() - t0} ms after B died\n`);

    const patientOnA = await open(a, 'patient1');
    expect(ok<JoinResult>(await request(patientOnA, 'room:join', { sessionId })).status).toBe('admitted');
    const floor = ok<FloorView>(await request(therapistOnA, 'turn:state', { sessionId }));
    expect(floor).toMatchObject({ holderUserId: ids.patient1, talkingStick: true });
    const placement = await api<PlacementResponse>(a, 'GET', `/api/sessions/${sessionId}/placement`, { token: tokens.therapist });
    expect(placement.body).toEqual({ nodeId: `a-${process.pid}` });
  });
});
