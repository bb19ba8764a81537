// Starts the receiving side of the bench (rtp-sink.c, or rtp-receiver.mjs
// without a C compiler) and speaks its line protocol: "ports …" once, then
// "mark" → "sample …"* + "mark …".
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Compiles rtp-sink.c once per source version into bench/results/.bin; null without a compiler. */
export function buildSink() {
  const source = path.join(here, 'rtp-sink.c');
  const hash = createHash('sha256').update(readFileSync(source)).digest('hex').slice(0, 12);
  const bin = path.join(here, '..', 'results', '.bin', `rtp-sink-${hash}`);
  if (existsSync(bin)) return bin;
  mkdirSync(path.dirname(bin), { recursive: true });
  for (const cc of [process.env.CC, 'cc', 'gcc', 'clang'].filter(Boolean)) {
    try {
      execFileSync(cc, ['-O2', '-Wall', '-o', bin, source], { stdio: ['ignore', 'ignore', 'inherit'] });
      return bin;
    } catch {
      // try the next compiler
    }
  }
  return null;
}

/**
 * @param {'c' | 'node'} kind
 * @param {number} sockets
 */
export async function startReceiver(kind, sockets) {
  const [cmd, argv] =
    kind === 'c' ? [buildSink(), [String(sockets)]] : [process.execPath, [path.join(here, 'rtp-receiver.mjs'), String(sockets)]];
  if (!cmd) throw new Error('no C compiler for bench/sfu-rooms/rtp-sink.c: install one or pass --receiver node');
  const child = spawn(cmd, argv, { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout });
  const waiting = [];
  let samples = [];
  child.on('exit', (code) => {
    for (const { reject } of waiting.splice(0)) reject(new Error(`${cmd} exited (${code})`));
  });
  lines.on('line', (line) => {
    const [tag, ...rest] = line.split(' ');
    if (tag === 'sample') {
      samples.push({ port: Number(rest[0]), roc: Number(rest[1]), packet: Buffer.from(rest[2], 'hex') });
    } else if (tag === 'ports' || tag === 'mark') {
      waiting.shift()?.resolve({ tag, rest, samples });
      samples = [];
    }
  });
  const next = () => new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  const { rest: portList } = await next();
  let last = null;
  return {
    pid: child.pid,
    ports: portList.map(Number),
    /** Totals since the previous mark (the first mark only starts the window). */
    async mark() {
      const reply = next();
      child.stdin.write('mark\n');
      const { rest, samples: sampled } = await reply;
      const [ns, received, expected, rtcp, active, streams, cpuUs] = rest.map(Number);
      const result = {
        seconds: last ? (ns - last.ns) / 1e9 : 0,
        cpuSeconds: last ? (cpuUs - last.cpuUs) / 1e6 : 0,
        received,
        expected,
        rtcpPackets: rtcp,
        activeStreams: active,
        streams,
        samples: sampled,
      };
      last = { ns, cpuUs };
      return result;
    },
    stop() {
      return new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', resolve);
        child.stdin.end('quit\n');
        setTimeout(() => child.kill(), 2000).unref();
      });
    },
  };
}
