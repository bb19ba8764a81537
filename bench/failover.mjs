#!/usr/bin/env node
// bench/failover: how long a live group is without media when the process
// hosting it dies.
//
//   node scripts/hearth.mjs build && node bench/failover.mjs [--runs 10] [--clients 10] [--only cluster|restart] [--rate-scale 100]
//
// One therapist + `--clients` patients (default 10) in one group session,
// everyone in the room and everyone consuming everyone (11 people, 110
// consumers).
//
// Method — each participant is what a browser runs, in Node: the client's own
// RoomClient and socket (client/src/media/RoomClient.ts, realtime/socket.ts,
// bundled with esbuild; so the reconnect backoff, the cluster redirect and
// the rejoin are the browser's code), and mediasoup-client's Chrome111 handler
// on libwebrtc (@roamhq/wrtc): real ICE + DTLS-SRTP to the SFU's
// WebRtcTransports, each participant sending a microphone (a tone through
// libwebrtc's opus encoder). No camera (see bench/lib/media-client.mjs).
// A participant is "consuming again" once, for every other participant, a
// consumer created after the kill has received RTP (inbound-rtp
// packetsReceived > 0 for its SSRC in the receive transport's stats), polled every 200 ms. The time
// is counted from just before `kill -9` of the node.
//
// cluster — two nodes on a PostgreSQL database of the bench's own and Redis,
//   behind the balancer of scripts/cluster.mjs (http-proxy, same routing);
//   the session starts on node A (the therapist's first join goes there);
//   patients enter through the balancer (half land on B and are redirected).
//   Each run kills -9 the node hosting the session; clients reconnect through
//   the balancer to the survivor, which takes the lease once it runs out
//   (6 s) and rebuilds the session from its snapshot. Once everyone is back
//   the killed node is started again (same id), so the next run kills the
//   other one.
// restart — one node, embedded PGlite, no Redis; clients connect to it
//   directly. Each run kills -9 it and starts it again at once on the same
//   data and port.
//
// Socket event budgets are scaled by `--rate-scale` (SOCKET_RATE_LIMIT_SCALE,
// default 100): every run is a fresh incident for the same eleven people, and
// the per-user room:join budget (10 a minute) is meant for abuse, not for
// a bench repeating failovers back to back. Prints a table with p50/p95 per
// scenario and writes bench/results/failover-<ts>.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import {
  REDIS_URL,
  api,
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
import { loadClient, participant } from './lib/media-client.mjs';

const { CONSENT_VERSION } = createRequire(path.join(root, 'server', 'package.json'))('@hearth/protocol');
const SAFETY = { location: '12 Elm St, Phoenix AZ (home)', callbackNumber: '+1 602 555 0101' };
const CONSENT = { telehealthConsentVersion: CONSENT_VERSION, groupAgreement: true };

const runs = arg('runs', 10);
const clients = arg('clients', 10);
const only = arg('only', undefined);
const rateScale = arg('rate-scale', 100);
const POLL_MS = 200;
const BACK_TIMEOUT_MS = 90_000;

async function waitFor(what, predicate, timeoutMs) {
  const t0 = Date.now();
  for (;;) {
    if (await predicate()) return;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(POLL_MS);
  }
}

/** Everyone in the room, and each receiving RTP from every other participant. */
async function steady(people) {
  const states = people.map((p) => p.room.state.phase);
  if (states.some((s) => s !== 'in-room')) return false;
  const got = await Promise.all(people.map((p) => p.receivingFrom(new Set())));
  return people.every((p, i) => p.others.every((u) => got[i].has(u)));
}

/** Enters everyone: the therapist (on `therapistNode` if given), then the patients, admitted together. */
async function enter(session, url, therapistNode) {
  const therapist = await participant({ url, token: session.therapist.token, sessionId: session.sessionId, node: therapistNode });
  await therapist.room.join({});
  const patients = [];
  for (const p of session.patients) {
    const c = await participant({ url, token: p.token, sessionId: session.sessionId });
    patients.push(c);
    void c.room.join({ safety: SAFETY, consent: CONSENT }).catch((e) => console.error(`patient join: ${e.message}`));
  }
  await waitFor('patients in the lobby', () => patients.every((p) => p.room.state.phase === 'waiting'), 60_000);
  await therapist.room.admit('all');
  const people = [therapist, ...patients];
  const ids = [session.therapist, ...session.patients].map((p) => p.userId);
  people.forEach((p, i) => {
    p.userId = ids[i];
    p.others = ids.filter((_, j) => j !== i);
  });
  await waitFor('everyone consuming everyone', () => steady(people), 120_000);
  return people;
}

/**
 * Kills the host, starts what `recover` starts, and times each participant
 * until it consumes everyone again on fresh consumers.
 */
