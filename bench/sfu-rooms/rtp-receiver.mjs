// Fallback for rtp-sink.c where no C compiler is at hand (`--receiver node`):
// the same stdin/stdout protocol, in Node. It waits in epoll on its sockets, so
// every packet wakes it — and the kernel charges those wake-ups to the
// mediasoup worker that sends them; it also saturates the spare core at about
// 8 rooms. Prefer the C sink for figures.
//
//   node bench/sfu-rooms/rtp-receiver.mjs <sockets>
import dgram from 'node:dgram';
import readline from 'node:readline';
import { isRtcp } from './rtp.mjs';

const SAMPLE_EVERY = 4096;
const MAX_SAMPLES = 32;
const RECV_BUFFER_BYTES = 4 * 1024 * 1024;

/** key = ssrc · 65536 + source port (< 2^48, exact in a double). */
const streams = new Map();
let rtcpPackets = 0;
let rtpPackets = 0;
let samples = [];

function onPacket(msg, srcPort) {
  if (msg.length < 12) return;
  if (isRtcp(msg)) {
    rtcpPackets++;
    return;
  }
  const seq = msg.readUInt16BE(2);
  const key = msg.readUInt32BE(8) * 65536 + srcPort;
  let s = streams.get(key);
  if (!s) {
    s = { cycles: 0, maxSeq: seq, firstExt: seq, received: 0, markReceived: 0, markMaxExt: -1 };
    streams.set(key, s);
  } else {
    const delta = (seq - s.maxSeq) & 0xffff;
    if (delta !== 0 && delta < 0x8000) {
      if (seq < s.maxSeq) s.cycles += 0x10000;
      s.maxSeq = seq;
    }
  }
  s.received++;
  if (++rtpPackets % SAMPLE_EVERY === 1 && samples.length < MAX_SAMPLES) {
    samples.push(`sample ${srcPort} ${s.cycles / 0x10000} ${msg.toString('hex')}`);
  }
}

function mark() {
  let received = 0;
  let expected = 0;
  let active = 0;
  for (const s of streams.values()) {
    const maxExt = s.cycles + s.maxSeq;
    const got = s.received - s.markReceived;
    received += got;
    if (got) active++;
    expected += s.markMaxExt < 0 ? maxExt - s.firstExt + 1 : maxExt - s.markMaxExt;
    s.markReceived = s.received;
    s.markMaxExt = maxExt;
  }
  const cpu = process.cpuUsage();
  const ns = process.hrtime.bigint();
  const lines = [...samples, `mark ${ns} ${received} ${expected} ${rtcpPackets} ${active} ${streams.size} ${cpu.user + cpu.system}`];
  samples = [];
  rtcpPackets = 0;
  process.stdout.write(lines.join('\n') + '\n');
}

const count = Number(process.argv[2] ?? 1);
const ports = await Promise.all(
  Array.from({ length: count }, () => {
    const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: RECV_BUFFER_BYTES });
    socket.on('message', (msg, rinfo) => onPacket(msg, rinfo.port));
    return new Promise((resolve) => socket.bind(0, '127.0.0.1', () => resolve(socket.address().port)));
  }),
);
process.stdout.write(`ports ${ports.join(' ')}\n`);
const input = readline.createInterface({ input: process.stdin });
input.on('line', (line) => {
  if (line === 'mark') mark();
  else if (line === 'quit') process.exit(0);
});
input.on('close', () => process.exit(0));
