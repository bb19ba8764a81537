/**
 * Browser side of the media smoke test (bundled with esbuild, served by the
 * test's HTTP server). Sends fake camera + microphone to mediasoup and consumes
 * both back, then exposes receive-side stats to the test through
 * `window.mediaSmoke`.
 */
import { Device } from 'mediasoup-client';
import type { types } from 'mediasoup-client';

/** POSTs JSON to the test server's signalling endpoint and returns its JSON answer. */
async function api<T>(action: string, body: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`/api/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as T & { error?: string };
  if (!response.ok) throw new Error(`${action}: ${json.error ?? response.status}`);
  return json;
}

type TransportOptions = Pick<
  types.TransportOptions,
  'id' | 'iceParameters' | 'iceCandidates' | 'dtlsParameters'
>;

function wireConnect(transport: types.Transport): void {
  transport.on('connect', ({ dtlsParameters }, callback, errback) => {
    api('connectTransport', { transportId: transport.id, dtlsParameters }).then(() => callback(), errback);
  });
}

export interface ReceiveStats {
  videoFramesDecoded: number;
  videoFrameWidth: number;
  audioBytesReceived: number;
  audioPacketsReceived: number;
  /** Frames the <video> element presented (requestVideoFrameCallback). */
  videoFramesPresented: number;
  sendTransportState: string;
  recvTransportState: string;
}

const consumers: types.Consumer[] = [];
let sendTransport: types.Transport | undefined;
let recvTransport: types.Transport | undefined;
let framesPresented = 0;

async function start(): Promise<{ producerIds: string[]; consumerIds: string[] }> {
  const device = new Device();
  await device.load({ routerRtpCapabilities: await api<types.RtpCapabilities>('routerRtpCapabilities') });

  const stream = await navigator.mediaDevices.getUserMedia({
    audio: true,
    video: { width: 640, height: 480, frameRate: 30 },
  });

  sendTransport = device.createSendTransport(await api<TransportOptions>('createTransport'));
  wireConnect(sendTransport);
  sendTransport.on('produce', ({ kind, rtpParameters }, callback, errback) => {
    api<{ id: string }>('produce', { transportId: sendTransport!.id, kind, rtpParameters }).then(callback, errback);
  });

  const audioProducer = await sendTransport.produce({ track: stream.getAudioTracks()[0]! });
  const videoProducer = await sendTransport.produce({ track: stream.getVideoTracks()[0]! });

  recvTransport = device.createRecvTransport(await api<TransportOptions>('createTransport'));
  wireConnect(recvTransport);

  const remote = new MediaStream();
  for (const producer of [audioProducer, videoProducer]) {
    // The server creates the consumer paused; resume it once ours exists.
    const params = await api<types.ConsumerOptions>('consume', {
      transportId: recvTransport.id,
      producerId: producer.id,
      rtpCapabilities: device.recvRtpCapabilities,
    });
    const consumer = await recvTransport.consume(params);
    consumers.push(consumer);
    remote.addTrack(consumer.track);
    await api('resumeConsumer', { consumerId: consumer.id });
  }

  const video = document.createElement('video');
  video.muted = true;
  video.autoplay = true;
  video.playsInline = true;
  video.srcObject = remote;
  document.body.appendChild(video);
  const onFrame = (): void => {
    framesPresented++;
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
  await video.play().catch(() => undefined);

  return { producerIds: [audioProducer.id, videoProducer.id], consumerIds: consumers.map((c) => c.id) };
}

async function stats(): Promise<ReceiveStats> {
  const result: ReceiveStats = {
    videoFramesDecoded: 0,
    videoFrameWidth: 0,
    audioBytesReceived: 0,
    audioPacketsReceived: 0,
    videoFramesPresented: framesPresented,
    sendTransportState: sendTransport?.connectionState ?? 'none',
    recvTransportState: recvTransport?.connectionState ?? 'none',
  };
  for (const consumer of consumers) {
    const report = await consumer.getStats();
    report.forEach((entry: { type: string; kind?: string } & Record<string, unknown>) => {
      if (entry.type !== 'inbound-rtp') return;
      if (entry.kind === 'video') {
        result.videoFramesDecoded += Number(entry.framesDecoded ?? 0);
        result.videoFrameWidth = Number(entry.frameWidth ?? 0);
      } else if (entry.kind === 'audio') {
        result.audioBytesReceived += Number(entry.bytesReceived ?? 0);
        result.audioPacketsReceived += Number(entry.packetsReceived ?? 0);
      }
    });
  }
  return result;
}

declare global {
  interface Window {
    mediaSmoke: { start: typeof start; stats: typeof stats };
  }
}

window.mediaSmoke = { start, stats };
