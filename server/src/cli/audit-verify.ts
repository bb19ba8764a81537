import 'reflect-metadata';
import { databaseTarget } from '../app.factory';
import { loadConfig } from '../config/config';
import { describeTarget, openDatabase } from '../database/data-source';
import { AuditService } from '../modules/audit/audit.service';

/**
 * `npm run audit:verify`: checks the audit log's hash chain on the configured
 * database (DATABASE_URL, else the embedded one in DATA_DIR — stop the server
 * first). Exit 0 when it verifies, 2 when it is broken, 1 on errors.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const target = databaseTarget(config);
  const ds = await openDatabase(target);
  try {
    const result = await new AuditService(ds).verify();
    if (result.ok) {
      process.stdout.write(`audit chain OK: ${result.entries} entries verified (${describeTarget(target)})\n`);
      return;
    }
    process.stdout.write(`audit chain BROKEN at entry ${result.firstBrokenId}: ${result.reason} (${result.entries} entries verified before it)\n`);
    process.exitCode = 2;
  } finally {
    await ds.destroy();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`audit:verify failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
