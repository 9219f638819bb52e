#!/usr/bin/env node
/**
 * Speed as users feel it (`npm run bench`): whole processes, start-up included, on both sides.
 *
 *   node bench/whole.mjs [--runs 5] [--sizes 276,5000] [--only scan,lint,lint-files] [--fresh]
 *
 * portreg: the bin users run, `node dist/bundle/main.js scan`, `... lint`, `... lint <3 files>` in the tree, output
 * discarded. The floor: `node bench/floor.mjs` (fast-glob of the same patterns, synchronous reads,
 * yaml.parseDocument of the compose files, nothing kept), over the whole tree, or for the 3 files
 * over those files' project folders. Both run with bench/rss-at-exit.mjs preloaded, which reports
 * the peak resident set. After one untimed run of each, the two alternate (floor, portreg, floor,
 * ...) --runs times; the table gives the medians, the spread (min-max), the ratio of the medians,
 * and the machine's load average before and after.
 * Goals (issue 14): every ratio, time and peak memory, at most 1.5.
 * It reports; it never fails on a missed goal (exit 0), only on a crash.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { environment, fmt, here, median, table, timedProcess, writeResults } from './common.mjs';
import { ensureMonorepo, fullRegistryCount } from './generate.mjs';
import { defaultFiles } from './lint.mjs';

const GOAL = 1.5;
const CLI = path.join(here, '..', 'dist', 'bundle', 'main.js');
const FLOOR = path.join(here, 'floor.mjs');

function parseArgs(argv) {
  const opts = { runs: 5, sizes: [fullRegistryCount(), 5000], only: ['scan', 'lint', 'lint-files'], fresh: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => argv[++i] ?? usage(`${a} needs a value`);
    if (a === '--runs') opts.runs = Number(value());
    else if (a === '--sizes') opts.sizes = value().split(',').map(Number);
    else if (a === '--only') opts.only = value().split(',');
    else if (a === '--fresh') opts.fresh = true;
    else usage(`unknown option ${a}`);
  }
  if (!Number.isInteger(opts.runs) || opts.runs < 1) usage('--runs takes a whole number');
  return opts;
}

function usage(message) {
  process.stderr.write(`${message}\nusage: node bench/whole.mjs [--runs 5] [--sizes 276,5000] [--only scan,lint,lint-files] [--fresh]\n`);
  process.exit(2);
}

const timed = timedProcess;

const spread = (xs) => `${fmt(Math.min(...xs))}-${fmt(Math.max(...xs))}`;

async function compare(name, floorArgs, portregArgs, cwd, runs, rssFile) {
  await timed(floorArgs, cwd, rssFile);
  await timed(portregArgs, cwd, rssFile, [0, 1]);
  const floor = [];
  const portreg = [];
  for (let i = 0; i < runs; i++) {
    floor.push(await timed(floorArgs, cwd, rssFile));
    portreg.push(await timed(portregArgs, cwd, rssFile, [0, 1]));
  }
  const f = median(floor.map((r) => r.ms));
  const p = median(portreg.map((r) => r.ms));
  const fRss = Math.max(...floor.map((r) => r.rssKiB));
  const pRss = Math.max(...portreg.map((r) => r.rssKiB));
  return {
    name,
    floorMs: f,
    portregMs: p,
    floorSpread: spread(floor.map((r) => r.ms)),
    portregSpread: spread(portreg.map((r) => r.ms)),
    ratio: p / f,
    floorRssMiB: fRss / 1024,
    portregRssMiB: pRss / 1024,
    rssRatio: pRss / fRss,
    runs: { floor, portreg },
  };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const discover = await import(pathToFileURL(path.join(here, '..', 'dist', 'scan', 'discover.js')).href);
  // The floor reads what discovery reads: its patterns come from there.
  const patterns = JSON.stringify(discover.DEFAULT_PATTERNS);
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'portreg-whole-'));
  const rssFile = path.join(tmp, 'rss');
  const loadBefore = os.loadavg();
  const results = [];
  try {
    for (const size of opts.sizes) {
      const tree = await ensureMonorepo(size, { fresh: opts.fresh });
      const cwd = tree.root;
      if (opts.only.includes('scan')) results.push(await compare(`scan, ${size} projects`, [FLOOR, cwd, patterns], [CLI, 'scan'], cwd, opts.runs, rssFile));
      if (opts.only.includes('lint')) results.push(await compare(`lint, ${size} projects`, [FLOOR, cwd, patterns], [CLI, 'lint'], cwd, opts.runs, rssFile));
      if (opts.only.includes('lint-files')) {
        const files = defaultFiles(size);
        const folders = [...new Set(files.map((f) => f.split('/').slice(0, 2).join('/')))];
        results.push(await compare(`lint of 3 files, ${size} projects`, [FLOOR, cwd, patterns, ...folders], [CLI, 'lint', ...files], cwd, opts.runs, rssFile));
      }
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  const loadAfter = os.loadavg();
  const rows = [['case', 'floor ms (min-max)', 'portreg ms (min-max)', 'time', 'floor MiB', 'portreg MiB', 'memory', `goal ${GOAL}x`]];
  for (const r of results) {
    rows.push([
      r.name,
      `${fmt(r.floorMs)} (${r.floorSpread})`,
      `${fmt(r.portregMs)} (${r.portregSpread})`,
      `${r.ratio.toFixed(2)}x`,
      fmt(r.floorRssMiB, 1),
      fmt(r.portregRssMiB, 1),
      `${r.rssRatio.toFixed(2)}x`,
      r.ratio <= GOAL && r.rssRatio <= GOAL ? 'met' : 'NOT met',
    ]);
  }
  console.log(table(rows));
  console.log(`medians of ${opts.runs} alternating runs each, after one untimed run; whole processes, start-up included`);
  console.log(`load average before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadAfter.map((l) => l.toFixed(2)).join(' ')}`);
  console.log('real-world compose projects against dclint: bench/dclint.mjs --corpus DIR (the corpus is not shipped; see bench/README.md)');
  const out = await writeResults('whole-latest.json', { environment: environment(), loadBefore, loadAfter, runs: opts.runs, results });
  console.log(`results: ${out}`);
}

main().catch((err) => {
  console.error(err.stack ?? String(err));
  process.exit(1);
});
