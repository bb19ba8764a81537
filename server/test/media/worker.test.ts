/**
 * The media foundation's proof: a real mediasoup-worker (the one
 * scripts/mediasoup-worker.mjs put in place) starts, creates routers and
 * transports, and forwards real RTP packets. No mocks: a broken or missing
 * worker binary fails every test here.
 *
 * DTLS/ICE with a browser is covered by tests/e2e/media-smoke.e2e.ts.
 */
import * as dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';

const mediaCodecs: types.RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
];

/** RTP parameters of the "client" sending opus into a PlainTransport. */
const OPUS_PAYLOAD_TYPE = 111;
const OPUS_SSRC = 0x11223344;
const opusRtpParameters: types.RtpParameters = {
  codecs: [{ mimeType: 'audio/opus', payloadType: OPUS_PAYLOAD_TYPE, clockRate: 48000, channels: 2 }],
  encodings: [{ ssrc: OPUS_SSRC }],
};

/** A 12-byte RTP header plus a small opus payload (TOC byte of a 20 ms SILK frame). */
function rtpPacket(payloadType: number, ssrc: number, sequenceNumber: number, timestamp: number): Buffer {
  const payload = Buffer.from([0x78, ...Array.from({ length: 40 }, (_, i) => (i * 7 + sequenceNumber) & 0xff)]);
  const header = Buffer.alloc(12);
  header[0] = 0x80; // version 2, no padding, no extension, no CSRC
  header[1] = payloadType & 0x7f; // marker 0
  header.writeUInt16BE(sequenceNumber & 0xffff, 2);
  header.writeUInt32BE(timestamp >>> 0, 4);
  header.writeUInt32BE(ssrc >>> 0, 8);
  return Buffer.concat([header, payload]);
}

interface ReceivedRtp {
  payloadType: number;
  ssrc: number;
  sequenceNumber: number;
}

