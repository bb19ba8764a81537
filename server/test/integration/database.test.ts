import { openDatabase, DatabaseStartError } from '../../src/database/data-source';
import { seedDemo } from '../../src/seed/demo-seed';
import { createTestDatabase, DB_KINDS } from '../helpers/test-db';

jest.setTimeout(60_000);

describe.each(DB_KINDS)('database on %s', (kind) => {
  it('migrates an empty database and seeds the demo accounts exactly once', async () => {
    const db = await createTestDatabase(kind, { empty: true });
    const ds = await openDatabase(db.target);
    try {
      const first = await seedDemo(ds);
      const second = await seedDemo(ds);
      expect(first.created).toBe(true);
      expect(second.created).toBe(false);
      const rows: { email: string; role: string }[] = await ds.query('SELECT email, role FROM users ORDER BY email');
      expect(rows).toHaveLength(11);
      expect(rows.filter((r) => r.role === 'patient')).toHaveLength(8);
      // A second start applies nothing new.
      expect(await ds.showMigrations()).toBe(false);
    } finally {
      await ds.destroy();
      await db.drop();
    }
  });
});

describe('database errors', () => {
  it('names the unreachable server and the fix, without the password', async () => {
    const err = await openDatabase({ url: 'postgresql://hearth:s3cret@127.0.0.1:1/hearth' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseStartError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/Cannot connect to PostgreSQL at 127\.0\.0\.1:1\/hearth/);
    expect(msg).toMatch(/DATABASE_URL/);
    expect(msg).not.toMatch(/s3cret/);
  });
});

describe('embedded database under concurrent requests', () => {
  it('keeps one request’s transaction apart from another’s (a rollback loses nothing else)', async () => {
    const db = await createTestDatabase('pglite');
    const ds = await openDatabase(db.target);
    try {
      await ds.query('CREATE TABLE t (v text)');
      const failing = ds
        .transaction(async (tx) => {
          await tx.query(`INSERT INTO t VALUES ('rolled back')`);
          await new Promise((r) => setTimeout(r, 100));
          throw new Error('boom');
        })
        .catch(() => 'failed');
      // Starts while the first transaction is open.
      await new Promise((r) => setTimeout(r, 20));
      const ok = ds.transaction(async (tx) => {
        await tx.query(`INSERT INTO t VALUES ('kept')`);
      });
      expect(await failing).toBe('failed');
      await ok;
      const rows: { v: string }[] = await ds.query('SELECT v FROM t');
      expect(rows).toEqual([{ v: 'kept' }]);
    } finally {
      await ds.destroy();
      await db.drop();
    }
  });
});
