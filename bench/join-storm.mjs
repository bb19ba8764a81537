#!/usr/bin/env node
// bench/join-storm: 200 people joining within 10 seconds, spread over 20
// group sessions on a 2-node cluster; failures (with their error codes) and
// join latency percentiles.
//
//   node scripts/hearth.mjs build && node bench/join-storm.mjs [--joins 200] [--sessions 20] [--seconds 10] [--rate-scale 100]
//
// Setup: two nodes on a PostgreSQL database of the bench's own and Redis,
// behind the balancer of scripts/cluster.mjs (http-proxy, same routing). The
// bench seeds, through the admin API, `--sessions` group sessions in progress,
// each with a therapist and (joins/sessions − 1) enrolled patients, and signs
// everyone in before anything is timed.
//
// One join, as the browser does it (client/src/media/RoomClient.ts), signalling
// level: socket connect through the balancer → `room:join` with the Device's
// capabilities (the router's own) and `send: true`, whose answer carries both
// transports → `media:connectTransport` (send transport; a DTLS fingerprint of
// the bench's own: no ICE/DTLS packets are exchanged, so the figure is the
// server's work, not a browser's handshake) → `media:produce` (an opus
// microphone). Latency = produce acknowledged − connect started. A patient
// lands in the lobby (transports and a producer held paused there, as the
// browser's lobby path does); the therapist enters the room. The first join
// of a session places it on the node it reached; a join reaching the other
// node gets `session_elsewhere` and does what the browser does: reconnect
// through the balancer with `?node=<host>` after 0.3–1 s and join again.
// Joins start evenly over `--seconds`, in a shuffled order (fixed seed).
//
// Socket event budgets are scaled by `--rate-scale` (SOCKET_RATE_LIMIT_SCALE);
// `--rate-scale 1` runs with the production budgets. Prints a table and
// writes bench/results/join-storm-<ts>.json.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import {
  REDIS_URL,
  arg,
  createDatabase,
  dataDir,
  freePort,
  machine,
  now,
  root,
  seedSessions,
  sleep,
  startBalancer,
  startNode,
  summary,
} from './lib/hearth-nodes.mjs';

const require = createRequire(path.join(root, 'server', 'package.json'));
const { io } = require('socket.io-client');
const { PROTOCOL_VERSION, CONSENT_VERSION } = require('@hearth/protocol');

const joins = arg('joins', 200);
const sessionsCount = arg('sessions', 20);
const seconds = arg('seconds', 10);
const rateScale = arg('rate-scale', 100);
const JOIN_TIMEOUT_MS = 60_000;
const SAFETY = { location: '12 Elm St, Phoenix AZ (home)', callbackNumber: '+1 602 555 0101' };
const CONSENT = { telehealthConsentVersion: CONSENT_VERSION, groupAgreement: true };

class JoinError extends Error {
  constructor(step, code, message, hostNodeId) {
    super(`${step}: ${code} ${message ?? ''}`);
    Object.assign(this, { step, code, hostNodeId });
  }
}

function connect(url, token, node) {
  const socket = io(url, {
    auth: { token, protocolVersion: PROTOCOL_VERSION },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...(node ? { query: { node } } : {}),
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (e) => {
      socket.close();
      reject(new JoinError('connect', 'connect_error', e.message));
    });
  });
}

async function ask(socket, event, payload) {
  let ack;
  try {
    ack = await socket.timeout(JOIN_TIMEOUT_MS).emitWithAck(event, payload);
  } catch {
    throw new JoinError(event, 'timeout', `no answer within ${JOIN_TIMEOUT_MS} ms`);
  }
  if (!ack.ok) throw new JoinError(event, ack.error.code, ack.error.message, ack.error.hostNodeId);
  return ack.data;
}

const opus = (ssrc) => ({
  mid: '0',
  codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: { minptime: 10, useinbandfec: 1 }, rtcpFeedback: [] }],
  headerExtensions: [],
  encodings: [{ ssrc }],
  rtcp: { cname: `cname-${ssrc}`, reducedSize: true },
});

