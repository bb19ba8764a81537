// The machine around the bench: CPU pinning, per-core busy time, kernel UDP
// drops per port, and request/response with the sender/receiver children.
import { execFileSync, fork } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

/** Pins every thread of `pid` to `cpu`; returns false when taskset is missing or refuses. */
export function pin(pid, cpu) {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

/**
 * CPU a process used and how long it waited for one, summed over its threads,
 * read from /proc (no request to the process: an overloaded mediasoup worker
 * answers its channel late). schedstat gives ns on CPU and ns runnable but
 * waiting; stat gives the user/system split in ticks.
 */
export function processCpu(pid) {
  let onCpuNs = 0;
  let waitNs = 0;
  let userTicks = 0;
  let systemTicks = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const [run, wait] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ').map(Number);
      onCpuNs += run;
      waitNs += wait;
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      userTicks += Number(fields[11]);
      systemTicks += Number(fields[12]);
    } catch {
      // thread ended between readdir and read
    }
  }
  return {
    t: performance.now() / 1000,
    cpu: onCpuNs / 1e9,
    wait: waitNs / 1e9,
    user: userTicks / CLOCK_TICKS,
    system: systemTicks / CLOCK_TICKS,
  };
}

/** Jiffies per CPU from /proc/stat: { busy, total }[]. */
export function cpuTimes() {
  return readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .filter((l) => /^cpu\d+ /.test(l))
    .map((l) => {
      const [user, nice, system, idle, iowait, irq, softirq, steal] = l.split(/\s+/).slice(1, 9).map(Number);
      const busy = user + nice + system + irq + softirq + steal;
      return { busy, total: busy + idle + iowait };
    });
}

export function busyPercent(before, after, cpu) {
  const b = before[cpu];
  const a = after[cpu];
  if (!a || !b || a.total === b.total) return NaN;
  return ((a.busy - b.busy) / (a.total - b.total)) * 100;
}

/** Kernel receive-queue drops of the IPv4 UDP sockets bound to `ports`. */
export function udpDrops(ports) {
  let drops = 0;
  for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 13) continue;
    const port = parseInt(cols[1].split(':')[1], 16);
    if (ports.has(port)) drops += Number(cols[cols.length - 1]);
  }
  return drops;
}

export function machine() {
  return {
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    cpus: os.cpus().length,
    kernel: os.release(),
    node: process.version,
    loadAverage: os.loadavg(),
  };
}

/** A forked child answering `{ id, ...}` to each `{ id, cmd, ... }`. */
export function forkChild(file) {
  const child = fork(file, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map();
  let nextId = 1;
  child.on('message', (msg) => {
    pending.get(msg.id)?.resolve(msg);
    pending.delete(msg.id);
  });
  child.on('exit', (code) => {
    for (const { reject } of pending.values()) reject(new Error(`${file} exited (${code})`));
    pending.clear();
  });
  return {
    pid: child.pid,
    request(cmd, body = {}) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ id, cmd, ...body });
      });
    },
    stop() {
      if (!child.connected) return Promise.resolve();
      return new Promise((resolve) => {
        child.once('exit', resolve);
        child.send({ cmd: 'stop' });
        setTimeout(() => child.kill(), 2000).unref();
      });
    },
  };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
