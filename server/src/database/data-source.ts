import path from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Extension } from '@electric-sql/pglite';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

export interface DatabaseTarget {
  /** PostgreSQL connection string; undefined → embedded PGlite. */
  url?: string;
  /** PGlite data directory, or 'memory://' for a throw-away database. */
  pgliteDir?: string;
}

export function describeTarget(target: DatabaseTarget): string {
  if (target.url) {
    try {
      const u = new URL(target.url);
      return `PostgreSQL at ${u.hostname}:${u.port || 5432}${u.pathname}`;
    } catch {
      return 'PostgreSQL (unparseable DATABASE_URL)';
    }
  }
  return `embedded PGlite at ${target.pgliteDir ?? 'memory://'}`;
}

export function buildDataSourceOptions(target: DatabaseTarget): DataSourceOptions {
  const common = {
    type: 'postgres' as const,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: false,
    synchronize: false,
    logging: false,
  };
  if (target.url) {
    return { ...common, url: target.url, extra: { max: 20, connectionTimeoutMillis: 5000 } };
  }
  // Loaded lazily: deployments on PostgreSQL never load the WASM build.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PGliteDriver } = require('typeorm-pglite') as typeof import('typeorm-pglite');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { serialPool } = require('./serial-pglite-pool') as typeof import('./serial-pglite-pool');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { pgcrypto } = require('@electric-sql/pglite/contrib/pgcrypto') as { pgcrypto: Extension };
  const dir = target.pgliteDir ?? 'memory://';
  if (!dir.startsWith('memory://')) mkdirSync(path.dirname(dir), { recursive: true });
  return {
    ...common,
    driver: serialPool(new PGliteDriver({ dataDir: dir, extensions: { pgcrypto } }).driver),
    uuidExtension: 'pgcrypto',
  };
}

export class DatabaseStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseStartError';
  }
}

/** Connects and applies pending migrations; errors say what to fix. */
export async function openDatabase(target: DatabaseTarget): Promise<DataSource> {
  const dataSource = new DataSource(buildDataSourceOptions(target));
  try {
    await dataSource.initialize();
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    const hint = target.url
      ? 'Check that PostgreSQL is running and that DATABASE_URL (host, port, user, database) is right, or unset DATABASE_URL to use the embedded database.'
      : `Check that ${target.pgliteDir} is writable and not used by another Hearth process.`;
    throw new DatabaseStartError(`Cannot connect to ${describeTarget(target)}: ${reason}\n${hint}`);
  }
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } catch (e) {
    await dataSource.destroy().catch(() => undefined);
    const reason = e instanceof Error ? e.message : String(e);
    throw new DatabaseStartError(`Database migration failed on ${describeTarget(target)}: ${reason}`);
  }
  return dataSource;
}
