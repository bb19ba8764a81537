import type { AddressInfo } from 'node:net';
import { createHearthApp, type HearthApp } from '../../src/app.factory';
import { loadConfig, type AppConfig } from '../../src/config/config';
import { createTestDatabase, type DbKind, type TestDatabase } from './test-db';

export interface TestApp extends HearthApp {
  baseUrl: string;
  config: AppConfig;
  stop(): Promise<void>;
}

/** Boots the real Nest app on a random port against a database of its own. */
export async function startTestApp(kind: DbKind, env: Record<string, string> = {}): Promise<TestApp> {
  const db: TestDatabase = await createTestDatabase(kind);
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    SEED_DEMO: 'true',
    MEDIASOUP_WORKERS: '1',
    LOG_LEVEL: 'warn',
    CLIENT_DIST: '/nonexistent',
    ...env,
  });
  let hearth: HearthApp;
  try {
    hearth = await createHearthApp(config, { database: db.target });
  } catch (e) {
    await db.drop();
    throw e;
  }
  await hearth.app.listen(0, '127.0.0.1');
  const { port } = hearth.app.getHttpServer().address() as AddressInfo;
  return {
    ...hearth,
    config,
    baseUrl: `http://127.0.0.1:${port}`,
    async stop() {
      await hearth.close();
      await db.drop();
    },
  };
}

/** fetch + JSON with an optional bearer token. */
export async function api<T = unknown>(
  app: { baseUrl: string },
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; rawBody?: string } = {},
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined || opts.rawBody !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${app.baseUrl}${path}`, {
    method,
    headers,
    body: opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: body as T };
}

export async function login(app: { baseUrl: string }, email: string, password = 'hearth-demo') {
  const res = await api<{ accessToken: string; refreshToken: string; user: { id: string; role: string } }>(
    app,
    'POST',
    '/api/auth/login',
    { body: { email, password } },
  );
  if (res.status !== 200) throw new Error(`login ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