/** A SHA-256 fingerprint in the form a browser sends (32 hex pairs). */
const fingerprint = (seed) =>
  createHash('sha256')
    .update(String(seed))
    .digest('hex')
    .toUpperCase()
    .match(/../g)
    .join(':');

/** One person's join; resolves with the step times (ms from the start) or rejects with a JoinError. */
async function joinOnce(url, person, rtpCapabilities, index) {
  const t0 = now();
  const marks = { redirects: 0 };
  let node;
  for (;;) {
    const socket = await connect(url, person.token, node);
    person.socket = socket;
    marks.connected = now() - t0;
    let joined;
    try {
      joined = await ask(socket, 'room:join', {
        sessionId: person.sessionId,
        ...(person.role === 'patient' ? { safety: SAFETY, consent: CONSENT } : {}),
        media: { rtpCapabilities, send: true },
      });
    } catch (e) {
      if (e.code === 'session_elsewhere' && e.hostNodeId && marks.redirects < 5) {
        // What RoomClient does: reconnect through the balancer to the host after a short jittered pause.
        marks.redirects += 1;
        socket.close();
        node = e.hostNodeId;
        await sleep(300 + Math.random() * 700);
        continue;
      }
      socket.close();
      throw e;
    }
    marks.joinAck = now() - t0;
    marks.status = joined.status;
    const send = joined.media?.send;
    if (!send) throw new JoinError('room:join', 'no_send_transport', 'the answer carried no send transport');
    await ask(socket, 'media:connectTransport', {
      sessionId: person.sessionId,
      transportId: send.id,
      dtlsParameters: { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: fingerprint(index) }] },
    });
    marks.transportConnected = now() - t0;
    await ask(socket, 'media:produce', { sessionId: person.sessionId, transportId: send.id, kind: 'audio', source: 'mic', rtpParameters: opus(100_000 + index), paused: false });
    marks.produced = now() - t0;
    return marks;
  }
}

