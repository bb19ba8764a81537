import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { openDatabase, type DatabaseTarget } from '../../src/database/data-source';
import { made, publish, templateDir } from './pglite-template';

export type DbKind = 'postgres' | 'pglite';

/** Integration suites run against both; HEARTH_TEST_DB=postgres|pglite narrows it. */
export const DB_KINDS: DbKind[] = (() => {
  const only = process.env.HEARTH_TEST_DB;
  return only === 'postgres' || only === 'pglite' ? [only] : ['postgres', 'pglite'];
})();

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  target: DatabaseTarget;
  drop(): Promise<void>;
}

/** The sources' migrations applied to an empty PGlite once (pglite-template.ts), for copies. */
async function srcMigratedTemplate(): Promise<string> {
  const dir = templateDir('src');
  if (made(dir)) return dir;
  const staging = mkdtempSync(path.join(tmpdir(), 'hearth-pglite-staging-'));
  try {
    await (await openDatabase({ pgliteDir: path.join(staging, 'pglite') })).destroy();
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  publish(staging, dir);
  return dir;
}

/**
 * A database of its own for one test file: a fresh PostgreSQL database created
 * through TEST_DATABASE_URL (dropped afterwards), or a PGlite in a directory of its
 * own, already migrated (a copy of the template: initdb and the migrations once, not
 * per file; the app's own migration run then finds nothing pending). `empty` asks for
 * a PGlite that nothing has migrated yet (in memory), for tests of migrating itself.
 */
export async function createTestDatabase(kind: DbKind, { empty = false }: { empty?: boolean } = {}): Promise<TestDatabase> {
  if (kind === 'pglite' && empty) return { target: { pgliteDir: 'memory://' }, drop: async () => undefined };
  if (kind === 'pglite') {
    const template = await srcMigratedTemplate();
    const dir = mkdtempSync(path.join(tmpdir(), 'hearth-test-pglite-'));
    cpSync(template, path.join(dir, 'pglite'), { recursive: true });
    return { target: { pgliteDir: path.join(dir, 'pglite') }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `hearth_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    target: { url: url.toString() },
    async drop() {
      const c = new Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
