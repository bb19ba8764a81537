import { MIC_HOLD_NOTES, type RoleplayState, type RoleplayView, type ScenarioView } from '@hearth/protocol';
import { RoomsService } from '../../src/modules/rooms/rooms.service';
import { admittedGroup, mediaRoom, ok, settle, type Group } from '../helpers/facilitation';
import { collect, nextEvent, opusSendParameters, type Person } from '../helpers/room-helpers';
import { connectSocket, request } from '../helpers/socket';
import { api, login, startTestApp, type TestApp } from '../helpers/test-app';
import { DB_KINDS } from '../helpers/test-db';

jest.setTimeout(90_000);

const scenarioBody = {
  title: 'Asking for a day off',
  skill: 'dear_man',
  setting: 'Your manager’s office, Monday morning.',
  roles: [
    { key: 'asker', name: 'Employee', instructions: 'INSTR-ASKER: ask for Thursday off for a family session.' },
    { key: 'manager', name: 'Manager', instructions: 'INSTR-MANAGER: be busy and reluctant at first.' },
  ],
  goals: ['Make a clear request'],
  checklist: [
    { key: 'clear', text: 'Clear request' },
    { key: 'calm', text: 'Calm tone' },
  ],
};

describe.each(DB_KINDS)('role-play with real socket.io clients and a real mediasoup worker — %s', (kind) => {
  let app: TestApp;
  let g: Group;
  let therapist: Person;
  let p1: Person;
  let p2: Person;
  let p3: Person;
  let p4: Person;
  let scenarioId: string;
  const sockets: Person[] = [];

  beforeAll(async () => {
    app = await startTestApp(kind, { RECONNECT_GRACE_SECONDS: '30' });
    g = await admittedGroup(app, 4);
    ({ therapist } = g);
    [p1, p2, p3, p4] = g.patients as [Person, Person, Person, Person];
    sockets.push(...g.everyone);
  });
  afterAll(async () => {
    sockets.forEach((p) => p.socket.close());
    await app?.stop();
  });

  const sid = () => g.sessionId;
  const micPaused = (p: Person) => mediaRoom(app, sid()).isProducerPaused(p.userId, 'mic');
  const state = async (p: Person) => ok<RoleplayState>(await request(p.socket, 'roleplay:state', { sessionId: sid() }));
  const refused = (code: string) => ({ ok: false, error: { code } });

  describe('scenario library over HTTP', () => {
    it('lists at least six built-in scenarios to therapists and refuses patients', async () => {
      const list = await api<ScenarioView[]>(app, 'GET', '/api/roleplay/scenarios', { token: therapist.token });
      expect(list.status).toBe(200);
      const builtins = list.body.filter((s) => s.scope === 'builtin');
      expect(builtins.length).toBeGreaterThanOrEqual(6);
      expect(new Set(builtins.map((s) => s.skill)).size).toBeGreaterThanOrEqual(5);
      for (const s of builtins) {
        expect(s.roles.length).toBeGreaterThanOrEqual(2);
        expect(s.roles.length).toBeLessThanOrEqual(4);
        expect(s.checklist.length).toBeGreaterThan(0);
        expect(s.editable).toBe(false);
      }
      expect((await api(app, 'GET', '/api/roleplay/scenarios', { token: p1.token })).status).toBe(403);
      expect((await api(app, 'POST', '/api/roleplay/scenarios', { token: p1.token, body: scenarioBody })).status).toBe(403);
    });

    it('keeps a therapist’s own scenario theirs until an admin shares it with the program', async () => {
      const created = await api<ScenarioView>(app, 'POST', '/api/roleplay/scenarios', { token: therapist.token, body: scenarioBody });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ scope: 'own', editable: true, sharedProgramId: null });
      scenarioId = created.body.id;
      const co = g.cotherapist;
      const coList = await api<ScenarioView[]>(app, 'GET', '/api/roleplay/scenarios', { token: co.token });
      expect(coList.body.some((s) => s.id === scenarioId)).toBe(false);
      expect((await api(app, 'PATCH', `/api/roleplay/scenarios/${scenarioId}`, { token: co.token, body: { title: 'Mine now' } })).body).toMatchObject({
        code: 'roleplay_scenario_not_found',
      });
      const edited = await api<ScenarioView>(app, 'PATCH', `/api/roleplay/scenarios/${scenarioId}`, {
        token: therapist.token,
        body: { title: 'Asking for a day off (v2)' },
      });
      expect(edited.body.title).toBe('Asking for a day off (v2)');
      const bad = await api(app, 'PATCH', `/api/roleplay/scenarios/${scenarioId}`, { token: therapist.token, body: { roles: [scenarioBody.roles[0]] } });
      expect(bad.status).toBe(400);

      const admin = await login(app, 'admin@hearth.test');
      const adminList = await api<ScenarioView[]>(app, 'GET', '/api/roleplay/scenarios', { token: admin.accessToken });
      expect(adminList.body.some((s) => s.id === scenarioId)).toBe(true);
      const programId = (await app.dataSource.query(`SELECT program_id FROM sessions WHERE id = $1`, [sid()]))[0].program_id as string;
      const selfShare = await api(app, 'PATCH', `/api/roleplay/scenarios/${scenarioId}`, { token: therapist.token, body: { sharedProgramId: programId } });
      expect(selfShare).toMatchObject({ status: 403, body: { code: 'forbidden' } });
      const shared = await api<ScenarioView>(app, 'PATCH', `/api/roleplay/scenarios/${scenarioId}`, {
        token: admin.accessToken,
        body: { sharedProgramId: programId },
      });
      expect(shared.body.sharedProgramId).toBe(programId);
      const coAfter = await api<ScenarioView[]>(app, 'GET', '/api/roleplay/scenarios', { token: co.token });
      expect(coAfter.body.find((s) => s.id === scenarioId)).toMatchObject({ scope: 'program', editable: false });
    });
  });

  describe('a live exercise', () => {
    const seen: { who: Person; payloads: unknown[] }[] = [];

    beforeAll(async () => {
      // Record everything each patient receives about role-play, to prove nothing leaks.
      for (const p of g.patients) {
        const payloads: unknown[] = [];
        for (const e of ['roleplay:stateChanged', 'roleplay:yourRole', 'roleplay:debriefShown'] as const) {
          (p.socket as unknown as { on(e: string, h: (x: unknown) => void): void }).on(e, (x) => payloads.push(x));
        }
        seen.push({ who: p, payloads });
      }
      for (const p of g.everyone) {
        ok(await request(p.socket, 'media:createTransport', { sessionId: sid(), direction: 'recv' }));
        ok(await request(p.socket, 'media:setRtpCapabilities', { sessionId: sid(), rtpCapabilities: g.routerRtpCapabilities }));
      }
      let ssrc = 7000;
      for (const p of [p1, p2, p3, p4]) {
        const send = ok<{ id: string }>(await request(p.socket, 'media:createTransport', { sessionId: sid(), direction: 'send' }));
        ok(
          await request(p.socket, 'media:produce', {
            sessionId: sid(),
            transportId: send.id,
            kind: 'audio',
            source: 'mic',
            rtpParameters: opusSendParameters(ssrc++),
            paused: p === p4, // p4 keeps their microphone off throughout
          }),
        );
      }
      await settle(200);
    });

    it('refuses patients and a second exercise, and casting someone not in the room; nothing changes', async () => {
      expect(await request(p1.socket, 'roleplay:start', { sessionId: sid(), scenarioId })).toMatchObject(refused('not_moderator'));
      // An exercise cut off by a server restart (open in the record, not live) does not block the session.
      await app.dataSource.query(
        `INSERT INTO roleplay_exercises (id, session_id, scenario, started_by, started_at) VALUES (gen_random_uuid(), $1, '{}'::jsonb, $2, now() - interval '1 hour')`,
        [sid(), therapist.userId],
      );
      expect((await state(p1)).exercise).toBeNull();
      const started = nextEvent(p2.socket, 'roleplay:stateChanged');
      const v = ok<RoleplayView>(await request(therapist.socket, 'roleplay:start', { sessionId: sid(), scenarioId }));
      expect(v.scenario.roles).toEqual([
        { key: 'asker', name: 'Employee' },
        { key: 'manager', name: 'Manager' },
      ]);
      expect((await started).exercise?.exerciseId).toBe(v.exerciseId);
      expect(await request(therapist.socket, 'roleplay:start', { sessionId: sid(), scenarioId })).toMatchObject(refused('roleplay_already_active'));
      expect(
        await request(therapist.socket, 'roleplay:assign', {
          sessionId: sid(),
          assignments: [{ roleKey: 'asker', userId: '00000000-0000-4000-8000-000000000000' }],
        }),
      ).toMatchObject(refused('roleplay_target_not_present'));
      expect(await request(p1.socket, 'roleplay:assign', { sessionId: sid(), assignments: [{ roleKey: 'asker', userId: p1.userId }] })).toMatchObject(
        refused('not_moderator'),
      );
      expect(await request(therapist.socket, 'roleplay:startScene', { sessionId: sid(), durationSeconds: 60 })).toMatchObject(
        refused('roleplay_roles_unassigned'),
      );
      expect((await state(p1)).exercise?.revision).toBe(v.revision);
      const rows = await app.dataSource.query(`SELECT count(*)::int AS n FROM roleplay_exercises WHERE session_id = $1 AND ended_at IS NULL`, [sid()]);
      expect(rows[0].n).toBe(1);
    });

    it('tells each player only their own role’s instructions', async () => {
      const p1Role = nextEvent(p1.socket, 'roleplay:yourRole');
      const p2Role = nextEvent(p2.socket, 'roleplay:yourRole');
      const v = ok<RoleplayView>(
        await request(therapist.socket, 'roleplay:assign', {
          sessionId: sid(),
          assignments: [
            { roleKey: 'asker', userId: p1.userId },
            { roleKey: 'manager', userId: p2.userId },
          ],
        }),
      );
      expect(v.observerUserIds.sort()).toEqual([therapist.userId, g.cotherapist.userId, p3.userId, p4.userId].sort());
      expect((await p1Role).role?.instructions).toContain('INSTR-ASKER');
      expect((await p2Role).role?.instructions).toContain('INSTR-MANAGER');
      expect((await state(p1)).yourRole?.role?.key).toBe('asker');
      expect((await state(p3)).yourRole).toBeNull();
      expect((await state(p3)).therapist).toBeUndefined();
      expect((await state(therapist)).therapist?.roles.map((r) => r.key)).toEqual(['asker', 'manager']);
    });

    it('holds observers’ microphones off at the SFU during the scene and gives them back as they were', async () => {
      expect([micPaused(p1), micPaused(p2), micPaused(p3), micPaused(p4)]).toEqual([false, false, false, true]);
      expect(await request(p1.socket, 'roleplay:startScene', { sessionId: sid(), durationSeconds: 60 })).toMatchObject(refused('not_moderator'));
      const v = ok<RoleplayView>(await request(therapist.socket, 'roleplay:startScene', { sessionId: sid(), durationSeconds: 60 }));
      expect(v.scene.status).toBe('running');
      expect(v.spotlightUserIds.sort()).toEqual([p1.userId, p2.userId].sort());
      expect([micPaused(p1), micPaused(p2), micPaused(p3), micPaused(p4)]).toEqual([false, false, true, true]);
      // The reason is the shared rule's (packages/protocol mic-rules), the words the client shows under the button.
      expect(await request(p3.socket, 'media:setSelf', { sessionId: sid(), source: 'mic', on: true })).toMatchObject({
        ok: false,
        error: { code: 'floor_not_held', message: expect.stringContaining(MIC_HOLD_NOTES.scene) },
      });
      // Paused is still the scene: observers stay muted.
      ok(await request(therapist.socket, 'roleplay:pauseScene', { sessionId: sid() }));
      expect(micPaused(p3)).toBe(true);
      ok(await request(therapist.socket, 'roleplay:resumeScene', { sessionId: sid() }));
      expect(await request(p1.socket, 'roleplay:endScene', { sessionId: sid() })).toMatchObject(refused('not_moderator'));
      ok(await request(therapist.socket, 'roleplay:endScene', { sessionId: sid() }));
      expect([micPaused(p1), micPaused(p2), micPaused(p3), micPaused(p4)]).toEqual([false, false, false, true]);
    });

    it('composes with the talking stick: a mic is live only if both allow it', async () => {
      ok(await request(therapist.socket, 'turn:setTalkingStick', { sessionId: sid(), on: true }));
      ok(await request(therapist.socket, 'turn:grant', { sessionId: sid(), userId: p3.userId }));
      ok(await request(therapist.socket, 'roleplay:startScene', { sessionId: sid(), durationSeconds: 60 }));
      // p1 plays but has no floor; p3 holds the floor but observes.
      expect([micPaused(p1), micPaused(p3)]).toEqual([true, true]);
      ok(await request(therapist.socket, 'turn:setTalkingStick', { sessionId: sid(), on: false }));
      expect([micPaused(p1), micPaused(p2), micPaused(p3)]).toEqual([false, false, true]);
      ok(await request(therapist.socket, 'roleplay:endScene', { sessionId: sid() }));
      expect(micPaused(p3)).toBe(false);
      ok(await request(therapist.socket, 'turn:release', { sessionId: sid() }));
    });

    it('takes feedback from observers only and shows an anonymous debrief to everyone', async () => {
      expect(
        await request(p1.socket, 'roleplay:submitFeedback', { sessionId: sid(), playerUserId: p2.userId, checked: ['clear'] }),
      ).toMatchObject(refused('roleplay_not_observer'));
      expect(
        await request(p3.socket, 'roleplay:submitFeedback', { sessionId: sid(), playerUserId: p4.userId, checked: ['clear'] }),
      ).toMatchObject(refused('roleplay_not_a_player'));
      ok(await request(p3.socket, 'roleplay:submitFeedback', { sessionId: sid(), playerUserId: p1.userId, checked: ['clear', 'calm'], note: 'Steady voice' }));
      ok(await request(p4.socket, 'roleplay:submitFeedback', { sessionId: sid(), playerUserId: p1.userId, checked: ['calm'] }));
      expect((await state(p3)).myFeedback).toHaveLength(1);
      expect((await state(therapist)).therapist?.feedback).toHaveLength(2);
      expect(await request(p3.socket, 'roleplay:showDebrief', { sessionId: sid() })).toMatchObject(refused('not_moderator'));
      const shown = nextEvent(p2.socket, 'roleplay:debriefShown');
      ok(await request(therapist.socket, 'roleplay:showDebrief', { sessionId: sid() }));
      const { debrief } = await shown;
      expect(debrief.observersResponded).toBe(2);
      expect(debrief.players.find((p) => p.userId === p1.userId)?.checklist.map((c) => c.count)).toEqual([1, 2]);
      expect(JSON.stringify(debrief)).not.toContain(p3.userId);
      expect(JSON.stringify(debrief)).not.toContain('Steady voice');
      const rows = await app.dataSource.query(`SELECT count(*)::int AS n FROM roleplay_feedback`);
      expect(rows[0].n).toBe(2);
    });

    it('swaps roles into a new round and records every round', async () => {
      const p1Role = nextEvent(p1.socket, 'roleplay:yourRole');
      const v = ok<RoleplayView>(await request(therapist.socket, 'roleplay:swapRoles', { sessionId: sid() }));
      expect(v.assignments.map((a) => a.userId)).toEqual([p2.userId, p1.userId]);
      expect(v.debrief).toBeNull();
      expect((await p1Role).role?.key).toBe('manager');
      ok(await request(therapist.socket, 'roleplay:startScene', { sessionId: sid(), durationSeconds: 30 }));
      ok(await request(therapist.socket, 'roleplay:endScene', { sessionId: sid() }));
      const rounds = await app.dataSource.query(`SELECT round, assignments FROM roleplay_rounds ORDER BY round`);
      expect(rounds.map((r: { round: number }) => r.round)).toEqual([1, 2, 3]);
      expect(rounds[2].assignments).toEqual({ asker: p2.userId, manager: p1.userId });
    });

    it('runs breakout pairs in their own sub-rooms, lets the therapist drop in, and brings everyone back', async () => {
      const rooms = app.app.get(RoomsService, { strict: false });
      const v = ok<RoleplayView>(
        await request(therapist.socket, 'roleplay:startBreakouts', {
          sessionId: sid(),
          groups: [
            [p1.userId, p2.userId],
            [p3.userId, p4.userId],
          ],
        }),
      );
      expect(v.breakouts?.map((b) => b.userIds)).toEqual([
        [p1.userId, p2.userId],
        [p3.userId, p4.userId],
      ]);
      const part = (p: Person) => rooms.mediaPartitionOf(sid(), p.userId);
      expect(part(p1)).not.toBeNull();
      expect(part(p1)).toBe(part(p2));
      expect(part(p3)).not.toBe(part(p1));
      expect(part(therapist)).toBeNull();
      const room = mediaRoom(app, sid());
      const producersOf = (viewer: Person) => room.consumersOf(viewer.userId).map((c) => c.producerPeerId);
      await settle(200);
      expect(producersOf(p1)).toEqual([p2.userId]); // pair 2's microphones no longer reach pair 1
      expect((await state(p3)).yourRole).toMatchObject({ breakoutId: 'b2', role: { key: 'asker' } });

      ok(await request(therapist.socket, 'roleplay:joinBreakout', { sessionId: sid(), breakoutId: 'b2' }));
      expect(part(therapist)).toBe(part(p3));
      await settle(200);
      expect(producersOf(therapist).sort()).toEqual([p3.userId, p4.userId].sort());

      // A participant who reconnects lands in their sub-room.
      p3.socket.disconnect();
      await settle(200);
      p3.socket = await connectSocket(app.baseUrl, { token: p3.token });
      sockets.push(p3);
      ok(await request(p3.socket, 'room:join', { sessionId: sid() }));
      await settle(100);
      expect(part(p3)).toBe(part(p4));
      expect((await state(p3)).exercise?.breakouts).toHaveLength(2);

      // A crisis side room wins over the sub-room; closing it puts the patient back in their pair.
      const pair1 = part(p1);
      ok(await request(g.cotherapist.socket, 'crisis:moveToSideRoom', { sessionId: sid(), userId: p1.userId, therapistUserIds: [g.cotherapist.userId] }));
      expect(part(p1)).toBe(part(g.cotherapist));
      expect(part(p1)).not.toBe(pair1);
      await settle(200);
      expect(producersOf(p2)).toEqual([]); // p1's microphone left the pair with them
      ok(await request(g.cotherapist.socket, 'crisis:returnToGroup', { sessionId: sid(), userId: p1.userId }));
      expect(part(p1)).toBe(pair1);
      expect(part(g.cotherapist)).toBeNull();
      await settle(200);
      expect(producersOf(p2)).toEqual([p1.userId]);

      ok(await request(therapist.socket, 'roleplay:returnEveryone', { sessionId: sid() }));
      expect([part(p1), part(p3), part(therapist)]).toEqual([null, null, null]);
      await settle(200);
      expect(producersOf(p1).sort()).toEqual([p2.userId, p4.userId].sort()); // p3's new socket has not produced again
    });

    it('never sent a patient another role’s instructions, and ends for everyone', async () => {
      const ended = nextEvent(p2.socket, 'roleplay:stateChanged', (e) => e.exercise === null);
      ok(await request(therapist.socket, 'roleplay:end', { sessionId: sid() }));
      await ended;
      expect((await state(p1)).exercise).toBeNull();
      expect(await request(therapist.socket, 'roleplay:end', { sessionId: sid() })).toMatchObject(refused('roleplay_no_exercise'));
      for (const { payloads } of seen) {
        const mine = (payloads as { role?: { key?: string } | null }[]).filter((x) => x && 'role' in x && x.role);
        const keys = new Set(mine.map((x) => x.role!.key));
        const text = JSON.stringify(payloads);
        if (!keys.has('asker')) expect(text).not.toContain('INSTR-ASKER');
        if (!keys.has('manager')) expect(text).not.toContain('INSTR-MANAGER');
        expect(text).not.toContain('Steady voice');
      }
      // p4 observed, then played the manager in pair 2: the asker's instructions never reached them.
      expect(JSON.stringify(seen.find((s) => s.who === p4)!.payloads)).not.toContain('INSTR-ASKER');
      const ex = await app.dataSource.query(`SELECT ended_at FROM roleplay_exercises WHERE session_id = $1`, [sid()]);
      expect(ex[0].ended_at).not.toBeNull();
    });
  });
});
