#!/usr/bin/env node
// bench/sfu-rooms — how many rooms of 12 one mediasoup worker (one core) forwards.
//
// Each participant sends opus + VP8 through a PlainTransport (synthetic
// pre-encoded RTP from a Node child process) and consumes the other 11 on a
// second PlainTransport that delivers to a counting socket in another child.
// Per number of rooms: worker CPU %, packets forwarded/s, receiver loss % and
// µs of worker CPU per forwarded packet, over plain RTP and over SRTP.
//
//   node bench/sfu-rooms.mjs [--mode plain|srtp|both] [--rooms 1,4,6,8,10,12] [--seconds 10]
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
import { AUDIO_LEVEL_EXT_ID, AUDIO_LEVEL_URI, OPUS_PT, VP8_PT, packetsPerSecondPerParticipant } from './sfu-rooms/rtp.mjs';
import { SRTP_SUITES, SrtpContext, randomSrtpParameters } from './sfu-rooms/srtp.mjs';
import { buildSink, startReceiver } from './sfu-rooms/receivers.mjs';

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
    mode: { type: 'string', default: 'both' },
    rooms: { type: 'string', default: '1,4,6,8,10,12' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    'srtp-suite': { type: 'string', default: 'AES_CM_128_HMAC_SHA1_80,AEAD_AES_256_GCM' },
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
  --mode plain|srtp|both     transports without or with SRTP (default both)
  --rooms 1,4,6,8,10,12      room counts to step through, one worker
  --seconds 10               measured seconds per step
  --warmup 3                 unmeasured seconds per step (key frames, consumers syncing)
  --srtp-suite A,B           SRTP suites to run, one pass each, of
                             ${Object.keys(SRTP_SUITES).join(', ')}
                             (default AES_CM_128_HMAC_SHA1_80,AEAD_AES_256_GCM)
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

const modes = args.mode === 'both' ? ['plain', 'srtp'] : [args.mode];
if (!modes.every((m) => m === 'plain' || m === 'srtp')) fail(`--mode must be plain, srtp or both, not ${args.mode}`);
const srtpSuites = args['srtp-suite'].split(',');
for (const suite of srtpSuites) if (!SRTP_SUITES[suite]) fail(`unknown --srtp-suite ${suite}`);
/** One pass over the room counts per (mode, suite). */
const passes = modes.flatMap((mode) => (mode === 'srtp' ? srtpSuites.map((suite) => ({ mode, suite })) : [{ mode, suite: null }]));
const roomSteps = args.rooms.split(',').map(Number);
if (!roomSteps.every((n) => Number.isInteger(n) && n > 0)) fail(`--rooms must list positive integers, not ${args.rooms}`);
const seconds = Number(args.seconds);
const warmupSeconds = Number(args.warmup);
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

function producerParameters(kind, ssrc) {
  const cname = `bench-${ssrc}`;
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
      encodings: [{ ssrc }],
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
    encodings: [{ ssrc }],
    rtcp: { cname, reducedSize: true },
  };
}

/**
 * One room as MediaRoom builds it (Router with MEDIA_CODECS, ActiveSpeakerObserver
 * fed every microphone), with PlainTransports in place of WebRtcTransports.
 * Every receive transport of the room sends to `sinkPort`.
 */
async function createRoom(worker, sinkPort, srtpSuite) {
  const srtp = srtpSuite !== null;
  const router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS });
  const observer = await router.createActiveSpeakerObserver({ interval: 300 });
  const transportOptions = { listenInfo, rtcpMux: true, enableSrtp: srtp, srtpCryptoSuite: srtp ? srtpSuite : undefined };
  const peers = await Promise.all(
    Array.from({ length: ROOM_SIZE }, async () => {
      const sendTransport = await router.createPlainTransport({ ...transportOptions, comedia: true });
      const senderSrtp = srtp ? randomSrtpParameters(srtpSuite) : null;
      if (srtp) await sendTransport.connect({ srtpParameters: senderSrtp });
      const opusSsrc = randomInt(1, 2 ** 32 - 1);
      const vp8Ssrc = randomInt(1, 2 ** 32 - 1);
      const mic = await sendTransport.produce({ kind: 'audio', rtpParameters: producerParameters('audio', opusSsrc) });
      const cam = await sendTransport.produce({ kind: 'video', rtpParameters: producerParameters('video', vp8Ssrc) });
      await observer.addProducer({ producerId: mic.id });
      const recvTransport = await router.createPlainTransport({ ...transportOptions, comedia: false });
      await recvTransport.connect({
        ip: '127.0.0.1',
        port: sinkPort,
        // What the "browser" would encrypt its RTCP with; it sends none.
        ...(srtp ? { srtpParameters: randomSrtpParameters(srtpSuite) } : {}),
      });
      return { sendTransport, recvTransport, mic, cam, opusSsrc, vp8Ssrc, senderSrtp };
    }),
  );
  // Everyone consumes everyone else: 22 consumers a participant. The router's
  // own capabilities stand in for a browser's (transport-cc, abs-send-time, mid…).
  await Promise.all(
    peers.map(async (peer) => {
      for (const other of peers) {
        if (other === peer) continue;
        for (const producer of [other.mic, other.cam]) {
          await peer.recvTransport.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
        }
      }
    }),
  );
  return { router, peers };
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

