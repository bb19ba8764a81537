#!/usr/bin/env node
// Where a joiner's main thread spent the time between the click and the first frame:
// a summary of bench/join-time's PROFILE=1 profiles (bench/results/join-profile-<i>.cpuprofile).
//
//   node bench/lib/profile-summary.mjs bench/results/join-profile-0.cpuprofile [more…]
//
// The window runs from the sample of the bench's `hearthClickMark` to its `hearthFrameMark`
// (both spin 2 ms in the page); positions in the built client map back to the sources
// through client/dist's source maps. Sampled wall time: on a loaded machine a function's
// share includes the time its thread waited for a core.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// source-map-js comes with the client's build tools (Vite, PostCSS).
const { SourceMapConsumer } = createRequire(createRequire(path.join(root, 'client/package.json')).resolve('vite'))('source-map-js');
const assets = path.join(root, 'client/dist/assets');

const maps = new Map();
function sourceMap(url) {
  if (!url.includes('/assets/')) return null;
  const file = url.slice(url.lastIndexOf('/') + 1).split('?')[0];
  if (!maps.has(file)) {
    const p = path.join(assets, `${file}.map`);
    maps.set(file, existsSync(p) ? new SourceMapConsumer(JSON.parse(readFileSync(p, 'utf8'))) : null);
  }
  return maps.get(file);
}

/** "name file:line" in the sources, or the profiler's own name for native and built-in frames. */
function label(cf) {
  const m = sourceMap(cf.url);
  if (m) {
    const o = m.originalPositionFor({ line: cf.lineNumber + 1, column: cf.columnNumber });
    if (o.source) {
      const file = o.source.replace(/^.*node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?/, '').replace(/^(\.\.\/)+/, '');
      return { name: `${o.name ?? cf.functionName ?? '?'} ${file}:${o.line}`, file };
    }
  }
  return { name: cf.functionName || '(anonymous native)', file: cf.functionName?.startsWith('(') ? cf.functionName : '(native)' };
}

function group(file) {
  if (file.startsWith('react-dom') || file.startsWith('react/') || file.startsWith('scheduler')) return 'react';
  if (file.startsWith('src/')) return file.split('/').slice(0, 3).join('/');
  return file.split('/')[0];
}

function summarise(file) {
  const prof = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // Sample times (µs from the profile's start).
  const times = [];
  let t = 0;
  for (const d of prof.timeDeltas) times.push((t += d));
  const stackHas = (id, fn) => {
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) if (byId.get(cur)?.callFrame.functionName === fn) return true;
    return false;
  };
  const first = (fn) => prof.samples.findIndex((id) => stackHas(id, fn));
  const from = first('hearthClickMark');
  const to = first('hearthFrameMark');
  if (from < 0 || to < 0) return console.log(`${file}: no click/frame marks (a profile from an older bench?)`);
  const windowMs = (times[to] - times[from]) / 1000;
  const self = new Map();
  const groups = new Map();
  const buckets = [];
  for (let i = from; i < to; i++) {
    const us = times[i + 1] - times[i];
    const { name, file: f } = label(byId.get(prof.samples[i]).callFrame);
    self.set(name, (self.get(name) ?? 0) + us);
    const g = group(f);
    groups.set(g, (groups.get(g) ?? 0) + us);
    const b = Math.floor((times[i] - times[from]) / 50_000);
    buckets[b] ??= new Map();
    buckets[b].set(g, (buckets[b].get(g) ?? 0) + us);
  }
  const fmt = (us) => (us / 1000).toFixed(1).padStart(7);
  console.log(`\n${path.basename(file)}: click → frame callback ${windowMs.toFixed(0)} ms`);
  console.log('  by part:');
  for (const [k, v] of [...groups].sort((a, b) => b[1] - a[1]).slice(0, 14)) console.log(`  ${fmt(v)}  ${k}`);
  console.log('  by function (self):');
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 22)) console.log(`  ${fmt(v)}  ${k}`);
  console.log('  every 50 ms, the two largest parts:');
  buckets.forEach((m, i) => {
    const top = [...m].sort((a, b) => b[1] - a[1]).slice(0, 2).map(([k, v]) => `${k} ${(v / 1000).toFixed(0)}`);
    console.log(`  ${String(i * 50).padStart(5)}  ${top.join(', ')}`);
  });
}

for (const f of process.argv.slice(2)) summarise(f);
