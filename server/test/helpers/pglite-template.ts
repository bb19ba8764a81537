import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const SERVER = path.resolve(__dirname, '../..');
const DIST = path.join(SERVER, 'dist');

/** What decides the template's contents: the built migrations, the data source and PGlite's version. */
function templateKey(): string {
  const h = createHash('sha256');
  const migrations = path.join(DIST, 'database/migrations');
  for (const f of readdirSync(migrations).filter((n) => n.endsWith('.js')).sort()) {
    h.update(f).update(readFileSync(path.join(migrations, f)));
  }
  h.update(readFileSync(path.join(DIST, 'database/data-source.js')));
  const pglite = require.resolve('@electric-sql/pglite/package.json', { paths: [SERVER] });
  h.update(readFileSync(pglite));
  return h.digest('hex').slice(0, 16);
}

// Opens an empty PGlite directory through the server's own openDatabase (initdb + every migration), then closes it.
const MIGRATE = `
const { openDatabase } = require(${JSON.stringify(path.join(DIST, 'database/data-source.js'))});
openDatabase({ pgliteDir: process.env.HEARTH_TEMPLATE_DIR })
  .then((ds) => ds.destroy())
  .then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
`;

/**
 * A PGlite data directory with every migration applied, made once per build of the
 * server (in the OS temp dir, keyed by the built migrations) and copied for each test
 * server. A fresh PGlite directory costs initdb in WASM plus the migrations, 5–50 s on
 * a loaded 2-core machine, in every browser test file; a copy opens in a fraction of
 * that. The server still runs its migrations (none pending) and seeds the demo itself.
 */
export function migratedPgliteTemplate(): string {
  const dir = path.join(tmpdir(), `hearth-pglite-template-${templateKey()}`);
  if (existsSync(path.join(dir, 'PG_VERSION'))) return dir;
  const staging = mkdtempSync(path.join(tmpdir(), 'hearth-pglite-staging-'));
  const target = path.join(staging, 'pglite');
  try {
    const res = spawnSync(process.execPath, ['-e', MIGRATE], {
      cwd: SERVER,
      env: { ...process.env, NODE_OPTIONS: '', HEARTH_TEMPLATE_DIR: target },
      encoding: 'utf8',
      timeout: 300_000,
    });
    if (res.status !== 0) throw new Error(`migrating a PGlite template failed (${res.status ?? res.signal}): ${res.stderr}`);
    try {
      renameSync(target, dir); // atomic: a concurrent run either wins or finds ours
    } catch (e) {
      if (!existsSync(path.join(dir, 'PG_VERSION'))) throw e;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return dir;
}

/** Lays a copy of the migrated template where a server with this DATA_DIR keeps its PGlite database. */
export function layMigratedPglite(dataDir: string): void {
  cpSync(migratedPgliteTemplate(), path.join(dataDir, 'pglite'), { recursive: true });
}
