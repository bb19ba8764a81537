import { AttendanceSegment } from '../../src/modules/rooms/entities/attendance-segment.entity';
import { SafetyCheckRecord } from '../../src/modules/rooms/entities/safety-check.entity';
import { connectSocket, request } from '../helpers/socket';
import {
  collect,
  CONSENT,
  connectAs,
  inProgressGroupSession,
  nextEvent,
  opusSendParameters,
  SAFETY,
  type Person,
} from '../helpers/room-helpers';
import { api, startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(60_000);

type Ok<T> = { ok: true; data: T };
const ok = <T>(ack: unknown): T => {
  expect(ack).toMatchObject({ ok: true });
  return (ack as Ok<T>).data;
};

describe('live rooms with a real mediasoup worker and socket.io clients', () => {
  let app: TestApp;
  let sessionId: string;
  let therapist: Person;
  let p1: Person;
  let p2: Person;
  const people: Person[] = [];

  beforeAll(async () => {
    app = await startTestApp('postgres', { RECONNECT_GRACE_SECONDS: '5' });
    therapist = await connectAs(app, 'therapist@hearth.test');
    p1 = await connectAs(app, 'patient1@hearth.test');
    p2 = await connectAs(app, 'patient2@hearth.test');
    people.push(therapist, p1, p2);
    sessionId = await inProgressGroupSession(app, therapist.token);
  });
  afterAll(async () => {
    people.forEach((p) => p.socket.close());
    await app?.stop();
  });

  it('refuses people who are not on the session, and media before joining', async () => {
    const admin = await connectAs(app, 'admin@hearth.test');
    people.push(admin);
    expect(await request(admin.socket, 'room:join', { sessionId })).toMatchObject({
      ok: false,
      error: { code: 'not_a_participant' },
    });
    expect(await request(p1.socket, 'room:join', { sessionId: '00000000-0000-4000-8000-000000000000' })).toMatchObject({
      ok: false,
      error: { code: 'session_not_found' },
    });
    expect(await request(p1.socket, 'media:createTransport', { sessionId, direction: 'send' })).toMatchObject({
      ok: false,
      error: { code: 'not_admitted' },
    });
    expect(await request(p1.socket, 'room:join', { sessionId: 'not-a-uuid' })).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
  });

  it('requires the safety check and consent from patients', async () => {
    expect(await request(p1.socket, 'room:join', { sessionId })).toMatchObject({
      ok: false,
      error: { code: 'safety_check_required' },
    });
    expect(await request(p1.socket, 'room:join', { sessionId, safety: SAFETY })).toMatchObject({
      ok: false,
      error: { code: 'consent_required' },
    });
    expect(
      await request(p1.socket, 'room:join', { sessionId, safety: { location: '', callbackNumber: 'abc' }, consent: CONSENT }),
    ).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });

  it('lets the therapist in, keeps patients in the lobby until admitted', async () => {
    const t = ok<{ status: string; room: { participants: { userId: string }[]; lobby: unknown[] } }>(
      await request(therapist.socket, 'room:join', { sessionId }),
    );
    expect(t.status).toBe('admitted');
    expect(t.room.lobby).toEqual([]);

    const lobbyUpdate = nextEvent(therapist.socket, 'lobby:updated', (p) => p.waiting.length === 2);
    const w1 = ok<{ status: string; position: number }>(
      await request(p1.socket, 'room:join', { sessionId, safety: SAFETY, consent: CONSENT }),
    );
    const w2 = ok<{ status: string; position: number }>(
      await request(p2.socket, 'room:join', { sessionId, safety: SAFETY, consent: CONSENT }),
    );
    expect([w1, w2]).toEqual([
      expect.objectContaining({ status: 'waiting', position: 1 }),
      expect.objectContaining({ status: 'waiting', position: 2 }),
    ]);
    expect((await lobbyUpdate).waiting.map((w) => w.userId)).toEqual([p1.userId, p2.userId]);

    // Patients cannot admit themselves (or anyone).
    expect(await request(p1.socket, 'lobby:admit', { sessionId, userIds: 'all' })).toMatchObject({
      ok: false,
      error: { code: 'not_moderator' },
    });

    const admitted1 = nextEvent(p1.socket, 'room:admitted');
    const admitted2 = nextEvent(p2.socket, 'room:admitted');
    const joined = nextEvent(therapist.socket, 'room:participantJoined', (p) => p.participant.userId === p1.userId);
    expect(ok(await request(therapist.socket, 'lobby:admit', { sessionId, userIds: 'all' }))).toEqual({
      admitted: [p1.userId, p2.userId],
    });
    const room1 = await admitted1;
    await admitted2;
    await joined;
    expect(room1.room.participants.map((p) => p.userId).sort()).toEqual([therapist.userId, p1.userId, p2.userId].sort());
    expect(room1.room.lobby).toBeUndefined(); // only therapists see the lobby
  });

  it('stores the safety check for the session’s therapists', async () => {
    const checks = await app.dataSource.getRepository(SafetyCheckRecord).find({ where: { sessionId } });
    expect(checks.map((c) => c.userId).sort()).toEqual([p1.userId, p2.userId].sort());
    expect(checks[0]).toMatchObject({ location: SAFETY.location, callbackNumber: SAFETY.callbackNumber });
  });

  it('serves a patient their own safety check for the session, and nobody else’s', async () => {
    const mine = await api<{ location: string; callbackNumber: string; checkedAt: string }>(
      app,
      'GET',
      `/api/sessions/${sessionId}/safety-check`,
      { token: p1.token },
    );
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject(SAFETY);
    // The therapist has none of their own; p1's is not served to them here.
    expect((await api(app, 'GET', `/api/sessions/${sessionId}/safety-check`, { token: therapist.token })).status).toBe(404);
    expect((await api(app, 'GET', `/api/sessions/not-a-uuid/safety-check`, { token: p1.token })).status).toBe(400);
    expect((await api(app, 'GET', `/api/sessions/${sessionId}/safety-check`)).status).toBe(401);
  });

  it('fans a producer out to everyone else as paused consumers', async () => {
    const caps = ok<{ room: { routerRtpCapabilities: Record<string, unknown> } }>(
      await request(therapist.socket, 'room:join', { sessionId }),
    ).room.routerRtpCapabilities;
    for (const p of [therapist, p1, p2]) {
      ok(await request(p.socket, 'media:createTransport', { sessionId, direction: 'recv' }));
      ok(await request(p.socket, 'media:setRtpCapabilities', { sessionId, rtpCapabilities: caps }));
    }
    const send = ok<{ id: string }>(await request(p1.socket, 'media:createTransport', { sessionId, direction: 'send' }));
    const atTherapist = nextEvent(therapist.socket, 'media:consumerCreated');
    const atP2 = nextEvent(p2.socket, 'media:consumerCreated');
    const produced = ok<{ producerId: string }>(
      await request(p1.socket, 'media:produce', {
        sessionId,
        transportId: send.id,
        kind: 'audio',
        source: 'mic',
        rtpParameters: opusSendParameters(1111),
      }),
    );
    const [c1, c2] = await Promise.all([atTherapist, atP2]);
    for (const c of [c1, c2]) {
      expect(c.consumer).toMatchObject({ producerId: produced.producerId, userId: p1.userId, kind: 'audio', source: 'mic' });
    }
    ok(await request(therapist.socket, 'media:resumeConsumer', { sessionId, consumerId: c1.consumer.consumerId }));
    // p2 cannot touch the therapist's consumer.
    expect(await request(p2.socket, 'media:resumeConsumer', { sessionId, consumerId: c1.consumer.consumerId })).toMatchObject({
      ok: false,
      error: { code: 'media_unknown_consumer' },
    });
    // The camera sends video, not audio.
    expect(
      await request(p1.socket, 'media:produce', {
        sessionId,
        transportId: send.id,
        kind: 'audio',
        source: 'camera',
        rtpParameters: opusSendParameters(2222),
      }),
    ).toMatchObject({ ok: false, error: { code: 'media_invalid_parameters' } });
  });

  it('lets a therapist mute a patient, who then cannot unmute', async () => {
    const updated = nextEvent(p2.socket, 'room:participantUpdated', (p) => p.participant.userId === p1.userId && p.participant.micLocked);
    const paused = nextEvent(p2.socket, 'media:consumerPaused', (p) => p.paused);
    ok(await request(therapist.socket, 'moderation:mute', { sessionId, userId: p1.userId }));
    expect((await updated).participant).toMatchObject({ micOn: false, micLocked: true });
    await paused; // the SFU stopped forwarding p1's audio
    expect(await request(p1.socket, 'media:setSelf', { sessionId, source: 'mic', on: true })).toMatchObject({
      ok: false,
      error: { code: 'mic_locked' },
    });
    expect(await request(p2.socket, 'moderation:mute', { sessionId, userId: p1.userId })).toMatchObject({
      ok: false,
      error: { code: 'not_moderator' },
    });
    ok(await request(therapist.socket, 'moderation:unlockMic', { sessionId, userId: p1.userId }));
    ok(await request(p1.socket, 'media:setSelf', { sessionId, source: 'mic', on: true }));
  });

  it('keeps a reconnecting patient’s place without a new admission', async () => {
    const reconnecting = nextEvent(
      therapist.socket,
      'room:participantUpdated',
      (p) => p.participant.userId === p2.userId && p.participant.connection === 'reconnecting',
    );
    p2.socket.disconnect();
    await reconnecting;
    p2.socket = await connectSocket(app.baseUrl, { token: p2.token });
    people.push(p2);
    // No safety payload this time: the check done earlier in the session stands.
    const back = ok<{ status: string }>(await request(p2.socket, 'room:join', { sessionId }));
    expect(back.status).toBe('admitted');
    const segments = await app.dataSource.getRepository(AttendanceSegment).find({ where: { sessionId, userId: p2.userId } });
    expect(segments).toHaveLength(2);
    expect(segments.filter((s) => s.leftAt === null)).toHaveLength(1);
    expect(segments.find((s) => s.leftAt !== null)?.endReason).toBe('disconnected');
  });

  it('lets a patient who left by mistake come back in without a new admission', async () => {
    const left = nextEvent(therapist.socket, 'room:participantLeft', (p) => p.userId === p2.userId);
    ok(await request(p2.socket, 'room:leave', { sessionId }));
    await left;
    const joined = nextEvent(therapist.socket, 'room:participantJoined', (p) => p.participant.userId === p2.userId);
    const back = ok<{ status: string }>(await request(p2.socket, 'room:join', { sessionId }));
    expect(back.status).toBe('admitted');
    await joined;
    const segments = await app.dataSource.getRepository(AttendanceSegment).find({ where: { sessionId, userId: p2.userId } });
    expect(segments.find((s) => s.endReason === 'left')).toBeDefined();
    expect(segments.filter((s) => s.leftAt === null)).toHaveLength(1);
  });

  it('sends a removed patient back to the lobby; re-entry needs admission', async () => {
    const removed = nextEvent(p1.socket, 'room:removed');
    const left = nextEvent(therapist.socket, 'room:participantLeft', (p) => p.userId === p1.userId);
    const consumerClosed = collect(therapist.socket, 'media:consumerClosed');
    ok(await request(therapist.socket, 'moderation:remove', { sessionId, userId: p1.userId }));
    await removed;
    await left;
    await new Promise((r) => setTimeout(r, 200));
    expect(consumerClosed.length).toBeGreaterThanOrEqual(1); // p1's audio is gone for everyone
    expect(await request(p1.socket, 'media:createTransport', { sessionId, direction: 'send' })).toMatchObject({
      ok: false,
      error: { code: 'not_admitted' },
    });
    const again = ok<{ status: string }>(await request(p1.socket, 'room:join', { sessionId }));
    expect(again.status).toBe('waiting');
    // Leaving the lobby after a removal does not turn into a way back in.
    ok(await request(p1.socket, 'room:leave', { sessionId }));
    const third = ok<{ status: string }>(await request(p1.socket, 'room:join', { sessionId }));
    expect(third.status).toBe('waiting');
  });

  it('ends the session for everyone; nobody can rejoin', async () => {
    const endedP2 = nextEvent(p2.socket, 'room:ended');
    const endedP1 = nextEvent(p1.socket, 'room:ended'); // waiting in the lobby
    expect(await request(p2.socket, 'room:end', { sessionId })).toMatchObject({ ok: false, error: { code: 'not_moderator' } });
    ok(await request(therapist.socket, 'room:end', { sessionId }));
    await Promise.all([endedP1, endedP2]);
    expect(await request(p2.socket, 'room:join', { sessionId })).toMatchObject({ ok: false, error: { code: 'session_ended' } });
    const open = await app.dataSource.getRepository(AttendanceSegment).find({ where: { sessionId } });
    expect(open.every((s) => s.leftAt !== null)).toBe(true);
  });

  it('records who ended the session, so a restarted server still refuses to reopen it', async () => {
    const rows: { ended_by: string }[] = await app.dataSource.query('SELECT ended_by FROM session_endings WHERE session_id = $1', [
      sessionId,
    ]);
    expect(rows).toEqual([{ ended_by: therapist.userId }]);
  });
});
