import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { copyDistMigratedPglite } from '../../../server/test/helpers/pglite-template';

export const REPO_ROOT = path.resolve(__dirname, '../../..');

export interface RunningHearth {
  url: string;
  /** Everything the server printed, for assertions and failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts the built server (server/dist/main.js, serving client/dist) the way
 * `npm start` does, on a free port and a throw-away embedded database (a copy
 * of the migrated PGlite template; the server seeds the demo itself).
 */
export async function startHearth(env: Record<string, string> = {}, timeoutMs = 180_000): Promise<RunningHearth> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'hearth-e2e-'));
  if (!env.DATABASE_URL) copyDistMigratedPglite(path.join(dataDir, 'pglite'));
  const child: ChildProcess = spawn(process.execPath, [path.join(REPO_ROOT, 'server/dist/main.js')], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      NODE_OPTIONS: '',
      PORT: '0',
      HOST: '127.0.0.1',
      SEED_DEMO: 'true',
      DATA_DIR: dataDir,
      MEDIASOUP_WORKERS: '1',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Hearth did not start within ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const check = () => {
      const m = /Hearth is running: (http:\/\/[^\s"]+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1].replace('localhost', '127.0.0.1'));
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Hearth exited with ${code} before listening:\n${out}`));
    });
  }).catch(async (e: unknown) => {
    await stop();
    throw e;
  });
  return { url, output: () => out, stop };
}
