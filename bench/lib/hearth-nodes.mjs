// Shared by bench/failover and bench/join-storm: Hearth node processes (the
// built server, server/dist/main.js), a balancer in front of them with the
// same routing rule as scripts/cluster.mjs, a PostgreSQL database of the
// bench's own, and seeded sessions in progress (created through the admin API,
// as the integration tests do).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const rootRequire = createRequire(path.join(root, 'package.json'));
const serverRequire = createRequire(path.join(root, 'server', 'package.json'));
const MAIN = path.join(root, 'server/dist/main.js');

export const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const now = () => performance.timeOrigin + performance.now();

export function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = process.argv[i + 1];
  return typeof fallback === 'number' ? Number(v) : v;
}

/** A port nobody listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** A PostgreSQL database of the bench's own, dropped at the end. */
export async function createDatabase(label) {
  const { Client } = serverRequire('pg');
  const name = `hearth_bench_${label}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new Client({ connectionString: DATABASE_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** A directory for the token secret (and the embedded database when there is no DATABASE_URL). */
export function dataDir() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hearth-bench-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Starts one node of the built server and resolves once it listens. `kill9()`
 * is what the benches measure; `stop()` is the polite end.
 */
export async function startNode({ port, env, label }) {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`node scripts/hearth.mjs build\` first`);
  const child = spawn(process.execPath, [MAIN], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      NODE_OPTIONS: '',
      HOST: '127.0.0.1',
      PORT: String(port),
      SEED_DEMO: 'true',
      MEDIASOUP_WORKERS: '1',
      LOG_LEVEL: 'warn',
      CLIENT_DIST: '/nonexistent',
      JWT_SECRET: 'bench-secret-0123456789abcdef0123456789abcdef',
      // Long enough for a whole bench; idle logoff does not fire while people are in a session.
      ACCESS_TOKEN_TTL_SECONDS: '7200',
      REDIS_URL: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  const node = {
    label,
    nodeId: env.NODE_ID,
    port,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    alive: false,
    startedAt: now(),
    listeningAt: 0,
    output: () => out,
    exited,
    /** kill -9; resolves when the process is gone. */
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 12_000);
      await exited;
      clearTimeout(t);
    },
  };
  void exited.then(() => (node.alive = false));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label} did not start within 120 s:\n${out}`)), 120_000);
    const check = () => {
      if (/Hearth is running: /.test(out)) {
        clearTimeout(timer);
        child.stdout.off('data', check);
        resolve();
      }
    };
    child.stdout.on('data', check);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited (${signal ?? code}) before listening:\n${out}`));
    });
  });
  node.alive = true;
  node.listeningAt = now();
  return node;
}

/**
 * The balancer of scripts/cluster.mjs (http-proxy): a websocket with
 * `?node=<nodeId>` goes to that node while it is up, everything else
 * round-robin over the nodes that are up. `nodes` is read on every request, so
 * the bench can replace a node it restarted.
 */
