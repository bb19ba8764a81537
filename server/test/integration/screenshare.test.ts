/**
 * Screen sharing rules on the server (real app, real mediasoup worker, real
 * sockets): therapists share; a patient only once allowed; nobody else takes
 * over without a therapist; only the current sharer may send a `screen`
 * producer; everyone in the room hears of each change.
 */
import type { ScreenShareView } from '@hearth/protocol';
import { CONSENT, connectAs, inProgressGroupSession, nextEvent, SAFETY, type Person } from '../helpers/room-helpers';
import { request } from '../helpers/socket';
import { startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(60_000);

describe('screen sharing rules', () => {
  let app: TestApp;
  let sessionId: string;
  let therapist: Person;
  let p1: Person;
  let p2: Person;

  beforeAll(async () => {
    app = await startTestApp('postgres');
    therapist = await connectAs(app, 'therapist@hearth.test');
    p1 = await connectAs(app, 'patient1@hearth.test');
    p2 = await connectAs(app, 'patient2@hearth.test');
    sessionId = await inProgressGroupSession(app, therapist.token);
    await request(therapist.socket, 'room:join', { sessionId });
    for (const p of [p1, p2]) await request(p.socket, 'room:join', { sessionId, safety: SAFETY, consent: CONSENT });
    await request(therapist.socket, 'lobby:admit', { sessionId, userIds: 'all' });
  });
  afterAll(async () => {
    for (const p of [therapist, p1, p2]) p?.socket.close();
    await app?.stop();
  });

  const start = (p: Person) => request<ScreenShareView>(p.socket, 'screen:start', { sessionId });
  /** A screen producer attempt: refused by the policy before mediasoup sees the parameters. */
  const produceScreen = async (p: Person) => {
    const t = await request<{ id: string }>(p.socket, 'media:createTransport', { sessionId, direction: 'send' });
    if (!t.ok) throw new Error(JSON.stringify(t));
    return request(p.socket, 'media:produce', {
      sessionId,
      transportId: t.data.id,
      kind: 'video',
      source: 'screen',
      rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000 }] },
    });
  };

  it('a patient cannot share or send a screen until a therapist allows it', async () => {
    expect(await start(p1)).toMatchObject({ ok: false, error: { code: 'screen_not_allowed' } });
    expect(await produceScreen(p1)).toMatchObject({ ok: false, error: { code: 'source_not_allowed' } });
    expect(await request(p1.socket, 'screen:allow', { sessionId, userId: p1.userId, allowed: true })).toMatchObject({
      ok: false,
      error: { code: 'not_moderator' },
    });
  });

  it('the therapist shares and everyone is told; a patient cannot take over', async () => {
    const told = nextEvent(p2.socket, 'screen:stateChanged', (v) => v.sharerUserId === therapist.userId);
    expect(await start(therapist)).toMatchObject({ ok: true, data: { sharerUserId: therapist.userId } });
    await told;
    await request(therapist.socket, 'screen:allow', { sessionId, userId: p1.userId, allowed: true });
    expect(await start(p1)).toMatchObject({ ok: false, error: { code: 'screen_busy' } });
    expect(await produceScreen(p1)).toMatchObject({ ok: false, error: { code: 'source_not_allowed' } });
    // A patient cannot stop the therapist's share.
    expect(await request(p2.socket, 'screen:stop', { sessionId, userId: therapist.userId })).toMatchObject({ ok: false });
  });

  it('with the therapist’s say the allowed patient shares; taking permission back stops it', async () => {
    expect(await request(therapist.socket, 'screen:stop', { sessionId })).toMatchObject({ ok: true, data: { sharerUserId: null } });
    expect(await start(p1)).toMatchObject({ ok: true, data: { sharerUserId: p1.userId } });
    const stopped = nextEvent(p1.socket, 'screen:stateChanged', (v) => v.sharerUserId === null);
    expect(await request(therapist.socket, 'screen:allow', { sessionId, userId: p1.userId, allowed: false })).toMatchObject({
      ok: true,
      data: { sharerUserId: null, allowedUserIds: [] },
    });
    await stopped;
  });
});
