#!/usr/bin/env node
// bench/join-time: how long until a joiner sees the first remote video frame,
// in headless Chromium with fake camera/microphone against the built app. Two measures:
//
//   enter — the therapist clicks enter-lobby (a co-therapist is already in the room
//           sending video) → first frame of the co-therapist's remote-video;
//   admit — a patient waits in the lobby (media prepared there); the co-therapist
//           clicks admit-user → first frame on the patient's page.
//
//   node scripts/hearth.mjs build && node bench/join-time.mjs [--runs 20] [--only enter|admit] [--postgres [url]] [--busy n]
//
// --busy n: n other processes spin at normal priority while the runs go on (other work on the
// machine: a loaded or shared computer); each takes a core's worth if it can. The machine's
// CPU time stolen by its hypervisor over the runs is printed too (/proc/stat), since a shared
// VM is slower than its core count says.
//
// Each run is a fresh browser context (new socket, new ICE + DTLS transports).
// A frame counts from the moment the browser expects it on screen (requestVideoFrameCallback's
// expectedDisplayTime); the time its frame callback ran, once the page's main thread got to it,
// is reported beside it. Across pages, times are performance.timeOrigin + performance.now(). The phase breakdown comes from the
// page's RoomClient marks (window.__hearthRoom.timings): join ack (or the
// admission push), transports known, first consume, first frame — all from the click — and,
// from the server (MEDIA_KEYFRAME_LOG), when the SFU sent the joiner the first key frame of
// that video: what comes after it is the joiner's browser (receive, decode, show).
// Prints p50/p95 per measure and phase and writes bench/results/join-time-<ts>.json.
//
// Diagnostics (each perturbs the timing a little; not for headline figures):
//   BREAKDOWN=1  the sender's next key frame, the receiver's first packet/decoded frame (stats
//                polled every 4 ms), when the remote <video> appeared and the rVFC presentation time;
//   CPU=1        CPU ms each process used from the click to the frame (/proc);
//   TRACE=1      a Chrome trace of the joiner's page per run (bench/results/{join,admit}-trace-<i>.json;
//                bench/lib/trace-summary.mjs summarises one);
//   FRAMES=1     admit: the socket frames both pages received in the window (event and size);
//   PROFILE=1    a CPU profile of the joiner's page per run (PROFILE=sender: admit only, the therapist's page); LONGTASKS=1, TRACE_PC=1 as named.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// --app <checkout>: measure another built checkout (e.g. the main branch) with this script, for a same-sitting comparison.
const appRoot = process.argv.includes('--app') ? path.resolve(process.argv[process.argv.indexOf('--app') + 1]) : root;
const require = createRequire(path.join(root, 'tests', 'package.json'));
const { chromium } = require('playwright-core');

const arg = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const runs = Number(arg('--runs')) || 20;
const only = arg('--only');

// --postgres [url]: the server on PostgreSQL, as deployed (a fresh database on that server, dropped after);
// without it the embedded PGlite of `npm start`, whose queries run in the server's own thread.
const postgresAdmin = process.argv.includes('--postgres')
  ? (process.argv[process.argv.indexOf('--postgres') + 1]?.startsWith('postgres') ? process.argv[process.argv.indexOf('--postgres') + 1] : 'postgresql://postgres@127.0.0.1:5432/test')
  : null;

