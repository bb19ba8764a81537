#!/usr/bin/env node
// Leaves a working mediasoup-worker binary where the server's mediasoup package
// looks for it (node_modules/mediasoup/worker/out/Release/mediasoup-worker).
//
//   node scripts/mediasoup-worker.mjs [--force] [--build]
//
// Decision order (first that yields a binary passing the sanity check wins):
//   1. MEDIASOUP_WORKER_BIN set      -> only check that binary (mediasoup uses it at run time).
//   2. binary already in place       -> nothing to do.
//   3. cached binary                 -> copy into place (~1 s).
//      ${XDG_CACHE_HOME:-$HOME/.cache}/hearth/mediasoup-worker/<version>-<recipeHash>/
//   4. mediasoup's official prebuilt -> download from GitHub releases (15 s to answer), cache it.
//   5. build from the npm tarball's worker source against Debian's libraries, with
//      libsrtp2 built on OpenSSL from Debian's source package (shims, patches and
//      the why: scripts/mediasoup-worker/README.md), cache it. ~4 min on 2 cores.
//
// Progress goes to stderr; the only line on stdout is the worker path it settled on.
// Flags: --force ignores the binary in place and the cache; --build skips the
// prebuilt download (as does MEDIASOUP_SKIP_WORKER_PREBUILT_DOWNLOAD).
// Env: MEDIASOUP_WORKER_PREBUILT_DOWNLOAD_BASE_URL, MEDIASOUP_BUILDTYPE (as in
// mediasoup's own npm-scripts.mjs), HEARTH_KEEP_WORKER_BUILD=1 keeps the build tree.

import { spawnSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';

/** Bump when buildFromSource() changes in a way that changes the binary. */
const BUILD_RECIPE_VERSION = 2;

const SCRIPT_DIR = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(SCRIPT_DIR, '..');
const RECIPE_DIR = path.join(SCRIPT_DIR, 'mediasoup-worker');
const WORKER_BIN_NAME = 'mediasoup-worker';
/** mediasoup-worker exits with 41 when MEDIASOUP_VERSION is missing: it loaded and ran. */
const SANITY_EXIT_CODE = 41;

const PREBUILT_RESPONSE_TIMEOUT_MS = 15_000;
const PREBUILT_BODY_TIMEOUT_MS = 180_000;

/**
 * Debian bookworm packages the source build needs (MEDIASOUP-OFFLINE.md, step 1).
 * No libsrtp2-dev: Debian builds libsrtp2 on NSS (SRTP cost 1.4–1.8x plain RTP);
 * buildLibsrtp2() builds it on OpenSSL from Debian's source package (dpkg-dev
 * unpacks it).
 */
const APT_PACKAGES = [
  'g++', 'make', 'pkg-config', 'patch', 'python3', 'ninja-build', 'libssl-dev',
  'libuv1-dev', 'libusrsctp-dev', 'libabsl-dev',
  'libflatbuffers-dev', 'flatbuffers-compiler', 'dpkg-dev',
];
/** Debian source package of libsrtp (bookworm: 2.5.0), configured with these flags. */
const LIBSRTP2_SOURCE_PACKAGE = 'libsrtp2';
const LIBSRTP2_CONFIGURE_ARGS = ['--enable-openssl', 'CFLAGS=-O2 -fPIC'];
const MESON_MIN_VERSION = [1, 1, 0];
const MESON_SETUP_ARGS = [
  '--buildtype', 'release', '-Db_ndebug=true', '--wrap-mode=nodownload',
  '-Dms_disable_liburing=true',
];
/** Subprojects mediasoup's worker/meson.build asks for; each gets a shim. */
const SHIMMED_SUBPROJECTS = [
  'openssl', 'libuv', 'libsrtp3', 'usrsctp', 'abseil-cpp', 'flatbuffers', 'liburing', 'catch2',
];

const startedAt = Date.now();

/** An error whose message tells the user what to do; printed without a stack. */
class ActionableError extends Error {
  /** @param {string} message @param {string[]} [howToFix] */
  constructor(message, howToFix = []) {
    super(message);
    this.howToFix = howToFix;
  }
}

function log(message) {
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1).padStart(5);
  process.stderr.write(`[mediasoup-worker ${seconds}s] ${message}\n`);
}

/* ------------------------------------------------------------------------ */
/* Locations                                                                 */
/* ------------------------------------------------------------------------ */

function pnpmCommand() {
  try {
    const pm = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).packageManager;
    if (typeof pm === 'string' && pm.startsWith('pnpm@')) return `npx --yes ${pm}`;
  } catch {
    // Fall through to the unpinned command.
  }
  return 'npx --yes pnpm';
}

