#!/usr/bin/env node
// bench/socket-fanout: chat and turn events fanned out to many connected
// clients, and how soon a floor grant makes the holder's microphone live on
// the SFU.
//
//   node scripts/hearth.mjs build && node bench/socket-fanout.mjs [--clients 1000] [--seconds 20] [--rate 10] [--grants 50]
//
// The built server runs on embedded PGlite with the demo data. The ten demo
// people of the in-progress group (two therapists, eight patients) each open
// clients/10 sockets (a person's tabs all receive the session's pushes), spread
// over two child processes so one client process is not the bottleneck.
// Phase 1: the people send group chat messages (each within the chat rate
// limit) plus one hand raise/lower a second, `--rate` events a second in all;
// every event reaches every socket. Latency = arrival at a socket − emit time
// at the sender (same machine clock). Phase 2: talking stick on, patient1
// producing a microphone that the therapist consumes; `--grants` times the
// therapist grants patient1 the floor and we time until the therapist's
// consumer reports the producer resumed (`media:consumerPaused {paused:false}`),
// i.e. the mic is live at the SFU. Prints figures and writes
// bench/results/socket-fanout-<ts>.json.
import { spawn, fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(here), '..');
const require = createRequire(path.join(root, 'server', 'package.json'));
const { io } = require('socket.io-client');
const { PROTOCOL_VERSION, CONSENT_VERSION } = require(path.join(root, 'packages/protocol/dist/index.js'));

const now = () => performance.timeOrigin + performance.now();
/** CPU seconds (user + system) a process has used, from /proc. */
const cpuSeconds = (pid) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};

function connect(url, token) {
  const socket = io(url, { auth: { token, protocolVersion: PROTOCOL_VERSION }, transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (e) => reject(e));
  });
}

// ---------------------------------------------------------------------------
// Child: holds receiving sockets, records arrival times.
// ---------------------------------------------------------------------------
function runChild() {
  const sockets = [];
  let chat = [];
  let turns = [];
  process.on('message', async (msg) => {
    if (msg.cmd === 'connect') {
      for (const token of msg.tokens) {
        const s = await connect(msg.url, token);
        s.on('chat:messageSent', ({ message }) => {
          const t = now();
          const m = /^t:(\d+\.?\d*)/.exec(message.text);
          if (m) chat.push(t - Number(m[1]));
        });
        s.on('turn:stateChanged', (v) => turns.push([v.revision, now()]));
        sockets.push(s);
      }
      process.send({ id: msg.id, connected: sockets.length });
    } else if (msg.cmd === 'reset') {
      chat = [];
      turns = [];
      process.send({ id: msg.id });
    } else if (msg.cmd === 'report') {
      process.send({ id: msg.id, chat, turns });
    } else if (msg.cmd === 'stop') {
      sockets.forEach((s) => s.close());
      process.exit(0);
    }
  });
}

function child() {
  const c = fork(here, ['--child'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map();
  let next = 1;
  c.on('message', (m) => {
    pending.get(m.id)?.(m);
    pending.delete(m.id);
  });
  return {
    request: (cmd, body = {}) =>
      new Promise((resolve) => {
        const id = next++;
        pending.set(id, resolve);
        c.send({ id, cmd, ...body });
      }),
    stop: () => c.send({ cmd: 'stop' }),
  };
}

function startServer() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hearth-bench-'));
  // HEARTH_SERVER_MAIN: another build of the server (default: the one `hearth build` makes).
  const main = process.env.HEARTH_SERVER_MAIN ?? path.join(root, 'server/dist/main.js');
  const proc = spawn(process.execPath, [main], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', SEED_DEMO: 'true', DATA_DIR: dataDir, LOG_LEVEL: 'warn', MEDIASOUP_WORKERS: '1', SOCKET_RATE_LIMIT_SCALE: '1000', SOCKET_CONNECTS_PER_IP: '100000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /Hearth is running: (http:\/\/[^\s"]+)/.exec(out);
      if (m)
        resolve({
          url: m[1].replace('localhost', '127.0.0.1'),
          pid: proc.pid,
          stop: () => {
            proc.kill('SIGTERM');
            rmSync(dataDir, { recursive: true, force: true });
          },
        });
    });
    proc.stderr.on('data', (d) => (out += d));
    proc.once('exit', (code) => reject(new Error(`server exited ${code}:\n${out}`)));
  });
}

