import { io } from 'socket.io-client';
import {
  PROTOCOL_VERSION,
  type ChatHistory,
  type ConsumerInfo,
  type CrisisState,
  type FloorView,
  type HealthResponse,
  type JoinResult,
  type PlacementResponse,
  type RoleplayState,
  type ScenarioView,
} from '@hearth/protocol';
import { ok } from '../helpers/facilitation';
import { CONSENT, SAFETY, collect, inProgressGroupSession, nextEvent, opusSendParameters } from '../helpers/room-helpers';
import { freePort, serverData, startServerProcess, type ServerData, type ServerProcess } from '../helpers/server-process';
import { request, type TestSocket } from '../helpers/socket';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/test-db';
import { api, login } from '../helpers/test-app';

jest.setTimeout(240_000);

interface Client {
  email: string;
  userId: string;
  socket: TestSocket;
  consumed: { sessionId: string; consumer: ConsumerInfo }[];
}

/** A socket that reconnects by itself, as the browser's does (socket.io backoff). */
function reconnectingSocket(url: string, token: string): Promise<TestSocket> {
  const socket: TestSocket = io(url, {
    auth: { token, protocolVersion: PROTOCOL_VERSION },
    transports: ['websocket'],
    forceNew: true,
    reconnection: true,
    reconnectionDelay: 200,
    reconnectionDelayMax: 1000,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (e) => reject(e));
  });
}

const reconnected = (s: TestSocket) => new Promise<void>((r) => (s.connected ? r() : s.once('connect', () => r())));
const disconnected = (s: TestSocket) => new Promise<void>((r) => (!s.connected ? r() : s.once('disconnect', () => r())));

/**
 * A group in the middle of things, on a real server process: therapist in a
 * crisis side room with patient2, patient1 holding the floor under the
 * talking stick with a turn countdown, patient3 next in the queue and muted
 * by the therapist, patient-to-patient chat allowed, patient4 waiting in the
 * lobby. Then the process dies (kill -9 or SIGTERM) and starts again on the
 * same data: everyone reconnects by themselves and finds it all as it was.
 */