/** Deterministic shuffle (mulberry32), so runs are comparable. */
function shuffled(xs, seed = 9) {
  let a = seed;
  const rand = () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const ms = (x) => (Number.isFinite(x) ? `${Math.round(x)} ms` : '–');

async function main() {
  const perSession = Math.round(joins / sessionsCount);
  const db = await createDatabase('storm');
  const data = dataDir();
  const env = { DATABASE_URL: db.url, DATA_DIR: data.dir, REDIS_URL, SOCKET_RATE_LIMIT_SCALE: String(rateScale) };
  const nodes = [];
  let balancer;
  let people = [];
  try {
    nodes.push(await startNode({ label: 'A', port: await freePort(), env: { ...env, NODE_ID: `storm-a-${process.pid}`, RTC_MIN_PORT: '46000', RTC_MAX_PORT: '46999' } }));
    nodes.push(await startNode({ label: 'B', port: await freePort(), env: { ...env, NODE_ID: `storm-b-${process.pid}`, RTC_MIN_PORT: '47000', RTC_MAX_PORT: '47999' } }));
    balancer = await startBalancer(nodes);
    const seedStart = now();
    const sessions = await seedSessions(balancer.url, { sessions: sessionsCount, patients: perSession - 1 });
    console.log(`seeded ${sessions.length} sessions × ${perSession} people, signed in, in ${((now() - seedStart) / 1000).toFixed(0)} s`);
    people = shuffled(
      sessions.flatMap((s) => [
        { ...s.therapist, role: 'therapist', sessionId: s.sessionId },
        ...s.patients.map((p) => ({ ...p, role: 'patient', sessionId: s.sessionId })),
      ]),
    );
    // The router's capabilities stand in for a loaded Device's (every router of a server has the same).
    const probe = await connect(balancer.url, people[0].token);
    const { routerRtpCapabilities } = await ask(probe, 'media:capabilities', {});
    probe.close();
    await sleep(2000); // let the sign-ins' CPU settle

    const load1Before = os.loadavg();
    const interval = (seconds * 1000) / people.length;
    const start = now();
    const outcomes = await Promise.all(
      people.map(async (p, i) => {
        const due = start + i * interval;
        if (due > now()) await sleep(due - now());
        const startedAt = now() - start;
        try {
          return { ok: true, role: p.role, startedAt, ...(await joinOnce(balancer.url, p, routerRtpCapabilities, i)) };
        } catch (e) {
          return { ok: false, role: p.role, startedAt, step: e.step ?? 'unknown', code: e.code ?? 'exception', message: String(e.message).slice(0, 200) };
        }
      }),
    );
    const lastStart = Math.max(...outcomes.map((o) => o.startedAt));
    const load1After = os.loadavg();

    const good = outcomes.filter((o) => o.ok);
    const failed = outcomes.filter((o) => !o.ok);
    const codes = {};
    for (const f of failed) codes[`${f.step}:${f.code}`] = (codes[`${f.step}:${f.code}`] ?? 0) + 1;
    const of = (xs, key) => summary(xs.map((o) => o[key]));
    const placement = {};
    for (const s of sessions) {
      const r = await fetch(`${balancer.url}/api/sessions/${s.sessionId}/placement`, { headers: { authorization: `Bearer ${s.therapist.token}` } });
      const { nodeId } = await r.json();
      placement[nodeId] = (placement[nodeId] ?? 0) + 1;
    }
    const result = {
      bench: 'join-storm',
      at: new Date().toISOString(),
      machine: machine(),
      joins: people.length,
      sessions: sessionsCount,
      spreadSeconds: seconds,
      lastJoinStartedAtMs: lastStart,
      rateScale,
      loadAverage: { before: load1Before, after: load1After },
      sessionsPerNode: placement,
      failures: failed.length,
      failureCodes: codes,
      latency: {
        total: of(good, 'produced'),
        direct: of(good.filter((o) => o.redirects === 0), 'produced'),
        redirected: of(good.filter((o) => o.redirects > 0), 'produced'),
        connected: of(good, 'connected'),
        joinAck: of(good, 'joinAck'),
        transportConnected: of(good, 'transportConnected'),
      },
      redirectedJoins: good.filter((o) => o.redirects > 0).length,
      byStatus: { admitted: good.filter((o) => o.status === 'admitted').length, waiting: good.filter((o) => o.status === 'waiting').length },
      outcomes,
    };

    console.log(`\n${people.length} joins started within ${(lastStart / 1000).toFixed(1)} s over ${sessionsCount} sessions on 2 nodes (sessions per node: ${Object.values(placement).join(' / ')})`);
    console.log(`failures: ${failed.length}${failed.length ? ` (${Object.entries(codes).map(([k, n]) => `${k} ×${n}`).join(', ')})` : ''}`);
    console.log('| join (connect → room:join → transports → produce) | n | p50 | p95 | p99 | max |');
    console.log('|---|---|---|---|---|---|');
    const row = (label, s) => console.log(`| ${label} | ${s.n} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.p99)} | ${ms(s.max)} |`);
    row('all joins', result.latency.total);
    row('reached the host directly', result.latency.direct);
    row('redirected to the host once (incl. the 0.3–1 s pause)', result.latency.redirected);
    row('… of which socket connected (last connect)', result.latency.connected);
    row('… room:join answered (transports known)', result.latency.joinAck);
    row('… send transport connected', result.latency.transportConnected);
    console.log(`load average (1/5/15 min) before ${load1Before.map((x) => x.toFixed(1)).join(' / ')}, after ${load1After.map((x) => x.toFixed(1)).join(' / ')} on ${os.cpus().length} CPUs`);
    mkdirSync(path.join(root, 'bench/results'), { recursive: true });
    const file = path.join(root, 'bench/results', `join-storm-${result.at.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(result, null, 2));
    console.log(`wrote ${path.relative(root, file)}`);
  } finally {
    people.forEach((p) => p.socket?.close());
    await balancer?.close();
    await Promise.all(nodes.map((n) => n.stop()));
    await db.drop();
    data.cleanup();
  }
}

await main();
process.exit(0);