export async function startBalancer(nodes) {
  const httpProxy = rootRequire('http-proxy');
  let next = 0;
  const pick = (url) => {
    const wanted = new URL(url ?? '/', 'http://x').searchParams.get('node');
    const named = nodes.find((n) => n.nodeId === wanted);
    if (named?.alive) return named;
    const alive = nodes.filter((n) => n.alive);
    if (alive.length === 0) return null;
    next = (next + 1) % alive.length;
    return alive[next];
  };
  const proxy = httpProxy.createProxyServer({ xfwd: true });
  proxy.on('error', (_err, _req, res) => {
    if (res && 'writeHead' in res && !res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
    res?.end?.(JSON.stringify({ code: 'bad_gateway' }));
  });
  const server = http.createServer((req, res) => {
    const target = pick(req.url);
    if (!target) {
      res.writeHead(503).end();
      return;
    }
    proxy.web(req, res, { target: target.url });
  });
  const upgraded = new Set();
  server.on('upgrade', (req, socket, head) => {
    const target = pick(req.url);
    if (!target) return socket.destroy();
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    proxy.ws(req, socket, head, { target: target.url });
  });
  const port = await freePort();
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${port}`,
    close() {
      // Websockets taken over by the proxy are not the server's connections any more: end them here.
      for (const s of upgraded) s.destroy();
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

export async function api(url, p, { token, body, method } = {}) {
  const res = await fetch(`${url}${p}`, {
    method: method ?? (body ? 'POST' : 'GET'),
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  const parsed = text ? JSON.parse(text) : null;
  if (!res.ok) throw new Error(`${method ?? (body ? 'POST' : 'GET')} ${p}: ${res.status} ${text.slice(0, 300)}`);
  return parsed;
}

export async function login(url, email, password) {
  const r = await api(url, '/api/auth/login', { body: { email, password } });
  return { email, token: r.accessToken, userId: r.user.id };
}

/** Runs `fn` over `items` with at most `n` at once. */
export async function pool(items, n, fn) {
  const out = new Array(items.length);
  let i = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (i < items.length) {
        const k = i++;
        out[k] = await fn(items[k], k);
      }
    }),
  );
  return out;
}

const PASSWORD = 'bench-password-0123';

/**
 * Seeds `sessions` group sessions in progress (started 5 minutes ago, 2 hours
 * long) in a program of their own: per session one therapist and `patients`
 * patients enrolled in its cohort. Signs everyone in. Returns, per session,
 * `{ sessionId, therapist, patients }` with `{ email, token, userId }` each.
 */
export async function seedSessions(url, { sessions, patients }) {
  const admin = await login(url, 'admin@hearth.test', 'hearth-demo');
  const program = await api(url, '/api/admin/programs', {
    token: admin.token,
    body: { name: `Bench ${randomBytes(3).toString('hex')}`, specialty: 'adult', timeZone: 'UTC' },
  });
  const today = new Date().toISOString().slice(0, 10);
  const tag = randomBytes(3).toString('hex');
  const member = async (role, i) => {
    const email = `bench-${tag}-${role}${i}@example.test`;
    const m = await api(url, `/api/admin/programs/${program.id}/members`, {
      token: admin.token,
      body: { email, firstName: `${role[0].toUpperCase()}${role.slice(1)}${i}`, lastName: 'Bench', role, password: PASSWORD },
    });
    return { email, userId: m.id };
  };
  const out = [];
  for (let s = 0; s < sessions; s++) {
    const therapist = await member('therapist', s);
    const cohort = await api(url, `/api/admin/programs/${program.id}/cohorts`, {
      token: admin.token,
      body: { name: `Bench cohort ${s}`, therapistId: therapist.userId, coTherapistIds: [] },
    });
    const ps = await pool(
      Array.from({ length: patients }, (_, i) => s * patients + i),
      4,
      (i) => member('patient', i),
    );
    await pool(ps, 4, (p) => api(url, `/api/admin/cohorts/${cohort.id}/enrollments`, { token: admin.token, body: { patientId: p.userId, startDate: today } }));
    const t = Date.now();
    const session = await api(url, '/api/sessions', {
      token: admin.token,
      body: {
        kind: 'group',
        cohortId: cohort.id,
        format: 'group_therapy',
        title: `Bench group ${s}`,
        startsAt: new Date(t - 5 * 60_000).toISOString(),
        endsAt: new Date(t + 115 * 60_000).toISOString(),
      },
    });
    out.push({ sessionId: session.id, therapist, patients: ps });
  }
  // Sign-ins (argon2) a few at a time, before anything is timed.
  const everyone = out.flatMap((s) => [s.therapist, ...s.patients]);
  await pool(everyone, 4, async (p) => Object.assign(p, await login(url, p.email, PASSWORD)));
  return out;
}

export const pct = (xs, p) => {
  if (xs.length === 0) return NaN;
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
export const summary = (xs) => ({ n: xs.length, p50: pct(xs, 50), p95: pct(xs, 95), p99: pct(xs, 99), max: pct(xs, 100) });

export function machine() {
  return { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version };
}
