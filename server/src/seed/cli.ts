import 'reflect-metadata';
import { loadConfig } from '../config/config';
import { databaseTarget } from '../app.factory';
import { describeTarget, openDatabase } from '../database/data-source';
import { seedDemo } from './demo-seed';

/** `pnpm seed:demo`: (re)creates the demo data in the configured database. */
async function main(): Promise<void> {
  const config = loadConfig();
  const target = databaseTarget(config);
  const ds = await openDatabase(target);
  try {
    const summary = await seedDemo(ds, { force: true });
    process.stdout.write(`Demo data seeded into ${describeTarget(target)} (${summary.accounts.length} accounts, password "${summary.password}").\n`);
  } finally {
    await ds.destroy();
  }
}

main().catch((e) => {
  process.stderr.write(`Seeding failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
