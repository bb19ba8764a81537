/**
 * The cluster survives the death of a session's host. `npm run cluster`
 * (scripts/cluster.mjs: two Hearth nodes sharing PostgreSQL and Redis behind
 * the http-proxy balancer) serves a therapist and two patients in real
 * Chromium, through the balancer only. The node hosting their session is
 * killed (kill -9). Nobody touches a page: every page shows "reconnecting",
 * comes back by itself to the other node — straight into the room, not the
 * lobby — within 30 s, media flows again, the floor holder is who it was and
 * the talking stick still holds everyone else's microphone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { REPO_ROOT, serverData, type ServerData } from '../../server/test/helpers/server-process';
import { holdSharedRedis, SHARED_REDIS_WAIT_MS } from '../../server/test/helpers/shared-redis';
import {
  ARTIFACTS,
  apiLogin,
  eventually,
  expectFloorKept,
  expectMediaBackUnderStick,
  gatherTrio,
  giveAlexTheFloor,
  liveGroupSessionId,
  screenshot,
  signInTrio,
  type Trio,
} from './room.support';
import { launchChromium } from './support/browser';

jest.setTimeout(420_000);

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** The bar: everyone back in the room on the surviving node within this long after the kill. */
const BACK_WITHIN_MS = 30_000;

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

interface PgClient {
  connect(): Promise<void>;
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
}
/** The server's PostgreSQL driver (the tests package does not carry one of its own). */
const { Client } = createRequire(path.join(REPO_ROOT, 'server/package.json'))('pg') as { Client: new (o: { connectionString: string }) => PgClient };