async function api(url, p, token, body) {
  const res = await fetch(`${url}${p}`, {
    method: body ? 'POST' : 'GET',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return res.json();
}

const ask = (socket, event, payload) =>
  socket
    .timeout(10_000)
    .emitWithAck(event, payload)
    .then((ack) => {
      if (!ack.ok) throw new Error(`${event}: ${ack.error.code} ${ack.error.message}`);
      return ack.data;
    });

const pct = (xs, p) => {
  if (xs.length === 0) return NaN;
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const summary = (xs) => ({ n: xs.length, p50: pct(xs, 50), p95: pct(xs, 95), p99: pct(xs, 99), max: pct(xs, 100) });
const fmt = (s) => `n=${s.n} p50=${s.p50.toFixed(1)} ms p95=${s.p95.toFixed(1)} ms p99=${s.p99.toFixed(1)} ms max=${s.max.toFixed(1)} ms`;

function opusSendParameters(ssrc) {
  return {
    mid: '0',
    codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: { minptime: 10, useinbandfec: 1 }, rtcpFeedback: [] }],
    headerExtensions: [],
    encodings: [{ ssrc }],
    rtcp: { cname: `cname-${ssrc}`, reducedSize: true },
  };
}

async function main() {
  const clients = arg('clients', 1000);
  const seconds = arg('seconds', 20);
  const rate = arg('rate', 10);
  const grants = arg('grants', 50);
  const server = await startServer();
  const kids = [child(), child()];
  try {
    const emails = ['therapist', 'cotherapist', ...Array.from({ length: 8 }, (_, i) => `patient${i + 1}`)].map((n) => `${n}@hearth.test`);
    const people = [];
    for (const email of emails) {
      const login = await api(server.url, '/api/auth/login', null, { email, password: 'hearth-demo' });
      people.push({ email, token: login.accessToken, userId: login.user.id });
    }
    const sessions = await api(server.url, '/api/me/sessions', people[0].token);
    const t = Date.now();
    const sessionId = sessions.find((s) => s.kind === 'group' && Date.parse(s.startsAt) <= t && Date.parse(s.endsAt) > t).id;

    // Receivers first (so joining puts all of a person's sockets into the session), then one control socket each.
    const perPerson = Math.ceil(clients / people.length);
    const tokens = people.flatMap((p) => Array.from({ length: perPerson }, () => p.token));
    const half = Math.ceil(tokens.length / 2);
    const connectStart = now();
    const connected = await Promise.all([
      kids[0].request('connect', { url: server.url, tokens: tokens.slice(0, half) }),
      kids[1].request('connect', { url: server.url, tokens: tokens.slice(half) }),
    ]);
    const receivers = connected.reduce((n, c) => n + c.connected, 0);
    console.log(`${receivers} receiving sockets connected in ${((now() - connectStart) / 1000).toFixed(1)} s`);
    for (const p of people) p.socket = await connect(server.url, p.token);
    const [therapist, , ...patients] = people;
    const joined = await ask(therapist.socket, 'room:join', { sessionId });
    await ask(people[1].socket, 'room:join', { sessionId });
    const safety = { location: '12 Elm St, Phoenix AZ', callbackNumber: '+1 602 555 0101' };
    for (const p of patients) await ask(p.socket, 'room:join', { sessionId, safety, consent: { telehealthConsentVersion: CONSENT_VERSION, groupAgreement: true } });
    await ask(therapist.socket, 'lobby:admit', { sessionId, userIds: 'all' });
    await sleep(500);

    // ---- Phase 1: fan-out -------------------------------------------------
    await Promise.all(kids.map((k) => k.request('reset')));
    const turnSent = new Map(); // revision → emit time
    let chatErrors = 0;
    let sent = 0;
    const interval = 1000 / rate;
    const start = now();
    const cpuStart = cpuSeconds(server.pid);
    const loadBefore = os.loadavg()[0];
    const end = start + seconds * 1000;
    let i = 0;
    const inflight = [];
    while (now() < end) {
      const due = start + i * interval;
      if (due > now()) await sleep(due - now());
      const slot = i % rate;
      if (slot === rate - 1) {
        // one turn event a second: a patient raises, then lowers, a hand
        const p = patients[Math.floor(i / rate) % patients.length];
        const sentAt = now();
        const event = Math.floor(i / rate) % 2 === 0 ? 'turn:raiseHand' : 'turn:lowerHand';
        const who = Math.floor(i / rate) % 2 === 0 ? p : patients[(Math.floor(i / rate) - 1 + patients.length) % patients.length];
        inflight.push(ask(who.socket, event, { sessionId }).then((v) => turnSent.set(v.revision, sentAt)));
      } else {
        // chat from the people in turn: each stays within its 1/s allowance at rate ≤ 10
        const p = people[slot % people.length];
        inflight.push(
          ask(p.socket, 'chat:send', { sessionId, text: `t:${now().toFixed(3)} message ${i}` }).catch(() => {
            chatErrors += 1;
          }),
        );
      }
      sent += 1;
      i += 1;
    }
    const elapsed = (now() - start) / 1000; // the sending window
    const serverCpu = (cpuSeconds(server.pid) - cpuStart) / elapsed;
    await Promise.allSettled(inflight);
    await sleep(1000); // stragglers
    const reports = await Promise.all(kids.map((k) => k.request('report')));
    const chatLat = reports.flatMap((r) => r.chat);
    const turnLat = reports.flatMap((r) => r.turns.filter(([rev]) => turnSent.has(rev)).map(([rev, at]) => at - turnSent.get(rev)));
    const deliveries = chatLat.length + turnLat.length;
    const phase1 = {
      eventsSent: sent,
      chatErrors,
      deliveries,
      deliveriesPerSecond: deliveries / elapsed,
      serverCpuPercent: serverCpu * 100,
      loadAverage1mBefore: loadBefore,
      chat: summary(chatLat),
      turns: summary(turnLat),
    };
    console.log(`fan-out: ${sent} events in ${elapsed.toFixed(1)} s to ${receivers} sockets → ${deliveries} deliveries (${phase1.deliveriesPerSecond.toFixed(0)}/s), chat errors ${chatErrors}`);
    console.log(`  server process CPU ${(serverCpu * 100).toFixed(0)} % of one core; 1-min load average before ${loadBefore.toFixed(1)} on ${os.cpus().length} CPUs`);
    console.log(`  chat  ${fmt(phase1.chat)}`);
    console.log(`  turns ${fmt(phase1.turns)}`);

    // ---- Phase 2: floor granted → holder's mic live at the SFU -------------
    const holder = patients[0];
    await ask(therapist.socket, 'media:createTransport', { sessionId, direction: 'recv' });
    await ask(therapist.socket, 'media:setRtpCapabilities', { sessionId, rtpCapabilities: joined.room.routerRtpCapabilities });
    const send = await ask(holder.socket, 'media:createTransport', { sessionId, direction: 'send' });
    await ask(therapist.socket, 'turn:setTalkingStick', { sessionId, on: true });
    const created = new Promise((r) => therapist.socket.once('media:consumerCreated', r));
    await ask(holder.socket, 'media:produce', { sessionId, transportId: send.id, kind: 'audio', source: 'mic', rtpParameters: opusSendParameters(4242) });
    const consumerId = (await created).consumer.consumerId;
    const pausedNow = (paused) =>
      new Promise((resolve) => {
        const h = (e) => {
          if (e.consumerId !== consumerId || e.paused !== paused) return;
          therapist.socket.off('media:consumerPaused', h);
          resolve(now());
        };
        therapist.socket.on('media:consumerPaused', h);
      });
    const grantLat = [];
    const ackLat = [];
    for (let g = 0; g < grants; g++) {
      const live = pausedNow(false);
      const t0 = now();
      await ask(therapist.socket, 'turn:grant', { sessionId, userId: holder.userId });
      ackLat.push(now() - t0);
      grantLat.push((await live) - t0);
      const muted = pausedNow(true);
      await ask(therapist.socket, 'turn:release', { sessionId });
      await muted;
      await sleep(20);
    }
    const phase2 = { grantToMicLive: summary(grantLat), grantAck: summary(ackLat) };
    console.log(`floor granted → holder's mic live at the SFU (seen by a consumer): ${fmt(phase2.grantToMicLive)}`);
    console.log(`  grant ack: ${fmt(phase2.grantAck)}`);

    const result = { bench: 'socket-fanout', at: new Date().toISOString(), machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version }, clients: receivers, seconds, rate, phase1, phase2 };
    mkdirSync(path.join(root, 'bench/results'), { recursive: true });
    const file = path.join(root, 'bench/results', `socket-fanout-${result.at.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(result, null, 2));
    console.log(`wrote ${path.relative(root, file)}`);
    people.forEach((p) => p.socket?.close());
  } finally {
    kids.forEach((k) => k.stop());
    server.stop();
  }
}

if (process.argv.includes('--child')) runChild();
else await main();
