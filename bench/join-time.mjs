#!/usr/bin/env node
// bench/join-time: click "enter" in the pre-join page → first remote video frame
// decoded, in headless Chromium with fake camera/microphone against the built app.
//
//   node scripts/hearth.mjs build && node bench/join-time.mjs [--runs 20]
//
// A co-therapist sits in the in-progress demo group sending video; each run
// the therapist opens the join page in a fresh browser context (new socket, new
// ICE + DTLS transports), clicks enter-lobby, and the page measures with
// performance.now() until requestVideoFrameCallback fires on the co-therapist's
// remote-video. Prints p50/p95 and writes bench/results/join-time-<ts>.json.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'tests', 'package.json'));
const { chromium } = require('playwright-core');

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 20;

function startServer() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'hearth-bench-'));
  const child = spawn(process.execPath, [path.join(root, 'server/dist/main.js')], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', SEED_DEMO: 'true', DATA_DIR: dataDir, LOG_LEVEL: 'warn', MEDIASOUP_WORKERS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (d) => {
      out += d;
      const m = /Hearth is running: (http:\/\/\S+)/.exec(out);
      if (m) resolve({ url: m[1].replace('localhost', '127.0.0.1'), stop: () => { child.kill('SIGTERM'); rmSync(dataDir, { recursive: true, force: true }); } });
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
  const page = await context.newPage();
  await page.goto(url);
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill('hearth-demo');
  await page.getByTestId('login-submit').click();
  await page.getByTestId('session-card').first().waitFor();
  return { context, page };
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

const server = await startServer();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--no-sandbox', '--disable-gpu', '--disable-quic',
    '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
});
try {
  const login = await api(server.url, '/api/auth/login', null, { email: 'cotherapist@hearth.test', password: 'hearth-demo' });
  const sessions = await api(server.url, '/api/me/sessions', login.accessToken);
  const now = Date.now();
  const live = sessions.find((s) => s.kind === 'group' && Date.parse(s.startsAt) <= now && Date.parse(s.endsAt) > now);
  const cotherapistId = login.user.id;

  const sender = await signIn(browser, server.url, 'cotherapist@hearth.test');
  await sender.page.goto(`${server.url}/sessions/${live.id}/join`);
  await sender.page.waitForFunction(() => !document.querySelector('[data-testid="enter-lobby"]')?.hasAttribute('disabled'));
  await sender.page.getByTestId('enter-lobby').click();
  await sender.page.getByTestId('room').waitFor();

  const times = [];
  for (let i = 0; i < runs; i++) {
    const { context, page } = await signIn(browser, server.url, 'therapist@hearth.test');
    await page.goto(`${server.url}/sessions/${live.id}/join`);
    const enter = page.getByTestId('enter-lobby');
    await enter.waitFor();
    await page.waitForFunction(() => !document.querySelector('[data-testid="enter-lobby"]')?.hasAttribute('disabled'));
    const ms = await page.evaluate(
      (userId) =>
        new Promise((resolve, reject) => {
          const t0 = performance.now();
          document.querySelector('[data-testid="enter-lobby"]').click();
          const deadline = setTimeout(() => reject(new Error('no remote frame within 15 s')), 15_000);
          const poll = () => {
            const v = document.querySelector(`video[data-testid="remote-video"][data-user-id="${userId}"]`);
            if (v && 'requestVideoFrameCallback' in v) {
              v.requestVideoFrameCallback(() => {
                clearTimeout(deadline);
                resolve(performance.now() - t0);
              });
            } else setTimeout(poll, 5);
          };
          poll();
        }),
      cotherapistId,
    ).catch(async (e) => {
      const dir = path.join(root, 'bench/results');
      mkdirSync(dir, { recursive: true });
      await page.screenshot({ path: path.join(dir, 'join-time-failure-joiner.png') });
      await sender.page.screenshot({ path: path.join(dir, 'join-time-failure-sender.png') });
      throw e;
    });
    times.push(ms);
    process.stdout.write(`run ${String(i + 1).padStart(2)}: ${ms.toFixed(0)} ms\n`);
    await context.close();
  }
  const result = {
    bench: 'join-time',
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model },
    runs,
    p50Ms: Math.round(pct(times, 50)),
    p95Ms: Math.round(pct(times, 95)),
    minMs: Math.round(Math.min(...times)),
    maxMs: Math.round(Math.max(...times)),
    timesMs: times.map((t) => Math.round(t)),
  };
  console.log('\n| runs | p50 ms | p95 ms | min ms | max ms |\n|---|---|---|---|---|');
  console.log(`| ${runs} | ${result.p50Ms} | ${result.p95Ms} | ${result.minMs} | ${result.maxMs} |`);
  const dir = path.join(root, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `join-time-${result.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2));
  console.log(`\nwritten ${path.relative(root, file)}`);
} finally {
  await browser.close();
  server.stop();
}
