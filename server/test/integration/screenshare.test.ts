/**
 * Screen sharing rules on the server (real app, real mediasoup worker, real
 * sockets): therapists share; a patient only once allowed; nobody else takes
 * over without a therapist; only the current sharer may send a `screen`
 * producer (nor its `screenAudio`, the share's sound); everyone in the room
 * hears of each change; the share's video and sound reach the others and
 * close together when it stops; the talking stick does not silence it.
 */
import type { ScreenShareView } from '@hearth/protocol';
import { MediaService } from '../../src/modules/media/media.service';
import { CONSENT, connectAs, inProgressGroupSession, nextEvent, opusSendParameters, SAFETY, type Person } from '../helpers/room-helpers';
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

  // ---- the share's sound (`screenAudio`): same rules and receivers as the screen, closed with it

  // Each producer on one transport has its own MID, as a browser's would.
  const vp8 = (ssrc: number) => ({
    mid: String(ssrc),
    codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, parameters: {}, rtcpFeedback: [] }],
    headerExtensions: [],
    encodings: [{ ssrc }],
    rtcp: { cname: `cname-${ssrc}`, reducedSize: true },
  });
  const sendTransports = new Map<string, string>();
  const sendTransport = async (p: Person) => {
    const known = sendTransports.get(p.userId);
    if (known) return known;
    const t = await request<{ id: string }>(p.socket, 'media:createTransport', { sessionId, direction: 'send' });
    if (!t.ok) throw new Error(JSON.stringify(t));
    sendTransports.set(p.userId, t.data.id);
    return t.data.id;
  };
  const produce = async (p: Person, source: 'mic' | 'screen' | 'screenAudio', ssrc: number, kind = source === 'screen' ? 'video' : 'audio') =>
    request<{ producerId: string }>(p.socket, 'media:produce', {
      sessionId,
      transportId: await sendTransport(p),
      kind,
      source,
      rtpParameters: kind === 'video' ? vp8(ssrc) : { ...opusSendParameters(ssrc), mid: String(ssrc) },
    });
  const sfu = () => app.app.get(MediaService).getRoom(sessionId)!;

  it('only the current sharer may send the share’s sound, and only as audio', async () => {
    const caps = await request<{ room: { routerRtpCapabilities: Record<string, unknown> } }>(therapist.socket, 'room:join', { sessionId });
    if (!caps.ok) throw new Error(JSON.stringify(caps));
    for (const p of [therapist, p1, p2]) {
      expect(await request(p.socket, 'media:createTransport', { sessionId, direction: 'recv' })).toMatchObject({ ok: true });
      expect(await request(p.socket, 'media:setRtpCapabilities', { sessionId, rtpCapabilities: caps.data.room.routerRtpCapabilities })).toMatchObject({ ok: true });
    }
    // Nobody shares: nobody sends screen sound, therapist included.
    expect(await produce(therapist, 'screenAudio', 5001)).toMatchObject({ ok: false, error: { code: 'source_not_allowed' } });
    expect(await start(therapist)).toMatchObject({ ok: true });
    // Someone else (even one allowed to share) cannot slip sound into the therapist's share.
    await request(therapist.socket, 'screen:allow', { sessionId, userId: p1.userId, allowed: true });
    expect(await produce(p1, 'screenAudio', 5002)).toMatchObject({ ok: false, error: { code: 'source_not_allowed' } });
    // The sharer's sound is audio, never video.
    expect(await produce(therapist, 'screenAudio', 5003, 'video')).toMatchObject({ ok: false, error: { code: 'media_invalid_parameters' } });
    expect(await request(therapist.socket, 'screen:stop', { sessionId })).toMatchObject({ ok: true });
  });

  it('the share’s video and sound reach the others, the talking stick leaves them on, and both close when the share stops', async () => {
    expect(await start(p1)).toMatchObject({ ok: true, data: { sharerUserId: p1.userId } });
    const screenAt = (p: Person, source: 'screen' | 'screenAudio') =>
      nextEvent(p.socket, 'media:consumerCreated', (c) => c.consumer.userId === p1.userId && c.consumer.source === source, 15_000);
    const arriving = Promise.all([screenAt(therapist, 'screen'), screenAt(therapist, 'screenAudio'), screenAt(p2, 'screen'), screenAt(p2, 'screenAudio')]);
    expect(await produce(p1, 'mic', 6001)).toMatchObject({ ok: true });
    expect(await produce(p1, 'screen', 6002)).toMatchObject({ ok: true });
    expect(await produce(p1, 'screenAudio', 6003)).toMatchObject({ ok: true });
    const [, tAudio, , p2Audio] = await arriving;
    expect(p2Audio.consumer).toMatchObject({ kind: 'audio', source: 'screenAudio', userId: p1.userId });
    expect(tAudio.consumer.kind).toBe('audio');

    // The talking stick holds p1's microphone off at the SFU, not the screen's sound.
    expect(await request(therapist.socket, 'turn:setTalkingStick', { sessionId, on: true })).toMatchObject({ ok: true });
    expect(sfu().isProducerPaused(p1.userId, 'mic')).toBe(true);
    expect(sfu().isProducerPaused(p1.userId, 'screenAudio')).toBe(false);
    expect(sfu().isProducerPaused(p1.userId, 'screen')).toBe(false);
    expect(await request(therapist.socket, 'turn:setTalkingStick', { sessionId, on: false })).toMatchObject({ ok: true });

    // Stopping the share closes its sound too, for every receiver.
    const closedAtP2 = nextEvent(p2.socket, 'media:consumerClosed', (c) => c.consumerId === p2Audio.consumer.consumerId, 15_000);
    const closedAtTherapist = nextEvent(therapist.socket, 'media:consumerClosed', (c) => c.consumerId === tAudio.consumer.consumerId, 15_000);
    expect(await request(p1.socket, 'screen:stop', { sessionId })).toMatchObject({ ok: true, data: { sharerUserId: null } });
    await Promise.all([closedAtP2, closedAtTherapist]);
    expect(sfu().isProducerPaused(p1.userId, 'screenAudio')).toBeUndefined();
    expect(sfu().isProducerPaused(p1.userId, 'screen')).toBeUndefined();
    // …and the microphone is still there.
    expect(sfu().isProducerPaused(p1.userId, 'mic')).not.toBeUndefined();
    // With the share over, the sound is refused again.
    expect(await produce(p1, 'screenAudio', 6004)).toMatchObject({ ok: false, error: { code: 'source_not_allowed' } });
  });
});
