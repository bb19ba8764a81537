import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { DatabaseTarget } from '../../src/database/data-source';

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

/**
 * A database of its own for one test file: a fresh PostgreSQL database created
 * through TEST_DATABASE_URL (dropped afterwards), or an in-memory PGlite.
 */
export async function createTestDatabase(kind: DbKind): Promise<TestDatabase> {
  if (kind === 'pglite') return { target: { pgliteDir: 'memory://' }, drop: async () => undefined };
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