/** The mediasoup package the server resolves (its exports hide package.json). */
function locateMediasoup() {
  const serverDir = path.join(REPO_ROOT, 'server');
  let entry;
  try {
    entry = createRequire(path.join(serverDir, 'package.json')).resolve('mediasoup');
  } catch {
    throw new ActionableError(`mediasoup is not installed for ${serverDir}.`, [
      `Install the workspace first, at ${REPO_ROOT}: ${pnpmCommand()} install`,
    ]);
  }
  for (let dir = path.dirname(entry); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const pkgFile = path.join(dir, 'package.json');
    if (!fs.existsSync(pkgFile)) continue;
    const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
    if (pkg.name === 'mediasoup') {
      return { dir: fs.realpathSync(dir), version: pkg.version, repositoryUrl: pkg.repository?.url };
    }
  }
  throw new Error(`cannot find mediasoup's package.json above ${entry}`);
}

/** Same rule as mediasoup's getWorkerBin(). */
function targetBinPath(mediasoupDir) {
  const buildType = process.env.MEDIASOUP_BUILDTYPE === 'Debug' ? 'Debug' : 'Release';
  return path.join(mediasoupDir, 'worker', 'out', buildType, WORKER_BIN_NAME);
}

function cacheRoot() {
  const xdg = process.env.XDG_CACHE_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache');
  return path.join(base, 'hearth', 'mediasoup-worker');
}

function listFilesRecursive(dir, prefix = '') {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFilesRecursive(path.join(dir, entry.name), rel));
    else if (entry.isFile()) out.push(rel);
  }
  return out.sort();
}

/** Short hash of everything that decides what the source build produces. */
function recipeHash() {
  const hash = createHash('sha256');
  hash.update(`recipe-version:${BUILD_RECIPE_VERSION}\n`);
  hash.update(`platform:${process.platform}-${process.arch}\n`);
  hash.update(`meson-setup:${MESON_SETUP_ARGS.join(' ')}\n`);
  hash.update(`libsrtp2:${LIBSRTP2_SOURCE_PACKAGE} ${LIBSRTP2_CONFIGURE_ARGS.join(' ')}\n`);
  const files = ['shims', 'patches'].flatMap((sub) =>
    listFilesRecursive(path.join(RECIPE_DIR, sub)).map((rel) => `${sub}/${rel}`),
  );
  for (const rel of files) {
    hash.update(`file:${rel}\0`);
    hash.update(fs.readFileSync(path.join(RECIPE_DIR, rel)));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 12);
}

/* ------------------------------------------------------------------------ */
/* Small helpers                                                             */
/* ------------------------------------------------------------------------ */

/** Runs the worker with an empty environment; a good binary exits with 41. */
function checkWorker(bin) {
  if (!fs.existsSync(bin)) return { ok: false, reason: 'missing' };
  const result = spawnSync(bin, [], { env: {}, stdio: ['ignore', 'ignore', 'pipe'], timeout: 15_000 });
  if (result.error) return { ok: false, reason: result.error.message };
  if (result.status === SANITY_EXIT_CODE) return { ok: true };
  const stderr = String(result.stderr ?? '').trim().split('\n')[0];
  const how = result.signal ? `killed by ${result.signal}` : `exit code ${result.status}`;
  return { ok: false, reason: `${how}, expected ${SANITY_EXIT_CODE}${stderr ? `: ${stderr}` : ''}` };
}

/** Copies via a temporary file and rename, so readers never see half a binary. */
function installFile(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  const tmp = `${to}.tmp-${process.pid}`;
  fs.copyFileSync(from, tmp);
  fs.chmodSync(tmp, 0o755);
  fs.renameSync(tmp, to);
}

