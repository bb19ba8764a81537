import type { CrisisAlertView, CrisisState, FloorView } from '@hearth/protocol';
import { CrisisEventRecord } from '../../src/modules/crisis/entities/crisis-event.entity';
import { admittedGroup, ok, settle, type Group } from '../helpers/facilitation';
import { CONSENT, collect, connectAs, nextEvent, SAFETY, type Person } from '../helpers/room-helpers';
import { request } from '../helpers/socket';
import { DB_KINDS } from '../helpers/test-db';
import { startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(60_000);

/** From press to resolution: withdraw by the patient, resolve with an outcome by a therapist, therapists only. */
describe.each(DB_KINDS)('crisis alerts are withdrawn and resolved (real sockets) — %s', (kind) => {
  let app: TestApp;
  let g: Group;
  let therapist: Person;
  let p1: Person;
  let p2: Person;
  let updatesAtPatients: unknown[][];

  beforeAll(async () => {
    app = await startTestApp(kind);
    g = await admittedGroup(app, 2);
    therapist = g.therapist;
    [p1, p2] = g.patients as [Person, Person];
    updatesAtPatients = g.patients.flatMap((p) => [collect(p.socket, 'crisis:raised'), collect(p.socket, 'crisis:updated')]);
  });
  afterAll(async () => {
    g.everyone.forEach((p) => p.socket.close());
    await app?.stop();
  });

  it('lets a patient withdraw their own press; therapists still see it, marked withdrawn; a new press is a new alert', async () => {
    const { alertId } = ok<{ alertId: string }>(await request(p1.socket, 'crisis:raise', { sessionId: g.sessionId }));
    expect(await request(p2.socket, 'crisis:withdraw', { sessionId: g.sessionId, alertId })).toMatchObject({
      ok: false,
      error: { code: 'crisis_alert_not_found' }, // not theirs: nothing about it leaks
    });
    const updated = nextEvent(therapist.socket, 'crisis:updated', (p) => p.alert.id === alertId);
    const res = ok<{ withdrawnAt: string }>(await request(p1.socket, 'crisis:withdraw', { sessionId: g.sessionId, alertId }));
    expect(res.withdrawnAt).toBeTruthy();
    expect((await updated).alert).toMatchObject({ id: alertId, withdrawnAt: res.withdrawnAt, resolvedAt: null });

    const t = ok<CrisisState>(await request(therapist.socket, 'crisis:state', { sessionId: g.sessionId }));
    expect(t.alerts.find((a) => a.id === alertId)).toMatchObject({ withdrawnAt: res.withdrawnAt });
    // The patient's own view no longer holds it, and pressing again raises a new alert.
    expect(ok<CrisisState>(await request(p1.socket, 'crisis:state', { sessionId: g.sessionId })).alerts).toEqual([]);
    const again = ok<{ alertId: string }>(await request(p1.socket, 'crisis:raise', { sessionId: g.sessionId }));
    expect(again.alertId).not.toBe(alertId);
  });

  it('tells the patient who saw the alert, then that it is resolved; only therapists resolve, with a listed outcome', async () => {
    const { alertId } = ok<{ alertId: string }>(await request(p1.socket, 'crisis:raise', { sessionId: g.sessionId }));
    const seen = nextEvent(p1.socket, 'crisis:acknowledged', (p) => p.alertId === alertId);
    ok(await request(therapist.socket, 'crisis:acknowledge', { sessionId: g.sessionId, alertId }));
    expect((await seen).acknowledgedByName).toMatch(/^Maya/);

    expect(await request(p1.socket, 'crisis:resolve', { sessionId: g.sessionId, alertId, outcome: 'safe_continuing' })).toMatchObject({
      ok: false,
      error: { code: 'not_moderator' },
    });
    expect(await request(therapist.socket, 'crisis:resolve', { sessionId: g.sessionId, alertId, outcome: 'all fine, she said her meds…' })).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
    const resolvedAtP1 = nextEvent(p1.socket, 'crisis:resolved', (p) => p.alertId === alertId);
    const resolvedAtP2 = collect(p2.socket, 'crisis:resolved');
    const view = ok<CrisisAlertView>(
      await request(therapist.socket, 'crisis:resolve', { sessionId: g.sessionId, alertId, outcome: 'followed_up_privately' }),
    );
    expect(view).toMatchObject({ outcome: 'followed_up_privately', resolvedByUserId: therapist.userId });
    expect((await resolvedAtP1).resolvedAt).toBe(view.resolvedAt);
    expect(await request(therapist.socket, 'crisis:resolve', { sessionId: g.sessionId, alertId, outcome: 'safe_continuing' })).toMatchObject({
      ok: false,
      error: { code: 'crisis_already_closed' },
    });
    expect(await request(p1.socket, 'crisis:withdraw', { sessionId: g.sessionId, alertId })).toMatchObject({
      ok: false,
      error: { code: 'crisis_already_closed' },
    });
    await settle();
    expect(resolvedAtP2).toEqual([]);
    expect(updatesAtPatients.flat()).toEqual([]); // therapists' alert updates never reach patients

    const stored = await app.dataSource.getRepository(CrisisEventRecord).findOneByOrFail({ id: alertId });
    expect(stored).toMatchObject({ outcome: 'followed_up_privately', resolvedBy: therapist.userId });
    expect(stored.resolvedAt).toBeInstanceOf(Date);
  });

  it('tells the group when every therapist is in a side room, without naming the patient; the patient leaves the hand queue', async () => {
    ok(await request(p1.socket, 'turn:raiseHand', { sessionId: g.sessionId }));
    const awayAtP2 = nextEvent(p2.socket, 'crisis:therapistAway', (p) => p.away);
    const awayAtP1 = collect(p1.socket, 'crisis:therapistAway');
    ok(
      await request(therapist.socket, 'crisis:moveToSideRoom', {
        sessionId: g.sessionId,
        userId: p1.userId,
        therapistUserIds: [therapist.userId, g.cotherapist.userId],
      }),
    );
    const told = await awayAtP2;
    expect(told.therapistNames).toHaveLength(2);
    expect(JSON.stringify(told)).not.toContain(p1.userId);
    const floor = ok<FloorView>(await request(p2.socket, 'turn:state', { sessionId: g.sessionId }));
    expect(floor.queue.map((q) => q.userId)).not.toContain(p1.userId);

    const backAtP2 = nextEvent(p2.socket, 'crisis:therapistAway', (p) => !p.away);
    ok(await request(therapist.socket, 'crisis:returnToGroup', { sessionId: g.sessionId, userId: p1.userId }));
    await backAtP2;
    await settle();
    // The patient in the side room is not told the group is alone; back in the group, they hear the all-clear like everyone.
    expect(awayAtP1.filter((p) => p.away)).toEqual([]);
  });

  it('a patient arriving while every therapist is in a side room is told so on entering, like those already there', async () => {
    ok(
      await request(therapist.socket, 'crisis:moveToSideRoom', {
        sessionId: g.sessionId,
        userId: p1.userId,
        therapistUserIds: [therapist.userId, g.cotherapist.userId],
      }),
    );
    const late = await connectAs(app, 'patient3@hearth.test');
    try {
      ok(await request(late.socket, 'room:join', { sessionId: g.sessionId, safety: SAFETY, consent: CONSENT }));
      // The therapist admits from the side room (the lobby panel stays with them).
      ok(await request(therapist.socket, 'lobby:admit', { sessionId: g.sessionId, userIds: [late.userId] }));
      const entered = ok<{ crisis: CrisisState }>(await request(late.socket, 'facilitation:state', { sessionId: g.sessionId }));
      expect(entered.crisis.therapistsAway).toHaveLength(2);
      expect(JSON.stringify(entered.crisis)).not.toContain(p1.userId);
      // The patient in the side room is with the therapists: not told.
      expect(ok<CrisisState>(await request(p1.socket, 'crisis:state', { sessionId: g.sessionId })).therapistsAway).toBeNull();

      ok(await request(therapist.socket, 'crisis:returnToGroup', { sessionId: g.sessionId, userId: p1.userId }));
      expect(ok<CrisisState>(await request(late.socket, 'crisis:state', { sessionId: g.sessionId })).therapistsAway).toBeNull();
    } finally {
      late.socket.close();
    }
  });
});
