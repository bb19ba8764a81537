import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { copyDistMigratedPglite } from './pglite-template';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
const MAIN = path.join(REPO_ROOT, 'server/dist/main.js');

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Where a server's data lives: kept between starts so a restart finds it again. */
export interface ServerData {
  env: Record<string, string>;
  cleanup(): void;
}

/**
 * Embedded PGlite in a directory of its own (a copy of the migrated template: pglite-template.ts),
 * or a PostgreSQL URL (plus a directory for the token secret).
 */
export function serverData(databaseUrl?: string): ServerData {
  const dir = mkdtempSync(path.join(tmpdir(), 'hearth-restart-'));
  if (!databaseUrl) copyDistMigratedPglite(path.join(dir, 'pglite'));
  return {
    env: { DATA_DIR: dir, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface ServerProcess {
  baseUrl: string;
  pid: number;
  output(): string;
  /** Sends a signal and resolves when the process is gone, with how long that took. */
  kill(signal: NodeJS.Signals): Promise<{ ms: number; code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts the built server (server/dist/main.js) as its own process, the way
 * production runs it, so a test can kill it for real. `npm test` builds first.
 */
export async function startServerProcess(port: number, env: Record<string, string>, timeoutMs = 90_000): Promise<ServerProcess> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`node scripts/hearth.mjs build\` first`);
  const child: ChildProcess = spawn(process.execPath, [MAIN], {
    cwd: REPO_ROOT,
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
      JWT_SECRET: 'restart-test-secret-0123456789abcdef0123456789',
      REDIS_URL: '', // single node unless a test asks for Redis
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once('exit', (code, signal) => r({ code, signal })),
  );
  const kill = async (signal: NodeJS.Signals) => {
    const t0 = Date.now();
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const how = await exited;
    return { ms: Date.now() - t0, ...how };
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const check = () => {
      if (/Hearth is running: /.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${out}`));
    });
  }).catch(async (e: unknown) => {
    await kill('SIGKILL');
    throw e;
  });
  return { baseUrl: `http://127.0.0.1:${port}`, pid: child.pid!, output: () => out, kill };
}
