#!/usr/bin/env node
/**
 * Sums a V8 .cpuprofile by function: self time and inclusive time (each sample counted once per
 * function on its stack, so recursion is not double-counted), plus self time by file.
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/measure.mjs scan <root>
 *   node bench/profile-summary.mjs /tmp/prof/CPU.*.cpuprofile [--top 25] [--lines scan/scan.js]
 *
 * Paths under dist/ are shown as their src/*.ts counterpart (line numbers are dist's).
 * --lines PATTERN: self time by source line (dist line numbers) for scripts whose URL contains
 * PATTERN; V8 attributes inlined callees to the caller's lines, so this finds hot loops.
 */
import { readFile } from 'node:fs/promises';

const args = process.argv.slice(2);
const file = args.find((a, i) => !a.startsWith('--') && !['--top', '--lines'].includes(args[i - 1]));
const topAt = args.indexOf('--top');
const linesAt = args.indexOf('--lines');
const linesPattern = linesAt >= 0 ? args[linesAt + 1] : null;
const top = topAt >= 0 ? Number(args[topAt + 1]) : 25;
if (!file) {
  console.error('usage: node bench/profile-summary.mjs <file.cpuprofile> [--top N]');
  process.exit(2);
}
const profile = JSON.parse(await readFile(file, 'utf8'));

const shortUrl = (url) => {
  if (!url) return '';
  const u = url.replace(/^file:\/\//, '');
  const nm = u.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\/(.+)$/);
  if (nm) return `${nm[1]}:${nm[2]}`;
  const dist = u.match(/\/dist\/(.+)\.js$/);
  if (dist) return `src/${dist[1]}.ts`;
  return u.replace(/^.*\/bench\//, 'bench/');
};
const keyOf = (cf) => `${cf.functionName || '(anonymous)'}  ${shortUrl(cf.url)}${cf.url ? `:${cf.lineNumber + 1}` : ''}`;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const self = new Map();
const inclusive = new Map();
const byFile = new Map();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = (profile.timeDeltas[i] ?? 0) / 1000;
  total += dt;
  const node = byId.get(id);
  const k = keyOf(node.callFrame);
  self.set(k, (self.get(k) ?? 0) + dt);
  const f = shortUrl(node.callFrame.url) || node.callFrame.functionName || '(native)';
  byFile.set(f, (byFile.get(f) ?? 0) + dt);
  const seen = new Set();
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const key = keyOf(byId.get(at).callFrame);
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + dt);
  }
});

const print = (title, map, n) => {
  console.log(`\n${title}`);
  for (const [k, ms] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n)) {
    console.log(`${ms.toFixed(0).padStart(8)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${k}`);
  }
};
console.log(`${file}: ${total.toFixed(0)} ms sampled`);
print('Self time by function', self, top);
print('Inclusive time by function', new Map([...inclusive].filter(([k]) => !/^\((root|program|idle)\)/.test(k))), top);
print('Self time by file', byFile, 15);

if (linesPattern) {
  // positionTicks count samples, not ms: scale by the mean sample interval.
  const perTick = total / Math.max(1, profile.samples.length);
  const lines = new Map();
  for (const n of profile.nodes) {
    if (!n.callFrame.url.includes(linesPattern)) continue;
    for (const t of n.positionTicks ?? []) {
      const k = `${n.callFrame.url.replace(/^.*\/dist\//, 'dist/')}:${t.line}  (in ${n.callFrame.functionName || '(anonymous)'})`;
      lines.set(k, (lines.get(k) ?? 0) + t.ticks * perTick);
    }
  }
  print(`Self time by line in ${linesPattern}`, lines, top);
}