async function runStep(worker, rooms, srtpSuite) {
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
    for (let r = 0; r < rooms; r++) roomList.push(await createRoom(worker, receiver.ports[r], srtpSuite));
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
        vp8Ssrc: p.vp8Ssrc,
        srtp: p.senderSrtp,
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
      consumers,
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
      /** Forwarded ÷ (sent × 11): each packet sent should reach the 11 others. */
      forwardedOfOfferedPercent: round((forwardedPerSecond / ((after.tx.sentPackets / after.tx.seconds) * (ROOM_SIZE - 1))) * 100, 1),
      lossPercent: round(lossPercent, 3),
      usPerForwardedPacket: forwardedPerSecond > 0 ? round((workerCpu / forwardedPerSecond) * 1e6, 2) : null,
      packetsExpected: after.rx.expected,
      packetsReceived: after.rx.received,
      silentStreams: Math.max(0, consumers - after.rx.activeStreams),
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
    s.consumers,
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
  const perRoomPps = ROOM_SIZE * (ROOM_SIZE - 1) * packetsPerSecondPerParticipant();
  const clean = steps.filter(
    (s) =>
      s.lossPercent < LOSS_TARGET_PERCENT &&
      s.forwardedOfOfferedPercent >= KEEPING_UP_PERCENT &&
      s.silentStreams === 0 &&
      s.usPerForwardedPacket,
  );
  const best = clean.reduce((a, s) => (!a || s.rooms > a.rooms ? s : a), null);
  return {
    lossTargetPercent: LOSS_TARGET_PERCENT,
    maxRoomsUnderLossTarget: best?.rooms ?? 0,
    workerCpuPercentThere: best?.workerCpuPercent ?? null,
    usPerPacketThere: best?.usPerForwardedPacket ?? null,
    packetsPerSecondPerRoom: Math.round(perRoomPps),
    projectedRoomsPerCore: best ? round(1e6 / (best.usPerForwardedPacket * perRoomPps), 1) : null,
  };
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
      `rooms of ${ROOM_SIZE}, ${packetsPerSecondPerParticipant().toFixed(0)} pkt/s sent a participant; ${seconds} s a step after ${warmupSeconds} s warm-up`,
  );
  const build = workerBuild();
  console.log(
    `  worker binary: ${build.provenance ? `${build.provenance.origin} (scripts/mediasoup-worker.mjs)` : 'no provenance file (prebuilt?)'}` +
      (build.srtpAndCryptoLibraries.length ? `, links ${build.srtpAndCryptoLibraries.join(' ')}` : ', no shared SRTP/crypto libraries'),
  );
  const stepsByPass = [];
  try {
    for (const { mode, suite } of passes) {
      const label = suite ? `SRTP ${suite}` : 'plain RTP';
      const steps = [];
      for (const rooms of roomSteps) {
        process.stdout.write(`  ${label}: ${rooms} room(s)… `);
        const waitedForQuiet = waitQuietSeconds > 0 ? await waitForQuiet(waitQuietSeconds) : 0;
        const step = { ...(await runStep(worker, rooms, suite)), waitedForQuietSeconds: waitedForQuiet };
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
      stepsByPass.push({ label, mode, steps });
      printTable(`sfu-rooms — ${label}, one worker`, steps);
      console.log(
        `→ at most ${summary.maxRoomsUnderLossTarget} room(s) of ${ROOM_SIZE} with loss < ${LOSS_TARGET_PERCENT}% and ≥ ${KEEPING_UP_PERCENT}% forwarded` +
          (summary.usPerPacketThere
            ? ` (worker at ${summary.workerCpuPercentThere}% CPU, ${summary.usPerPacketThere} µs/pkt) → ${summary.projectedRoomsPerCore} rooms per core ` +
              `at 100% CPU (${summary.packetsPerSecondPerRoom.toLocaleString('en-US')} forwarded pkt/s a room)`
            : ''),
      );
      const file = path.join(resultsDir, `sfu-rooms-${suite ? `srtp-${suite}` : mode}-${stamp}.json`);
      writeFileSync(
        file,
        JSON.stringify(
          {
            bench: 'sfu-rooms',
            mode,
            srtpCryptoSuite: suite,
            startedAt: startedAt.toISOString(),
            mediasoup: mediasoup.version,
            machine: machine(),
            workerBuild: build,
            pinning: pinned ? { workerCpu, harnessCpu } : null,
            config: {
              roomSize: ROOM_SIZE,
              seconds,
              warmupSeconds,
              roomSteps,
              packetsPerSecondPerParticipant: round(packetsPerSecondPerParticipant(), 1),
              transports: 'PlainTransport, rtcpMux, comedia senders',
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
  // Same room counts, same run, neither step contended: the ratio is steadier than either figure.
  const plain = stepsByPass.find((p) => p.mode === 'plain');
  for (const pass of plain ? stepsByPass.filter((p) => p.mode === 'srtp') : []) {
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
