import { spawn, type ChildProcess } from 'node:child_process';
import { Client } from 'pg';
import { createClient } from 'redis';
import { io } from 'socket.io-client';
import { PROTOCOL_VERSION, type Ack, type FloorView, type JoinResult, type PlacementResponse } from '@hearth/protocol';
import { ok } from '../helpers/facilitation';
import { CONSENT, SAFETY, inProgressGroupSession } from '../helpers/room-helpers';
import { holdSharedRedis, SHARED_REDIS_WAIT_MS } from '../helpers/shared-redis';
import { freePort, serverData, startServerProcess, type ServerData, type ServerProcess } from '../helpers/server-process';
import { request, type TestSocket } from '../helpers/socket';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db';
import { api, login } from '../helpers/test-app';

jest.setTimeout(300_000);

const SHARED_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function connect(baseUrl: string, token: string): Promise<TestSocket> {
  const socket: TestSocket = io(baseUrl, { auth: { token, protocolVersion: PROTOCOL_VERSION }, transports: ['websocket'], forceNew: true, reconnection: false });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** Resolves when `check` returns something truthy; generous limits, never fixed sleeps as assertions. */
async function until<T>(what: string, check: () => Promise<T | undefined | null | false>, timeoutMs = 30_000): Promise<T> {
  const t0 = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** What the server tells a socket before it closes the connection under it (a session moved, a drain). */
function watchDrop(socket: TestSocket): { told: Promise<void>; dropped: Promise<string> } {
  const told = new Promise<void>((r) => (socket as unknown as { once(e: string, h: () => void): void }).once('system:restarting', () => r()));
  const dropped = new Promise<string>((r) => socket.once('disconnect', (reason) => r(reason)));
  return { told, dropped };
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/**
 * Faults of a two-node cluster on one PostgreSQL and Redis, with real node
 * processes. A stale host — its lease taken by another node — drops the
 * session and sends its clients on; the new host has the state. Then the
 * host is told to drain (SIGTERM): it hands the session over at once and the
 * clients land on the other node with the state intact.
 */
describe('a stale host and a draining host', () => {
  let db: TestDatabase;
  let data: ServerData;
  let a: ServerProcess;
  let b: ServerProcess;
  let redis: ReturnType<typeof createClient>;
  let sessionId: string;
  const sockets: TestSocket[] = [];
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const A = `fa-${process.pid}`;
  const B = `fb-${process.pid}`;

  let releaseRedis: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    releaseRedis = await holdSharedRedis(SHARED_REDIS_URL); // no other test's nodes on this Redis meanwhile
  }, SHARED_REDIS_WAIT_MS + 10_000);

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    data = serverData('url' in db.target ? db.target.url : undefined);
    const env = { ...data.env, REDIS_URL: SHARED_REDIS_URL, SOCKET_RATE_LIMIT_SCALE: '100' };
    a = await startServerProcess(await freePort(), { ...env, NODE_ID: A, RTC_MIN_PORT: '43000', RTC_MAX_PORT: '43999' });
    b = await startServerProcess(await freePort(), { ...env, NODE_ID: B, RTC_MIN_PORT: '44000', RTC_MAX_PORT: '44999' });
    for (const who of ['therapist', 'patient1']) {
      const { accessToken, user } = await login(a, `${who}@hearth.test`);
      tokens[who] = accessToken;
      ids[who] = user.id;
    }
    sessionId = await inProgressGroupSession(a, tokens.therapist!);
    redis = createClient({ url: SHARED_REDIS_URL });
    await redis.connect();
  });

  afterAll(async () => {
    for (const s of sockets) s.close();
    await redis?.quit().catch(() => undefined);
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
  const registry = async (nodeId: string) => JSON.parse((await redis.get(`hearth:node:${nodeId}`)) ?? 'null') as { sessions: number; draining?: boolean } | null;
  const attendance = async (): Promise<{ user_id: string; left_at: Date | null; end_reason: string | null }[]> => {
    const c = new Client({ connectionString: 'url' in db.target ? db.target.url : '' });
    await c.connect();
    try {
      return (await c.query(`SELECT user_id, left_at, end_reason FROM attendance_segments WHERE session_id = $1 ORDER BY joined_at`, [sessionId])).rows;
    } finally {
      await c.end();
    }
  };

  it('a node whose lease was taken drops the session and sends its clients to the new host, state intact', async () => {
    const therapistOnA = await open(a, 'therapist');
    expect(ok<JoinResult>(await request(therapistOnA, 'room:join', { sessionId })).status).toBe('admitted');
    const patientOnA = await open(a, 'patient1');
    expect(ok<JoinResult>(await request(patientOnA, 'room:join', { sessionId, safety: SAFETY, consent: CONSENT })).status).toBe('waiting');
    ok(await request(therapistOnA, 'lobby:admit', { sessionId, userIds: [ids.patient1] }));
    ok(await request(therapistOnA, 'turn:setTalkingStick', { sessionId, on: true }));
    ok(await request(therapistOnA, 'turn:grant', { sessionId, userId: ids.patient1 }));
    await until('A announces the session it hosts', async () => (await registry(A))?.sessions === 1);

    const therapistDrop = watchDrop(therapistOnA);
    const patientDrop = watchDrop(patientOnA);
    // Another node takes the lease while A still believes it hosts (as after a long stall): a new epoch, B's name.
    const epoch = await redis.incr(`hearth:epoch:${sessionId}`);
    await redis.set(`hearth:lease:${sessionId}`, `${B}|${epoch}`, { PX: 6_000 });
    const therapistOnB = await open(b, 'therapist');
    const rejoined = ok<JoinResult>(await request(therapistOnB, 'room:join', { sessionId }));
    expect(rejoined.status).toBe('admitted');

    // A finds out at its next renewal: its clients are told and their connections closed (they reconnect by themselves).
    await within(Promise.all([therapistDrop.told, patientDrop.told]), 30_000, 'A tells its clients');
    expect(await within(therapistDrop.dropped, 30_000, 'therapist dropped')).toBe('transport close');
    expect(await within(patientDrop.dropped, 30_000, 'patient dropped')).toBe('transport close');
    // A hosts nothing now: its registry entry says so, and a join there is sent to B.
    await until('A announces no sessions', async () => (await registry(A))?.sessions === 0);
    const patientBackOnA = await open(a, 'patient1');
    expect(await request<JoinResult>(patientBackOnA, 'room:join', { sessionId })).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'session_elsewhere', hostNodeId: B }),
    });
    // On B the patient goes straight back into the room; the floor is as it was.
    const patientOnB = await open(b, 'patient1');
    expect(ok<JoinResult>(await request(patientOnB, 'room:join', { sessionId })).status).toBe('admitted');
    expect(ok<FloorView>(await request(therapistOnB, 'turn:state', { sessionId }))).toMatchObject({ holderUserId: ids.patient1, talkingStick: true });
    // A closed the attendance it held at the hand-over; B opened new segments. Nobody has two open ones.
    const rows = await attendance();
    for (const who of ['therapist', 'patient1']) {
      const mine = rows.filter((r) => r.user_id === ids[who]);
      expect(mine.filter((r) => r.left_at === null)).toHaveLength(1);
      // The therapist reached B before A let go: B closed A's segment at its last heartbeat ('crashed'), never later.
      expect(mine.some((r) => r.end_reason === 'moved' || (who === 'therapist' && r.end_reason === 'crashed'))).toBe(true);
    }
    expect(rows.some((r) => r.user_id === ids.patient1 && r.end_reason === 'moved')).toBe(true);
    for (const node of [a, b]) {
      const placement = await api<PlacementResponse>(node, 'GET', `/api/sessions/${sessionId}/placement`, { token: tokens.therapist });
      expect(placement.body).toEqual({ nodeId: B });
    }
  });

  it('a draining node (SIGTERM) hands its session over at once; the clients land on the other node with the state intact', async () => {
    const therapistOnB = await open(b, 'therapist');
    expect(ok<JoinResult>(await request(therapistOnB, 'room:join', { sessionId })).status).toBe('admitted');
    const patientOnB = await open(b, 'patient1');
    expect(ok<JoinResult>(await request(patientOnB, 'room:join', { sessionId })).status).toBe('admitted');
    const therapistDrop = watchDrop(therapistOnB);
    const patientDrop = watchDrop(patientOnB);

    const exited = b.kill('SIGTERM');
    await within(Promise.all([therapistDrop.told, patientDrop.told, therapistDrop.dropped, patientDrop.dropped]), 30_000, 'B tells its clients');
    // The lease was released before the clients were told: the first join on A is admitted, no waiting for it to run out.
    const therapistOnA = await open(a, 'therapist');
    expect(ok<JoinResult>(await request(therapistOnA, 'room:join', { sessionId })).status).toBe('admitted');
    const patientOnA = await open(a, 'patient1');
    expect(ok<JoinResult>(await request(patientOnA, 'room:join', { sessionId })).status).toBe('admitted');
    expect(ok<FloorView>(await request(therapistOnA, 'turn:state', { sessionId }))).toMatchObject({ holderUserId: ids.patient1, talkingStick: true });
    const placement = await api<PlacementResponse>(a, 'GET', `/api/sessions/${sessionId}/placement`, { token: tokens.therapist });
    expect(placement.body).toEqual({ nodeId: A });
    // Graceful: gone by the SIGTERM itself (Nest re-raises it after the hooks), not by the 10 s guard's exit(1).
    expect(await exited).toMatchObject({ code: null, signal: 'SIGTERM' });
    const rows = await attendance();
    for (const who of ['therapist', 'patient1']) {
      const mine = rows.filter((r) => r.user_id === ids[who]);
      expect(mine.filter((r) => r.left_at === null)).toHaveLength(1);
      expect(mine.some((r) => r.end_reason === 'drained')).toBe(true);
    }
  });
});