describe.each(DB_KINDS)('restart without losing the room (%s)', (kind) => {
  let db: TestDatabase | null = null;
  let data: ServerData;
  let port: number;
  let server: ServerProcess;
  let sessionId: string;
  const c: Record<'t' | 'p1' | 'p2' | 'p3' | 'p4', Client> = {} as never;

  beforeAll(async () => {
    if (kind === 'postgres') db = await createTestDatabase('postgres');
    data = serverData(db && 'url' in db.target ? db.target.url : undefined);
    port = await freePort();
    server = await startServerProcess(port, { ...data.env, NODE_ID: 'first' });
    const emails = { t: 'therapist@hearth.test', p1: 'patient1@hearth.test', p2: 'patient2@hearth.test', p3: 'patient3@hearth.test', p4: 'patient4@hearth.test' };
    for (const [key, email] of Object.entries(emails) as [keyof typeof c, string][]) {
      const { accessToken, user } = await login(server, email);
      const socket = await reconnectingSocket(server.baseUrl, accessToken);
      const client: Client = { email, userId: user.id, socket, consumed: [] };
      socket.on('media:consumerCreated', (e) => client.consumed.push(e));
      c[key] = client;
    }
    const { accessToken } = await login(server, emails.t);
    sessionId = await inProgressGroupSession(server, accessToken);
  });

  afterAll(async () => {
    for (const x of Object.values(c)) x?.socket.close();
    await server?.kill('SIGKILL');
    data?.cleanup();
    await db?.drop();
  });

  const floor = async () => ok<FloorView>(await request(c.t.socket, 'turn:state', { sessionId }));

  it('builds the group: side room, floor, talking stick, countdown, queue, a mic lock, the chat setting, the lobby', async () => {
    expect(ok<JoinResult>(await request(c.t.socket, 'room:join', { sessionId })).status).toBe('admitted');
    for (const p of [c.p1, c.p2, c.p3, c.p4]) {
      const r = ok<JoinResult>(await request(p.socket, 'room:join', { sessionId, safety: SAFETY, consent: CONSENT }));
      expect(r.status).toBe('waiting');
    }
    ok(await request(c.t.socket, 'lobby:admit', { sessionId, userIds: [c.p1.userId, c.p2.userId, c.p3.userId] }));
    ok(await request(c.t.socket, 'turn:setTalkingStick', { sessionId, on: true }));
    ok(await request(c.t.socket, 'turn:setTimer', { sessionId, minutes: 5 }));
    ok(await request(c.p1.socket, 'turn:raiseHand', { sessionId }));
    ok(await request(c.p3.socket, 'turn:raiseHand', { sessionId }));
    ok(await request(c.t.socket, 'turn:grant', { sessionId, userId: c.p1.userId }));
    ok(await request(c.t.socket, 'moderation:mute', { sessionId, userId: c.p3.userId }));
    ok(await request(c.t.socket, 'chat:setPatientPrivateChat', { sessionId, allowed: true }));
    ok(await request(c.t.socket, 'crisis:moveToSideRoom', { sessionId, userId: c.p2.userId }));
    // A role-play scene running with patient1 and patient3 cast.
    const scenarios = await api<ScenarioView[]>(server, 'GET', '/api/roleplay/scenarios', { token: (await login(server, c.t.email)).accessToken });
    const scenario = scenarios.body.find((x) => x.roles.length === 2)!;
    ok(await request(c.t.socket, 'roleplay:start', { sessionId, scenarioId: scenario.id }));
    ok(await request(c.t.socket, 'roleplay:assign', {
      sessionId,
      assignments: [
        { roleKey: scenario.roles[0]!.key, userId: c.p1.userId },
        { roleKey: scenario.roles[1]!.key, userId: c.p3.userId },
      ],
    }));
    ok(await request(c.t.socket, 'roleplay:startScene', { sessionId, durationSeconds: 600 }));
    const f = await floor();
    expect(f).toMatchObject({ holderUserId: c.p1.userId, talkingStick: true, turnMinutes: 5 });
    expect(f.queue.map((q) => q.userId)).toEqual([c.p3.userId]);
  });

  for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
    it(`after ${signal === 'SIGKILL' ? 'kill -9' : 'SIGTERM'} and a new start on the same data, everyone is back where they were`, async () => {
      const before = await floor();
      const exerciseBefore = ok<RoleplayState>(await request(c.t.socket, 'roleplay:state', { sessionId })).exercise!;
      const restarting = signal === 'SIGTERM' ? nextEvent(c.p1.socket, 'system:restarting', () => true, 15_000) : null;
      const gone = Object.values(c).map((x) => disconnected(x.socket));
      const killed = await server.kill(signal);
      if (signal === 'SIGTERM') {
        await expect(restarting).resolves.toMatchObject({ reason: expect.any(String) });
        expect(killed.ms).toBeLessThan(10_000);
      }
      await Promise.all(gone);
      for (const x of Object.values(c)) x.consumed.length = 0;

      server = await startServerProcess(port, { ...data.env, NODE_ID: `after-${signal}` });
      const health = await api<HealthResponse>(server, 'GET', '/api/health');
      expect(health.body).toMatchObject({ nodeId: `after-${signal}`, pid: server.pid });
      // Nobody reconnects by hand: socket.io's backoff brings every socket back.
      await Promise.all(Object.values(c).map((x) => reconnected(x.socket)));

      // Rejoining as the browser does after a drop (no second safety check).
      for (const p of [c.t, c.p1, c.p2, c.p3]) {
        expect(ok<JoinResult>(await request(p.socket, 'room:join', { sessionId })).status).toBe('admitted');
      }
      const p4 = ok<JoinResult>(await request(c.p4.socket, 'room:join', { sessionId }));
      expect(p4).toMatchObject({ status: 'waiting', position: 1 });

      const after = await floor();
      expect(after.holderUserId).toBe(c.p1.userId);
      expect(after.queue.map((q) => q.userId)).toEqual([c.p3.userId]);
      expect(after.talkingStick).toBe(true);
      expect(after.turnEndsAt).toBe(before.turnEndsAt);
      expect(after.revision).toBeGreaterThan(before.revision);

      const exercise = ok<RoleplayState>(await request(c.t.socket, 'roleplay:state', { sessionId })).exercise!;
      expect(exercise.exerciseId).toBe(exerciseBefore.exerciseId);
      expect(exercise.assignments).toEqual(exerciseBefore.assignments);
      expect(exercise.scene).toMatchObject({ status: 'running', endsAt: exerciseBefore.scene.endsAt });
      expect(exercise.spotlightUserIds.sort()).toEqual([c.p1.userId, c.p3.userId].sort());

      const history = ok<ChatHistory>(await request(c.p1.socket, 'chat:history', { sessionId }));
      expect(history.patientPrivateChatAllowed).toBe(true);
      const crisis = ok<CrisisState>(await request(c.t.socket, 'crisis:state', { sessionId }));
      expect(crisis.sideRooms).toEqual([expect.objectContaining({ patientUserId: c.p2.userId, userIds: [c.p2.userId, c.t.userId] })]);
      const snapshot = ok<JoinResult>(await request(c.t.socket, 'room:join', { sessionId }));
      if (snapshot.status !== 'admitted') throw new Error('therapist not admitted');
      expect(snapshot.room.participants.find((p) => p.userId === c.p3.userId)).toMatchObject({ micLocked: true });
      expect(snapshot.room.lobby?.map((e) => e.userId)).toEqual([c.p4.userId]);

      // Media again from scratch (the old mediasoup state died with the process).
      const caps = snapshot.room.routerRtpCapabilities;
      const inRoom = [c.t, c.p1, c.p2, c.p3];
      for (const p of inRoom) {
        ok(await request(p.socket, 'media:createTransport', { sessionId, direction: 'recv' }));
        ok(await request(p.socket, 'media:setRtpCapabilities', { sessionId, rtpCapabilities: caps }));
      }
      const producerOf = new Map<string, string>();
      let ssrc = 5000;
      for (const p of inRoom) {
        const send = ok<{ id: string }>(await request(p.socket, 'media:createTransport', { sessionId, direction: 'send' }));
        const { producerId } = ok<{ producerId: string }>(
          await request(p.socket, 'media:produce', { sessionId, transportId: send.id, kind: 'audio', source: 'mic', rtpParameters: opusSendParameters(ssrc++) }),
        );
        producerOf.set(p.userId, producerId);
      }
      // One more round trip each: every push sent before it has arrived.
      for (const p of inRoom) ok(await request(p.socket, 'turn:state', { sessionId }));
      const from = (x: Client) => x.consumed.filter((e) => e.sessionId === sessionId).map((e) => e.consumer.userId).sort();
      // The side room holds: patient2 and the therapist hear only each other; the group hears only the group.
      expect(from(c.p2)).toEqual([c.t.userId]);
      expect(from(c.t)).toEqual([c.p2.userId]);
      expect(from(c.p1)).toEqual([c.p3.userId]);
      expect(from(c.p3)).toEqual([c.p1.userId]);

      const placement = await api<PlacementResponse>(server, 'GET', `/api/sessions/${sessionId}/placement`, {
        token: (await login(server, c.t.email)).accessToken,
      });
      expect(placement.body).toEqual({ nodeId: `after-${signal}` });
      const events = collect(c.t.socket, 'room:participantLeft');
      expect(events).toEqual([]);
    });
  }
});