/** A UDP socket on 127.0.0.1 that records the RTP packets (not RTCP) it receives. */
async function openRtpReceiver(): Promise<{ socket: dgram.Socket; port: number; packets: ReceivedRtp[] }> {
  const socket = dgram.createSocket('udp4');
  const packets: ReceivedRtp[] = [];
  socket.on('message', (msg) => {
    if (msg.length < 12 || msg[0]! >> 6 !== 2) return;
    const payloadType = msg[1]! & 0x7f;
    // RTCP packet types 200-204 show up as 72-76 once the marker bit is dropped.
    if (payloadType >= 72 && payloadType <= 76) return;
    packets.push({ payloadType, ssrc: msg.readUInt32BE(8), sequenceNumber: msg.readUInt16BE(2) });
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { socket, port: (socket.address() as AddressInfo).port, packets };
}

async function openSender(): Promise<dgram.Socket> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return socket;
}

/** Sends `count` opus packets 20 ms apart, like a real audio source. */
async function sendOpus(socket: dgram.Socket, port: number, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const packet = rtpPacket(OPUS_PAYLOAD_TYPE, OPUS_SSRC, 1000 + i, 960 * i);
    await new Promise<void>((resolve, reject) =>
      socket.send(packet, port, '127.0.0.1', (error) => (error ? reject(error) : resolve())),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function closeSocket(socket: dgram.Socket): Promise<void> {
  return new Promise((resolve) => socket.close(() => resolve()));
}

describe('mediasoup worker (real binary)', () => {
  const workers: types.Worker[] = [];
  const sockets: dgram.Socket[] = [];

  async function createWorker(): Promise<types.Worker> {
    const worker = await mediasoup.createWorker({ logLevel: 'warn', rtcMinPort: 40000, rtcMaxPort: 49999 });
    workers.push(worker);
    return worker;
  }

  async function track<T extends dgram.Socket | { socket: dgram.Socket }>(value: Promise<T>): Promise<T> {
    const resolved = await value;
    sockets.push('socket' in resolved ? resolved.socket : resolved);
    return resolved;
  }

  afterAll(async () => {
    for (const worker of workers) worker.close();
    await Promise.all(sockets.map(closeSocket));
  });

  it('starts a worker that reports its pid and resource usage', async () => {
    const worker = await createWorker();

    expect(worker.pid).toBeGreaterThan(0);
    expect(worker.closed).toBe(false);
    const usage = await worker.getResourceUsage();
    expect(usage.ru_maxrss).toBeGreaterThan(0);
  });

  it('creates an opus + VP8 router and a WebRtcTransport listening on UDP and TCP', async () => {
    const worker = await createWorker();
    const router = await worker.createRouter({ mediaCodecs });

    const mimeTypes = router.rtpCapabilities.codecs!.map((c) => c.mimeType);
    expect(mimeTypes).toEqual(expect.arrayContaining(['audio/opus', 'video/VP8']));

    const transport = await router.createWebRtcTransport({
      listenInfos: [
        { protocol: 'udp', ip: '127.0.0.1' },
        { protocol: 'tcp', ip: '127.0.0.1' },
      ],
    });
    const candidates = transport.iceCandidates.map((c) => `${c.protocol}:${c.address}`);
    expect(candidates).toEqual(expect.arrayContaining(['udp:127.0.0.1', 'tcp:127.0.0.1']));
    expect(transport.iceParameters.usernameFragment).toBeTruthy();
    expect(transport.dtlsParameters.fingerprints.some((f) => f.algorithm === 'sha-256')).toBe(true);
    expect(transport.dtlsState).toBe('new');

    router.close();
    expect(transport.closed).toBe(true);
  });

  it('forwards RTP sent into a PlainTransport producer to a PlainTransport consumer', async () => {
    const worker = await createWorker();
    const router = await worker.createRouter({ mediaCodecs });

    // RTP in: comedia learns the sender's address from its first packet.
    const inbound = await router.createPlainTransport({
      listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
      rtcpMux: true,
      comedia: true,
    });
    const producer = await inbound.produce({ kind: 'audio', rtpParameters: opusRtpParameters });

    // RTP out to our UDP socket.
    const receiver = await track(openRtpReceiver());
    const outbound = await router.createPlainTransport({
      listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
      rtcpMux: true,
      comedia: false,
    });
    await outbound.connect({ ip: '127.0.0.1', port: receiver.port });
    const consumer = await outbound.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
    expect(consumer.kind).toBe('audio');
    expect(consumer.paused).toBe(false);

    const sent = 50;
    const sender = await track(openSender());
    await sendOpus(sender, inbound.tuple.localPort, sent);
    await waitFor(() => receiver.packets.length >= sent, 3000, `${sent} forwarded RTP packets`);

    // The consumer rewrites payload type and SSRC to what it announced.
    const consumerPayloadType = consumer.rtpParameters.codecs[0]!.payloadType;
    const consumerSsrc = consumer.rtpParameters.encodings![0]!.ssrc;
    expect(receiver.packets).toHaveLength(sent);
    expect(receiver.packets.every((p) => p.payloadType === consumerPayloadType && p.ssrc === consumerSsrc)).toBe(true);
    const sequenceNumbers = receiver.packets.map((p) => p.sequenceNumber);
    expect(new Set(sequenceNumbers).size).toBe(sent);

    const producerStats = await producer.getStats();
    const inboundStream = producerStats.find((s) => s.type === 'inbound-rtp');
    expect(inboundStream).toMatchObject({ type: 'inbound-rtp', ssrc: OPUS_SSRC, packetCount: sent });
    const consumerStats = await consumer.getStats();
    const outboundStream = consumerStats.find((s) => s.type === 'outbound-rtp');
    expect(outboundStream).toMatchObject({ type: 'outbound-rtp', ssrc: consumerSsrc, packetCount: sent });
    expect(outboundStream!.byteCount).toBeGreaterThan(sent * 12);

    inbound.close();
    expect(producer.closed).toBe(true);
    await waitFor(() => consumer.closed, 2000, 'consumer to close with its producer');
  });

  it('forwards RTP between two workers through an SRTP-protected pipe', async () => {
    // pipeToRouter with SRTP runs the worker's libsrtp protect/unprotect path,
    // the part the offline build patches for Debian's libsrtp2.
    const routerA = await (await createWorker()).createRouter({ mediaCodecs });
    const routerB = await (await createWorker()).createRouter({ mediaCodecs });

    const inbound = await routerA.createPlainTransport({
      listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
      rtcpMux: true,
      comedia: true,
    });
    const producer = await inbound.produce({ kind: 'audio', rtpParameters: opusRtpParameters });
    const { pipeConsumer, pipeProducer } = await routerA.pipeToRouter({
      producerId: producer.id,
      router: routerB,
      listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
      enableSrtp: true,
    });
    expect(pipeConsumer).toBeDefined();
    expect(pipeProducer?.id).toBe(producer.id);

    const receiver = await track(openRtpReceiver());
    const outbound = await routerB.createPlainTransport({
      listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
      rtcpMux: true,
      comedia: false,
    });
    await outbound.connect({ ip: '127.0.0.1', port: receiver.port });
    const consumer = await outbound.consume({ producerId: producer.id, rtpCapabilities: routerB.rtpCapabilities });

    const sent = 30;
    const sender = await track(openSender());
    await sendOpus(sender, inbound.tuple.localPort, sent);
    await waitFor(() => receiver.packets.length >= sent, 3000, `${sent} RTP packets through the SRTP pipe`);

    expect(receiver.packets).toHaveLength(sent);
    const pipeProducerStats = await pipeProducer!.getStats();
    expect(pipeProducerStats.find((s) => s.type === 'inbound-rtp')).toMatchObject({ packetCount: sent });
    const consumerStats = await consumer.getStats();
    expect(consumerStats.find((s) => s.type === 'outbound-rtp')).toMatchObject({ packetCount: sent });
  });

  it('closes workers, routers and transports safely more than once', async () => {
    const worker = await createWorker();
    const router = await worker.createRouter({ mediaCodecs });
    const transport = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' } });

    transport.close();
    transport.close();
    router.close();
    router.close();
    worker.close();
    worker.close();

    expect(transport.closed).toBe(true);
    expect(router.closed).toBe(true);
    expect(worker.closed).toBe(true);
    await expect(worker.createRouter({ mediaCodecs })).rejects.toThrow();
  });
});