/** A Redis of this test's own, so it can be stopped and started again (never the shared one). */
function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  return until(`redis-server on ${port}`, async () => {
    const c = createClient({ url: `redis://127.0.0.1:${port}`, socket: { reconnectStrategy: false } });
    c.on('error', () => undefined);
    await c.connect();
    await c.quit();
    return child;
  });
}

function stopRedis(child: ChildProcess): Promise<void> {
  return new Promise((r) => {
    if (child.exitCode !== null || child.signalCode !== null) return r();
    child.once('exit', () => r());
    child.kill('SIGKILL');
  });
}

/**
 * Redis goes away under a node: it keeps serving the session it hosts
 * (a rejoin works), refuses to place a new one with `placement_unavailable`,
 * and once Redis is back it takes its lease back and places sessions again.
 */
describe('Redis down', () => {
  let db: TestDatabase;
  let data: ServerData;
  let node: ServerProcess;
  let redisPort: number;
  let redisProc: ChildProcess | null = null;
  let groupId: string;
  let familyId: string;
  const sockets: TestSocket[] = [];
  let token: string;
  const N = `rd-${process.pid}`;

  beforeAll(async () => {
    redisPort = await freePort();
    redisProc = await startRedis(redisPort);
    db = await createTestDatabase('postgres');
    data = serverData('url' in db.target ? db.target.url : undefined);
    node = await startServerProcess(await freePort(), {
      ...data.env,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      SOCKET_RATE_LIMIT_SCALE: '100',
      NODE_ID: N,
      RTC_MIN_PORT: '45000',
      RTC_MAX_PORT: '45999',
    });
    token = (await login(node, 'therapist@hearth.test')).accessToken;
    groupId = await inProgressGroupSession(node, token);
    const mine = await api<{ id: string; kind: string; startsAt: string; endsAt: string }[]>(node, 'GET', '/api/me/sessions', { token });
    const now = Date.now();
    familyId = mine.body.find((s) => s.kind === 'family' && Date.parse(s.startsAt) <= now && Date.parse(s.endsAt) > now)!.id;
  });

  afterAll(async () => {
    for (const s of sockets) s.close();
    await node?.kill('SIGKILL');
    if (redisProc) await stopRedis(redisProc);
    data?.cleanup();
    await db?.drop();
  });

  // A browser's socket reconnects by itself; a test socket does not. Once (a CI run out of many) a
  // websocket opened just as Redis went away failed at the transport ("websocket error"), not with a
  // refusal: try such a connection again, as the browser would, and keep every refusal an error.
  const open = async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        const s = await connect(node.baseUrl, token);
        sockets.push(s);
        return s;
      } catch (e) {
        if (attempt >= 3 || !(e instanceof Error) || e.message !== 'websocket error') throw e;
      }
    }
  };

  it('the node keeps its hosted session, refuses new placements, and recovers when Redis is back', async () => {
    const first = await open();
    expect(ok<JoinResult>(await request(first, 'room:join', { sessionId: groupId })).status).toBe('admitted');

    await stopRedis(redisProc!);
    redisProc = null;
    // A rejoin of the hosted session works (a new tab, a dropped connection coming back).
    const second = await open();
    expect(ok<JoinResult>(await request(second, 'room:join', { sessionId: groupId }, 15_000)).status).toBe('admitted');
    // A session it does not host cannot be placed without Redis: a clear, typed error.
    const other = await open();
    expect(await request<JoinResult>(other, 'room:join', { sessionId: familyId }, 15_000)).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'placement_unavailable' }),
    });
    // The node is still healthy.
    expect((await api<{ status: string }>(node, 'GET', '/api/health')).body.status).toBe('ok');

    redisProc = await startRedis(redisPort);
    const check = createClient({ url: `redis://127.0.0.1:${redisPort}` });
    await check.connect();
    try {
      // The new Redis is empty: the node takes its lease back (nobody claimed the session meanwhile).
      await until('the node holds its lease again', async () => (await check.get(`hearth:lease:${groupId}`))?.startsWith(`${N}|`));
      const placed = await until('a new session is placed again', async () => {
        const r = await request<JoinResult>(other, 'room:join', { sessionId: familyId }, 15_000);
        return r.ok ? r : r.error.code === 'placement_unavailable' ? undefined : (r as Ack<JoinResult>);
      });
      expect(placed).toMatchObject({ ok: true });
      expect(ok<JoinResult>(await request(second, 'room:join', { sessionId: groupId })).status).toBe('admitted');
      const placement = await api<PlacementResponse>(node, 'GET', `/api/sessions/${familyId}/placement`, { token });
      expect(placement.body).toEqual({ nodeId: N });
    } finally {
      await check.quit();
    }
  });
});