async function measureRun(people, kill, recover) {
  await waitFor('steady media before the kill', () => steady(people), 120_000).catch((e) => {
    const phases = people.map((p) => `${p.room.state.phase}/${p.room.state.connection}`).join(' ');
    throw new Error(`${e.message} (participants: ${phases})`);
  });
  const old = people.map((p) => p.consumerIds());
  const got = people.map(() => new Set());
  const back = people.map(() => null);
  const load1Before = os.loadavg()[0];
  const t0 = now();
  await kill();
  const recovering = recover(t0);
  while (back.some((b) => b === null) && now() - t0 < BACK_TIMEOUT_MS) {
    await Promise.all(
      people.map(async (p, i) => {
        if (back[i] !== null) return;
        for (const u of await p.receivingFrom(old[i])) got[i].add(u);
        if (p.others.every((u) => got[i].has(u))) back[i] = now() - t0;
      }),
    );
    await sleep(POLL_MS);
  }
  const recovered = await recovering;
  // Who is not back, and why (no health data: states, counts and ids only).
  const notBack = people
    .map((p, i) => ({ p, i }))
    .filter(({ i }) => back[i] === null)
    .map(({ p, i }) => ({
      index: i,
      phase: p.room.state.phase,
      connection: p.room.state.connection,
      socketConnected: p.socket.connected,
      message: p.room.state.message,
      audioConsumers: [...p.room.consumers.values()].filter((c) => c.kind === 'audio' && !c.consumer.closed).length,
      receivingFrom: got[i].size,
      missing: p.others.filter((u) => !got[i].has(u)).map((u) => people.findIndex((q) => q.userId === u)),
    }));
  if (notBack.length) console.log(`  not back: ${JSON.stringify(notBack)}`);
  return { backMs: back, failed: back.filter((b) => b === null).length, notBack, load1Before, load1After: os.loadavg()[0], ...recovered };
}

async function clusterScenario() {
  const db = await createDatabase('failover');
  const data = dataDir();
  const env = { DATABASE_URL: db.url, DATA_DIR: data.dir, REDIS_URL, SOCKET_RATE_LIMIT_SCALE: String(rateScale) };
  const tag = `${process.pid}`;
  const specs = [
    { label: 'A', port: await freePort(), env: { ...env, NODE_ID: `bench-a-${tag}`, RTC_MIN_PORT: '46000', RTC_MAX_PORT: '46999' } },
    { label: 'B', port: await freePort(), env: { ...env, NODE_ID: `bench-b-${tag}`, RTC_MIN_PORT: '47000', RTC_MAX_PORT: '47999' } },
  ];
  const nodes = [];
  let people = [];
  let balancer;
  const result = { scenario: 'cluster', nodes: 2, database: 'postgresql', runs: [] };
  try {
    // One at a time: the first migrates and seeds the demo data.
    for (const s of specs) nodes.push(await startNode(s));
    balancer = await startBalancer(nodes);
    const [session] = await seedSessions(balancer.url, { sessions: 1, patients: clients });
    people = await enter(session, balancer.url, nodes[0].nodeId);
    console.log(`cluster: ${people.length} participants consuming each other; session on ${nodes[0].nodeId}`);
    for (let r = 1; r <= runs; r++) {
      const placement = await api(balancer.url, `/api/sessions/${session.sessionId}/placement`, { token: session.therapist.token });
      const i = nodes.findIndex((n) => n.nodeId === placement.nodeId);
      if (i < 0) throw new Error(`session placed on unknown node ${placement.nodeId}`);
      const host = nodes[i];
      const spec = specs.find((s) => s.label === host.label);
      // The survivor must take over: the killed node starts again only once everyone is back.
      const run = await measureRun(
        people,
        () => host.kill9(),
        async (t0) => {
          // When the survivor holds the session's lease (placement answers from Redis).
          for (;;) {
            const p = await api(balancer.url, `/api/sessions/${session.sessionId}/placement`, { token: session.therapist.token }).catch(() => null);
            if (p?.nodeId && p.nodeId !== host.nodeId) return { killed: host.nodeId, survivorHostsMs: now() - t0 };
            if (now() - t0 > BACK_TIMEOUT_MS) return { killed: host.nodeId, survivorHostsMs: null };
            await sleep(POLL_MS);
          }
        },
      );
      if (run.failed) for (const n of nodes) console.log(`  --- ${n.nodeId} (last lines) ---\n${n.output().split('\n').slice(-15).join('\n')}`);
      const t = now();
      nodes[i] = await startNode(spec);
      run.killedNodeRestartMs = nodes[i].listeningAt - t;
      result.runs.push(run);
      report(`cluster run ${r}/${runs} (killed ${host.label})`, run);
    }
  } finally {
    people.forEach((p) => p.close());
    await balancer?.close();
    await Promise.all(nodes.map((n) => n.stop()));
    await db.drop();
    data.cleanup();
  }
  return result;
}

