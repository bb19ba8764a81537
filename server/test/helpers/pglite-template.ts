import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const SERVER = path.resolve(__dirname, '../..');

/**
 * Which server code migrates the template: the built one (browser tests run
 * server/dist/main.js) or the sources (integration tests run src through jest).
 */
export type TemplateSource = 'dist' | 'src';

const DATABASE_DIR: Record<TemplateSource, string> = {
  dist: path.join(SERVER, 'dist/database'),
  src: path.join(SERVER, 'src/database'),
};

/** What decides the template's contents: the migrations, the data source and PGlite's version. */
function templateKey(source: TemplateSource): string {
  const dir = DATABASE_DIR[source];
  const ext = source === 'dist' ? '.js' : '.ts';
  const h = createHash('sha256').update(source);
  const migrations = path.join(dir, 'migrations');
  for (const f of readdirSync(migrations).filter((n) => n.endsWith(ext)).sort()) {
    h.update(f).update(readFileSync(path.join(migrations, f)));
  }
  h.update(readFileSync(path.join(dir, `data-source${ext}`)));
  // pnpm's path to PGlite names its version.
  h.update(realpathSync(require.resolve('@electric-sql/pglite', { paths: [SERVER] })));
  return h.digest('hex').slice(0, 16);
}

// Opens an empty PGlite directory through the built server's openDatabase (initdb + every migration), then closes it.
const MIGRATE_WITH_DIST = `
const { openDatabase } = require(${JSON.stringify(path.join(DATABASE_DIR.dist, 'data-source.js'))});
openDatabase({ pgliteDir: process.env.HEARTH_TEMPLATE_DIR })
  .then((ds) => ds.destroy())
  .then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
`;

function migrateWithDist(target: string): void {
  const res = spawnSync(process.execPath, ['-e', MIGRATE_WITH_DIST], {
    cwd: SERVER,
    env: { ...process.env, NODE_OPTIONS: '', HEARTH_TEMPLATE_DIR: target },
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (res.status !== 0) throw new Error(`migrating a PGlite template failed (${res.status ?? res.signal}): ${res.stderr}`);
}

export const templateDir = (source: TemplateSource) => path.join(tmpdir(), `hearth-pglite-template-${templateKey(source)}`);
export const made = (dir: string) => existsSync(path.join(dir, 'PG_VERSION'));

/** Moves a freshly migrated directory into place; a concurrent maker either wins or finds ours. */
export function publish(staging: string, dir: string): void {
  try {
    renameSync(path.join(staging, 'pglite'), dir);
  } catch (e) {
    if (!made(dir)) throw e;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/*
 * A PGlite data directory with every migration applied, made once per set of
 * migrations (in the OS temp dir, keyed by their contents) and copied for each
 * test database. A fresh PGlite costs initdb in WASM plus the migrations: 5 s on
 * an idle 2-core machine, up to 50 s on a loaded one, for every test server; a
 * copy opens in about a second. The server still runs its migrations (none
 * pending) and seeds the demo itself; database.test still migrates an empty one.
 */

/** Lays a copy of the template the built server migrated at `pgliteDir` (for servers run from server/dist). */
export function copyDistMigratedPglite(pgliteDir: string): void {
  const dir = templateDir('dist');
  if (!made(dir)) {
    const staging = mkdtempSync(path.join(tmpdir(), 'hearth-pglite-staging-'));
    try {
      migrateWithDist(path.join(staging, 'pglite'));
    } catch (e) {
      rmSync(staging, { recursive: true, force: true });
      throw e;
    }
    publish(staging, dir);
  }
  cpSync(dir, pgliteDir, { recursive: true });
}
