import type { ParticipantView } from '@hearth/protocol';
import { request } from '../helpers/socket';
import { collect, CONSENT, connectAs, inProgressGroupSession, nextEvent, opusSendParameters, SAFETY, type Person } from '../helpers/room-helpers';
import { startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(90_000);

/** Waits (generously) until `done` holds; the assertion after it says what was expected. */
async function until(done: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!done() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
}

type Ok<T> = { ok: true; data: T };
const ok = <T>(ack: unknown): T => {
  expect(ack).toMatchObject({ ok: true });
  return (ack as Ok<T>).data;
};

/**
 * Mute all on a real server, PostgreSQL and a real mediasoup worker: every
 * patient's microphone goes off at the SFU, therapists keep theirs, each
 * patient is told who muted them, and may unmute again unless locked.
 */
describe('mute all (therapists of the session only)', () => {
  let app: TestApp;
  let sessionId: string;
  let therapist: Person;
  let cotherapist: Person;
  let p1: Person;
  let p2: Person;
  let p3: Person;
  const people: Person[] = [];

  /** Joins the recv side and produces a microphone (on, or off with `paused`). */
  async function produceMic(p: Person, caps: Record<string, unknown>, ssrc: number, paused = false): Promise<void> {
    ok(await request(p.socket, 'media:createTransport', { sessionId, direction: 'recv' }));
    ok(await request(p.socket, 'media:setRtpCapabilities', { sessionId, rtpCapabilities: caps }));
    const send = ok<{ id: string }>(await request(p.socket, 'media:createTransport', { sessionId, direction: 'send' }));
    ok(await request(p.socket, 'media:produce', { sessionId, transportId: send.id, kind: 'audio', source: 'mic', rtpParameters: opusSendParameters(ssrc), paused }));
  }

  async function participants(p: Person): Promise<ParticipantView[]> {
    return ok<{ room: { participants: ParticipantView[] } }>(await request(p.socket, 'room:join', { sessionId })).room.participants;
  }

  beforeAll(async () => {
    app = await startTestApp('postgres');
    therapist = await connectAs(app, 'therapist@hearth.test');
    cotherapist = await connectAs(app, 'cotherapist@hearth.test');
    p1 = await connectAs(app, 'patient1@hearth.test');
    p2 = await connectAs(app, 'patient2@hearth.test');
    p3 = await connectAs(app, 'patient3@hearth.test');
    people.push(therapist, cotherapist, p1, p2, p3);
    sessionId = await inProgressGroupSession(app, therapist.token);

    const caps = ok<{ room: { routerRtpCapabilities: Record<string, unknown> } }>(await request(therapist.socket, 'room:join', { sessionId })).room
      .routerRtpCapabilities;
    ok(await request(cotherapist.socket, 'room:join', { sessionId }));
    for (const p of [p1, p2, p3]) ok(await request(p.socket, 'room:join', { sessionId, safety: SAFETY, consent: CONSENT }));
    ok(await request(therapist.socket, 'lobby:admit', { sessionId, userIds: 'all' }));
    await produceMic(therapist, caps, 1001);
    await produceMic(cotherapist, caps, 1002);
    await produceMic(p1, caps, 1003);
    await produceMic(p2, caps, 1004);
    await produceMic(p3, caps, 1005, true); // already muted by themselves
  });
  afterAll(async () => {
    people.forEach((p) => p.socket.close());
    await app?.stop();
  });

  it('refuses patients', async () => {
    expect(await request(p1.socket, 'moderation:muteAll', { sessionId })).toMatchObject({ ok: false, error: { code: 'not_moderator' } });
    expect((await participants(p1)).find((p) => p.userId === p2.userId)).toMatchObject({ micOn: true });
  });

  it('mutes every patient whose mic is on, not the therapists, and tells each who did it', async () => {
    const toP1 = nextEvent(p1.socket, 'moderation:mutedByTherapist', () => true, 20_000);
    const toP3 = collect(p3.socket, 'moderation:mutedByTherapist');
    const toCo = collect(cotherapist.socket, 'moderation:mutedByTherapist');
    const p2Updated = nextEvent(cotherapist.socket, 'room:participantUpdated', (p) => p.participant.userId === p2.userId && !p.participant.micOn, 20_000);
    const pausedAtTherapist = collect(therapist.socket, 'media:consumerPaused');
    const result = ok<{ muted: string[]; alreadyMuted: number; locked: boolean }>(await request(therapist.socket, 'moderation:muteAll', { sessionId }));
    await until(() => pausedAtTherapist.filter((p) => p.paused).length >= 2);
    expect(pausedAtTherapist.filter((p) => p.paused).length).toBeGreaterThanOrEqual(2); // the SFU stopped forwarding both mics
    expect(result.muted.sort()).toEqual([p1.userId, p2.userId].sort());
    expect(result).toMatchObject({ alreadyMuted: 1, locked: false });
    expect(await toP1).toMatchObject({ sessionId, locked: false, byName: expect.any(String) });
    expect((await toP1).byName.length).toBeGreaterThan(0);
    expect((await p2Updated).participant).toMatchObject({ micOn: false, micLocked: false });

    const seen = await participants(therapist);
    const byId = new Map(seen.map((p) => [p.userId, p]));
    expect(byId.get(therapist.userId)).toMatchObject({ micOn: true });
    expect(byId.get(cotherapist.userId)).toMatchObject({ micOn: true });
    for (const p of [p1, p2, p3]) expect(byId.get(p.userId)).toMatchObject({ micOn: false, micLocked: false });
    expect(toP3).toEqual([]); // nothing changed for p3: no notice
    expect(toCo).toEqual([]);
  });

  it('lets a patient unmute again after an unlocked mute all', async () => {
    ok(await request(p1.socket, 'media:setSelf', { sessionId, source: 'mic', on: true }));
    expect((await participants(p1)).find((p) => p.userId === p1.userId)).toMatchObject({ micOn: true });
  });

  it('with lock, mutes and locks every patient until a therapist unlocks them', async () => {
    const toP2 = nextEvent(p2.socket, 'moderation:mutedByTherapist', (p) => p.locked, 20_000);
    const result = ok<{ muted: string[]; alreadyMuted: number; locked: boolean }>(
      await request(cotherapist.socket, 'moderation:muteAll', { sessionId, lock: true }),
    );
    expect(result.muted.sort()).toEqual([p1.userId, p2.userId, p3.userId].sort());
    expect(result).toMatchObject({ alreadyMuted: 0, locked: true });
    await toP2;
    expect(await request(p1.socket, 'media:setSelf', { sessionId, source: 'mic', on: true })).toMatchObject({ ok: false, error: { code: 'mic_locked' } });
    const seen = await participants(therapist);
    expect(seen.find((p) => p.userId === therapist.userId)).toMatchObject({ micOn: true, micLocked: false });
    expect(seen.find((p) => p.userId === cotherapist.userId)).toMatchObject({ micOn: true, micLocked: false });

    // Again: nothing left to mute.
    expect(ok(await request(therapist.socket, 'moderation:muteAll', { sessionId, lock: true }))).toMatchObject({ muted: [], alreadyMuted: 3 });
    ok(await request(therapist.socket, 'moderation:unlockMic', { sessionId, userId: p1.userId }));
    ok(await request(p1.socket, 'media:setSelf', { sessionId, source: 'mic', on: true }));
  });

  it('rejects a malformed payload without touching anyone', async () => {
    expect(await request(therapist.socket, 'moderation:muteAll', { sessionId: 'x' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await request(therapist.socket, 'moderation:muteAll', { sessionId, lock: 'yes' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect((await participants(p1)).find((p) => p.userId === p1.userId)).toMatchObject({ micOn: true });
  });
});
