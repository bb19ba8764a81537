#!/usr/bin/env node
// `npm run audit:verify`: checks the audit log's hash chain on the configured database
// (DATABASE_URL, else the embedded database in DATA_DIR; stop the server first then).
// Builds the server once if it has not been built. Exit 0: intact; 2: broken; 1: error.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'server/dist/cli/audit-verify.js');
if (!existsSync(cli)) {
  const build = spawnSync(process.execPath, [path.join(root, 'scripts/hearth.mjs'), 'build'], { stdio: 'inherit', cwd: root });
  if (build.status !== 0) process.exit(1);
}
const run = spawnSync(process.execPath, [cli], { stdio: 'inherit', cwd: root, env: process.env });
process.exit(run.status ?? 1);
