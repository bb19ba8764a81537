import { MIC_HOLD_NOTES, type FloorView } from '@hearth/protocol';
import { admittedGroup, mediaRoom, ok, settle, type Group } from '../helpers/facilitation';
import { collect, nextEvent, opusSendParameters, type Person } from '../helpers/room-helpers';
import { connectSocket, request } from '../helpers/socket';
import { startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(60_000);

describe('turn-taking with real socket.io clients and a real mediasoup worker', () => {
  let app: TestApp;
  let g: Group;
  let therapist: Person;
  let p1: Person;
  let p2: Person;
  let p3: Person;
  const sockets: Person[] = [];

  beforeAll(async () => {
    app = await startTestApp('postgres', { RECONNECT_GRACE_SECONDS: '30' });
    g = await admittedGroup(app, 3);
    ({ therapist } = g);
    [p1, p2, p3] = g.patients as [Person, Person, Person];
    sockets.push(...g.everyone);
  });
  afterAll(async () => {
    sockets.forEach((p) => p.socket.close());
    await app?.stop();
  });

  const floor = async (p: Person) => ok<FloorView>(await request(p.socket, 'turn:state', { sessionId: g.sessionId }));
  const micPaused = (p: Person) => mediaRoom(app, g.sessionId).isProducerPaused(p.userId, 'mic');

  it('queues raised hands in the order the server receives them and tells everyone', async () => {
    const seen = nextEvent(p3.socket, 'turn:stateChanged', (v) => v.queue.length === 3);
    ok(await request(p2.socket, 'turn:raiseHand', { sessionId: g.sessionId }));
    ok(await request(p1.socket, 'turn:raiseHand', { sessionId: g.sessionId }));
    ok(await request(p3.socket, 'turn:raiseHand', { sessionId: g.sessionId }));
    ok(await request(p2.socket, 'turn:raiseHand', { sessionId: g.sessionId })); // keeps the first place
    expect((await seen).queue.map((q) => q.userId)).toEqual([p2.userId, p1.userId, p3.userId]);
  });

  it('refuses out-of-turn grants by patients and forged user ids, changing nothing', async () => {
    const before = await floor(p1);
    expect(await request(p1.socket, 'turn:grant', { sessionId: g.sessionId, userId: p1.userId })).toMatchObject({
      ok: false,
      error: { code: 'not_moderator' },
    });
    expect(await request(p1.socket, 'turn:grantNext', { sessionId: g.sessionId })).toMatchObject({
      ok: false,
      error: { code: 'not_moderator' },
    });
    expect(await request(p1.socket, 'turn:setTalkingStick', { sessionId: g.sessionId, on: true })).toMatchObject({
      ok: false,
      error: { code: 'not_moderator' },
    });
    expect(await request(p1.socket, 'turn:lowerHand', { sessionId: g.sessionId, userId: p2.userId })).toMatchObject({
      ok: false,
      error: { code: 'not_moderator' },
    });
    expect(await request(p1.socket, 'turn:raiseHand', { sessionId: g.sessionId, userId: p2.userId })).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
    expect(await request(p1.socket, 'turn:release', { sessionId: g.sessionId })).toMatchObject({
      ok: false,
      error: { code: 'turn_not_holder' },
    });
    expect(await request(therapist.socket, 'turn:setTimer', { sessionId: g.sessionId, minutes: 11 })).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
    expect(
      await request(therapist.socket, 'turn:grant', { sessionId: g.sessionId, userId: '00000000-0000-4000-8000-000000000000' }),
    ).toMatchObject({ ok: false, error: { code: 'turn_target_not_present' } });
    const after = await floor(p1);
    expect(after.revision).toBe(before.revision);
    expect(after.queue).toEqual(before.queue);
  });

  describe('talking stick, enforced at the SFU', () => {
    beforeAll(async () => {
      for (const p of g.everyone) {
        ok(await request(p.socket, 'media:createTransport', { sessionId: g.sessionId, direction: 'recv' }));
        ok(await request(p.socket, 'media:setRtpCapabilities', { sessionId: g.sessionId, rtpCapabilities: g.routerRtpCapabilities }));
      }
      let ssrc = 5000;
      for (const p of [p1, p2, therapist]) {
        const send = ok<{ id: string }>(await request(p.socket, 'media:createTransport', { sessionId: g.sessionId, direction: 'send' }));
        ok(
          await request(p.socket, 'media:produce', {
            sessionId: g.sessionId,
            transportId: send.id,
            kind: 'audio',
            source: 'mic',
            rtpParameters: opusSendParameters(ssrc++),
          }),
        );
      }
      await settle(200);
    });

    it('pauses every patient microphone but the holder’s when the stick goes on', async () => {
      expect([micPaused(p1), micPaused(p2), micPaused(therapist)]).toEqual([false, false, false]);
      const pausedAtTherapist = collect(therapist.socket, 'media:consumerPaused');
      const lockedView = nextEvent(p3.socket, 'room:participantUpdated', (e) => e.participant.userId === p1.userId && e.participant.micLocked);
      const view = ok<FloorView>(await request(therapist.socket, 'turn:setTalkingStick', { sessionId: g.sessionId, on: true }));
      expect(view.talkingStick).toBe(true);
      // Enforced on the server before the ack: nobody holds the floor, so no patient is live.
      expect([micPaused(p1), micPaused(p2), micPaused(therapist)]).toEqual([true, true, false]);
      expect((await lockedView).participant).toMatchObject({ micOn: false, micLocked: true });
      await settle(200);
      expect(pausedAtTherapist.filter((e) => e.paused)).toHaveLength(2); // p1's and p2's audio stopped reaching the therapist
      expect(await request(p2.socket, 'media:setSelf', { sessionId: g.sessionId, source: 'mic', on: true })).toMatchObject({
        ok: false,
        error: { code: 'floor_not_held', message: expect.stringContaining(MIC_HOLD_NOTES.talking_stick) },
      });
    });

    it('makes the holder live on grant, and moves the stick with grantNext', async () => {
      const resumed = nextEvent(therapist.socket, 'media:consumerPaused', (e) => !e.paused);
      const v = ok<FloorView>(await request(therapist.socket, 'turn:grant', { sessionId: g.sessionId, userId: p1.userId }));
      expect(v.holderUserId).toBe(p1.userId);
      expect(v.queue.map((q) => q.userId)).toEqual([p2.userId, p3.userId]);
      expect([micPaused(p1), micPaused(p2)]).toEqual([false, true]);
      await resumed;

      const next = ok<FloorView>(await request(therapist.socket, 'turn:grantNext', { sessionId: g.sessionId }));
      expect(next.holderUserId).toBe(p2.userId);
      expect([micPaused(p1), micPaused(p2), micPaused(therapist)]).toEqual([true, false, false]);
      expect(await request(p1.socket, 'media:setSelf', { sessionId: g.sessionId, source: 'mic', on: true })).toMatchObject({
        ok: false,
        error: { code: 'floor_not_held' },
      });
      // The holder may mute and unmute themselves.
      ok(await request(p2.socket, 'media:setSelf', { sessionId: g.sessionId, source: 'mic', on: false }));
      expect(micPaused(p2)).toBe(true);
      ok(await request(p2.socket, 'media:setSelf', { sessionId: g.sessionId, source: 'mic', on: true }));
      expect(micPaused(p2)).toBe(false);

      const released = ok<FloorView>(await request(p2.socket, 'turn:release', { sessionId: g.sessionId }));
      expect(released.holderUserId).toBeNull();
      expect(micPaused(p2)).toBe(true);
    });

    it('gives everyone their microphone back when the stick goes off, moderator mutes still holding', async () => {
      ok(await request(therapist.socket, 'moderation:mute', { sessionId: g.sessionId, userId: p2.userId }));
      ok(await request(therapist.socket, 'turn:setTalkingStick', { sessionId: g.sessionId, on: false }));
      expect(micPaused(p1)).toBe(false); // p1 had it on before the stick
      expect(micPaused(p2)).toBe(true); // muted by the therapist
      expect(await request(p2.socket, 'media:setSelf', { sessionId: g.sessionId, source: 'mic', on: true })).toMatchObject({
        ok: false,
        error: { code: 'mic_locked' },
      });
      ok(await request(therapist.socket, 'moderation:unlockMic', { sessionId: g.sessionId, userId: p2.userId }));
    });
  });

  it('runs a go-around over the patients present, in roster (name) order, with passes', async () => {
    const ended = nextEvent(p1.socket, 'turn:goAroundEnded');
    const start = ok<FloorView>(await request(therapist.socket, 'turn:startGoAround', { sessionId: g.sessionId }));
    const names = new Map(
      ok<{ room: { participants: { userId: string; displayName: string }[] } }>(
        await request(therapist.socket, 'room:join', { sessionId: g.sessionId }),
      ).room.participants.map((p) => [p.userId, p.displayName]),
    );
    const [first, second, third] = [p1, p2, p3].sort((a, b) => names.get(a.userId)!.localeCompare(names.get(b.userId)!, 'en')) as [
      Person,
      Person,
      Person,
    ];
    expect(start.goAround?.order).toEqual([first.userId, second.userId, third.userId]);
    expect(start.holderUserId).toBe(first.userId);
    expect(await request(second.socket, 'turn:pass', { sessionId: g.sessionId })).toMatchObject({
      ok: false,
      error: { code: 'turn_not_holder' },
    });
    ok(await request(first.socket, 'turn:release', { sessionId: g.sessionId })); // spoke
    expect((await floor(third)).holderUserId).toBe(second.userId);
    ok(await request(second.socket, 'turn:pass', { sessionId: g.sessionId }));
    ok(await request(therapist.socket, 'turn:grantNext', { sessionId: g.sessionId })); // the third spoke, the therapist moves on
    expect(await ended).toEqual({ sessionId: g.sessionId, spoken: [first.userId, third.userId], passed: [second.userId] });
    expect(await floor(p2)).toMatchObject({ goAround: null, holderUserId: null });
  });

  it('keeps a reconnecting patient’s place in the queue and sends the full floor on return', async () => {
    expect((await floor(p1)).queue).toEqual([]); // speaking in the round took the hands down
    for (const p of [p2, p3, p1]) ok(await request(p.socket, 'turn:raiseHand', { sessionId: g.sessionId }));
    const queue = (await floor(p1)).queue.map((q) => q.userId);
    expect(queue).toEqual([p2.userId, p3.userId, p1.userId]);
    ok(await request(therapist.socket, 'turn:setTimer', { sessionId: g.sessionId, minutes: 3 }));
    p3.socket.disconnect();
    await settle(200);
    p3.socket = await connectSocket(app.baseUrl, { token: p3.token });
    sockets.push(p3);
    ok(await request(p3.socket, 'room:join', { sessionId: g.sessionId }));
    const v = await floor(p3);
    expect(v.queue.map((q) => q.userId)).toEqual(queue);
    expect(v.turnMinutes).toBe(3);
  });

  it('starts the countdown on grant, visible to all', async () => {
    const seen = nextEvent(p1.socket, 'turn:stateChanged', (v) => v.holderUserId === p2.userId);
    ok(await request(therapist.socket, 'turn:grantNext', { sessionId: g.sessionId }));
    const v = await seen;
    const left = Date.parse(v.turnEndsAt!) - Date.parse(v.serverTime);
    // serverTime is when the view was pushed, a moment after the grant started the clock.
    expect(left).toBeLessThanOrEqual(3 * 60_000);
    expect(left).toBeGreaterThan(3 * 60_000 - 5_000);
  });

  it('takes someone who leaves out of the queue', async () => {
    const seen = nextEvent(therapist.socket, 'turn:stateChanged', (v) => !v.queue.some((q) => q.userId === p1.userId));
    ok(await request(p1.socket, 'room:leave', { sessionId: g.sessionId }));
    expect((await seen).queue.map((q) => q.userId)).toEqual([p3.userId]);
  });
});