function writeJson(file, value) {
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function sha256File(file) {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function commandExists(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Runs a command with its output on our stderr; throws with `what` on failure. */
function run(cmd, args, { cwd, env, what } = {}) {
  log(`$ ${[cmd, ...args].join(' ')}${cwd ? `   (in ${cwd})` : ''}`);
  const result = spawnSync(cmd, args, {
    cwd,
    env: env ?? process.env,
    stdio: ['ignore', 2, 2],
  });
  if (result.error) throw new Error(`${what ?? cmd}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`${what ?? cmd} failed (${result.signal ?? `exit code ${result.status}`})`);
  }
}

/** Async variant for long builds, so a Ctrl-C reaches the child and we clean up. */
function runAsync(cmd, args, { cwd, what } = {}) {
  log(`$ ${[cmd, ...args].join(' ')}${cwd ? `   (in ${cwd})` : ''}`);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 2, 2] });
    child.on('error', (error) => reject(new Error(`${what ?? cmd}: ${error.message}`)));
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${what ?? cmd} failed (${signal ?? `exit code ${code}`})`));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

const heldLocks = new Set();
process.on('exit', () => {
  for (const lock of heldLocks) fs.rmSync(lock, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => process.exit(128 + os.constants.signals[signal]));
}

/** One download/build per cache entry at a time, across processes. */
async function withLock(lockDir, fn) {
  fs.mkdirSync(path.dirname(lockDir), { recursive: true });
  let announced = false;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      heldLocks.add(lockDir);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    const pid = Number(readFileOr(path.join(lockDir, 'pid'), ''));
    const young = Date.now() - statMtime(lockDir) < 10_000;
    if (pid ? !processAlive(pid) : !young) {
      log(`removing stale lock ${lockDir}`);
      fs.rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (!announced) log(`waiting for another install (pid ${pid || '?'}) holding ${lockDir}`);
    announced = true;
    await sleep(2000);
  }
  try {
    return await fn();
  } finally {
    heldLocks.delete(lockDir);
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

function readFileOr(file, fallback) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

function statMtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/* ------------------------------------------------------------------------ */
/* Official prebuilt binary                                                  */
/* ------------------------------------------------------------------------ */

/** Same name as mediasoup's getWorkerPrebuildTarName(). */
function prebuiltTarName(version) {
  let name = `mediasoup-worker-${version}-${os.platform()}-${os.arch()}`;
  if (os.platform() === 'linux') name += `-kernel${Number(os.release().split('.')[0])}`;
  return `${name}.tgz`;
}

/** Returns the one regular file called `baseName` from an (uncompressed) tar. */
function fileFromTar(tar, baseName) {
  const text = (buf, start, len) => {
    const field = buf.subarray(start, start + len);
    const end = field.indexOf(0);
    return field.subarray(0, end === -1 ? len : end).toString('utf8');
  };
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const name = [text(header, 345, 155), text(header, 0, 100)].filter(Boolean).join('/');
    const size = parseInt(text(header, 124, 12).trim() || '0', 8);
    const type = header[156];
    offset += 512;
    // '0' (48) or NUL: regular file.
    if ((type === 48 || type === 0) && path.posix.basename(name) === baseName) {
      return tar.subarray(offset, offset + size);
    }
    offset += Math.ceil(size / 512) * 512;
  }
  return undefined;
}

/** Downloads, unpacks and checks the prebuilt worker into `dest`; false if unavailable. */
async function downloadPrebuilt(mediasoup, dest) {
  const base =
    process.env.MEDIASOUP_WORKER_PREBUILT_DOWNLOAD_BASE_URL ||
    `${String(mediasoup.repositoryUrl || 'https://github.com/versatica/mediasoup')
      .replace(/^git\+/, '')
      .replace(/\.git$/, '')}/releases/download`;
  const url = `${base}/${mediasoup.version}/${prebuiltTarName(mediasoup.version)}`;
  log(`trying the official prebuilt worker: ${url}`);

  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(), PREBUILT_RESPONSE_TIMEOUT_MS);
  let archive;
  try {
    const response = await fetch(url, { signal: controller.signal });
    if (!response.ok) {
      log(`  no prebuilt: HTTP ${response.status} ${response.statusText}`);
      return false;
    }
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(), PREBUILT_BODY_TIMEOUT_MS);
    archive = Buffer.from(await response.arrayBuffer());
  } catch (error) {
    const cause = error?.cause?.code ?? error?.cause?.message;
    const reason = controller.signal.aborted ? 'timed out' : `${error.message}${cause ? ` (${cause})` : ''}`;
    log(`  no prebuilt: ${reason}`);
    return false;
  } finally {
    clearTimeout(timer);
  }

  let binary;
  try {
    binary = fileFromTar(gunzipSync(archive), WORKER_BIN_NAME);
  } catch (error) {
    log(`  prebuilt archive unreadable: ${error.message}`);
    return false;
  }
  if (!binary) {
    log(`  prebuilt archive has no ${WORKER_BIN_NAME}`);
    return false;
  }
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const tmp = `${dest}.download-${process.pid}`;
  fs.writeFileSync(tmp, binary, { mode: 0o755 });
  const check = checkWorker(tmp);
  if (!check.ok) {
    fs.rmSync(tmp, { force: true });
    log(`  prebuilt worker does not run on this host (${check.reason})`);
    return false;
  }
  fs.renameSync(tmp, dest);
  log(`  got the prebuilt worker (${(binary.length / 1e6).toFixed(1)} MB)`);
  return { url };
}

/* ------------------------------------------------------------------------ */
/* Build tools (Debian)                                                      */
/* ------------------------------------------------------------------------ */

function osRelease() {
  const fields = {};
  for (const line of readFileOr('/etc/os-release', '').split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line);
    if (match) fields[match[1]] = match[2].replace(/^"|"$/g, '');
  }
  return fields;
}

function parseVersion(text) {
  const match = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)] : undefined;
}

function versionAtLeast(version, min) {
  for (let i = 0; i < min.length; i++) {
    if (version[i] !== min[i]) return version[i] > min[i];
  }
  return true;
}

