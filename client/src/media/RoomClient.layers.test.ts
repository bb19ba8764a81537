import type { JoinResult, MediaPrepared, TransportInfo } from '@hearth/protocol';
import { FakeSocket, flush, ok } from '../facilitation/fakeSocket';
import { RoomClient } from './RoomClient';

/**
 * jsdom has no WebRTC: mediasoup-client's Device is replaced at the edge by a
 * stand-in whose send transport hands out recording producers. Everything
 * between the socket and the producer is the real RoomClient.
 */
interface FakeProducer {
  id: string;
  kind: string;
  closed: boolean;
  paused: boolean;
  pause: () => void;
  resume: () => void;
  close: () => void;
  setMaxSpatialLayer: jest.Mock<Promise<void>, [number]>;
  codecOptions?: Record<string, unknown>;
}

const produced: FakeProducer[] = [];

function fakeTransport(id: string) {
  const listeners = new Map<string, (...args: unknown[]) => void>();
  return {
    id,
    closed: false,
    on(event: string, fn: (...args: unknown[]) => void) {
      listeners.set(event, fn);
    },
    close() {
      this.closed = true;
    },
    produce(opts: { track: { kind: string }; appData: Record<string, unknown>; codecOptions?: Record<string, unknown> }): Promise<FakeProducer> {
      return new Promise((resolve, reject) => {
        const announce = listeners.get('produce');
        if (!announce) return reject(new Error('no produce listener'));
        announce(
          { kind: opts.track.kind, rtpParameters: { codecs: [] }, appData: opts.appData },
          ({ id: producerId }: { id: string }) => {
            const producer: FakeProducer = {
              id: producerId,
              kind: opts.track.kind,
              closed: false,
              paused: false,
              pause() {
                this.paused = true;
              },
              resume() {
                this.paused = false;
              },
              close() {
                this.closed = true;
              },
              setMaxSpatialLayer: jest.fn<Promise<void>, [number]>().mockResolvedValue(undefined),
              codecOptions: opts.codecOptions,
            };
            produced.push(producer);
            resolve(producer);
          },
          reject,
        );
      });
    },
  };
}

jest.mock('./deviceWarmup', () => ({
  warmUpDevice: () => undefined,
  createDevice: () => ({
    rtpCapabilities: { codecs: [], headerExtensions: [] },
    load: async () => undefined,
    canProduce: () => true,
    createSendTransport: (o: { id: string }) => fakeTransport(o.id),
    createRecvTransport: (o: { id: string }) => fakeTransport(o.id),
  }),
}));

const SESSION = '99999999-9999-4999-8999-999999999999';
const OTHER_SESSION = '00000000-0000-4000-8000-000000000000';
const session = { id: SESSION, title: 'Evening group', kind: 'group' as const, startsAt: '', endsAt: '' };
const transport = (id: string): TransportInfo =>
  ({ id, iceParameters: {}, iceCandidates: [], dtlsParameters: {} }) as unknown as TransportInfo;

function track(kind: 'audio' | 'video') {
  return { kind, enabled: true };
}

async function inRoomSending() {
  produced.length = 0;
  const socket = new FakeSocket({
    'room:join': () =>
      ok<JoinResult>({
        status: 'admitted',
        session,
        room: { selfUserId: 'me', selfRole: 'patient', participants: [], activeSpeakerUserId: null, routerRtpCapabilities: { codecs: [] } },
      }),
    'media:prepare': () => ok<MediaPrepared>({ recv: transport('recv-1'), send: transport('send-1'), consumers: [] }),
    'media:produce': (p) => ok({ producerId: (p as { kind: string }).kind === 'video' ? 'camera-1' : 'mic-1' }),
    'room:leave': () => ok({}),
  });
  const client = new RoomClient(socket.asSocket, SESSION);
  const audio = track('audio');
  const video = track('video');
  client.setLocalStream({
    getTracks: () => [audio, video],
    getAudioTracks: () => [audio],
    getVideoTracks: () => [video],
  } as unknown as MediaStream);
  await client.join({
    safety: { location: 'Home', callbackNumber: '+1 480 555 0134' },
    consent: { telehealthConsentVersion: '2026-11', groupAgreement: true },
  });
  await flush();
  const camera = produced.find((p) => p.kind === 'video');
  const mic = produced.find((p) => p.kind === 'audio');
  if (!camera || !mic) throw new Error(`expected a camera and a mic producer, got ${produced.map((p) => p.id).join(', ')}`);
  return { socket, client, camera, mic };
}

describe('RoomClient: the camera encodes only the layers someone watches', () => {
  it('caps the camera where the server says, and lifts the cap when it says so', async () => {
    const { socket, client, camera } = await inRoomSending();
    expect(socket.requests('media:produce')).toHaveLength(2);

    socket.fire('media:producerMaxLayerChanged', { sessionId: SESSION, producerId: 'camera-1', spatialLayer: 0 });
    expect(camera.setMaxSpatialLayer).toHaveBeenLastCalledWith(0);
    socket.fire('media:producerMaxLayerChanged', { sessionId: SESSION, producerId: 'camera-1', spatialLayer: 2 });
    expect(camera.setMaxSpatialLayer).toHaveBeenLastCalledWith(2);
    expect(camera.setMaxSpatialLayer).toHaveBeenCalledTimes(2);
    client.close();
  });

  it('ignores pushes for another producer (an old camera), another session, or once the camera is gone', async () => {
    const { socket, client, camera, mic } = await inRoomSending();
    socket.fire('media:producerMaxLayerChanged', { sessionId: SESSION, producerId: 'camera-0', spatialLayer: 0 });
    socket.fire('media:producerMaxLayerChanged', { sessionId: OTHER_SESSION, producerId: 'camera-1', spatialLayer: 0 });
    socket.fire('media:producerMaxLayerChanged', { sessionId: SESSION, producerId: 'mic-1', spatialLayer: 0 });
    expect(camera.setMaxSpatialLayer).not.toHaveBeenCalled();
    expect(mic.setMaxSpatialLayer).not.toHaveBeenCalled();

    await client.leave();
    expect(camera.closed).toBe(true);
    socket.fire('media:producerMaxLayerChanged', { sessionId: SESSION, producerId: 'camera-1', spatialLayer: 1 });
    expect(camera.setMaxSpatialLayer).not.toHaveBeenCalled();
    client.close();
  });

  it('survives a browser that refuses to change its encodings', async () => {
    const { socket, client, camera } = await inRoomSending();
    camera.setMaxSpatialLayer.mockRejectedValueOnce(new Error('InvalidStateError'));
    socket.fire('media:producerMaxLayerChanged', { sessionId: SESSION, producerId: 'camera-1', spatialLayer: 1 });
    await flush();
    expect(client.state.phase).toBe('in-room');
    client.close();
  });
});

describe('RoomClient: the microphone', () => {
  it('sends with opus DTX (silence costs a packet per 400 ms) and in-band FEC', async () => {
    const { client, mic, camera } = await inRoomSending();
    expect(mic.codecOptions).toEqual(expect.objectContaining({ opusDtx: true, opusFec: true }));
    expect(camera.codecOptions?.opusDtx).toBeUndefined();
    client.close();
  });
});
