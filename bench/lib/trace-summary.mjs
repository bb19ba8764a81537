#!/usr/bin/env node
// What the joining page's main thread did between the room's arrival and its first frame:
// a summary of bench/join-time's TRACE=1 traces (bench/results/{join,admit}-trace-<i>.json).
//
//   node bench/lib/trace-summary.mjs bench/results/admit-trace-0.json [more…]
//
// The window runs from the task that handled the join answer or the admission push (the
// socket message whose task used the most CPU before the first frame) to the first
// requestVideoFrameCallback rendering step. For that window it prints the wall time, the
// main thread's own CPU time (Chrome's thread time, `tdur`: what it ran, not what it waited
// for a core), style, layout and paint, and the CPU of every traced thread of every process.
// On a loaded machine the gap between wall and CPU is time spent waiting for a core.
import { readFileSync } from 'node:fs';

const ms = (us) => us / 1000;

function summarise(file) {
  const events = JSON.parse(readFileSync(file, 'utf8')).traceEvents ?? [];
  const frame = events.find((e) => e.name === 'VideoFrameCallbackRequesterImpl::OnRenderingSteps');
  if (!frame) return `${file}: no frame callback in this trace`;
  const onMain = events.filter((e) => e.pid === frame.pid && e.tid === frame.tid && e.ph === 'X' && e.ts < frame.ts).sort((a, b) => a.ts - b.ts);
  const tasks = onMain.filter((e) => e.name === 'RunTask');
  let start = null;
  for (const call of onMain.filter((e) => e.name === 'FunctionCall' && e.args?.data?.functionName === 'ws.onmessage')) {
    const task = tasks.find((t) => t.ts <= call.ts && t.ts + t.dur >= call.ts + call.dur);
    if (task && (!start || (task.tdur ?? 0) > (start.tdur ?? 0))) start = task;
  }
  if (!start) return `${file}: no socket message before the frame`;
  const within = (e) => e.ts >= start.ts && e.ts < frame.ts;
  const cpuOf = (name) => ms(onMain.filter((e) => e.name === name && within(e)).reduce((a, e) => a + (e.tdur ?? 0), 0));
  const mainCpu = ms(tasks.filter(within).reduce((a, t) => a + (t.tdur ?? 0), 0));

  // Every traced thread's CPU in the window (outermost events only, so nothing counts twice).
  const names = new Map();
  const processes = new Map();
  for (const e of events) {
    if (e.ph !== 'M') continue;
    if (e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args.name);
    if (e.name === 'process_name') processes.set(e.pid, e.args.name);
  }
  const perThread = new Map();
  const busyUntil = new Map();
  const timed = events.filter((e) => e.ph === 'X' && e.tdur !== undefined && within(e)).sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  for (const e of timed) {
    const key = `${e.pid}:${e.tid}`;
    if (e.ts < (busyUntil.get(key) ?? 0)) continue;
    busyUntil.set(key, e.ts + e.dur);
    perThread.set(key, (perThread.get(key) ?? 0) + ms(e.tdur));
  }
  const threads = [...perThread]
    .filter(([, cpu]) => cpu >= 2)
    .sort((a, b) => b[1] - a[1])
    .map(([key, cpu]) => {
      const pid = Number(key.split(':')[0]);
      const who = pid === frame.pid ? 'joining page' : (processes.get(pid) ?? '?');
      return `    ${cpu.toFixed(1).padStart(6)}  ${who} ${pid} ${names.get(key) ?? key}`;
    });
  return [
    `${file}: room's arrival → first frame callback ${ms(frame.ts - start.ts).toFixed(0)} ms wall`,
    `  joining page's main thread: ${mainCpu.toFixed(1)} ms CPU (the first task ${ms(start.tdur ?? 0).toFixed(1)}; style ${cpuOf('UpdateLayoutTree').toFixed(1)}, layout ${cpuOf('Layout').toFixed(1)}, paint ${cpuOf('Paint').toFixed(1)})`,
    '  CPU ms by traced thread:',
    ...threads,
  ].join('\n');
}

for (const file of process.argv.slice(2)) console.log(summarise(file));
