#!/usr/bin/env node
// bench/sfu-rooms — how many rooms of 12 one mediasoup worker (one core) forwards.
//
// Each participant sends opus + VP8 through a PlainTransport (synthetic
// pre-encoded RTP from a Node child process) and consumes the other 11 on a
// second PlainTransport that delivers to a counting socket in another child.
// Per number of rooms: worker CPU %, packets forwarded/s, receiver loss % and
// µs of worker CPU per forwarded packet, over plain RTP and over SRTP.
//
// --realistic: senders send simulcast (three VP8 layers, as Hearth's camera
// does) and the run has these passes: everyone receives everyone's top layer
// (full rate, the issue's baseline, microphones without DTX); the same with the
// client's DTX microphones (so the ratio cannot come from audio alone); then rooms
// as they are actually consumed, with DTX microphones as the client ships them
// (half the participants on phones seeing 4 tiles, the other video consumers
// paused at the SFU; the rest on laptops with every tile at the layer the
// client's own layerForTile gives a 12-person grid at 1366×768; audio never
// paused) — and, with --sender-cap, one where each sender also stops its layers
// nobody watches (what the client does on media:producerMaxLayerChanged).
// Rooms per core for each pass, and the ratios against the full-rate pass.
//
//   node bench/sfu-rooms.mjs [--mode plain|srtp|both] [--rooms 1,4,6,8,10,12] [--seconds 10]
//   node bench/sfu-rooms.mjs --realistic [--sender-cap] [--rooms 3,4,5,6] [--realistic-rooms 6,8,10,12]
//
// bench/README.md says what the figures mean, how they are made and how noisy they are.
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { randomInt } from 'node:crypto';
import { busyPercent, cpuTimes, forkChild, machine, pin, processCpu, sleep, udpDrops } from './sfu-rooms/host.mjs';
import {
  AUDIO_LEVEL_EXT_ID,
  AUDIO_LEVEL_URI,
  OPUS_PT,
  SIMULCAST_LAYER_KBPS,
  VP8_PT,
  packetsPerSecondPerParticipant,
  simulcastDeltaFrameBytes,
} from './sfu-rooms/rtp.mjs';
import { SRTP_SUITES, SrtpContext, randomSrtpParameters } from './sfu-rooms/srtp.mjs';
import { buildSink, startReceiver } from './sfu-rooms/receivers.mjs';
import { CLIENT_VIEW, clientLayers } from './sfu-rooms/client-view.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const mediasoup = require(require.resolve('mediasoup', { paths: [path.join(here, '../server')] }));

/**
 * Copy of MEDIA_CODECS in server/src/modules/media/media-types.ts (the server
 * is TypeScript without a build here); keep the two in step.
 */
const MEDIA_CODECS = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2, preferredPayloadType: 100 },
  {
    kind: 'video',
    mimeType: 'video/VP8',
    clockRate: 90000,
    preferredPayloadType: 101,
    parameters: { 'x-google-start-bitrate': 600 },
  },
];

const ROOM_SIZE = 12;
const LOSS_TARGET_PERCENT = 0.5;
/** Forwarded ÷ offered below this: the worker is falling behind (queues growing) even before it drops. */
const KEEPING_UP_PERCENT = 99;
/** A step where the worker waited this long for a core measured the neighbours too. */
const CONTENDED_WAIT_PERCENT = 5;

