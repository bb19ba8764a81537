import type { ReactionPush } from '@hearth/protocol';
import { admittedGroup, ok, type Group } from '../helpers/facilitation';
import { CONSENT, collect, connectAs, nextEvent, SAFETY, type Person } from '../helpers/room-helpers';
import { request } from '../helpers/socket';
import { startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(60_000);

/**
 * Reactions (support, agree, thanks, me too): from anyone in the room to everyone in it,
 * the sender included; not from the waiting room, not to it; bad input refused; a budget per
 * person; nothing stored.
 */
describe('reactions in the room', () => {
  let app: TestApp;
  let g: Group;
  let waiting: Person;

  beforeAll(async () => {
    app = await startTestApp('postgres');
    g = await admittedGroup(app, 2);
    waiting = await connectAs(app, 'patient3@hearth.test');
    expect(await request(waiting.socket, 'room:join', { sessionId: g.sessionId, safety: SAFETY, consent: CONSENT })).toMatchObject({ ok: true, data: { status: 'waiting' } });
  });
  afterAll(async () => {
    for (const p of [...(g?.everyone ?? []), waiting]) p?.socket.close();
    await app?.stop();
  });

  it('reaches everyone in the room, the sender too, and nobody in the waiting room', async () => {
    const [p1, p2] = g.patients as [Person, Person];
    const heard = g.everyone.map((p) => nextEvent(p.socket, 'room:reaction', (r) => r.userId === p1.userId));
    const lobby = collect(waiting.socket, 'room:reaction');
    ok(await request(p1.socket, 'room:react', { sessionId: g.sessionId, reaction: 'relate' }));
    const pushes: ReactionPush[] = await Promise.all(heard);
    for (const push of pushes) expect(push).toMatchObject({ sessionId: g.sessionId, userId: p1.userId, reaction: 'relate' });
    expect(Math.abs(Date.parse(pushes[0]!.at) - Date.now())).toBeLessThan(30_000);
    // A therapist's reaction reaches the patients the same way.
    const fromTherapist = nextEvent(p2.socket, 'room:reaction', (r) => r.userId === g.therapist.userId);
    ok(await request(g.therapist.socket, 'room:react', { sessionId: g.sessionId, reaction: 'support' }));
    expect((await fromTherapist).reaction).toBe('support');
    expect(lobby).toEqual([]);
    const rows: { n: number }[] = await app.dataSource.query(`SELECT count(*)::int AS n FROM audit_log WHERE action LIKE '%react%'`);
    expect(rows[0]!.n).toBe(0);
  });

  it('a therapist turns reactions off and on for everyone; a patient cannot; someone entering learns it with the room', async () => {
    const [p1, p2] = g.patients as [Person, Person];
    expect(await request(p1.socket, 'room:setReactionsAllowed', { sessionId: g.sessionId, allowed: false })).toMatchObject({ ok: false, error: { code: 'not_moderator' } });
    const told = g.everyone.map((p) => nextEvent(p.socket, 'room:reactionsAllowedChanged', (e) => e.allowed === false));
    expect(ok<{ allowed: boolean }>(await request(g.therapist.socket, 'room:setReactionsAllowed', { sessionId: g.sessionId, allowed: false }))).toEqual({ allowed: false });
    for (const push of await Promise.all(told)) expect(push).toEqual({ sessionId: g.sessionId, allowed: false });
    expect(await request(p1.socket, 'room:react', { sessionId: g.sessionId, reaction: 'agree' })).toMatchObject({ ok: false, error: { code: 'reactions_off' } });
    expect(await request(g.cotherapist.socket, 'room:react', { sessionId: g.sessionId, reaction: 'agree' })).toMatchObject({ ok: false, error: { code: 'reactions_off' } });
    // p2 leaves and comes back: the room it gets says reactions are off.
    ok(await request(p2.socket, 'room:leave', { sessionId: g.sessionId }));
    const back = ok<{ status: string; room?: { reactionsAllowed?: boolean } }>(await request(p2.socket, 'room:join', { sessionId: g.sessionId, safety: SAFETY, consent: CONSENT }));
    if (back.status === 'waiting') ok(await request(g.therapist.socket, 'lobby:admit', { sessionId: g.sessionId, userIds: [p2.userId] }));
    const rejoined = ok<{ status: string; room?: { reactionsAllowed?: boolean } }>(await request(p2.socket, 'room:join', { sessionId: g.sessionId }));
    expect(rejoined).toMatchObject({ status: 'admitted', room: { reactionsAllowed: false } });
    ok(await request(g.therapist.socket, 'room:setReactionsAllowed', { sessionId: g.sessionId, allowed: true }));
    ok(await request(p1.socket, 'room:react', { sessionId: g.sessionId, reaction: 'agree' }));
    expect(await request(g.therapist.socket, 'room:setReactionsAllowed', { sessionId: g.sessionId, allowed: 'no' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });

  it('refuses the waiting room, other sessions and unknown reactions, and keeps a budget per person', async () => {
    const [, p2] = g.patients as [Person, Person];
    expect(await request(waiting.socket, 'room:react', { sessionId: g.sessionId, reaction: 'agree' })).toMatchObject({ ok: false, error: { code: 'not_admitted' } });
    expect(await request(p2.socket, 'room:react', { sessionId: g.sessionId, reaction: 'applause' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await request(p2.socket, 'room:react', { sessionId: g.sessionId, reaction: 'agree', extra: 1 })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await request(p2.socket, 'room:react', { sessionId: '00000000-0000-4000-8000-000000000000', reaction: 'agree' })).toMatchObject({ ok: false });
    const answers = [];
    for (let i = 0; i < 12; i++) answers.push(await request<Record<string, never>>(p2.socket, 'room:react', { sessionId: g.sessionId, reaction: 'thanks' }));
    expect(answers.filter((a) => a.ok).length).toBeLessThanOrEqual(8);
    expect(answers.at(-1)).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
  });
});
