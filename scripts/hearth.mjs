#!/usr/bin/env node
// The README's two commands live here: `npm start` and `npm test` (and `npm run build`,
// `npm run seed:demo`). Needs only Node 20+ and npm: pnpm is fetched with npx, pinned
// to the version in package.json's "packageManager".
import { spawnSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const pnpmVersion = pkg.packageManager.replace(/^pnpm@/, '');
const stampDir = path.join(root, 'node_modules', '.hearth');

const step = (msg) => process.stdout.write(`\n▶ ${msg}\n`);

function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts, env: { ...process.env, ...opts.env } });
  if (res.error) throw res.error;
  if (res.status !== 0) {
    process.stderr.write(`\n✖ ${[cmd, ...args].join(' ')} exited with ${res.status ?? res.signal}\n`);
    process.exit(res.status ?? 1);
  }
}

function pnpm(args, opts) {
  run('npx', ['--yes', `pnpm@${pnpmVersion}`, ...args], opts);
}

function hashFiles(files) {
  const h = createHash('sha256');
  for (const f of files) if (existsSync(f)) h.update(f).update(readFileSync(f));
  return h.digest('hex');
}

function newestMtime(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

const stampFile = (name) => path.join(stampDir, name.replace(/[^a-z0-9.-]+/gi, '_'));

function stamp(name) {
  const f = stampFile(name);
  return existsSync(f) ? readFileSync(f, 'utf8') : '';
}
function writeStamp(name, value) {
  mkdirSync(stampDir, { recursive: true });
  writeFileSync(stampFile(name), value);
}

function install() {
  const lockHash = hashFiles(['pnpm-lock.yaml', 'package.json', 'pnpm-workspace.yaml'].map((f) => path.join(root, f)));
  if (stamp('install') !== lockHash) {
    step(`Installing dependencies (pnpm ${pnpmVersion})`);
    pnpm(['install', '--frozen-lockfile']);
    writeStamp('install', lockHash);
  }
  step('Checking the mediasoup worker');
  run(process.execPath, [path.join(root, 'scripts', 'mediasoup-worker.mjs')]);
}

/** Builds a package when its sources are newer than its last build. */
function buildPackage(name, dir, args) {
  const inputs = String(Math.max(newestMtime(path.join(root, dir)), newestMtime(path.join(root, 'packages/protocol/src'))));
  if (stamp(`build-${name}`) === inputs && existsSync(path.join(root, dir, 'dist'))) return;
  step(`Building ${name}`);
  pnpm(['--filter', name, 'run', ...args]);
  writeStamp(`build-${name}`, inputs);
}

function build() {
  buildPackage('@hearth/protocol', 'packages/protocol', ['build']);
  buildPackage('@hearth/server', 'server', ['build']);
  buildPackage('@hearth/client', 'client', ['build']);
}

function ensureChromium() {
  const bin = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (existsSync(bin)) return;
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    step('Installing Chromium from Debian (browser tests)');
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], { env: { DEBIAN_FRONTEND: 'noninteractive' } });
    return;
  }
  process.stderr.write(`Browser tests need Chromium at ${bin}: install it (Debian: apt-get install chromium) or set CHROMIUM_PATH.\n`);
  process.exit(1);
}

function startServer() {
  const env = {
    NODE_ENV: 'development',
    SEED_DEMO: 'true',
    DATA_DIR: path.join(root, '.hearth-data'),
    LOG_LEVEL: 'warn', // the banner with the URL and logins stays readable
    ...process.env,
  };
  const child = spawn(process.execPath, [path.join(root, 'server', 'dist', 'main.js')], { cwd: root, stdio: 'inherit', env });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}

export const JEST_NODE_OPTIONS = '--experimental-vm-modules --disable-warning=ExperimentalWarning';

function jestPhase(title, name, args) {
  step(title);
  const out = path.join(stampDir, `jest-${name}.json`);
  const res = spawnSync(path.join(root, 'node_modules', '.bin', 'jest'), [...args, '--ci', '--json', `--outputFile=${out}`], {
    cwd: root,
    stdio: 'inherit',
    // PGlite loads its WASM bundle with import(), which jest's VM allows only with this flag.
    env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} ${JEST_NODE_OPTIONS}`.trim() },
  });
  let passed = 0;
  let failed = 0;
  try {
    const report = JSON.parse(readFileSync(out, 'utf8'));
    passed = report.numPassedTests;
    failed = report.numFailedTests + report.numRuntimeErrorTestSuites;
  } catch {
    failed = 1; // jest died before writing its report
  }
  return { passed, failed, ok: res.status === 0 };
}

function test() {
  ensureChromium();
  mkdirSync(stampDir, { recursive: true });
  const phases = [
    // At least two workers: jest's default (cores - 1) is one on a 2-core machine, and many of these
    // files mostly wait (timers, sockets, child servers). They are independent: own databases, free
    // ports; the few that start nodes on the shared Redis take a lock there (server/test/helpers/shared-redis.ts).
    jestPhase('Unit and integration tests (protocol, server, client)', 'unit', [
      '--selectProjects', 'protocol', 'server', 'client',
      `--maxWorkers=${Math.max(2, availableParallelism() - 1)}`,
    ]),
    jestPhase('Browser end-to-end tests (Chromium)', 'e2e', ['--selectProjects', 'e2e', '--runInBand']),
  ];
  const passed = phases.reduce((n, p) => n + p.passed, 0);
  const failed = phases.reduce((n, p) => n + p.failed, 0);
  const ok = phases.every((p) => p.ok) && failed === 0 && passed > 0;
  process.stdout.write(`\ntests: ${passed} passed, ${failed} failed\n`);
  process.exit(ok ? 0 : 1);
}

const command = process.argv[2];
switch (command) {
  case 'install':
    install();
    break;
  case 'build':
    install();
    build();
    break;
  case 'start':
    install();
    build();
    startServer();
    break;
  case 'test':
    install();
    build();
    test();
    break;
  case 'seed':
    install();
    build();
    run(process.execPath, [path.join(root, 'server', 'dist', 'seed', 'cli.js')], {
      env: { DATA_DIR: path.join(root, '.hearth-data'), ...process.env },
    });
    break;
  default:
    process.stderr.write('usage: node scripts/hearth.mjs install|build|start|test|seed\n');
    process.exit(2);
}
