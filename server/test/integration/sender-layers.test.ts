import type { ConsumerInfo, JoinResult, MediaPrepared } from '@hearth/protocol';
import { request } from '../helpers/socket';
import { collect, CONSENT, connectAs, inProgressGroupSession, nextEvent, SAFETY, type Person } from '../helpers/room-helpers';
import { startTestApp, type TestApp } from '../helpers/test-app';

/** RTP parameters a browser sends for a simulcast VP8 camera: three layers, one SSRC each (lowest first). */
const simulcastCameraParameters = (ssrc: number) => ({
  mid: '1',
  codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, parameters: {}, rtcpFeedback: [] }],
  headerExtensions: [],
  encodings: [
    { ssrc, scaleResolutionDownBy: 4, maxBitrate: 150_000 },
    { ssrc: ssrc + 1, scaleResolutionDownBy: 2, maxBitrate: 400_000 },
    { ssrc: ssrc + 2, scaleResolutionDownBy: 1, maxBitrate: 1_200_000 },
  ],
  rtcp: { cname: `cname-${ssrc}`, reducedSize: true },
});

jest.setTimeout(90_000);

type Ok<T> = { ok: true; data: T };
const ok = <T>(ack: unknown): T => {
  expect(ack).toMatchObject({ ok: true });
  return (ack as Ok<T>).data;
};

/** Lowering waits for SENDER_LAYER_LOWER_AFTER_MS (2 s); a loaded machine may take longer. */
const WAIT_MS = 20_000;

/**
 * Issue 14: the sender encodes only the simulcast layers someone watches. The
 * server works out, per camera, the highest layer any unpaused consumer prefers
 * and pushes `media:producerMaxLayerChanged` to the sender when it changes.
 */
describe('sender layer cap (real sockets, mediasoup, PostgreSQL)', () => {
  let app: TestApp;
  let sessionId: string;
  let therapist: Person;
  let p1: Person;
  const people: Person[] = [];

  beforeAll(async () => {
    app = await startTestApp('postgres');
    therapist = await connectAs(app, 'therapist@hearth.test');
    p1 = await connectAs(app, 'patient1@hearth.test');
    people.push(therapist, p1);
    sessionId = await inProgressGroupSession(app, therapist.token);
  });
  afterAll(async () => {
    people.forEach((p) => p.socket.close());
    await app?.stop();
  });

  it('tells the sender the top layer anyone watches, lowering after a hold and raising at once; nobody else hears it', async () => {
    const caps = ok<{ routerRtpCapabilities: Record<string, unknown> }>(await request(therapist.socket, 'media:capabilities', {})).routerRtpCapabilities;
    const t = ok<Extract<JoinResult, { status: 'admitted' }>>(
      await request(therapist.socket, 'room:join', { sessionId, media: { rtpCapabilities: caps, send: true } }),
    );
    const atPatient = collect(p1.socket, 'media:producerMaxLayerChanged');
    const cap = (spatialLayer: number) =>
      nextEvent(therapist.socket, 'media:producerMaxLayerChanged', (p) => p.sessionId === sessionId && p.spatialLayer === spatialLayer, WAIT_MS);

    // Alone in the room: nobody watches the camera, so it drops to the smallest layer.
    const nobodyWatches = cap(0);
    const { producerId } = ok<{ producerId: string }>(
      await request(therapist.socket, 'media:produce', {
        sessionId,
        transportId: t.media!.send!.id,
        kind: 'video',
        source: 'camera',
        rtpParameters: simulcastCameraParameters(5001),
      }),
    );
    expect(await nobodyWatches).toEqual({ sessionId, producerId, spatialLayer: 0 });

    // A patient comes in and receives it. Until the browser states a tile size the SFU forwards the
    // smallest layer (the first key frame comes soonest), so the sender's encoder is left as it is:
    // no new layers and key frames at the moment the newcomer waits for its first one.
    ok(await request(p1.socket, 'room:join', { sessionId, safety: SAFETY, consent: CONSENT }));
    ok(await request(therapist.socket, 'lobby:admit', { sessionId, userIds: [p1.userId] }));
    const prepared = ok<MediaPrepared>(await request(p1.socket, 'media:prepare', { sessionId, rtpCapabilities: caps, send: false }));
    const camera = prepared.consumers.find((c: ConsumerInfo) => c.producerId === producerId)!;
    expect(camera).toBeDefined();
    const changes = collect(therapist.socket, 'media:producerMaxLayerChanged');
    ok(await request(p1.socket, 'media:resumeConsumer', { sessionId, consumerId: camera.consumerId }));

    // A middle-sized tile: the sender adds the middle layer, and that is the first change it hears.
    const middle = cap(1);
    ok(await request(p1.socket, 'media:setPreferredLayers', { sessionId, consumerId: camera.consumerId, spatialLayer: 1 }));
    expect(await middle).toMatchObject({ producerId, spatialLayer: 1 });
    expect(changes.map((c) => c.spatialLayer)).toEqual([1]);

    // Scrolled off screen: a paused consumer does not count.
    const hidden = cap(0);
    ok(await request(p1.socket, 'media:setConsumerVisible', { sessionId, consumerId: camera.consumerId, visible: false }));
    expect(await hidden).toMatchObject({ producerId, spatialLayer: 0 });
    const shown = cap(1);
    ok(await request(p1.socket, 'media:setConsumerVisible', { sessionId, consumerId: camera.consumerId, visible: true }));
    expect(await shown).toMatchObject({ producerId, spatialLayer: 1 });

    // Watched large again: the top layer comes back.
    const large = cap(2);
    ok(await request(p1.socket, 'media:setPreferredLayers', { sessionId, consumerId: camera.consumerId, spatialLayer: 2 }));
    expect(await large).toMatchObject({ producerId, spatialLayer: 2 });

    // The only viewer leaves: back to the smallest layer.
    const left = cap(0);
    ok(await request(p1.socket, 'room:leave', { sessionId }));
    expect(await left).toMatchObject({ producerId, spatialLayer: 0 });

    expect(atPatient).toEqual([]);
  });
});