async function benchDatabase() {
  if (!postgresAdmin) return { url: undefined, drop: async () => undefined };
  const { Client } = createRequire(path.join(root, 'server', 'package.json'))('pg');
  const name = `hearth_bench_${Date.now()}`;
  const admin = new Client({ connectionString: postgresAdmin });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(postgresAdmin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new Client({ connectionString: postgresAdmin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

async function startServer() {
  const db = await benchDatabase();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'hearth-bench-'));
  const keyFrameLog = path.join(dataDir, 'keyframes.log');
  const child = spawn(process.execPath, [path.join(appRoot, 'server/dist/main.js')], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', SEED_DEMO: 'true', DATA_DIR: dataDir, LOG_LEVEL: 'warn', MEDIASOUP_WORKERS: '1', SOCKET_RATE_LIMIT_SCALE: '100', MEDIA_KEYFRAME_LOG: keyFrameLog, ...(db.url ? { DATABASE_URL: db.url } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (d) => {
      out += d;
      const m = /Hearth is running: (http:\/\/[^\s"]+)/.exec(out);
      if (m) {
        resolve({
          url: m[1].replace('localhost', '127.0.0.1'),
          database: db.url ? 'postgresql' : 'pglite',
          /** When the SFU sent `consumerId`'s first key frame at or after `since` (epoch ms); null if it has not (or an older build). */
          keyFrameSent: (consumerId, since) => {
            let text = '';
            try {
              text = readFileSync(keyFrameLog, 'utf8');
            } catch {
              return null;
            }
            for (const line of text.split('\n')) {
              const [t, , id] = line.split(' ');
              if (id === consumerId && Number(t) >= since) return Number(t);
            }
            return null;
          },
          stop: async () => {
            const exited = new Promise((r) => child.once('exit', r));
            child.kill('SIGTERM');
            await exited;
            rmSync(dataDir, { recursive: true, force: true });
            await db.drop();
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d) => (out += d));
    child.once('exit', (code) => reject(new Error(`server exited ${code}:\n${out}`)));
  });
}

async function api(url, pathName, token, body) {
  const res = await fetch(`${url}${pathName}`, {
    method: body ? 'POST' : 'GET',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return res.json();
}

async function signIn(browser, url, email) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  if (process.env.TRACE_PC) await context.addInitScript(tracePeerConnections);
  const page = await context.newPage();
  // FRAMES=1: every socket frame the page receives, timed, for the admit window's listing.
  if (process.env.FRAMES) {
    page.__frames = [];
    page.on('websocket', (ws) => ws.on('framereceived', (f) => page.__frames.push([Date.now(), typeof f.payload === 'string' ? f.payload : f.payload.toString()])));
  }
  await page.goto(url);
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill('hearth-demo');
  await page.getByTestId('login-submit').click();
  await page.getByTestId('session-card').first().waitFor();
  return { context, page };
}

const pct = (xs, p) => {
  const s = [...xs].filter((x) => typeof x === 'number').sort((a, b) => a - b);
  if (!s.length) return null;
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

/** TRACE_PC=1: every RTCPeerConnection's ICE, DTLS and connection states, timed (window.__pcTrace). */
function tracePeerConnections() {
  window.__pcTrace = [];
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = function (...args) {
    const pc = new Native(...args);
    const n = window.__pcTrace.length;
    const mark = (what) => window.__pcTrace.push([performance.timeOrigin + performance.now(), `pc${n} ${what}`]);
    mark('new');
    pc.addEventListener('iceconnectionstatechange', () => mark(`ice ${pc.iceConnectionState}`));
    pc.addEventListener('connectionstatechange', () => mark(`conn ${pc.connectionState}`));
    pc.addEventListener('icegatheringstatechange', () => mark(`gather ${pc.iceGatheringState}`));
    const setLocal = pc.setLocalDescription.bind(pc);
    pc.setLocalDescription = (...a) => { mark('setLocal'); return setLocal(...a).then((r) => { mark('setLocal done'); return r; }); };
    const setRemote = pc.setRemoteDescription.bind(pc);
    pc.setRemoteDescription = (...a) => { mark('setRemote'); return setRemote(...a).then((r) => { mark('setRemote done'); return r; }); };
    pc.addEventListener('track', () => mark('track'));
    return pc;
  };
  window.RTCPeerConnection.prototype = Native.prototype;
}

/**
 * In the page: resolves with the absolute times (timeOrigin + now) at which the first frame of
 * userId's remote video shows (rVFC expectedDisplayTime) and at which its frame callback ran.
 */
function firstFrameScript(userId) {
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error('no remote frame within 15 s')), 15_000);
    const selector = `video[data-testid="remote-video"][data-user-id="${userId}"]`;
    let watching = null;
    // The element is watched from the moment the page commits it (a mutation observer runs in the
    // same task), not from a timer's next turn: a timer waits behind the room's first render,
    // and a frame presented before its frame callback was asked for would not count.
    const watch = () => {
      const v = document.querySelector(selector);
      if (!v || v === watching || !('requestVideoFrameCallback' in v)) return;
      watching = v;
      const seen = performance.timeOrigin + performance.now();
      v.requestVideoFrameCallback((_now, meta) => {
        if (watching !== v) return;
        clearTimeout(deadline);
        observer.disconnect();
        window.__hearthFrameMark?.();
        window.__firstFrameMeta = { seen, callback: performance.timeOrigin + performance.now(), presented: performance.timeOrigin + meta.presentationTime, expected: performance.timeOrigin + meta.expectedDisplayTime, received: meta.receiveTime === undefined ? null : performance.timeOrigin + meta.receiveTime };
        // On screen: when the browser expects the frame to be visible. The callback itself comes
        // later, when the page's main thread gets to it (also reported, as "frame callback").
        resolve({ shown: performance.timeOrigin + meta.expectedDisplayTime, callback: performance.timeOrigin + performance.now() });
      });
    };
    const observer = new MutationObserver(watch);
    observer.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-testid', 'data-user-id'] });
    watch();
  });
}

/**
 * BREAKDOWN=1, in the joiner's page: absolute times of the first RTP packet and the first
 * decoded frame of userId's video consumer (its receiver's stats, polled every 4 ms while
 * the join runs: the polling costs some CPU, so figures with it are not the headline ones).
 */
function receiverScript(userId) {
  return new Promise((resolve) => {
    const out = { firstPacket: null, firstDecoded: null };
    const deadline = Date.now() + 15_000;
    const poll = async () => {
      if (Date.now() > deadline) return resolve(out);
      const entry = [...(window.__hearthRoom?.consumers?.values() ?? [])].find((c) => c.userId === userId && c.kind === 'video');
      if (entry) {
        const stats = await entry.consumer.getStats().catch(() => null);
        const now = performance.timeOrigin + performance.now();
        stats?.forEach((r) => {
          if (r.type !== 'inbound-rtp') return;
          if (r.packetsReceived > 0) out.firstPacket ??= now;
          if (r.framesDecoded > 0) out.firstDecoded ??= now;
        });
        if (out.firstDecoded) return resolve(out);
      }
      setTimeout(poll, 4);
    };
    poll();
  });
}

/** BREAKDOWN=1, in the sender's page: absolute time of the next key frame its camera encodes (any layer). */
function senderKeyFrameScript() {
  return new Promise((resolve) => {
    const deadline = Date.now() + 15_000;
    const producer = [...(window.__hearthRoom?.producers?.values() ?? [])].find((p) => p.kind === 'video');
    if (!producer) return resolve(null);
    let base = null;
    const poll = async () => {
      if (Date.now() > deadline) return resolve(null);
      const stats = await producer.getStats().catch(() => null);
      const now = performance.timeOrigin + performance.now();
      let keys = 0;
      stats?.forEach((r) => {
        if (r.type === 'outbound-rtp') keys += r.keyFramesEncoded ?? 0;
      });
      if (base === null) base = keys;
      else if (keys > base) return resolve(now);
      setTimeout(poll, 4);
    };
    poll();
  });
}

/** The id of the page's video consumer of userId (null: none). */
const videoConsumerScript = (userId) =>
  [...(window.__hearthRoom?.consumers?.values() ?? [])].find((c) => c.userId === userId && c.kind === 'video')?.consumer.id ?? null;

/** The page's RoomClient marks as absolute times. */
const timingsScript = () => {
  const t = window.__hearthRoom?.timings ?? {};
  const abs = (x) => (typeof x === 'number' ? performance.timeOrigin + x : null);
  return { start: abs(t.start), joinAck: abs(t.joinAck), device: abs(t.device), transports: abs(t.transports), consumeStart: abs(t.consumeStart), firstConsume: abs(t.firstConsume), recvConnect: abs(t.recvConnect), recvConnectAck: abs(t.recvConnectAck), recvConnected: abs(t.recvConnected), firstResumeAck: abs(t.firstResumeAck), prepared: !!t.prepared };
};

async function failureShots(pages) {
  const dir = path.join(root, 'bench/results');
  mkdirSync(dir, { recursive: true });
  for (const [name, page] of Object.entries(pages)) await page.screenshot({ path: path.join(dir, `join-time-failure-${name}.png`) }).catch(() => undefined);
}

async function openJoinPage(browser, url, email, sessionId, { patient = false } = {}) {
  const { context, page } = await signIn(browser, url, email);
  await page.goto(`${url}/sessions/${sessionId}/join`);
  await page.getByTestId('enter-lobby').waitFor();
  // The camera/microphone check done (patients: enabled once the safety check is filled).
  if (!patient) await page.waitForFunction(() => !document.querySelector('[data-testid="enter-lobby"]')?.hasAttribute('disabled'));
  // The page's socket connected (it opens with the page; older builds open it on enter).
  await page.waitForFunction(() => !window.__hearthRoom || window.__hearthRoom.socket.connected === true);
  // A person spends seconds here (camera check, the safety check): the page's own preparation
  // (device, a warm receive transport) has that long. Up to 1.5 s, the same for every build.
  await page
    .waitForFunction(() => window.__hearthRoom?.warmRecv?.connectionState === 'connected', null, { timeout: 1500 })
    .catch(() => undefined);
  return { context, page };
}

/** CPU=1: CPU ms (user + system) each process group used, from /proc (Linux only). */
function cpuSnapshot() {
  const out = new Map();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(f[11]) + Number(f[12]);
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const type = /--type=(\S+)/.exec(cmd)?.[1];
      const name = cmd.includes('chromium') ? (type === 'renderer' ? `renderer:${pid}` : `chromium-${type ?? 'browser'}${/--utility-sub-type=(\S+)/.exec(cmd)?.[1]?.replace(/.*\./, ':') ?? ''}`)
        : cmd.includes('mediasoup-worker') ? 'mediasoup-worker' : cmd.includes('server/dist/main.js') ? 'server' : cmd.includes('postgres') ? 'postgres' : cmd.includes('join-time') ? 'bench' : null;
      if (name) out.set(name, (out.get(name) ?? 0) + ticks * 10);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** The machine's CPU times from /proc/stat's first line (jiffies): all, and stolen. Null off Linux. */
function cpuTimes() {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    return { all: fields.slice(0, 8).reduce((a, b) => a + b, 0), steal: fields[7] ?? 0 };
  } catch {
    return null;
  }
}

/** Percent of the machine's CPU time its hypervisor took since `start`. */
function stolenSince(start) {
  const end = cpuTimes();
  if (!start || !end || end.all === start.all) return null;
  return Math.round(((end.steal - start.steal) / (end.all - start.all)) * 1000) / 10;
}

function cpuDiff(a, b) {
  const d = {};
  for (const [k, v] of b) if (v - (a.get(k) ?? 0) > 0) d[k] = v - (a.get(k) ?? 0);
  return d;
}

/** BREAKDOWN=1: the receiver's first packet and decoded frame, and the sender's next key frame, relative to the click. */
function breakdownWatch(page, senderPage, userId) {
  if (!process.env.BREAKDOWN) return Promise.resolve(() => ({}));
  const recv = page.evaluate(receiverScript, userId);
  const key = senderPage.evaluate(senderKeyFrameScript);
  return Promise.all([recv, key]).then(([r, k]) => (t0) => ({
    senderKeyFrame: k === null ? null : k - t0,
    firstPacket: r.firstPacket === null ? null : r.firstPacket - t0,
    firstDecoded: r.firstDecoded === null ? null : r.firstDecoded - t0,
  }));
}

const ms = (x) => (typeof x === 'number' ? x.toFixed(0) : '–');

/**
 * PROFILE=1: starts a CPU profile of the page, with two named 2 ms spins it can mark its window
 * with (`hearthClickMark` at the click, `hearthFrameMark` at the frame callback), for
 * bench/lib/profile-summary.mjs.
 */
async function startProfile(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  await page.evaluate(() => {
    const spin = () => {
      const s = performance.now();
      while (performance.now() - s < 2);
    };
    window.__hearthClickMark = function hearthClickMark() { spin(); };
    window.__hearthFrameMark = function hearthFrameMark() { spin(); };
  });
  return cdp;
}

async function saveProfile(cdp, name) {
  const { profile } = await cdp.send('Profiler.stop');
  mkdirSync(path.join(root, 'bench/results'), { recursive: true });
  writeFileSync(path.join(root, `bench/results/${name}.cpuprofile`), JSON.stringify(profile));
}

const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'v8.execute', 'webrtc', 'media', 'disabled-by-default-webrtc', 'disabled-by-default-video_and_image_capture', 'viz', 'cc'];

function phasesFrom(t0, marks, frame, keyFrameSent) {
  const rel = (x) => (typeof x === 'number' ? x - t0 : null);
  return { keyFrameSent: rel(keyFrameSent), joinAck: rel(marks.joinAck ?? marks.start), device: rel(marks.device), transports: rel(marks.transports), consumeStart: rel(marks.consumeStart), firstConsume: rel(marks.firstConsume), recvConnect: rel(marks.recvConnect), recvConnectAck: rel(marks.recvConnectAck), recvConnected: rel(marks.recvConnected), firstResumeAck: rel(marks.firstResumeAck), firstFrame: frame.shown - t0, frameCallback: frame.callback - t0 };
}

const server = await startServer();
// The e2e tests' feature switches (tests/e2e/support/browser.ts): playwright-core's list plus
// the omnibox popups' WebUI, which each new context's window would load in a renderer of its
// own (~2.5 s of CPU per run's context, some of it in the measured window). One switch: Chromium keeps the last.
// CHROMIUM_DEFAULT_FEATURES=1 keeps playwright-core's switch alone (the figures before 2026-12-02 16:00 UTC).
const features = JSON.parse(readFileSync(path.join(root, 'tests/e2e/support/chromium-features.json'), 'utf8'));
if (process.env.CHROMIUM_DEFAULT_FEATURES) features.hearthDisabled = [];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  ignoreDefaultArgs: [`--disable-features=${features.playwrightDisabled.join(',')}`],
  args: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--no-sandbox', '--disable-gpu', '--disable-quic',
    '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required',
    `--disable-features=${[...features.playwrightDisabled, ...features.hearthDisabled].join(',')}`],
});
const measures = {};
const busyCount = Number(arg('--busy')) || 0;
const busy = [];
const stat0 = cpuTimes();
try {
  const login = await api(server.url, '/api/auth/login', null, { email: 'cotherapist@hearth.test', password: 'hearth-demo' });
  const sessions = await api(server.url, '/api/me/sessions', login.accessToken);
  const now = Date.now();
  const live = sessions.find((s) => s.kind === 'group' && Date.parse(s.startsAt) <= now && Date.parse(s.endsAt) > now);
  const cotherapistId = login.user.id;

  const sender = await openJoinPage(browser, server.url, 'cotherapist@hearth.test', live.id);
  await sender.page.getByTestId('enter-lobby').click();
  await sender.page.getByTestId('room').waitFor();
  for (let i = 0; i < busyCount; i++) busy.push(spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
  if (only !== 'admit') {
    const rows = [];
    for (let i = 0; i < runs; i++) {
      const { context, page } = await openJoinPage(browser, server.url, 'therapist@hearth.test', live.id);
      await page.evaluate(() => {
        window.__lt = [];
        new PerformanceObserver((l) => l.getEntries().forEach((e) => window.__lt.push([performance.timeOrigin + e.startTime, e.duration]))).observe({ type: 'longtask' });
      });
      const cdp = process.env.PROFILE ? await startProfile(page) : null;
      // TRACE=1: a Chrome performance trace of the joiner's page (style, layout, paint, scripts) per run.
      if (process.env.TRACE) await browser.startTracing(page, { path: path.join(root, `bench/results/join-trace-${i}.json`), categories: TRACE_CATEGORIES });
      const frame = page.evaluate(firstFrameScript, cotherapistId);
      const watch = breakdownWatch(page, sender.page, cotherapistId);
      const cpu0 = process.env.CPU ? cpuSnapshot() : null;
      const t0 = await page.evaluate(() => {
        window.__hearthClickMark?.();
        const t = performance.timeOrigin + performance.now();
        document.querySelector('[data-testid="enter-lobby"]').click();
        return t;
      });
      const at = await frame.catch(async (e) => {
        await failureShots({ joiner: page, sender: sender.page });
        throw e;
      });
      if (cpu0) console.log('  cpu ms:', JSON.stringify(cpuDiff(cpu0, cpuSnapshot())));
      if (process.env.TRACE) await browser.stopTracing();
      const keyFrame = server.keyFrameSent(await page.evaluate(videoConsumerScript, cotherapistId), t0);
      const row = { ...phasesFrom(t0, await page.evaluate(timingsScript), at, keyFrame), ...(await watch.then((w) => w(t0))) };
      const meta = await page.evaluate(() => window.__firstFrameMeta);
      if (process.env.BREAKDOWN) console.log(`  run ${i + 1} element ${ms(meta.seen - t0)}, rVFC: presented ${ms(meta.presented - t0)}, expected ${ms(meta.expected - t0)}, received ${meta.received ? ms(meta.received - t0) : '–'}, callback ${ms(meta.callback - t0)}`);
      rows.push(row);
      if (cdp) await saveProfile(cdp, `join-profile-${i}`);
      if (process.env.TRACE_PC) console.log('  pc:', (await page.evaluate(() => window.__pcTrace)).map(([t, w]) => `${(t - t0).toFixed(0)} ${w}`).join(' | '));
      if (process.env.LONGTASKS) console.log('  long tasks:', (await page.evaluate(() => window.__lt)).map(([s, d]) => `${(s - t0).toFixed(0)}+${d.toFixed(0)}`).join(' '));
      process.stdout.write(`enter run ${String(i + 1).padStart(2)}: ${row.firstFrame.toFixed(0)} ms (callback ${ms(row.frameCallback)}, ack ${ms(row.joinAck)}, device ${ms(row.device)}, transports ${ms(row.transports)}, consume ${ms(row.consumeStart)}→${ms(row.firstConsume)}, resumed ${ms(row.firstResumeAck)}, SFU key frame ${ms(row.keyFrameSent)}, dtls ${ms(row.recvConnect)}→${ms(row.recvConnectAck)}, connected ${ms(row.recvConnected)}${process.env.BREAKDOWN ? `, key frame ${ms(row.senderKeyFrame)}, packet ${ms(row.firstPacket)}, decoded ${ms(row.firstDecoded)}` : ''})\n`);
      await context.close();
    }
    measures.enter = rows;
  }

  if (only !== 'enter') {
    const rows = [];
    for (let i = 0; i < runs; i++) {
      const email = `patient${(i % 8) + 1}@hearth.test`;
      const { context, page } = await openJoinPage(browser, server.url, email, live.id, { patient: true });
      await page.getByTestId('safety-location').fill('Home, 12 Palm St');
      await page.getByTestId('safety-callback').fill('+1 480 555 0134');
      await page.getByTestId('consent-accept').check();
      await page.getByTestId('enter-lobby').click();
      await page.getByTestId('lobby-waiting').waitFor().catch(async (e) => {
        await failureShots({ patient: page, sender: sender.page });
        throw e;
      });
      // A patient waits seconds in the lobby; the page prepares its media meanwhile.
      await page.waitForFunction(() => !window.__hearthRoom?.timings || window.__hearthRoom.timings.transports !== undefined);
      await page.waitForTimeout(700);
      const userId = (await api(server.url, '/api/auth/login', null, { email, password: 'hearth-demo' })).user.id;
      const admit = sender.page.locator(`[data-testid="admit-user"][data-user-id="${userId}"]`);
      await admit.waitFor();
      // PROFILE=sender: the therapist's page instead (its work on the newcomer shares the cores with the patient's).
      const profiled = process.env.PROFILE === 'sender' ? sender.page : page;
      const cdp = process.env.PROFILE ? await startProfile(profiled) : null;
      // The window's start in the patient's profile (the click is on the therapist's page, a moment later).
      if (cdp && profiled === page) await page.evaluate(() => window.__hearthClickMark());
      if (process.env.TRACE) await browser.startTracing(page, { path: path.join(root, `bench/results/admit-trace-${i}.json`), categories: TRACE_CATEGORIES });
      const frame = page.evaluate(firstFrameScript, cotherapistId);
      const watch = breakdownWatch(page, sender.page, cotherapistId);
      const cpu0 = process.env.CPU ? cpuSnapshot() : null;
      const t0 = await admit.evaluate((el) => {
        const t = performance.timeOrigin + performance.now();
        if (window.__hearthClickMark) window.__hearthClickMark();
        el.click();
        return t;
      });
      const at = await frame.catch(async (e) => {
        await failureShots({ patient: page, sender: sender.page });
        throw e;
      });
      // The sender's window ends when the bench hears of the patient's frame (a few ms after it).
      if (cdp && profiled === sender.page) await sender.page.evaluate(() => window.__hearthFrameMark());
      if (cpu0) console.log('  cpu ms:', JSON.stringify(cpuDiff(cpu0, cpuSnapshot())));
      if (process.env.TRACE) await browser.stopTracing();
      if (process.env.FRAMES) {
        for (const [who, p] of [['therapist', sender.page], ['patient', page]]) {
          const listed = p.__frames.filter(([t]) => t >= t0 - 5 && t <= at.callback + 5).map(([t, f]) => `${Math.round(t - t0)} ${/^\d+(\["[^"]+")?/.exec(f)?.[0] ?? f.slice(0, 12)} ${f.length} B`);
          console.log(`  ${who} received:`, listed.join(' | '));
        }
      }
      if (process.env.TRACE_PC) console.log('  pc:', (await page.evaluate(() => window.__pcTrace)).map(([t, w]) => `${(t - t0).toFixed(0)} ${w}`).join(' | '));
      const marks = await page.evaluate(timingsScript);
      const keyFrame = server.keyFrameSent(await page.evaluate(videoConsumerScript, cotherapistId), t0);
      const row = { ...phasesFrom(t0, marks, at, keyFrame), ...(await watch.then((w) => w(t0))), prepared: marks.prepared };
      if (cdp) await saveProfile(cdp, `admit-profile-${i}`);
      rows.push(row);
      process.stdout.write(`admit run ${String(i + 1).padStart(2)}: ${row.firstFrame.toFixed(0)} ms (callback ${ms(row.frameCallback)}, admitted ${ms(row.joinAck)}, consume ${ms(row.consumeStart)}→${ms(row.firstConsume)}, resumed ${ms(row.firstResumeAck)}, SFU key frame ${ms(row.keyFrameSent)}, dtls ${ms(row.recvConnect)}→${ms(row.recvConnectAck)}, connected ${ms(row.recvConnected)}, prepared in lobby: ${row.prepared}${process.env.BREAKDOWN ? `, key frame ${ms(row.senderKeyFrame)}, packet ${ms(row.firstPacket)}, decoded ${ms(row.firstDecoded)}` : ''})\n`);
      // Removed by the therapist (not "left"): a patient who leaves of their own accord comes back
      // without a new admission, so the next run with this patient would not wait in the lobby.
      await sender.page.evaluate((id) => window.__hearthRoom?.removeParticipant(id), userId);
      await context.close();
    }
    measures.admit = rows;
  }

  const phases = ['joinAck', 'device', 'transports', 'firstConsume', 'keyFrameSent', 'senderKeyFrame', 'firstPacket', 'firstDecoded', 'firstFrame', 'frameCallback'];
  const summary = {};
  for (const [name, rows] of Object.entries(measures)) {
    summary[name] = {};
    for (const ph of phases) {
      const xs = rows.map((r) => r[ph]);
      summary[name][ph] = { p50: pct(xs, 50) === null ? null : Math.round(pct(xs, 50)), p95: pct(xs, 95) === null ? null : Math.round(pct(xs, 95)) };
    }
  }
  const result = {
    bench: 'join-time',
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavg: loadavg().map((x) => Math.round(x * 100) / 100), stolenPercent: stolenSince(stat0), busy: busyCount },
    database: server.database,
    runs,
    summary,
    runsMs: Object.fromEntries(Object.entries(measures).map(([k, rows]) => [k, rows.map((r) => Object.fromEntries(Object.entries(r).map(([a, b]) => [a, typeof b === 'number' ? Math.round(b) : b])))])),
  };
  console.log(`\nload average at the end: ${result.machine.loadavg.join(' ')} (${result.machine.cpus} cores${busyCount ? `, ${busyCount} busy process${busyCount > 1 ? 'es' : ''} beside` : ''}); CPU stolen by the hypervisor: ${result.machine.stolenPercent ?? '–'} %; database: ${server.database}`);
  console.log('\nms from the click, p50 / p95:\n| measure | runs | join ack (admit: admitted push) | device loaded | transports | first consume | SFU sent the key frame | first frame on screen | its frame callback |\n|---|---|---|---|---|---|---|---|---|');
  const cell = (x) => `${x.p50 ?? '–'} / ${x.p95 ?? '–'}`;
  for (const [name, s] of Object.entries(summary)) {
    console.log(`| ${name} | ${measures[name].length} | ${cell(s.joinAck)} | ${cell(s.device)} | ${cell(s.transports)} | ${cell(s.firstConsume)} | ${cell(s.keyFrameSent)} | **${cell(s.firstFrame)}** | ${cell(s.frameCallback)} |`);
  }
  const dir = path.join(root, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `join-time-${result.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2));
  console.log(`\nwritten ${path.relative(root, file)}`);
} finally {
  for (const child of busy) child.kill();
  await browser.close();
  await server.stop();
}