/** A meson >= 1.1 (PATH first, then Debian's /usr/bin/meson), or undefined. */
function findMeson() {
  for (const candidate of ['meson', '/usr/bin/meson']) {
    const result = spawnSync(candidate, ['--version'], { encoding: 'utf8' });
    const version = result.status === 0 ? parseVersion(result.stdout) : undefined;
    if (version && versionAtLeast(version, MESON_MIN_VERSION)) {
      return { path: candidate, version: version.join('.') };
    }
  }
  return undefined;
}

function missingDebianPackages() {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Package} ${db:Status-Status}\n', ...APT_PACKAGES], {
    encoding: 'utf8',
  });
  const installed = new Set(
    String(result.stdout)
      .split('\n')
      .filter((line) => line.endsWith(' installed'))
      .map((line) => line.split(' ')[0].split(':')[0]),
  );
  return APT_PACKAGES.filter((pkg) => !installed.has(pkg));
}

/** The Debian mirror apt is configured with (deb822 or one-line format). */
function debianMirror(codename) {
  const deb822 = readFileOr('/etc/apt/sources.list.d/debian.sources', '');
  for (const stanza of deb822.split(/\n\s*\n/)) {
    const fields = {};
    for (const line of stanza.split('\n')) {
      const match = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
      if (match && !line.startsWith('#')) fields[match[1].toLowerCase()] = match[2].trim();
    }
    const suites = (fields.suites ?? '').split(/\s+/);
    if ((fields.types ?? '').split(/\s+/).includes('deb') && suites.includes(codename) && fields.uris) {
      return fields.uris.split(/\s+/)[0];
    }
  }
  for (const line of readFileOr('/etc/apt/sources.list', '').split('\n')) {
    const match = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s/.exec(line.trim() + ' ');
    if (match && match[2] === codename) return match[1];
  }
  return 'http://deb.debian.org/debian';
}

/**
 * Commands that install meson >= 1.1 on bookworm from bookworm-backports through a
 * throw-away source list, so /etc/apt stays as it is.
 */
function backportsMesonCommands(codename, tmpDir) {
  const line = `deb ${signedByOption()}${debianMirror(codename)} ${codename}-backports main`;
  const aptOptions = throwAwayAptOptions(tmpDir);
  return {
    line,
    update: ['apt-get', ...aptOptions, 'update'],
    install: ['apt-get', ...aptOptions, 'install', '-y', '--no-install-recommends',
      '-t', `${codename}-backports`, 'meson'],
  };
}

function signedByOption() {
  const keyring = '/usr/share/keyrings/debian-archive-keyring.gpg';
  return fs.existsSync(keyring) ? `[signed-by=${keyring}] ` : '';
}

/** apt options that read sources from, and keep lists in, `tmpDir` only. */
function throwAwayAptOptions(tmpDir) {
  return [
    '-o', `Dir::Etc::SourceList=${tmpDir}/sources.list`,
    '-o', `Dir::Etc::SourceParts=${tmpDir}/sources.list.d`,
    '-o', `Dir::State::Lists=${tmpDir}/lists`,
    '-o', 'Dir::Cache::pkgcache=',
    '-o', 'Dir::Cache::srcpkgcache=',
    // The temporary lists dir is not writable by apt's _apt user.
    '-o', 'APT::Sandbox::User=root',
  ];
}

function manualInstallHelp(missing, needMeson, codename, sudo) {
  const lines = [];
  if (missing.length > 0) {
    lines.push(`${sudo}apt-get update`);
    lines.push(`${sudo}apt-get install -y --no-install-recommends ${missing.join(' ')}`);
  }
  if (needMeson) {
    if (codename === 'bookworm') {
      const tmp = '/tmp/hearth-apt';
      const cmds = backportsMesonCommands(codename, tmp);
      lines.push(`mkdir -p ${tmp}/lists/partial ${tmp}/sources.list.d`);
      lines.push(`echo '${cmds.line}' > ${tmp}/sources.list`);
      lines.push(`${sudo}${cmds.update.join(' ')}`);
      lines.push(`${sudo}${cmds.install.join(' ')}`);
      lines.push(`${sudo}rm -rf ${tmp}`);
    } else {
      lines.push(`${sudo}apt-get install -y meson   # needs meson >= ${MESON_MIN_VERSION.join('.')}`);
    }
  }
  return lines;
}