async function admin(sql: string): Promise<void> {
  const c = new Client({ connectionString: TEST_DATABASE_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** A PostgreSQL database of this test's own (the nodes must share one); dropped afterwards. */
async function createDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `hearth_e2e_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** A port P with P+1 and P+2 free too (the balancer and its two nodes). */
async function clusterPort(): Promise<number> {
  for (let i = 0; i < 50; i += 1) {
    const p = 20_000 + Math.floor(Math.random() * 20_000);
    if ((await portFree(p)) && (await portFree(p + 1)) && (await portFree(p + 2))) return p;
  }
  throw new Error('no three free ports in a row');
}

interface Cluster {
  url: string;
  nodes: Map<string, { pid: number; url: string }>;
  child: ChildProcess;
  output(): string;
}

/** `npm run cluster -- --nodes 2 --port P`, as TEST-CONTRACT describes it; resolves once the balancer is up. */
async function startCluster(port: number, env: Record<string, string>): Promise<Cluster> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'scripts/cluster.mjs'), '--nodes', '2', '--port', String(port)], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      NODE_OPTIONS: '',
      MEDIASOUP_WORKERS: '1',
      LOG_LEVEL: 'warn',
      JWT_SECRET: 'cluster-e2e-secret-0123456789abcdef0123456789',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the cluster did not start:\n${out}`)), 180_000);
    child.stdout?.on('data', () => {
      if (/^balancer http:\/\/\S+/m.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the cluster exited with ${code}:\n${out}`));
    });
  });
  const nodes = new Map<string, { pid: number; url: string }>();
  for (const m of out.matchAll(/^node (\S+) pid (\d+) (http:\/\/\S+)$/gm)) nodes.set(m[1]!, { pid: Number(m[2]), url: m[3]! });
  return { url: `http://127.0.0.1:${port}`, nodes, child, output: () => out };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('a two-node cluster loses the node hosting a live group', () => {
  let db: { url: string; drop(): Promise<void> };
  let data: ServerData;
  let cluster: Cluster;
  let browser: Browser;
  let sessionId: string;
  let therapistToken: string;
  let trio: Trio; // the therapist, Alex (patient1), Blake (patient2)
  let hostNodeId: string;

  const placement = async (): Promise<string | undefined> => {
    const res = await fetch(`${cluster.url}/api/sessions/${sessionId}/placement`, { headers: { authorization: `Bearer ${therapistToken}` } });
    return ((await res.json()) as { nodeId?: string }).nodeId;
  };

  let releaseRedis: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    releaseRedis = await holdSharedRedis(REDIS_URL); // no other test's nodes on this Redis meanwhile
  }, SHARED_REDIS_WAIT_MS + 10_000);

  beforeAll(async () => {
    db = await createDatabase();
    data = serverData(db.url);
    cluster = await startCluster(await clusterPort(), { ...data.env, REDIS_URL });
    expect(cluster.nodes.size).toBe(2);
    browser = await launchChromium();
    therapistToken = (await apiLogin(cluster.url, 'therapist@hearth.test')).accessToken;
    sessionId = await liveGroupSessionId(cluster.url, therapistToken);
  });

  afterAll(async () => {
    await browser?.close();
    if (cluster) {
      const exited = new Promise((r) => (cluster.child.exitCode !== null ? r(null) : cluster.child.once('exit', r)));
      cluster.child.kill('SIGTERM');
      const guard = setTimeout(() => cluster.child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(guard);
      for (const n of cluster.nodes.values()) if (alive(n.pid)) process.kill(n.pid, 'SIGKILL');
    }
    await releaseRedis?.();
    data?.cleanup();
    await db?.drop();
  });

  it('everyone is in the room through the balancer, Alex holds the floor under the talking stick', async () => {
    trio = await signInTrio(browser, cluster.url);
    const { therapist, alex, blake } = trio;
    const logs: string[] = [];
    for (const p of [therapist, alex, blake]) {
      p.page.on('console', (m) => logs.push(`${p.email}: ${m.text()}`));
      p.page.on('websocket', (ws) => {
        logs.push(`${p.email}: ws ${ws.url()}`);
        ws.on('framereceived', (f) => {
          const t = String(f.payload);
          if (/elsewhere|"status"/.test(t)) logs.push(`${p.email}: <- ${t.slice(0, 200)}`);
        });
        ws.on('framesent', (f) => {
          const t = String(f.payload);
          if (/room:join/.test(t)) logs.push(`${p.email}: -> ${t.slice(0, 80)}`);
        });
        ws.on('close', () => logs.push(`${p.email}: ws closed ${ws.url()}`));
      });
    }
    try {
      await gatherTrio(trio, sessionId);
    } catch (e) {
      const pages = await Promise.all([therapist, alex, blake].map(async (p) => `--- ${p.email}\n${await p.page.locator('body').innerText().catch(() => '?')}`));
      // What each page showed and said, for whoever reads the failure (tests/artifacts is gitignored).
      mkdirSync(ARTIFACTS, { recursive: true });
      writeFileSync(path.join(ARTIFACTS, 'cluster-e2e-failure.txt'), [...pages, '--- pages', ...logs, '--- cluster', cluster.output()].join('\n'));
      throw e;
    }
    await giveAlexTheFloor(trio);
    hostNodeId = (await placement())!;
    expect(cluster.nodes.has(hostNodeId)).toBe(true);
  });

  it('after kill -9 of the host, every page is back in the room on the other node within 30 s, with media and the same floor', async () => {
    const { therapist, alex, blake } = trio;
    const host = cluster.nodes.get(hostNodeId)!;
    const t0 = Date.now();
    process.kill(host.pid, 'SIGKILL');
    for (const p of [therapist, alex, blake]) {
      await eventually(() => p.page.getByTestId('connection-state').textContent(), (t) => t === 'reconnecting', `${p.email} reconnecting`, 30_000);
    }
    await screenshot(therapist.page, 'cluster-reconnecting');

    // Back in the room (not the lobby), connected, everyone's tile there: within the 30 s of the kill.
    for (const p of [therapist, alex, blake]) {
      const left = () => Math.max(1_000, BACK_WITHIN_MS - (Date.now() - t0));
      await eventually(() => p.page.getByTestId('connection-state').textContent(), (t) => t === 'connected', `${p.email} connected`, left());
      await p.page.getByTestId('room').waitFor({ timeout: left() });
      await eventually(() => p.page.getByTestId('participant-tile').count(), (n) => n === 3, `${p.email} tiles`, left());
      expect(await p.page.getByTestId('lobby-waiting').count()).toBe(0);
    }
    const backMs = Date.now() - t0;
    const survivor = await placement();
    expect(survivor).toBeDefined();
    expect(survivor).not.toBe(hostNodeId);
    expect(cluster.nodes.has(survivor!)).toBe(true);

    await expectMediaBackUnderStick(trio);
    await expectFloorKept(trio, 'after failover');
    process.stdout.write(`cluster failover: everyone back in the room ${backMs} ms after kill -9 of ${hostNodeId}; media checked ${Date.now() - t0} ms after\n`);
    await screenshot(therapist.page, 'cluster-back');
  });
});
