// Child process: the "browsers" of the bench, sending side. One UDP socket per
// participant towards its send PlainTransport (comedia: mediasoup learns the
// address from the first packet). Opus every 20 ms, VP8 frames every 33.3 ms
// (one stream, or one per simulcast layer as a browser sends them, up to the
// layer the sender is capped at), phases spread at random so the rooms do not
// send in lockstep. Optional SRTP with the key given to the transport's connect().
import dgram from 'node:dgram';
import { randomInt } from 'node:crypto';
import { OpusStream, Vp8Stream, OPUS_PTIME_MS, VP8_FPS } from './rtp.mjs';
import { SrtpContext } from './srtp.mjs';

const TICK_MS = 2;
/**
 * Simulcast: the layer the sender's consumers watch starts first, the others this much
 * later. The bench sends no RTCP sender reports, and without them mediasoup cannot line up
 * the timestamps of two streams, so a consumer never switches from the first stream it
 * locked onto; starting the watched layer first makes that the one it prefers. (mediasoup
 * also waits for a stream to be active 2 s before it moves a consumer up to it.)
 */
const OTHER_LAYERS_AFTER_MS = 2000;
const SPEAKER_TURN_MS = 4000;
/** Opus DTX (--dtx): in silence a browser sends one frame in this many (one per 400 ms). */
const DTX_EVERY = 20;

let participants = [];
let timer = null;
let sentPackets = 0;
let sentBytes = 0;
let maxLateMs = 0;
let lastMark = null;

function start({ list }) {
  const t0 = performance.now();
  participants = list.map((p) => {
    const socket = dgram.createSocket('udp4');
    socket.bind(0, '127.0.0.1');
    return {
      ...p,
      socket,
      srtp: p.srtp ? new SrtpContext(p.srtp) : null,
      opus: new OpusStream(p.opusSsrc),
      // Simulcast: one stream per layer, lowest first; `sendLayers` of them are sent (the sender's cap).
      vp8: p.simulcast
        ? p.simulcast.slice(0, p.sendLayers ?? p.simulcast.length).map((l) => new Vp8Stream(l.ssrc, l.deltaFrameBytes))
        : [new Vp8Stream(p.vp8Ssrc)],
      /** When each VP8 stream sends its first frame (simulcast: the watched layer first). */
      vp8StartsAt: (p.simulcast ?? [0]).map((_, layer) => (p.simulcast && layer !== p.firstLayer ? t0 + OTHER_LAYERS_AFTER_MS : t0)),
      /** Packets sent per stream since the last mark: opus, then each VP8 stream. */
      sentByStream: [0, ...(p.simulcast ?? [0]).map(() => 0)],
      opusSilentFrames: 0,
      nextOpus: t0 + randomInt(0, OPUS_PTIME_MS * 1000) / 1000,
      nextFrame: t0 + randomInt(0, Math.round(1e6 / VP8_FPS)) / 1000,
    };
  });
  timer = setInterval(tick, TICK_MS);
}

function send(p, stream, { packet, roc }) {
  const out = p.srtp ? p.srtp.protect(packet, roc) : packet;
  p.socket.send(out, p.port, '127.0.0.1');
  sentPackets++;
  p.sentByStream[stream]++;
  sentBytes += out.length;
}

function tick() {
  const now = performance.now();
  for (const p of participants) {
    // One speaker at a time per room, taking turns, so the observer has work.
    const speaking = Math.floor(now / SPEAKER_TURN_MS) % p.roomSize === p.indexInRoom;
    while (p.nextOpus <= now) {
      maxLateMs = Math.max(maxLateMs, now - p.nextOpus);
      if (p.dtx && !speaking && p.opusSilentFrames++ % DTX_EVERY !== 0) p.opus.skip();
      else send(p, 0, p.opus.next(speaking));
      if (speaking) p.opusSilentFrames = 0;
      p.nextOpus += OPUS_PTIME_MS;
    }
    while (p.nextFrame <= now) {
      maxLateMs = Math.max(maxLateMs, now - p.nextFrame);
      p.vp8.forEach((stream, i) => {
        if (now < p.vp8StartsAt[i]) return;
        for (const packet of stream.nextFrame()) send(p, 1 + i, packet);
      });
      p.nextFrame += 1000 / VP8_FPS;
    }
  }
}

function mark() {
  const now = performance.now();
  const cpu = process.cpuUsage();
  const result = {
    seconds: lastMark ? (now - lastMark.now) / 1000 : 0,
    cpuSeconds: lastMark ? (cpu.user + cpu.system - lastMark.cpu.user - lastMark.cpu.system) / 1e6 : 0,
    sentPackets,
    sentBytes,
    maxLateMs,
    sentByStream: participants.map((p) => p.sentByStream),
  };
  for (const p of participants) p.sentByStream = p.sentByStream.map(() => 0);
  lastMark = { now, cpu };
  sentPackets = 0;
  sentBytes = 0;
  maxLateMs = 0;
  return result;
}

process.on('message', (msg) => {
  if (msg.cmd === 'start') {
    start(msg);
    process.send({ id: msg.id });
  } else if (msg.cmd === 'mark') process.send({ id: msg.id, ...mark() });
  else if (msg.cmd === 'stop') {
    clearInterval(timer);
    for (const p of participants) p.socket.close();
    process.disconnect();
  }
});
process.on('disconnect', () => process.exit(0));