/** Makes sure compilers, libraries and meson are there, installing them as root. */
function ensureBuildTools() {
  const release = osRelease();
  const codename = release.VERSION_CODENAME ?? '';
  const isDebianLike = commandExists('dpkg-query') && commandExists('apt-get');

  if (!isDebianLike) {
    const tools = ['g++', 'pkg-config', 'patch', 'ninja', 'flatc', 'apt-get', 'dpkg-source'].filter((t) => !commandExists(t));
    const modules = ['openssl', 'libuv', 'usrsctp', 'flatbuffers', 'absl_flat_hash_map'].filter(
      (m) => spawnSync('pkg-config', ['--exists', m]).status !== 0,
    );
    if (tools.length === 0 && modules.length === 0 && findMeson()) return;
    throw new ActionableError(
      `cannot build mediasoup-worker: this is not a Debian system and these are missing: ${[
        ...tools,
        ...modules.map((m) => `pkg-config module ${m}`),
        ...(findMeson() ? [] : [`meson >= ${MESON_MIN_VERSION.join('.')}`]),
      ].join(', ')}.`,
      [
        'The offline recipe targets Debian 12 (bookworm). Elsewhere, either install the',
        `equivalents of the Debian packages ${APT_PACKAGES.join(' ')} plus meson >= 1.1,`,
        'or get internet access so the official prebuilt worker can be downloaded,',
        'or point MEDIASOUP_WORKER_BIN at a mediasoup-worker binary of the same version.',
      ],
    );
  }

  const missing = missingDebianPackages();
  let meson = findMeson();
  if (missing.length === 0 && meson) {
    log(`build tools present (meson ${meson.version})`);
    return meson;
  }

  const isRoot = process.getuid?.() === 0;
  const canSudo = !isRoot && commandExists('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
  if (!isRoot && !canSudo) {
    throw new ActionableError(
      `cannot build mediasoup-worker: missing ${[...missing, ...(meson ? [] : [`meson >= ${MESON_MIN_VERSION.join('.')}`])].join(', ')}, and installing needs root.`,
      ['Run these as root (or with sudo), then run this script again:', ...manualInstallHelp(missing, !meson, codename, 'sudo ')],
    );
  }
  const asRoot = (argv) => (isRoot ? argv : ['sudo', '-n', ...argv]);
  const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const help = () => manualInstallHelp(missing, !meson, codename, isRoot ? '' : 'sudo ');

  try {
    if (missing.length > 0) {
      log(`installing Debian packages: ${missing.join(' ')}`);
      const [cmd, ...args] = asRoot(['apt-get', 'update']);
      run(cmd, args, { env: aptEnv, what: 'apt-get update' });
      const [cmd2, ...args2] = asRoot(['apt-get', 'install', '-y', '--no-install-recommends', ...missing]);
      run(cmd2, args2, { env: aptEnv, what: 'apt-get install' });
    }
    meson = findMeson();
    if (!meson && codename === 'bookworm') {
      log(`installing meson >= ${MESON_MIN_VERSION.join('.')} from bookworm-backports (throw-away apt source list)`);
      const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-apt-'));
      try {
        fs.mkdirSync(path.join(tmpDir, 'lists', 'partial'), { recursive: true });
        fs.mkdirSync(path.join(tmpDir, 'sources.list.d'));
        const cmds = backportsMesonCommands(codename, tmpDir);
        fs.writeFileSync(path.join(tmpDir, 'sources.list'), `${cmds.line}\n`);
        log(`  source: ${cmds.line}`);
        const [cmd, ...args] = asRoot(cmds.update);
        run(cmd, args, { env: aptEnv, what: 'apt-get update (bookworm-backports)' });
        const [cmd2, ...args2] = asRoot(cmds.install);
        run(cmd2, args2, { env: aptEnv, what: 'apt-get install meson (bookworm-backports)' });
      } finally {
        fs.rmSync(tmpDir, { recursive: true, force: true });
      }
    } else if (!meson) {
      const [cmd, ...args] = asRoot(['apt-get', 'install', '-y', '--no-install-recommends', 'meson']);
      run(cmd, args, { env: aptEnv, what: 'apt-get install meson' });
    }
  } catch (error) {
    throw new ActionableError(`installing build tools failed: ${error.message}`, [
      'Check that the Debian mirror is reachable, or run these yourself:',
      ...help(),
    ]);
  }

  const stillMissing = missingDebianPackages();
  meson = findMeson();
  if (stillMissing.length > 0 || !meson) {
    throw new ActionableError(
      `build tools still missing after apt: ${[...stillMissing, ...(meson ? [] : ['meson >= 1.1'])].join(', ')}`,
      help(),
    );
  }
  log(`build tools ready (meson ${meson.version})`);
  return meson;
}

/* ------------------------------------------------------------------------ */
/* Build from source                                                         */
/* ------------------------------------------------------------------------ */

/** Copies worker/, swaps the subproject wraps for shims and applies the patches. */
function prepareSource(mediasoup, srcDir) {
  const from = path.join(mediasoup.dir, 'worker');
  log(`copying ${from} -> ${srcDir}`);
  fs.cpSync(from, srcDir, {
    recursive: true,
    filter: (file) => {
      const rel = path.relative(from, file).split(path.sep).join('/');
      return !/^(out|prebuild|pip_invoke|subprojects\/packagecache)(\/|$)/.test(rel);
    },
  });

  const subprojects = path.join(srcDir, 'subprojects');
  for (const entry of fs.readdirSync(subprojects)) {
    fs.rmSync(path.join(subprojects, entry), { recursive: true, force: true });
  }
  log(`removed subprojects/*.wrap; writing shims: ${SHIMMED_SUBPROJECTS.join(', ')}`);
  for (const name of SHIMMED_SUBPROJECTS) {
    const shim = path.join(RECIPE_DIR, 'shims', name);
    if (!fs.existsSync(path.join(shim, 'meson.build'))) throw new Error(`missing shim ${shim}/meson.build`);
    fs.cpSync(shim, path.join(subprojects, name), { recursive: true });
  }

  const patchDir = path.join(RECIPE_DIR, 'patches');
  for (const patch of fs.readdirSync(patchDir).filter((f) => f.endsWith('.patch')).sort()) {
    const patchFile = path.join(patchDir, patch);
    log(`applying ${patch}`);
    // --fuzz=0 and a dry run first: if mediasoup's source moved, stop here loudly.
    const base = ['-p1', '--forward', '--batch', '--fuzz=0', '-d', srcDir, '-i', patchFile];
    const dry = spawnSync('patch', ['--dry-run', ...base], { encoding: 'utf8' });
    if (dry.status !== 0) {
      throw new ActionableError(
        `${patch} does not apply to mediasoup ${mediasoup.version}'s worker source:\n${dry.stdout}${dry.stderr}`,
        [`Update ${patchFile} for this mediasoup version (and bump nothing else: the recipe hash follows the file).`],
      );
    }
    run('patch', ['--quiet', ...base], { what: `patch ${patch}` });
  }
}

async function buildFromSource(mediasoup, key, dest) {
  log('building mediasoup-worker from source (offline recipe, ~4 min on 2 cores)');
  log('step 1/6: build tools');
  const meson = ensureBuildTools();
  const buildRoot = path.join(cacheRoot(), 'build', `${mediasoup.version}-${key}`);
  try {
    await compileWorker(mediasoup, meson, buildRoot, dest);
  } catch (error) {
    if (error instanceof ActionableError) throw error;
    throw new ActionableError(`building mediasoup-worker failed: ${error.message}`, [
      'The compiler output above says why. The build tree is kept; running this script again resumes it:',
      `  node ${path.relative(process.cwd(), fileURLToPath(import.meta.url)) || 'scripts/mediasoup-worker.mjs'}`,
      `To start from a clean tree: rm -rf ${buildRoot}`,
    ]);
  }
}

/**
 * Builds a static libsrtp2 on OpenSSL's libcrypto into `dir`/prefix and returns that
 * prefix. Debian's libsrtp2-1 is built on NSS, which made SRTP cost about twice
 * what it costs upstream (bench/sfu-rooms/README.md). The source comes from
 * Debian's source package through a throw-away deb-src list (apt checks the
 * hashes against the signed Sources index; /etc/apt stays as it is); dpkg-source
 * applies Debian's patches. ~10 s.
 */
async function buildLibsrtp2(dir) {
  const prefix = path.join(dir, 'prefix');
  const lib = path.join(prefix, 'lib', 'libsrtp2.a');
  if (fs.existsSync(lib)) {
    log(`  reusing ${lib}`);
    return prefix;
  }
  fs.rmSync(dir, { recursive: true, force: true });
  const download = path.join(dir, 'download');
  const apt = path.join(dir, 'apt');
  fs.mkdirSync(download, { recursive: true });
  fs.mkdirSync(path.join(apt, 'lists', 'partial'), { recursive: true });
  fs.mkdirSync(path.join(apt, 'sources.list.d'));
  const codename = osRelease().VERSION_CODENAME || 'bookworm';
  const line = `deb-src ${signedByOption()}${debianMirror(codename)} ${codename} main`;
  fs.writeFileSync(path.join(apt, 'sources.list'), `${line}\n`);
  log(`  source: ${line}`);
  const aptOptions = throwAwayAptOptions(apt);
  try {
    await runAsync('apt-get', [...aptOptions, '-q', 'update'], { what: 'apt-get update (deb-src)' });
    await runAsync('apt-get', [...aptOptions, '-q', 'source', '--download-only', LIBSRTP2_SOURCE_PACKAGE], {
      cwd: download,
      what: `apt-get source ${LIBSRTP2_SOURCE_PACKAGE}`,
    });
  } catch (error) {
    throw new ActionableError(`fetching the ${LIBSRTP2_SOURCE_PACKAGE} source package failed: ${error.message}`, [
      `The build needs Debian's ${LIBSRTP2_SOURCE_PACKAGE} source from the mirror apt uses (${debianMirror(codename)}).`,
      'Check that it is reachable, then run this script again.',
    ]);
  }
  const dsc = fs.readdirSync(download).find((f) => f.endsWith('.dsc'));
  if (!dsc) throw new Error(`apt-get source left no .dsc in ${download}`);
  const src = path.join(dir, 'src');
  await runAsync('dpkg-source', ['-x', dsc, src], { cwd: download, what: 'dpkg-source -x' });
  await runAsync('./configure', [...LIBSRTP2_CONFIGURE_ARGS, `--prefix=${prefix}`], {
    cwd: src,
    what: 'libsrtp2 configure',
  });
  const configH = readFileOr(path.join(src, 'crypto', 'include', 'config.h'), '');
  if (!/^#define OPENSSL 1$/m.test(configH) || !/^#define GCM 1$/m.test(configH)) {
    throw new Error('libsrtp2 configure did not select the OpenSSL crypto backend with AES-GCM');
  }
  const jobs = String(Math.max(1, os.availableParallelism?.() ?? os.cpus().length));
  await runAsync('make', ['-j', jobs, 'libsrtp2.a'], { cwd: src, what: 'libsrtp2 make' });
  await runAsync('make', ['install'], { cwd: src, what: 'libsrtp2 make install' });
  if (!fs.existsSync(lib)) throw new Error(`libsrtp2 build left no ${lib}`);
  log(`  ${dsc.replace(/\.dsc$/, '')} built on OpenSSL: ${lib}`);
  return prefix;
}

async function compileWorker(mediasoup, meson, buildRoot, dest) {
  const srcDir = path.join(buildRoot, 'worker');
  const preparedMarker = path.join(buildRoot, 'prepared');
  log(`step 2/6: source tree in ${buildRoot}`);
  if (fs.existsSync(preparedMarker)) {
    log('  reusing the prepared tree of an earlier, unfinished build');
  } else {
    fs.rmSync(buildRoot, { recursive: true, force: true });
    fs.mkdirSync(buildRoot, { recursive: true });
    prepareSource(mediasoup, srcDir);
    fs.writeFileSync(preparedMarker, `${new Date().toISOString()}\n`);
  }

  log('step 3/6: libsrtp2 on OpenSSL, from Debian\'s source package');
  const srtpPrefix = await buildLibsrtp2(path.join(buildRoot, 'libsrtp2'));

  const outDir = path.join('out', 'build');
  log('step 4/6: meson setup');
  if (!fs.existsSync(path.join(srcDir, outDir, 'build.ninja'))) {
    fs.rmSync(path.join(srcDir, outDir), { recursive: true, force: true });
    // Not in MESON_SETUP_ARGS (the recipe hash): the path differs per machine.
    const setupArgs = [...MESON_SETUP_ARGS, `-Dlibsrtp3:libsrtp2_prefix=${srtpPrefix}`];
    await runAsync(meson.path, ['setup', ...setupArgs, outDir], { cwd: srcDir, what: 'meson setup' });
  } else {
    log('  already configured');
  }

  log('step 5/6: compile (flatbuffers headers, then the worker)');
  await runAsync(meson.path, ['compile', '-C', outDir, 'flatbuffers-generator'], {
    cwd: srcDir,
    what: 'meson compile flatbuffers-generator',
  });
  const jobs = String(Math.max(1, os.availableParallelism?.() ?? os.cpus().length));
  await runAsync(meson.path, ['compile', '-C', outDir, '-j', jobs, WORKER_BIN_NAME], {
    cwd: srcDir,
    what: 'meson compile mediasoup-worker',
  });

  log('step 6/6: check and cache the binary');
  const built = path.join(srcDir, outDir, WORKER_BIN_NAME);
  const check = checkWorker(built);
  if (!check.ok) throw new Error(`the freshly built worker fails the sanity check: ${check.reason}`);
  installFile(built, dest);
  if (process.env.HEARTH_KEEP_WORKER_BUILD) {
    log(`  keeping the build tree ${buildRoot} (HEARTH_KEEP_WORKER_BUILD)`);
  } else {
    fs.rmSync(buildRoot, { recursive: true, force: true });
    try {
      fs.rmdirSync(path.dirname(buildRoot)); // only if no other build tree is in there
    } catch {
      // Not empty: leave it.
    }
  }
}

/* ------------------------------------------------------------------------ */
/* Main                                                                      */
/* ------------------------------------------------------------------------ */

/**
 * Ensures the worker binary is in place and returns its path.
 * @param {{ force?: boolean, skipPrebuilt?: boolean }} [options]
 */
export async function ensureMediasoupWorker({ force = false, skipPrebuilt = false } = {}) {
  if (process.env.MEDIASOUP_WORKER_BIN) {
    const bin = path.resolve(process.env.MEDIASOUP_WORKER_BIN);
    const check = checkWorker(bin);
    if (!check.ok) {
      throw new ActionableError(`MEDIASOUP_WORKER_BIN=${bin} is not a working mediasoup-worker (${check.reason}).`, [
        'Point MEDIASOUP_WORKER_BIN at a mediasoup-worker of the installed mediasoup version, or unset it.',
      ]);
    }
    log(`MEDIASOUP_WORKER_BIN is set and works: ${bin}`);
    return bin;
  }

  const mediasoup = locateMediasoup();
  const key = recipeHash();
  const target = targetBinPath(mediasoup.dir);
  const marker = path.join(path.dirname(target), `${WORKER_BIN_NAME}.hearth.json`);
  const cacheDir = path.join(cacheRoot(), `${mediasoup.version}-${key}`);
  const cacheBin = path.join(cacheDir, WORKER_BIN_NAME);
  log(`mediasoup ${mediasoup.version} at ${mediasoup.dir}; recipe ${key}`);

  const placeFromCache = (how) => {
    installFile(cacheBin, target);
    writeJson(marker, { key: `${mediasoup.version}-${key}`, from: cacheBin, ...readJson(path.join(cacheDir, 'origin.json')) });
    const check = checkWorker(target);
    if (!check.ok) throw new Error(`the worker copied to ${target} fails the sanity check: ${check.reason}`);
    log(`worker ready (${how}): ${target}`);
    return target;
  };

  if (!force) {
    const inPlace = checkWorker(target);
    const placed = readJson(marker);
    if (inPlace.ok && (!placed || placed.key === `${mediasoup.version}-${key}`)) {
      log(`worker already in place and working: ${target}`);
      return target;
    }
    if (inPlace.ok) log(`worker in place comes from recipe ${placed.key}; replacing it`);
    else if (inPlace.reason !== 'missing') log(`worker in place does not work (${inPlace.reason}); replacing it`);
    if (checkWorker(cacheBin).ok) return placeFromCache('from cache');
  }

  return withLock(`${cacheDir}.lock`, async () => {
    // Another install may have filled the cache while we waited for the lock.
    if (!force && checkWorker(cacheBin).ok) return placeFromCache('from cache');
    fs.rmSync(cacheDir, { recursive: true, force: true });
    fs.mkdirSync(cacheDir, { recursive: true });

    const skip =
      skipPrebuilt ||
      (process.env.MEDIASOUP_SKIP_WORKER_PREBUILT_DOWNLOAD && !process.env.MEDIASOUP_FORCE_WORKER_PREBUILT_DOWNLOAD);
    const prebuilt = skip ? false : await downloadPrebuilt(mediasoup, cacheBin);
    if (prebuilt) {
      writeJson(path.join(cacheDir, 'origin.json'), {
        origin: 'prebuilt', url: prebuilt.url, sha256: sha256File(cacheBin), at: new Date().toISOString(),
      });
      return placeFromCache('official prebuilt, cached');
    }
    if (skip) log('prebuilt download skipped');
    else log('falling back to building from source');

    await buildFromSource(mediasoup, key, cacheBin);
    writeJson(path.join(cacheDir, 'origin.json'), {
      origin: 'built', recipe: key, sha256: sha256File(cacheBin), at: new Date().toISOString(),
    });
    return placeFromCache('built from source, cached');
  });
}

async function main() {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stderr.write(`${readFileOr(fileURLToPath(import.meta.url), '').split('\n\nimport')[0]}\n`);
    return;
  }
  const unknown = args.filter((a) => !['--force', '--build'].includes(a));
  if (unknown.length > 0) throw new ActionableError(`unknown argument(s): ${unknown.join(' ')}`, ['See --help.']);

  const bin = await ensureMediasoupWorker({ force: args.includes('--force'), skipPrebuilt: args.includes('--build') });
  log(`done in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  process.stdout.write(`${bin}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((error) => {
    if (error instanceof ActionableError) {
      process.stderr.write(`\n[mediasoup-worker] ERROR: ${error.message}\n`);
      for (const line of error.howToFix) process.stderr.write(`  ${line}\n`);
    } else if (error?.code === 'EACCES' || error?.code === 'EPERM' || error?.code === 'EROFS') {
      process.stderr.write(`\n[mediasoup-worker] ERROR: cannot write ${error.path ?? ''} (${error.code}).\n`);
      process.stderr.write('  Run this as the user who owns node_modules and the cache directory,\n');
      process.stderr.write(`  or set XDG_CACHE_HOME to a writable directory (now: ${cacheRoot()}).\n`);
    } else {
      process.stderr.write(`\n[mediasoup-worker] ERROR: ${error?.stack ?? error}\n`);
    }
    process.exit(1);
  });
}
