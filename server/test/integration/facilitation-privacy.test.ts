import type { CheckinInfo, CheckinState, CrisisAlertView, CrisisState, SideRoomView } from '@hearth/protocol';
import { CrisisEventRecord } from '../../src/modules/crisis/entities/crisis-event.entity';
import { admittedGroup, mediaRoom, ok, settle, type Group } from '../helpers/facilitation';
import { collect, connectAs, nextEvent, opusSendParameters, SAFETY, type Person } from '../helpers/room-helpers';
import { connectSocket, request } from '../helpers/socket';
import { DB_KINDS } from '../helpers/test-db';
import { startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(60_000);

const NOBODY = '00000000-0000-4000-8000-000000000000';

describe.each(DB_KINDS)('check-ins and crisis alerts reach therapists only (real sockets, PostgreSQL, mediasoup) — %s', (kind) => {
  let app: TestApp;
  let g: Group;
  let therapist: Person;
  let cotherapist: Person;
  let p1: Person;
  let p2: Person;
  let p3: Person;
  const extra: Person[] = [];
  let answeredAtPatients: unknown[][];
  let crisisAtPatients: unknown[][][];

  beforeAll(async () => {
    app = await startTestApp(kind);
    g = await admittedGroup(app, 3);
    ({ therapist, cotherapist } = g);
    [p1, p2, p3] = g.patients as [Person, Person, Person];
    answeredAtPatients = g.patients.map((p) => collect(p.socket, 'checkin:answered'));
    crisisAtPatients = g.patients.map((p) => [collect(p.socket, 'crisis:raised'), collect(p.socket, 'crisis:updated')]);
  });
  afterAll(async () => {
    [...g.everyone, ...extra].forEach((p) => p.socket.close());
    await app?.stop();
  });

  describe('check-ins', () => {
    let checkin: CheckinInfo;
    let earlierSessionId: string;

    beforeAll(async () => {
      // p1 answered a check-in in an earlier session of the same program: the trend shows it.
      const [other] = await app.dataSource.query(
        `SELECT id FROM sessions WHERE program_id = (SELECT program_id FROM sessions WHERE id = $1) AND id <> $1 LIMIT 1`,
        [g.sessionId],
      );
      earlierSessionId = other.id;
      const [c] = await app.dataSource.query(
        `INSERT INTO checkins (session_id, opened_by, opened_at, closed_at) VALUES ($1, $2, now() - interval '2 days', now() - interval '2 days') RETURNING id`,
        [earlierSessionId, therapist.userId],
      );
      await app.dataSource.query(
        `INSERT INTO checkin_answers (checkin_id, session_id, user_id, mood, craving, submitted_at) VALUES ($1, $2, $3, 4, 7, now() - interval '2 days')`,
        [c.id, earlierSessionId, p1.userId],
      );
    });

    it('refuses answers when no check-in is open, and opening by patients', async () => {
      expect(
        await request(p1.socket, 'checkin:submit', { sessionId: g.sessionId, checkinId: NOBODY, mood: 5, craving: 5 }),
      ).toMatchObject({ ok: false, error: { code: 'checkin_not_open' } });
      expect(await request(p1.socket, 'checkin:open', { sessionId: g.sessionId })).toMatchObject({
        ok: false,
        error: { code: 'not_moderator' },
      });
    });

    it('opens a check-in for everyone in the room', async () => {
      const seen = g.patients.map((p) => nextEvent(p.socket, 'checkin:opened'));
      checkin = ok<CheckinInfo>(await request(therapist.socket, 'checkin:open', { sessionId: g.sessionId }));
      for (const e of await Promise.all(seen)) expect(e.checkin.id).toBe(checkin.id);
      expect(await request(cotherapist.socket, 'checkin:open', { sessionId: g.sessionId })).toMatchObject({
        ok: false,
        error: { code: 'checkin_already_open' },
      });
    });

    it('sends each answer, with the patient’s trend, to the therapists and nobody else', async () => {
      const atTherapist = nextEvent(therapist.socket, 'checkin:answered', (e) => e.answer.userId === p1.userId);
      const atCo = nextEvent(cotherapist.socket, 'checkin:answered', (e) => e.answer.userId === p1.userId);
      ok(await request(p1.socket, 'checkin:submit', { sessionId: g.sessionId, checkinId: checkin.id, mood: 6, craving: 3, word: 'tired' }));
      ok(await request(p2.socket, 'checkin:submit', { sessionId: g.sessionId, checkinId: checkin.id, mood: 8, craving: 0 }));
      const [a, b] = await Promise.all([atTherapist, atCo]);
      expect(a.answer).toMatchObject({ mood: 6, craving: 3, word: 'tired', checkinId: checkin.id });
      expect(a.answer.trend).toEqual([expect.objectContaining({ sessionId: earlierSessionId, mood: 4, craving: 7 })]);
      expect(b.answer.userId).toBe(p1.userId);
      await settle();
      expect(answeredAtPatients.map((l) => l.length)).toEqual([0, 0, 0]);
    });

    it('shows a patient only their own answer, and therapists all of them', async () => {
      const own = ok<CheckinState>(await request(p2.socket, 'checkin:state', { sessionId: g.sessionId }));
      expect(own.open?.id).toBe(checkin.id);
      expect(own.mine).toMatchObject({ mood: 8, craving: 0, word: null });
      expect(own.answers).toBeUndefined();
      const none = ok<CheckinState>(await request(p3.socket, 'checkin:state', { sessionId: g.sessionId }));
      expect(none.mine).toBeNull();
      const all = ok<CheckinState>(await request(therapist.socket, 'checkin:state', { sessionId: g.sessionId }));
      expect(all.answers?.map((x) => x.userId).sort()).toEqual([p1.userId, p2.userId].sort());
    });

    it('refuses bad answers without storing them', async () => {
      const bad = [
        { sessionId: g.sessionId, checkinId: checkin.id, mood: 11, craving: 0 },
        { sessionId: g.sessionId, checkinId: checkin.id, mood: 5, craving: -1 },
        { sessionId: g.sessionId, checkinId: checkin.id, mood: 5, craving: 5, userId: p2.userId },
        { sessionId: g.sessionId, checkinId: checkin.id, mood: 5, craving: 5, word: 'w'.repeat(41) },
      ];
      for (const payload of bad) {
        expect(await request(p3.socket, 'checkin:submit', payload)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
      }
      expect(
        await request(therapist.socket, 'checkin:submit', { sessionId: g.sessionId, checkinId: checkin.id, mood: 5, craving: 5 }),
      ).toMatchObject({ ok: false, error: { code: 'checkin_patients_only' } });
      const [row] = await app.dataSource.query('SELECT count(*)::int AS n FROM checkin_answers WHERE checkin_id = $1', [checkin.id]);
      expect(row.n).toBe(2);
    });

    it('closes the check-in; later answers are refused', async () => {
      const closed = nextEvent(p3.socket, 'checkin:closed');
      ok(await request(therapist.socket, 'checkin:close', { sessionId: g.sessionId, checkinId: checkin.id }));
      expect((await closed).checkin.closedAt).toBeTruthy();
      expect(
        await request(p3.socket, 'checkin:submit', { sessionId: g.sessionId, checkinId: checkin.id, mood: 5, craving: 5 }),
      ).toMatchObject({ ok: false, error: { code: 'checkin_not_open' } });
    });
  });

  describe('crisis', () => {
    let alert: { alertId: string; raisedAt: string };

    it('refuses a crisis from someone not in the session, and from therapists', async () => {
      const admin = await connectAs(app, 'admin@hearth.test');
      extra.push(admin);
      expect(await request(admin.socket, 'crisis:raise', { sessionId: g.sessionId })).toMatchObject({
        ok: false,
        error: { code: 'not_a_participant' },
      });
      expect(await request(therapist.socket, 'crisis:raise', { sessionId: g.sessionId })).toMatchObject({
        ok: false,
        error: { code: 'crisis_patients_only' },
      });
      expect(await app.dataSource.getRepository(CrisisEventRecord).count()).toBe(0);
    });

    it('alerts the therapists only, with the safety check’s location and callback number', async () => {
      const atTherapist = nextEvent(therapist.socket, 'crisis:raised');
      const atCo = nextEvent(cotherapist.socket, 'crisis:raised');
      // A frantic double press makes one alert.
      const [first, second] = await Promise.all([
        request(p1.socket, 'crisis:raise', { sessionId: g.sessionId }),
        request(p1.socket, 'crisis:raise', { sessionId: g.sessionId }),
      ]);
      alert = ok(first);
      expect(ok<{ alertId: string }>(second).alertId).toBe(alert.alertId);
      expect(await app.dataSource.getRepository(CrisisEventRecord).countBy({ userId: p1.userId })).toBe(1);
      const [a] = await Promise.all([atTherapist, atCo]);
      expect(a.alert).toMatchObject({
        id: alert.alertId,
        userId: p1.userId,
        location: SAFETY.location,
        callbackNumber: SAFETY.callbackNumber,
        acknowledgedAt: null,
      });
      // Pressing again repeats the same alert.
      expect(ok<{ alertId: string }>(await request(p1.socket, 'crisis:raise', { sessionId: g.sessionId })).alertId).toBe(alert.alertId);
      await settle();
      expect(crisisAtPatients.flat(2)).toEqual([]);
    });

    it('lets a therapist (only) acknowledge it; the patient hears help is coming', async () => {
      expect(await request(p2.socket, 'crisis:acknowledge', { sessionId: g.sessionId, alertId: alert.alertId })).toMatchObject({
        ok: false,
        error: { code: 'not_moderator' },
      });
      const told = nextEvent(p1.socket, 'crisis:acknowledged');
      const view = ok<CrisisAlertView>(await request(therapist.socket, 'crisis:acknowledge', { sessionId: g.sessionId, alertId: alert.alertId }));
      expect(view.acknowledgedByUserId).toBe(therapist.userId);
      expect((await told).alertId).toBe(alert.alertId);
      expect(await request(therapist.socket, 'crisis:acknowledge', { sessionId: g.sessionId, alertId: NOBODY })).toMatchObject({
        ok: false,
        error: { code: 'crisis_alert_not_found' },
      });
      await settle();
      expect(crisisAtPatients.flat(2)).toEqual([]); // no patient hears of it, not even the one who raised it
      const row = await app.dataSource.getRepository(CrisisEventRecord).findOneByOrFail({ id: alert.alertId });
      expect(row).toMatchObject({ userId: p1.userId, raisedBy: p1.userId, acknowledgedBy: therapist.userId });
      expect(row.acknowledgedAt).toBeInstanceOf(Date);
    });

    it('shows patients their own alert only', async () => {
      const own = ok<CrisisState>(await request(p1.socket, 'crisis:state', { sessionId: g.sessionId }));
      expect(own.alerts.map((a) => a.id)).toEqual([alert.alertId]);
      const other = ok<CrisisState>(await request(p2.socket, 'crisis:state', { sessionId: g.sessionId }));
      expect(other).toEqual({ alerts: [], sideRooms: [], therapistsAway: null });
      const t = ok<CrisisState>(await request(cotherapist.socket, 'crisis:state', { sessionId: g.sessionId }));
      expect(t.alerts.map((a) => a.id)).toEqual([alert.alertId]);
    });

    describe('side room', () => {
      const producerOf = new Map<string, string>();
      const peersConsumedBy = (p: Person) =>
        mediaRoom(app, g.sessionId)
          .consumersOf(p.userId)
          .map((c) => c.producerPeerId)
          .sort();
      const ids = (...ps: Person[]) => ps.map((p) => p.userId).sort();

      beforeAll(async () => {
        for (const p of g.everyone) {
          ok(await request(p.socket, 'media:createTransport', { sessionId: g.sessionId, direction: 'recv' }));
          ok(await request(p.socket, 'media:setRtpCapabilities', { sessionId: g.sessionId, rtpCapabilities: g.routerRtpCapabilities }));
        }
        let ssrc = 7000;
        for (const p of g.everyone) {
          const send = ok<{ id: string }>(await request(p.socket, 'media:createTransport', { sessionId: g.sessionId, direction: 'send' }));
          const { producerId } = ok<{ producerId: string }>(
            await request(p.socket, 'media:produce', {
              sessionId: g.sessionId,
              transportId: send.id,
              kind: 'audio',
              source: 'mic',
              rtpParameters: opusSendParameters(ssrc++),
            }),
          );
          producerOf.set(p.userId, producerId);
        }
        await settle(200);
        expect(peersConsumedBy(p2)).toEqual(ids(therapist, cotherapist, p1, p3));
      });

      it('moves the patient and the co-therapist into a room of their own: nobody else receives them, nor they the group', async () => {
        const sideRoomAtP2 = collect(p2.socket, 'crisis:sideRoomChanged');
        const toldP1 = nextEvent(p1.socket, 'crisis:sideRoomChanged');
        const closedAtP3 = collect(p3.socket, 'media:consumerClosed');
        expect(
          await request(p2.socket, 'crisis:moveToSideRoom', { sessionId: g.sessionId, userId: p1.userId }),
        ).toMatchObject({ ok: false, error: { code: 'not_moderator' } });

        const view = ok<SideRoomView>(
          await request(therapist.socket, 'crisis:moveToSideRoom', {
            sessionId: g.sessionId,
            userId: p1.userId,
            therapistUserIds: [cotherapist.userId],
          }),
        );
        expect(view.userIds).toEqual([p1.userId, cotherapist.userId]);
        expect((await toldP1).sideRoom?.userIds).toEqual([p1.userId, cotherapist.userId]);

        // The SFU: p3 no longer consumes p1 or the co-therapist; they consume only each other.
        expect(peersConsumedBy(p3)).toEqual(ids(therapist, p2));
        expect(peersConsumedBy(p1)).toEqual(ids(cotherapist));
        expect(peersConsumedBy(cotherapist)).toEqual(ids(p1));
        expect(peersConsumedBy(therapist)).toEqual(ids(p2, p3));
        await settle(200);
        expect(closedAtP3).toHaveLength(2); // p3's client was told to drop p1's and the co-therapist's audio
        expect(sideRoomAtP2).toHaveLength(0); // other patients are not told

        // Raising the talking stick does not silence the side room.
        ok(await request(therapist.socket, 'turn:setTalkingStick', { sessionId: g.sessionId, on: true }));
        expect(mediaRoom(app, g.sessionId).isProducerPaused(p1.userId, 'mic')).toBe(false);
        expect(mediaRoom(app, g.sessionId).isProducerPaused(p2.userId, 'mic')).toBe(true);
        ok(await request(therapist.socket, 'turn:setTalkingStick', { sessionId: g.sessionId, on: false }));

        expect(
          await request(therapist.socket, 'crisis:moveToSideRoom', { sessionId: g.sessionId, userId: p1.userId }),
        ).toMatchObject({ ok: false, error: { code: 'crisis_already_in_side_room' } });
        expect(
          await request(therapist.socket, 'crisis:moveToSideRoom', { sessionId: g.sessionId, userId: NOBODY }),
        ).toMatchObject({ ok: false, error: { code: 'crisis_not_present' } });
      });

      it('brings them back: everyone receives everyone again', async () => {
        const backAtP3 = nextEvent(p3.socket, 'media:consumerCreated', (e) => e.consumer.producerId === producerOf.get(p1.userId));
        ok(await request(therapist.socket, 'crisis:returnToGroup', { sessionId: g.sessionId, userId: p1.userId }));
        await backAtP3;
        expect(peersConsumedBy(p3)).toEqual(ids(therapist, cotherapist, p1, p2));
        expect(peersConsumedBy(p1)).toEqual(ids(therapist, cotherapist, p2, p3));
        expect(
          await request(therapist.socket, 'crisis:returnToGroup', { sessionId: g.sessionId, userId: p1.userId }),
        ).toMatchObject({ ok: false, error: { code: 'crisis_not_in_side_room' } });
        const row = await app.dataSource.getRepository(CrisisEventRecord).findOneByOrFail({ id: alert.alertId });
        expect(row).toMatchObject({ sideRoomBy: therapist.userId, sideRoomTherapists: [cotherapist.userId], returnedBy: therapist.userId });
        expect(row.sideRoomAt).toBeInstanceOf(Date);
        expect(row.returnedAt).toBeInstanceOf(Date);
      });

      it('lets a therapist in a side room keep hearing the group: the main room’s microphones only, one way', async () => {
        // Not in a side room: nothing to listen from; a patient may not ask at all.
        expect(await request(therapist.socket, 'crisis:listenToGroup', { sessionId: g.sessionId, on: true })).toMatchObject({
          ok: false,
          error: { code: 'crisis_not_present' },
        });
        expect(await request(p2.socket, 'crisis:listenToGroup', { sessionId: g.sessionId, on: true })).toMatchObject({
          ok: false,
          error: { code: 'not_moderator' },
        });
        ok(await request(therapist.socket, 'crisis:moveToSideRoom', { sessionId: g.sessionId, userId: p1.userId, therapistUserIds: [cotherapist.userId] }));
        expect(peersConsumedBy(cotherapist)).toEqual(ids(p1));

        const heard = nextEvent(cotherapist.socket, 'media:consumerCreated', (e) => e.consumer.producerId === producerOf.get(p2.userId));
        expect(ok<{ listening: boolean }>(await request(cotherapist.socket, 'crisis:listenToGroup', { sessionId: g.sessionId, on: true }))).toEqual({
          listening: true,
        });
        await heard;
        // The co-therapist hears the side room and the group's microphones…
        expect(peersConsumedBy(cotherapist)).toEqual(ids(therapist, p1, p2, p3));
        expect(mediaRoom(app, g.sessionId).consumersOf(cotherapist.userId).every((c) => c.source === 'mic')).toBe(true);
        // …while the group still does not hear the side room, and the patient in it does not hear the group.
        expect(peersConsumedBy(p2)).toEqual(ids(therapist, p3));
        expect(peersConsumedBy(p1)).toEqual(ids(cotherapist));
        const state = ok<CrisisState>(await request(cotherapist.socket, 'crisis:state', { sessionId: g.sessionId }));
        expect(state.listeningToGroup).toBe(true);

        ok(await request(cotherapist.socket, 'crisis:listenToGroup', { sessionId: g.sessionId, on: false }));
        expect(peersConsumedBy(cotherapist)).toEqual(ids(p1));

        // Listening again, then back in the group: everyone hears everyone, and listening is off for the next side room.
        ok(await request(cotherapist.socket, 'crisis:listenToGroup', { sessionId: g.sessionId, on: true }));
        ok(await request(therapist.socket, 'crisis:returnToGroup', { sessionId: g.sessionId, userId: p1.userId }));
        expect(peersConsumedBy(p2)).toEqual(ids(therapist, cotherapist, p1, p3));
        expect(ok<CrisisState>(await request(cotherapist.socket, 'crisis:state', { sessionId: g.sessionId })).listeningToGroup).toBe(false);
      });

      it('keeps a side room across the patient’s reconnect, and counts a move without an alert as a crisis event', async () => {
        const moved = ok<SideRoomView>(await request(therapist.socket, 'crisis:moveToSideRoom', { sessionId: g.sessionId, userId: p3.userId }));
        expect(moved.userIds).toEqual([p3.userId, therapist.userId]); // the caller goes by default
        const event = await app.dataSource.getRepository(CrisisEventRecord).findOneByOrFail({ userId: p3.userId });
        expect(event).toMatchObject({ raisedBy: therapist.userId, location: SAFETY.location, sideRoomBy: therapist.userId });

        p3.socket.disconnect();
        await settle(200);
        p3.socket = await connectSocket(app.baseUrl, { token: p3.token });
        extra.push(p3);
        ok(await request(p3.socket, 'room:join', { sessionId: g.sessionId }));
        const state = ok<CrisisState>(await request(p3.socket, 'crisis:state', { sessionId: g.sessionId }));
        expect(state.sideRooms.map((r) => r.userIds)).toEqual([[p3.userId, therapist.userId]]);
        ok(await request(p3.socket, 'media:createTransport', { sessionId: g.sessionId, direction: 'recv' }));
        ok(await request(p3.socket, 'media:setRtpCapabilities', { sessionId: g.sessionId, rtpCapabilities: g.routerRtpCapabilities }));
        const send = ok<{ id: string }>(await request(p3.socket, 'media:createTransport', { sessionId: g.sessionId, direction: 'send' }));
        ok(
          await request(p3.socket, 'media:produce', {
            sessionId: g.sessionId,
            transportId: send.id,
            kind: 'audio',
            source: 'mic',
            rtpParameters: opusSendParameters(7999),
          }),
        );
        await settle(200);
        expect(peersConsumedBy(p3)).toEqual(ids(therapist));
        expect(peersConsumedBy(therapist)).toEqual(ids(p3));
        expect(peersConsumedBy(p2)).toEqual(ids(cotherapist, p1));
        ok(await request(cotherapist.socket, 'crisis:returnToGroup', { sessionId: g.sessionId, userId: p3.userId }));
        expect(peersConsumedBy(p2)).toEqual(ids(therapist, cotherapist, p1, p3));
      });
    });
  });
});
