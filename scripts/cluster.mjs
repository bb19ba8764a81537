#!/usr/bin/env node
// `npm run cluster -- --nodes N --port P`: N Hearth nodes on ports P+1…P+N sharing
// PostgreSQL (DATABASE_URL) and Redis (REDIS_URL), behind a load balancer on port P
// (http-proxy). Websocket upgrades with `?node=<nodeId>` go to that node while it is
// alive (a client redirected to its session's host); everything else round-robin.
// Prints `node <nodeId> pid <pid> <url>` per node. Ctrl-C stops them all (SIGTERM).
import { spawn, spawnSync } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import httpProxy from 'http-proxy';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : undefined;
  return v === undefined ? fallback : Number(v);
}
const nodes = arg('nodes', 2);
const port = arg('port', 3000);
if (!Number.isInteger(nodes) || nodes < 1 || nodes > 16) fail('--nodes must be 1…16');
if (!Number.isInteger(port) || port < 1 || port + nodes > 65535) fail('--port must leave room for the nodes above it');
for (const v of ['DATABASE_URL', 'REDIS_URL']) if (!process.env[v]) fail(`${v} is required (the nodes share PostgreSQL and Redis)`);

function fail(msg) {
  process.stderr.write(`cluster: ${msg}\nusage: DATABASE_URL=… REDIS_URL=… npm run cluster -- --nodes N --port P\n`);
  process.exit(1);
}

// Installs and builds what is missing, as `npm start` does.
const built = spawnSync(process.execPath, [path.join(root, 'scripts/hearth.mjs'), 'build'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
if (built.status !== 0) process.exit(built.status ?? 1);

/** nodeId → { url, port, child, alive } */
const members = new Map();

function startNode(i) {
  const nodeId = `node-${i}`;
  const nodePort = port + i;
  // Each node its own media port range, so several fit on one machine.
  const rtcMin = 40000 + (i - 1) * 1000;
  const child = spawn(process.execPath, [path.join(root, 'server/dist/main.js')], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: process.env.NODE_ENV ?? 'development',
      HOST: process.env.HOST ?? '127.0.0.1',
      PORT: String(nodePort),
      NODE_ID: nodeId,
      PUBLIC_URL: `http://localhost:${port}`,
      SEED_DEMO: process.env.SEED_DEMO ?? 'true',
      RTC_MIN_PORT: String(rtcMin),
      RTC_MAX_PORT: String(rtcMin + 999),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const member = { nodeId, port: nodePort, url: `http://127.0.0.1:${nodePort}`, child, alive: false };
  members.set(nodeId, member);
  child.once('exit', (code, signal) => {
    member.alive = false;
    process.stdout.write(`node ${nodeId} exited (${signal ?? code})\n`);
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d.toString();
      if (!member.alive && /Hearth is running: /.test(out)) {
        member.alive = true;
        process.stdout.write(`node ${nodeId} pid ${child.pid} ${member.url}\n`);
        resolve();
      }
    });
    child.once('exit', () => (member.alive ? undefined : reject(new Error(`node ${nodeId} did not start:\n${out}`))));
  });
}

// One at a time: the first seeds the demo data into an empty database.
for (let i = 1; i <= nodes; i += 1) await startNode(i);

let next = 0;
function pick(url) {
  const wanted = new URL(url ?? '/', 'http://x').searchParams.get('node');
  const named = wanted ? members.get(wanted) : undefined;
  if (named?.alive) return named;
  const alive = [...members.values()].filter((m) => m.alive);
  if (alive.length === 0) return null;
  next = (next + 1) % alive.length;
  return alive[next];
}

const proxy = httpProxy.createProxyServer({ xfwd: true });
proxy.on('error', (_err, _req, res) => {
  if (res && 'writeHead' in res && !res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
  res?.end?.(JSON.stringify({ code: 'bad_gateway', message: 'That server is not answering. Try again.' }));
});
const balancer = http.createServer((req, res) => {
  const target = pick(req.url);
  if (!target) {
    res.writeHead(503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ code: 'unavailable', message: 'No Hearth node is up.' }));
    return;
  }
  proxy.web(req, res, { target: target.url });
});
balancer.on('upgrade', (req, socket, head) => {
  const target = pick(req.url);
  if (!target) return socket.destroy();
  proxy.ws(req, socket, head, { target: target.url });
});
balancer.listen(port, process.env.HOST ?? '127.0.0.1', () => {
  process.stdout.write(`balancer http://localhost:${port} (${nodes} node${nodes === 1 ? '' : 's'})\n`);
});

function stop() {
  balancer.close();
  for (const m of members.values()) if (m.alive) m.child.kill('SIGTERM');
  setTimeout(() => process.exit(0), 10_000).unref();
  Promise.all([...members.values()].map((m) => (m.child.exitCode === null && m.child.signalCode === null ? new Promise((r) => m.child.once('exit', r)) : null))).then(() =>
    process.exit(0),
  );
}
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