async function restartScenario() {
  const data = dataDir();
  const spec = { label: 'single', port: await freePort(), env: { DATA_DIR: data.dir, NODE_ID: `bench-single-${process.pid}`, SOCKET_RATE_LIMIT_SCALE: String(rateScale), RTC_MIN_PORT: '48000', RTC_MAX_PORT: '48999' } };
  let node = await startNode(spec);
  let people = [];
  const result = { scenario: 'restart', nodes: 1, database: 'pglite', runs: [] };
  try {
    const [session] = await seedSessions(node.url, { sessions: 1, patients: clients });
    people = await enter(session, node.url);
    console.log(`restart: ${people.length} participants consuming each other`);
    for (let r = 1; r <= runs; r++) {
      const run = await measureRun(
        people,
        () => node.kill9(),
        async (t0) => {
          node = await startNode(spec);
          return { nodeListeningAgainMs: node.listeningAt - t0 };
        },
      );
      result.runs.push(run);
      report(`restart run ${r}/${runs}`, run);
    }
  } finally {
    people.forEach((p) => p.close());
    await node.stop();
    data.cleanup();
  }
  return result;
}

const f = (ms) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : '–');

function report(label, run) {
  const ok = run.backMs.filter((b) => b !== null);
  const s = summary(ok);
  console.log(
    `  ${label}: back ${ok.length}/${run.backMs.length}, first ${f(Math.min(...ok))}, p50 ${f(s.p50)}, last ${f(s.max)}${run.nodeListeningAgainMs ? `; node listening again after ${f(run.nodeListeningAgainMs)}` : ''}${run.survivorHostsMs ? `; survivor hosts after ${f(run.survivorHostsMs)}` : ''}; load ${run.load1Before.toFixed(1)} → ${run.load1After.toFixed(1)}`,
  );
}

function aggregate(result) {
  const all = result.runs.flatMap((r) => r.backMs.filter((b) => b !== null));
  const everyone = result.runs.filter((r) => r.failed === 0).map((r) => Math.max(...r.backMs));
  return {
    perClient: summary(all),
    everyoneBack: summary(everyone),
    failedClients: result.runs.reduce((n, r) => n + r.failed, 0),
    // cluster: the survivor holds the lease; restart: the new process listens.
    serverBack: summary(result.runs.map((r) => r.survivorHostsMs ?? r.nodeListeningAgainMs).filter(Number.isFinite)),
    load1: { min: Math.min(...result.runs.map((r) => r.load1Before)), max: Math.max(...result.runs.map((r) => r.load1After)) },
  };
}

async function main() {
  await loadClient();
  const load = { before: os.loadavg() };
  const results = [];
  if (only !== 'restart') results.push(await clusterScenario());
  if (only !== 'cluster') results.push(await restartScenario());
  load.after = os.loadavg();
  for (const r of results) r.summary = aggregate(r);

  console.log(`\nkill -9 of the host → each participant consuming all ${clients} others again (1 therapist + ${clients} patients, ${runs} runs each)`);
  console.log('| scenario | runs | clients back | per client p50 | p95 | max | everyone back p50 | p95 | server side back p50 |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    const s = r.summary;
    console.log(
      `| ${r.scenario} (${r.nodes} node${r.nodes > 1 ? 's' : ''}, ${r.database}) | ${r.runs.length} | ${s.perClient.n}/${r.runs.length * (clients + 1)} | ${f(s.perClient.p50)} | ${f(s.perClient.p95)} | ${f(s.perClient.max)} | ${f(s.everyoneBack.p50)} | ${f(s.everyoneBack.p95)} | ${f(s.serverBack.p50)} |`,
    );
  }
  console.log('server side back: cluster = the survivor holds the lease (placement); restart = the new process listens.');
  console.log(`load average (1/5/15 min) before ${load.before.map((x) => x.toFixed(1)).join(' / ')}, after ${load.after.map((x) => x.toFixed(1)).join(' / ')} on ${os.cpus().length} CPUs`);

  const out = { bench: 'failover', at: new Date().toISOString(), machine: machine(), clients, runsPerScenario: runs, rateScale, pollMs: POLL_MS, loadAverage: load, results };
  mkdirSync(path.join(root, 'bench/results'), { recursive: true });
  const file = path.join(root, 'bench/results', `failover-${out.at.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(out, null, 2));
  console.log(`wrote ${path.relative(root, file)}`);
}

await main();
process.exit(0);