const { values: args } = parseArgs({
  options: {
    mode: { type: 'string' },
    rooms: { type: 'string' },
    realistic: { type: 'boolean', default: false },
    'realistic-rooms': { type: 'string', default: '6,8,10,12,14' },
    'sender-cap': { type: 'boolean', default: false },
    dtx: { type: 'boolean', default: false },
    'phone-visible': { type: 'string' },
    'phone-layer': { type: 'string' },
    'laptop-layer': { type: 'string' },
    'laptop-dpr': { type: 'string', default: '1' },
    'phone-dpr': { type: 'string', default: '2' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string' },
    'srtp-suite': { type: 'string' },
    'stop-loss': { type: 'string', default: '5' },
    'worker-cpu': { type: 'string', default: '0' },
    'harness-cpu': { type: 'string', default: '1' },
    pin: { type: 'boolean', default: false },
    'port-range': { type: 'string', default: '50000-50999' },
    receiver: { type: 'string', default: 'c' },
    'wait-quiet': { type: 'string', default: '0' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (args.help) {
  console.log(`usage: node bench/sfu-rooms.mjs [options]
  --mode plain|srtp|both     transports without or with SRTP (default both; srtp with --realistic)
  --rooms 1,4,6,8,10,12      room counts to step through, one worker (3,4,5,6,7 with --realistic:
                             its full-rate pass)
  --realistic                simulcast senders; a full-rate pass (no DTX, the issue's baseline),
                             a full-rate pass with DTX microphones, then rooms as they are
                             consumed, with DTX microphones as the client ships them: half the
                             participants on phones (the tiles their grid box shows at the top,
                             the other video consumers paused), half on laptops (every tile); each
                             tile at the
                             layer the client's layerForTile (packages/protocol) gives a grid of
                             12 in the grid box the room lays out (bench/sfu-rooms/client-view.json,
                             checked by tests/e2e/sender-cap.e2e.ts); audio never paused
  --laptop-dpr 1             device pixel ratio of the modelled laptops (1366×768 screens)
  --phone-dpr 2              device pixel ratio of the modelled phones (the client caps it at 2)
  --laptop-layer / --phone-layer N   override the derived layer (what-if runs)
  --phone-visible N          override the derived number of other tiles a phone shows
  --realistic-rooms 6,8,…    room counts for the realistic pass(es)
  --dtx                      without --realistic: opus DTX in every pass (a silent participant
                             sends one audio packet per 400 ms instead of 50/s)
  --sender-cap               with --realistic, one more pass: each sender also stops the simulcast
                             layers above the highest one any unpaused consumer prefers
  --seconds 10               measured seconds per step
  --warmup 3                 unmeasured seconds per step (key frames, consumers syncing; 5 with --realistic)
  --srtp-suite A,B           SRTP suites to run, one pass each, of
                             ${Object.keys(SRTP_SUITES).join(', ')}
                             (default AES_CM_128_HMAC_SHA1_80,AEAD_AES_256_GCM; with --realistic
                             AEAD_AES_256_GCM, what mediasoup and Chrome settle on)
  --stop-loss 5              stop a mode after a step loses more than this %
  --pin                      pin the worker to --worker-cpu (0) and the bench's own processes
                             to --harness-cpu (1); off by default: on a shared machine other
                             load on the worker's CPU then starves it instead of moving it
  --port-range 50000-50999   UDP ports for the worker's transports
  --receiver c|node          receiving side: bench/sfu-rooms/rtp-sink.c (built with cc) or Node
  --wait-quiet 0             before each step, wait up to this many seconds for the rest of
                             the machine to use < 25 % of a core (shared dev machines)`);
  process.exit(0);
}

const modeArg = args.mode ?? (args.realistic ? 'srtp' : 'both');
const modes = modeArg === 'both' ? ['plain', 'srtp'] : [modeArg];
if (!modes.every((m) => m === 'plain' || m === 'srtp')) fail(`--mode must be plain, srtp or both, not ${modeArg}`);
const srtpSuites = (args['srtp-suite'] ?? (args.realistic ? 'AEAD_AES_256_GCM' : 'AES_CM_128_HMAC_SHA1_80,AEAD_AES_256_GCM')).split(',');
for (const suite of srtpSuites) if (!SRTP_SUITES[suite]) fail(`unknown --srtp-suite ${suite}`);
const roomSteps = parseRooms('--rooms', args.rooms ?? (args.realistic ? '3,4,5,6,7' : '1,4,6,8,10,12'));
const realisticRoomSteps = parseRooms('--realistic-rooms', args['realistic-rooms']);
const laptopDpr = Number(args['laptop-dpr']);
const phoneDpr = Number(args['phone-dpr']);
if (!(laptopDpr > 0 && phoneDpr > 0)) fail('--laptop-dpr and --phone-dpr must be positive');
/** The layers the client's own rules pick for a room of ROOM_SIZE (packages/protocol tile-layout). */
const derived = clientLayers(ROOM_SIZE, { laptopDpr, phoneDpr });
const phoneLayer = Number(args['phone-layer'] ?? derived.phone.layer);
const laptopLayer = Number(args['laptop-layer'] ?? derived.laptop.layer);
/** Other people's tiles a phone shows (their video consumers unpaused); the rest are scrolled away. */
const phoneVisible = Number(args['phone-visible'] ?? derived.phone.othersShown);
if (!(Number.isInteger(phoneVisible) && phoneVisible >= 0 && phoneVisible < ROOM_SIZE)) fail('--phone-visible must be 0…11');
for (const [name, layer] of [['--phone-layer', phoneLayer], ['--laptop-layer', laptopLayer]]) {
  if (!(Number.isInteger(layer) && layer >= 0 && layer < SIMULCAST_LAYER_KBPS.length)) fail(`${name} must be 0…${SIMULCAST_LAYER_KBPS.length - 1}`);
}
/**
 * How a pass's rooms are consumed: `single` one VP8 stream each, everyone
 * receives everyone (the classic bench); `full` simulcast, everyone receives
 * everyone's top layer; `full-dtx` the same with DTX microphones; `realistic`
 * simulcast as the rooms are actually consumed; `capped` the same, with senders
 * sending only the layers someone watches.
 */
const consumptions = args.realistic ? ['full', 'full-dtx', 'realistic', ...(args['sender-cap'] ? ['capped'] : [])] : ['single'];
/** Opus DTX per pass: the client's microphone sends with DTX; the issue's full-rate baseline does not. */
const dtxFor = (consumption) => (consumption === 'single' ? args.dtx : consumption !== 'full');
const isFullRate = (consumption) => consumption === 'full' || consumption === 'full-dtx' || consumption === 'single';
/** One pass over the room counts per (mode, suite, consumption). */
const passes = modes
  .flatMap((mode) => (mode === 'srtp' ? srtpSuites.map((suite) => ({ mode, suite })) : [{ mode, suite: null }]))
  .flatMap((p) => consumptions.map((consumption) => ({ ...p, consumption, rooms: isFullRate(consumption) ? roomSteps : realisticRoomSteps })));

function parseRooms(name, list) {
  const steps = list.split(',').map(Number);
  if (!steps.every((n) => Number.isInteger(n) && n > 0)) fail(`${name} must list positive integers, not ${list}`);
  return steps;
}
const seconds = Number(args.seconds);
// Simulcast: the layers nobody locks onto start 2 s late (rtp-sender.mjs); measure after they run.
const warmupSeconds = Number(args.warmup ?? (args.realistic ? '5' : '3'));
const stopLoss = Number(args['stop-loss']);
const waitQuietSeconds = Number(args['wait-quiet']);
const [portMin, portMax] = args['port-range'].split('-').map(Number);
const workerCpu = Number(args['worker-cpu']);
const harnessCpu = Number(args['harness-cpu']);
let receiverKind = args.receiver;
if (receiverKind !== 'c' && receiverKind !== 'node') fail(`--receiver must be c or node, not ${receiverKind}`);
if (receiverKind === 'c' && !buildSink()) {
  console.error('sfu-rooms: no C compiler for bench/sfu-rooms/rtp-sink.c — receiving in Node instead (it saturates the spare core sooner)');
  receiverKind = 'node';
}

function fail(message) {
  console.error(`sfu-rooms: ${message}`);
  process.exit(2);
}

const listenInfo = { protocol: 'udp', ip: '127.0.0.1', portRange: { min: portMin, max: portMax } };

/** @param {number | number[]} ssrc one SSRC, or one per simulcast layer (lowest first) */
function producerParameters(kind, ssrc) {
  const ssrcs = Array.isArray(ssrc) ? ssrc : [ssrc];
  const cname = `bench-${ssrcs[0]}`;
  if (kind === 'audio') {
    return {
      codecs: [
        {
          mimeType: 'audio/opus',
          payloadType: OPUS_PT,
          clockRate: 48000,
          channels: 2,
          parameters: { useinbandfec: 1, usedtx: 1 },
          rtcpFeedback: [],
        },
      ],
      headerExtensions: [{ uri: AUDIO_LEVEL_URI, id: AUDIO_LEVEL_EXT_ID }],
      encodings: [{ ssrc: ssrcs[0] }],
      rtcp: { cname, reducedSize: true },
    };
  }
  return {
    codecs: [
      {
        mimeType: 'video/VP8',
        payloadType: VP8_PT,
        clockRate: 90000,
        rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }, { type: 'goog-remb' }],
      },
    ],
    headerExtensions: [],
    encodings: ssrcs.map((x) => ({ ssrc: x })),
    rtcp: { cname, reducedSize: true },
  };
}

/**
 * Who watches whom, and at which simulcast layer, in one room: `plan[v][s]` is
 * null when viewer v's video consumer of sender s is paused at the SFU, else the
 * spatial layer v prefers for s. Audio is always consumed (never paused).
 * Participants alternate laptop, phone, … (half each); a phone shows the first
 * `phoneVisible` other tiles of the grid (roster order) and scrolls past the rest.
 */
function consumptionPlan(consumption) {
  const top = SIMULCAST_LAYER_KBPS.length - 1;
  return Array.from({ length: ROOM_SIZE }, (_, v) => {
    const phone = v % 2 === 1;
    const others = Array.from({ length: ROOM_SIZE }, (_, i) => i).filter((i) => i !== v);
    return Array.from({ length: ROOM_SIZE }, (_, s) => {
      if (s === v) return null;
      if (isFullRate(consumption)) return top;
      if (!phone) return laptopLayer;
      return others.indexOf(s) < phoneVisible ? phoneLayer : null;
    });
  });
}

/**
 * The sender-side cap (issue 14, server domain rule): a sender sends the layers
 * up to the highest one any unpaused consumer prefers; the lowest is always sent.
 */
function sendLayersFor(plan, sender) {
  const wanted = plan.map((row) => row[sender]).filter((layer) => layer !== null);
  return 1 + Math.max(0, ...wanted);
}

/** Capabilities for consumers: the router's own, as a browser's would be. */
function consumerCapabilities(router, simulcast) {
  if (!simulcast) return router.rtpCapabilities;
  // No bandwidth estimation for simulcast consumers: the sink sends no transport-cc or
  // REMB feedback, so mediasoup's estimate would stay at its 600 kbit/s start and pick
  // layers by that for the whole transport. A browser's feedback on a good network lets
  // every consumer have its preferred layer; here the preferred layer is taken at once.
  // The header extensions (transport-cc's included) still go out on every packet.
  return {
    ...router.rtpCapabilities,
    codecs: router.rtpCapabilities.codecs.map((c) => ({
      ...c,
      rtcpFeedback: (c.rtcpFeedback ?? []).filter((fb) => fb.type !== 'transport-cc' && fb.type !== 'goog-remb'),
    })),
  };
}

/**
 * One room as MediaRoom builds it (Router with MEDIA_CODECS, ActiveSpeakerObserver
 * fed every microphone), with PlainTransports in place of WebRtcTransports.
 * Every receive transport of the room sends to `sinkPort`.
 */
async function createRoom(worker, sinkPort, srtpSuite, consumption) {
  const srtp = srtpSuite !== null;
  const simulcast = consumption !== 'single';
  const plan = consumptionPlan(consumption);
  const router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS });
  const observer = await router.createActiveSpeakerObserver({ interval: 300 });
  const transportOptions = { listenInfo, rtcpMux: true, enableSrtp: srtp, srtpCryptoSuite: srtp ? srtpSuite : undefined };
  const peers = await Promise.all(
    Array.from({ length: ROOM_SIZE }, async (_, index) => {
      const sendTransport = await router.createPlainTransport({ ...transportOptions, comedia: true });
      const senderSrtp = srtp ? randomSrtpParameters(srtpSuite) : null;
      if (srtp) await sendTransport.connect({ srtpParameters: senderSrtp });
      const opusSsrc = randomInt(1, 2 ** 32 - 1);
      const vp8Ssrcs = (simulcast ? SIMULCAST_LAYER_KBPS : [0]).map(() => randomInt(1, 2 ** 32 - 1));
      const mic = await sendTransport.produce({ kind: 'audio', rtpParameters: producerParameters('audio', opusSsrc) });
      const cam = await sendTransport.produce({ kind: 'video', rtpParameters: producerParameters('video', vp8Ssrcs) });
      await observer.addProducer({ producerId: mic.id });
      const recvTransport = await router.createPlainTransport({ ...transportOptions, comedia: false });
      await recvTransport.connect({
        ip: '127.0.0.1',
        port: sinkPort,
        // What the "browser" would encrypt its RTCP with; it sends none.
        ...(srtp ? { srtpParameters: randomSrtpParameters(srtpSuite) } : {}),
      });
      const sendLayers = !simulcast ? 1 : consumption === 'capped' ? sendLayersFor(plan, index) : SIMULCAST_LAYER_KBPS.length;
      // The highest layer anyone watches starts first (rtp-sender.mjs says why).
      const firstLayer = sendLayersFor(plan, index) - 1;
      return { index, sendTransport, recvTransport, mic, cam, opusSsrc, vp8Ssrcs, sendLayers, firstLayer, senderSrtp };
    }),
  );
  // Everyone consumes everyone else: 22 consumers a participant (video ones paused
  // or at a preferred layer as the plan says).
  const capabilities = consumerCapabilities(router, simulcast);
  /** Per consumer: [sender index, stream index at the sender (0 opus, 1 + layer for video)], unpaused only. */
  const streams = [];
  await Promise.all(
    peers.map(async (peer) => {
      for (const other of peers) {
        if (other === peer) continue;
        await peer.recvTransport.consume({ producerId: other.mic.id, rtpCapabilities: capabilities });
        streams.push([other.index, 0]);
        const layer = plan[peer.index][other.index];
        await peer.recvTransport.consume({
          producerId: other.cam.id,
          rtpCapabilities: capabilities,
          paused: layer === null,
          ...(simulcast && layer !== null ? { preferredLayers: { spatialLayer: layer, temporalLayer: 0 } } : {}),
        });
        if (layer !== null) streams.push([other.index, 1 + (simulcast ? layer : 0)]);
      }
    }),
  );
  return { router, peers, streams };
}

/** Waits (at most `maxSeconds`) for a second in which the machine is nearly idle; returns seconds waited. */
async function waitForQuiet(maxSeconds) {
  const start = performance.now();
  while ((performance.now() - start) / 1000 < maxSeconds) {
    const before = cpuTimes();
    await sleep(1000);
    const after = cpuTimes();
    const busy = before.reduce((sum, _, cpu) => sum + busyPercent(before, after, cpu), 0);
    if (busy < 25) break;
  }
  return round((performance.now() - start) / 1000, 1);
}

async function runStep(worker, rooms, srtpSuite, consumption) {
  const srtp = srtpSuite !== null;
  const receiver = await startReceiver(receiverKind, rooms);
  const sender = forkChild(path.join(here, 'sfu-rooms/rtp-sender.mjs'));
  if (args.pin) {
    pin(receiver.pid, harnessCpu);
    pin(sender.pid, harnessCpu);
  }
  const roomList = [];
  try {
    const setupStart = performance.now();
    for (let r = 0; r < rooms; r++) roomList.push(await createRoom(worker, receiver.ports[r], srtpSuite, consumption));
    const peers = roomList.flatMap((room) => room.peers);
    const setupSeconds = (performance.now() - setupStart) / 1000;
    // The keys each receive transport encrypts with, by its port, to check samples.
    const consumerKeys = new Map(
      srtp ? peers.map((p) => [p.recvTransport.tuple.localPort, new SrtpContext(p.recvTransport.srtpParameters)]) : [],
    );

    await sender.request('start', {
      list: peers.map((p, i) => ({
        port: p.sendTransport.tuple.localPort,
        opusSsrc: p.opusSsrc,
        ...(consumption === 'single'
          ? { vp8Ssrc: p.vp8Ssrcs[0] }
          : {
              simulcast: p.vp8Ssrcs.map((ssrc, layer) => ({ ssrc, deltaFrameBytes: simulcastDeltaFrameBytes(SIMULCAST_LAYER_KBPS[layer]) })),
              sendLayers: p.sendLayers,
              firstLayer: p.firstLayer,
            }),
        srtp: p.senderSrtp,
        dtx: dtxFor(consumption),
        roomSize: ROOM_SIZE,
        indexInRoom: i % ROOM_SIZE,
      })),
    });
    await sleep(warmupSeconds * 1000);

    const workerPorts = new Set(peers.flatMap((p) => [p.sendTransport.tuple.localPort, p.recvTransport.tuple.localPort]));
    const receiverPorts = new Set(receiver.ports);
    const snapshot = async () => {
      const cpu = processCpu(worker.pid);
      const [rx, tx] = await Promise.all([receiver.mark(), sender.request('mark')]);
      return { cpu, rx, tx, cores: cpuTimes(), main: process.cpuUsage(), mainT: performance.now() / 1000, workerDrops: udpDrops(workerPorts), receiverDrops: udpDrops(receiverPorts) };
    };
    const before = await snapshot();
    await sleep(seconds * 1000);
    const after = await snapshot();

    // Each side's rate over its own clock: a busy child answering late moves
    // its window, not the others'.
    const workerWall = after.cpu.t - before.cpu.t;
    const workerCpu = (after.cpu.cpu - before.cpu.cpu) / workerWall;
    const workerWait = (after.cpu.wait - before.cpu.wait) / workerWall;
    const workerUser = (after.cpu.user - before.cpu.user) / workerWall;
    const workerSystem = (after.cpu.system - before.cpu.system) / workerWall;
    const forwardedPerSecond = after.rx.received / after.rx.seconds;
    const lossPercent = after.rx.expected > 0 ? Math.max(0, (1 - after.rx.received / after.rx.expected) * 100) : 100;
    const consumers = rooms * ROOM_SIZE * (ROOM_SIZE - 1) * 2;
    // What the unpaused consumers should carry: each one its sender's stream (opus, or
    // the VP8 layer it prefers), at the rate the sender actually sent that stream.
    const offeredPackets = roomList.reduce(
      (sum, room, r) => sum + room.streams.reduce((x, [sender, stream]) => x + after.tx.sentByStream[r * ROOM_SIZE + sender][stream], 0),
      0,
    );
    const offeredPerSecond = offeredPackets / after.tx.seconds;
    const activeConsumers = roomList.reduce((sum, room) => sum + room.streams.length, 0);
    const sampled = after.rx.samples.filter((x) => consumerKeys.has(x.port));
    // CPU the rest of the machine took meanwhile (other people's builds and tests
    // share these 2 cores): all cores' busy time minus the bench's own processes.
    const senderCpu = after.tx.cpuSeconds / after.tx.seconds;
    const receiverCpu = after.rx.cpuSeconds / after.rx.seconds;
    const mainCpu =
      (after.main.user + after.main.system - before.main.user - before.main.system) / 1e6 / (after.mainT - before.mainT);
    const coresBusy = before.cores.map((_, cpu) => busyPercent(before.cores, after.cores, cpu) / 100);
    const othersCpu = Math.max(0, coresBusy.reduce((a, b) => a + b, 0) - workerCpu - senderCpu - receiverCpu - mainCpu);
    return {
      rooms,
      participants: rooms * ROOM_SIZE,
      consumption,
      consumers,
      /** Consumers not paused at the SFU (audio, and the video tiles that are seen). */
      activeConsumers,
      /** Simulcast layers each participant sent (3 unless the sender was capped). */
      sentLayers: consumption === 'single' ? null : roomList.flatMap((room) => room.peers.map((p) => p.sendLayers)),
      setupSeconds: round(setupSeconds, 2),
      seconds: round(after.rx.seconds, 2),
      workerCpuPercent: round(workerCpu * 100, 1),
      // System time includes the kernel delivering each forwarded packet over loopback.
      workerUserPercent: round(workerUser * 100, 1),
      workerSystemPercent: round(workerSystem * 100, 1),
      /** Time the worker was runnable but another process had the core: contention, not load. */
      workerRunQueueWaitPercent: round(workerWait * 100, 1),
      packetsSentPerSecond: Math.round(after.tx.sentPackets / after.tx.seconds),
      packetsForwardedPerSecond: Math.round(forwardedPerSecond),
      /** Forwarded ÷ what the unpaused consumers' streams were sent: each packet should reach every consumer of its stream. */
      forwardedOfOfferedPercent: round((forwardedPerSecond / offeredPerSecond) * 100, 1),
      lossPercent: round(lossPercent, 3),
      usPerForwardedPacket: forwardedPerSecond > 0 ? round((workerCpu / forwardedPerSecond) * 1e6, 2) : null,
      packetsExpected: after.rx.expected,
      packetsReceived: after.rx.received,
      silentStreams: Math.max(0, activeConsumers - after.rx.activeStreams),
      kernelDrops: {
        atWorker: after.workerDrops - before.workerDrops,
        atReceivers: after.receiverDrops - before.receiverDrops,
      },
      srtpSampled: srtp
        ? { checked: sampled.length, authentic: sampled.filter((x) => consumerKeys.get(x.port).unprotect(x.packet, x.roc)).length }
        : null,
      harness: {
        receiver: receiverKind,
        senderCpuPercent: round(senderCpu * 100, 1),
        receiverCpuPercent: round(receiverCpu * 100, 1),
        orchestratorCpuPercent: round(mainCpu * 100, 1),
        senderMaxLateMs: round(after.tx.maxLateMs, 1),
      },
      coreBusyPercent: coresBusy.map((b) => round(b * 100, 1)),
      /** Other processes on the machine, in % of one core. */
      othersCpuPercent: round(othersCpu * 100, 1),
    };
  } finally {
    await sender.stop();
    await receiver.stop();
    for (const room of roomList) room.router.close();
  }
}

/**
 * Which worker binary ran: SRTP cost depends on the libsrtp and crypto library it
 * links (mediasoup's prebuilt: libsrtp3 + OpenSSL, static; scripts/mediasoup-worker.mjs's
 * Debian build: libsrtp2 on NSS).
 */
function workerBuild() {
  const bin = process.env.MEDIASOUP_WORKER_BIN || mediasoup.workerBin;
  let provenance = null;
  try {
    provenance = JSON.parse(readFileSync(`${bin}.hearth.json`, 'utf8'));
  } catch {
    // a prebuilt or hand-placed binary has no provenance file
  }
  let linked = [];
  try {
    linked = execFileSync('ldd', [bin], { encoding: 'utf8' })
      .split('\n')
      .map((l) => l.trim().split(' ')[0])
      .filter((l) => /srtp|ssl|crypto|nss/.test(l));
  } catch {
    // no ldd
  }
  return { bin, provenance, srtpAndCryptoLibraries: linked };
}

function round(x, digits) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function printTable(title, steps) {
  const head = ['rooms', 'consumers', 'worker CPU %', 'fwd pkt/s', 'fwd/offered %', 'loss %', 'µs/pkt', 'worker waited %', 'others CPU %', 'drops wkr/rx'];
  const rows = steps.map((s) => [
    s.rooms,
    s.activeConsumers === s.consumers ? String(s.consumers) : `${s.activeConsumers}/${s.consumers}`,
    s.workerCpuPercent.toFixed(1),
    s.packetsForwardedPerSecond.toLocaleString('en-US'),
    s.forwardedOfOfferedPercent.toFixed(1),
    s.lossPercent.toFixed(3),
    s.usPerForwardedPacket?.toFixed(2) ?? '–',
    s.workerRunQueueWaitPercent.toFixed(1) + (s.workerRunQueueWaitPercent >= CONTENDED_WAIT_PERCENT ? ' *' : ''),
    s.othersCpuPercent.toFixed(0),
    `${s.kernelDrops.atWorker}/${s.kernelDrops.atReceivers}`,
  ].map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
  console.log(`\n${title}`);
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
  if (steps.some((s) => s.workerRunQueueWaitPercent >= CONTENDED_WAIT_PERCENT)) {
    console.log(`  * the worker waited ≥ ${CONTENDED_WAIT_PERCENT}% of the time for a CPU: other load on the machine shaped that row's loss`);
  }
  if (steps.some((s) => s.forwardedOfOfferedPercent < KEEPING_UP_PERCENT && s.lossPercent < LOSS_TARGET_PERCENT)) {
    console.log(`  fwd/offered < ${KEEPING_UP_PERCENT}% without loss yet: the worker is falling behind and its socket queues are growing`);
  }
  if (steps.some((s) => s.activeConsumers !== s.consumers)) {
    console.log('  consumers: unpaused/all (paused video consumers forward nothing)');
  }
  for (const s of steps.filter((x) => x.silentStreams > 0)) {
    console.log(`  ! ${s.rooms} room(s): ${s.silentStreams} consumer(s) delivered nothing in the window`);
  }
}

/**
 * Capacity from the run: the most rooms a step carried — under the loss target
 * and keeping up with what was sent (a lower step may have failed while the
 * machine was busy: see the table) — and a projection from µs/packet there.
 */
function summarise(steps) {
  const clean = steps.filter(
    (s) =>
      s.lossPercent < LOSS_TARGET_PERCENT &&
      s.forwardedOfOfferedPercent >= KEEPING_UP_PERCENT &&
      s.silentStreams === 0 &&
      s.usPerForwardedPacket,
  );
  const best = clean.reduce((a, s) => (!a || s.rooms > a.rooms ? s : a), null);
  // Forwarded packets a room needs: the classic traffic's by construction; simulcast
  // passes' as measured there (it depends on who watches what).
  const at = best ?? steps.at(-1);
  const perRoomPps =
    steps[0]?.consumption === 'single' || !at ? ROOM_SIZE * (ROOM_SIZE - 1) * packetsPerSecondPerParticipant() : at.packetsForwardedPerSecond / at.rooms;
  return {
    lossTargetPercent: LOSS_TARGET_PERCENT,
    maxRoomsUnderLossTarget: best?.rooms ?? 0,
    lossPercentThere: best?.lossPercent ?? null,
    workerCpuPercentThere: best?.workerCpuPercent ?? null,
    usPerPacketThere: best?.usPerForwardedPacket ?? null,
    packetsPerSecondPerRoom: Math.round(perRoomPps),
    projectedRoomsPerCore: best ? round(1e6 / (best.usPerForwardedPacket * perRoomPps), 1) : null,
  };
}

const CONSUMPTION_LABELS = {
  full: 'simulcast, everyone at full rate',
  'full-dtx': 'simulcast, everyone at full rate, DTX mics',
  realistic: 'simulcast, realistic consumption',
  capped: 'simulcast, realistic consumption + sender cap',
};

/** --realistic: one line per pass and the ratios against the full-rate pass of the same run. */
function compareConsumption(stepsByPass) {
  const groups = new Map();
  for (const pass of stepsByPass) {
    const key = `${pass.mode}/${pass.suite}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(pass);
  }
  for (const group of groups.values()) {
    const full = group.find((p) => p.consumption === 'full');
    console.log(`\nrooms of ${ROOM_SIZE} per core, ${group[0].label.split(',')[0]} — loss < ${LOSS_TARGET_PERCENT}% and ≥ ${KEEPING_UP_PERCENT}% forwarded:`);
    const fullDtx = group.find((p) => p.consumption === 'full-dtx');
    const head = ['pass', 'rooms carried', 'loss %', 'µs/pkt', 'worker CPU %', 'fwd pkt/s a room', 'rooms/core projected', '× full rate', '× full rate DTX'];
    /** Rooms carried ÷ the base pass's, and the projection's ratio. */
    const against = (s, base) => {
      if (!base) return '–';
      const ratio = base.summary.maxRoomsUnderLossTarget > 0 ? (s.maxRoomsUnderLossTarget / base.summary.maxRoomsUnderLossTarget).toFixed(2) : '–';
      const projected =
        base.summary.projectedRoomsPerCore && s.projectedRoomsPerCore ? (s.projectedRoomsPerCore / base.summary.projectedRoomsPerCore).toFixed(2) : '–';
      return `${ratio} (projected ${projected})`;
    };
    const rows = group.map((p) => {
      const s = p.summary;
      return [
        p.consumption,
        String(s.maxRoomsUnderLossTarget),
        s.lossPercentThere?.toFixed(3) ?? '–',
        s.usPerPacketThere?.toFixed(2) ?? '–',
        s.workerCpuPercentThere?.toFixed(1) ?? '–',
        s.packetsPerSecondPerRoom.toLocaleString('en-US'),
        s.projectedRoomsPerCore?.toFixed(1) ?? '–',
        against(s, full),
        against(s, fullDtx),
      ];
    });
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
    console.log(line(head));
    console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    for (const r of rows) console.log(line(r));
    const top = (p) => p.steps.at(-1);
    if (group.some((p) => top(p) && p.summary.maxRoomsUnderLossTarget === top(p).rooms)) {
      console.log('  a pass whose highest step was still clean was not pushed to its limit: give it higher --rooms / --realistic-rooms');
    }
  }
}

async function main() {
  if (args.pin) pin(process.pid, harnessCpu);
  const worker = await mediasoup.createWorker({ logLevel: 'warn', disableLiburing: true });
  const pinned = args.pin && pin(worker.pid, workerCpu);
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const resultsDir = path.join(here, 'results');
  mkdirSync(resultsDir, { recursive: true });
  console.log(
    `sfu-rooms: mediasoup ${mediasoup.version}, worker pid ${worker.pid}${pinned ? ` on CPU ${workerCpu}, bench on CPU ${harnessCpu}` : ' (not pinned)'}; ` +
      `rooms of ${ROOM_SIZE}, ` +
      (args.realistic
        ? `simulcast VP8 ${SIMULCAST_LAYER_KBPS.join('/')} kbit/s + opus a participant; realistic: phones (half) see ${phoneVisible} tiles at layer ${phoneLayer}, laptops every tile at layer ${laptopLayer}; opus DTX in every pass but the first`
        : `${packetsPerSecondPerParticipant().toFixed(0)} pkt/s sent a participant`) +
      (!args.realistic && args.dtx ? '; opus DTX' : '') +
      `; ${seconds} s a step after ${warmupSeconds} s warm-up`,
  );
  if (args.realistic) {
    const d = derived;
    const box = (device) => `${CLIENT_VIEW[device].gridBox.width}×${CLIENT_VIEW[device].gridBox.height}`;
    const tile = (l) => `${l.columns}×${l.rows} grid of ${l.tileWidth}×${l.tileHeight} tiles`;
    console.log(
      `  client's layerForTile, ${ROOM_SIZE} people: laptop ${CLIENT_VIEW.laptop.viewport.width}×${CLIENT_VIEW.laptop.viewport.height} (grid box ${box('laptop')}): ` +
        `${tile(d.laptop)} → layer ${d.laptop.layer} at DPR ${d.laptop.dpr}, ${d.laptopDpr2.layer} at DPR 2; ` +
        `phone ${CLIENT_VIEW.phone.viewport.width}×${CLIENT_VIEW.phone.viewport.height} (grid box ${box('phone')}): ${tile(d.phone)}, ${d.phone.tilesShown} shown (yours and ${d.phone.othersShown} others) → layer ${d.phone.layer} at DPR ${d.phone.dpr}, ${d.phoneDpr1.layer} at DPR 1` +
        (args['laptop-layer'] || args['phone-layer'] || args['phone-visible'] ? ' (overridden on the command line)' : ''),
    );
  }
  const build = workerBuild();
  console.log(
    `  worker binary: ${build.provenance ? `${build.provenance.origin} (scripts/mediasoup-worker.mjs)` : 'no provenance file (prebuilt?)'}` +
      (build.srtpAndCryptoLibraries.length ? `, links ${build.srtpAndCryptoLibraries.join(' ')}` : ', no shared SRTP/crypto libraries'),
  );
  const stepsByPass = [];
  try {
    for (const { mode, suite, consumption, rooms: steppedRooms } of passes) {
      const label = (suite ? `SRTP ${suite}` : 'plain RTP') + (consumption === 'single' ? '' : `, ${CONSUMPTION_LABELS[consumption]}`);
      const steps = [];
      for (const rooms of steppedRooms) {
        process.stdout.write(`  ${label}: ${rooms} room(s)… `);
        const waitedForQuiet = waitQuietSeconds > 0 ? await waitForQuiet(waitQuietSeconds) : 0;
        const step = { ...(await runStep(worker, rooms, suite, consumption)), waitedForQuietSeconds: waitedForQuiet };
        steps.push(step);
        console.log(
          `${step.workerCpuPercent}% worker CPU, ${step.packetsForwardedPerSecond} pkt/s, loss ${step.lossPercent}%, ${step.usPerForwardedPacket} µs/pkt` +
            (step.srtpSampled ? `, SRTP samples ${step.srtpSampled.authentic}/${step.srtpSampled.checked} authentic` : ''),
        );
        if (step.lossPercent > stopLoss) {
          console.log(`  ${label}: loss above ${stopLoss}% — not going higher`);
          break;
        }
        await sleep(500);
      }
      const summary = summarise(steps);
      stepsByPass.push({ label, mode, suite, consumption, steps, summary });
      printTable(`sfu-rooms — ${label}, one worker`, steps);
      console.log(
        `→ at most ${summary.maxRoomsUnderLossTarget} room(s) of ${ROOM_SIZE} with loss < ${LOSS_TARGET_PERCENT}% and ≥ ${KEEPING_UP_PERCENT}% forwarded` +
          (summary.usPerPacketThere
            ? ` (worker at ${summary.workerCpuPercentThere}% CPU, ${summary.usPerPacketThere} µs/pkt) → ${summary.projectedRoomsPerCore} rooms per core ` +
              `at 100% CPU (${summary.packetsPerSecondPerRoom.toLocaleString('en-US')} forwarded pkt/s a room)`
            : ''),
      );
      const file = path.join(resultsDir, `sfu-rooms-${suite ? `srtp-${suite}` : mode}${consumption === 'single' ? '' : `-${consumption}`}-${stamp}.json`);
      writeFileSync(
        file,
        JSON.stringify(
          {
            bench: 'sfu-rooms',
            mode,
            srtpCryptoSuite: suite,
            consumption,
            startedAt: startedAt.toISOString(),
            mediasoup: mediasoup.version,
            machine: machine(),
            workerBuild: build,
            pinning: pinned ? { workerCpu, harnessCpu } : null,
            config: {
              roomSize: ROOM_SIZE,
              seconds,
              warmupSeconds,
              roomSteps: steppedRooms,
              ...(consumption === 'single'
                ? {}
                : {
                    simulcastLayerKbps: SIMULCAST_LAYER_KBPS,
                    phones: { share: 0.5, visibleTiles: phoneVisible, layer: phoneLayer, dpr: phoneDpr, derived: derived.phone },
                    laptops: { share: 0.5, layer: laptopLayer, dpr: laptopDpr, derived: derived.laptop, atDpr2: derived.laptopDpr2 },
                  }),
              packetsPerSecondPerParticipant: round(packetsPerSecondPerParticipant(), 1),
              transports: 'PlainTransport, rtcpMux, comedia senders',
              opusDtx: dtxFor(consumption),
            },
            summary,
            steps,
          },
          null,
          2,
        ),
      );
      console.log(`  wrote ${path.relative(process.cwd(), file)}`);
    }
  } finally {
    worker.close();
  }
  if (args.realistic) compareConsumption(stepsByPass);
  // Same room counts, same run, neither step contended: the ratio is steadier than either figure.
  const plain = stepsByPass.find((p) => p.mode === 'plain' && p.consumption === 'single');
  for (const pass of plain ? stepsByPass.filter((p) => p.mode === 'srtp' && p.consumption === 'single') : []) {
    const pairs = plain.steps
      .map((p) => [p, pass.steps.find((x) => x.rooms === p.rooms)])
      .filter(([p, x]) => x && [p, x].every((s) => s.lossPercent < LOSS_TARGET_PERCENT && s.workerRunQueueWaitPercent < CONTENDED_WAIT_PERCENT));
    if (pairs.length) {
      console.log(
        `\n${pass.label} / plain RTP, µs per forwarded packet at the same room counts: ` +
          pairs.map(([p, x]) => `${p.rooms} room(s) ${(x.usPerForwardedPacket / p.usPerForwardedPacket).toFixed(2)}×`).join(', '),
      );
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
