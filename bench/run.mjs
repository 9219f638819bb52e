#!/usr/bin/env node
/**
 * Benchmarks (`npm run bench`): the scanner and the linter against bare baselines measured in
 * the same run, so the ratios mean something on a noisy machine.
 *
 *   node bench/run.mjs [--scan] [--lint] [--code] [--migrate] [--sizes 100,1000,5000] [--runs N] [--fresh] [--seed 1] [--no-warmup] [--files a,b,c]
 *
 * With none of --scan, --lint, --code, --migrate, all run; each flag picks its benchmark.
 * scan: `scan` against glob + read + yaml parse of the same files, on synthetic monorepos of
 *   --sizes projects; --runs defaults to 3. Results: bench/results/latest.json.
 * lint: see bench/lint.mjs; a tree whose registry is full (276 projects); --runs defaults to 7;
 *   --files overrides the 3 given files (relative to the tree). Results: bench/results/lint-latest.json.
 * code: see bench/code.mjs; `portreg lint` start-up with code scanning off and on, vs `node -e ''`;
 *   --runs defaults to 7. Results: bench/results/code-latest.json.
 * migrate: see bench/migrate.mjs; `migrate --from HEAD~1 --write` after 500 of 5,000 projects moved,
 *   against the whole-tree scan; --runs defaults to 3. Results: bench/results/migrate-latest.json.
 *
 * Every measurement is a fresh child process (bench/measure.mjs); modes alternate
 * (baseline, scan, baseline, scan, ...). Per mode: the median wall time and the max peak RSS.
 * A missed goal is reported, not failed: the exit code is non-zero only when a measurement crashes.
 */
import { ensureMonorepo } from './generate.mjs';
import { environment, environmentLine, fmt, goalLine, measure, mib, summarize, table, writeResults } from './common.mjs';
import { lintMain } from './lint.mjs';
import { codeMain } from './code.mjs';
import { migrateMain } from './migrate.mjs';

const GOAL_SIZE = 5000;
const GOAL_RATIO = 1.5;
const USAGE =
  'usage: node bench/run.mjs [--scan] [--lint] [--code] [--migrate] [--sizes 100,1000,5000] [--runs N] [--fresh] [--seed N] [--no-warmup] [--files a,b,c]\n';

function parseArgs(argv) {
  const opts = {
    scan: false,
    lint: false,
    code: false,
    migrate: false,
    sizes: [100, 1000, 5000],
    runs: undefined,
    fresh: false,
    seed: 1,
    warmup: true,
    files: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      return v;
    };
    if (a === '--scan') opts.scan = true;
    else if (a === '--lint') opts.lint = true;
    else if (a === '--code') opts.code = true;
    else if (a === '--migrate') opts.migrate = true;
    else if (a.startsWith('--sizes'))
      opts.sizes = value()
        .split(',')
        .map((s) => Number(s.trim()));
    else if (a.startsWith('--runs')) opts.runs = Number(value());
    else if (a.startsWith('--seed')) opts.seed = Number(value());
    else if (a.startsWith('--files'))
      opts.files = value()
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    else if (a === '--fresh') opts.fresh = true;
    else if (a === '--no-warmup') opts.warmup = false;
    else if (a === '-h' || a === '--help') usage();
    else usage(`unknown option ${a}`);
  }
  if (!opts.scan && !opts.lint && !opts.code && !opts.migrate) opts.scan = opts.lint = opts.code = opts.migrate = true;
  if (!opts.sizes.length || opts.sizes.some((n) => !Number.isInteger(n) || n < 1)) usage('--sizes takes positive integers, e.g. 100,1000');
  if (opts.runs !== undefined && (!Number.isInteger(opts.runs) || opts.runs < 1)) usage('--runs takes a positive integer');
  if (opts.files && opts.files.length === 0) usage('--files takes files relative to the tree, e.g. projects/p0001/README.md');
  return opts;
}

function usage(error) {
  if (error) {
    process.stderr.write(`bench: ${error}\n${USAGE}`);
    process.exit(2);
  }
  process.stdout.write(USAGE);
  process.exit(0);
}

async function scanMain(opts) {
  const startedAt = new Date();
  console.log(`portreg scan benchmark: sizes ${opts.sizes.join(', ')}; ${opts.runs} run(s) per mode, alternating; ${environmentLine()}`);
  const results = [];
  let crashed = null;
  for (const size of opts.sizes) {
    const repo = await ensureMonorepo(size, { seed: opts.seed, fresh: opts.fresh });
    console.log(
      `\n${size} projects: ${repo.root} (${repo.generated ? `generated in ${fmt(repo.ms)} ms` : 'cached'}; ` +
        `rangeSize ${repo.rangeSize}${repo.rangeSize !== 100 ? ` instead of 100, so ${size} ranges fit below 65535` : ''}; ` +
        `project space ${repo.projectSpace.from}-${repo.projectSpace.to}, last port ${repo.lastPort})`,
    );
    const runs = { baseline: [], scan: [] };
    try {
      // Untimed: warms the page cache and the dentry cache so the first baseline is not the cold one.
      if (opts.warmup) await measure('baseline', repo.root);
      for (let i = 0; i < opts.runs; i++) {
        for (const mode of ['baseline', 'scan']) {
          const r = await measure(mode, repo.root);
          runs[mode].push(r);
          process.stdout.write(
            `  run ${i + 1}/${opts.runs} ${mode.padEnd(8)} ${fmt(r.wallMs).padStart(7)} ms  ${fmt(mib(r.maxRssBytes), 1).padStart(7)} MiB\n`,
          );
        }
      }
    } catch (err) {
      crashed = err;
      console.error(`\n${err.message}`);
      break;
    }
    const b = summarize(runs.baseline);
    const s = summarize(runs.scan);
    const entry = {
      size,
      root: repo.root,
      rangeSize: repo.rangeSize,
      projectSpace: repo.projectSpace,
      baseline: b,
      scan: s,
      wallRatio: s.wallMs / b.wallMs,
      rssRatio: s.maxRssBytes / b.maxRssBytes,
      cpuRatio: s.cpuMs / b.cpuMs,
      runs,
    };
    results.push(entry);
    if (b.files !== s.files) console.log(`  note: baseline found ${b.files} files, scan ${s.files}`);
    console.log(
      `  scan wall = loadRegistry ${fmt(s.registryMs)} ms + scan() ${fmt(s.scanMs)} ms; ${fmt(s.ports)} ports (baseline counted ${fmt(b.ports)} compose port entries)\n` +
        `  process total incl. start-up: baseline ${fmt(b.processMs)} ms (imports ${fmt(b.importMs)} ms), scan ${fmt(s.processMs)} ms (imports ${fmt(s.importMs)} ms)\n` +
        `  CPU time (user+sys, whole process; steadier than wall on a busy machine): baseline ${fmt(b.cpuMs)} ms, scan ${fmt(s.cpuMs)} ms, ratio ${(s.cpuMs / b.cpuMs).toFixed(2)}x`,
    );
  }

  if (results.length) {
    console.log(`\nMedian wall time (work only, after imports) and max peak RSS over ${opts.runs} run(s):\n`);
    const head = ['projects', 'files', 'baseline ms', 'scan ms', 'ratio', 'baseline files/s', 'scan files/s', 'baseline RSS MiB', 'scan RSS MiB', 'RSS ratio'];
    const rows = results.map((r) => [
      r.size,
      fmt(r.scan.files),
      fmt(r.baseline.wallMs),
      fmt(r.scan.wallMs),
      `${r.wallRatio.toFixed(2)}x`,
      fmt(r.baseline.files / (r.baseline.wallMs / 1000)),
      fmt(r.scan.files / (r.scan.wallMs / 1000)),
      fmt(mib(r.baseline.maxRssBytes), 1),
      fmt(mib(r.scan.maxRssBytes), 1),
      `${r.rssRatio.toFixed(2)}x`,
    ]);
    console.log(table([head, ...rows]));
  }

  const atGoal = results.find((r) => r.size === GOAL_SIZE);
  const goals = [
    { name: `scan ≤ ${GOAL_RATIO}x baseline wall at ${GOAL_SIZE} projects`, ratio: atGoal?.wallRatio },
    { name: `scan ≤ ${GOAL_RATIO}x baseline peak RSS at ${GOAL_SIZE} projects`, ratio: atGoal?.rssRatio },
  ].map((g) => ({ ...g, met: g.ratio === undefined ? null : g.ratio <= GOAL_RATIO }));
  console.log('');
  for (const g of goals) console.log(goalLine(g, `not measured (${GOAL_SIZE} not in --sizes)`));

  const out = await writeResults('latest.json', {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    options: { sizes: opts.sizes, runs: opts.runs, fresh: opts.fresh, seed: opts.seed, warmup: opts.warmup },
    environment: environment(),
    goalRatio: GOAL_RATIO,
    goals,
    results,
    crashed: crashed ? crashed.message : null,
  });
  console.log(`\nresults: ${out}`);
  return { crashed };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  let crashed = null;
  if (opts.scan) ({ crashed } = await scanMain({ ...opts, runs: opts.runs ?? 3 }));
  if (opts.lint) {
    if (opts.scan) console.log('\n' + '='.repeat(100) + '\n');
    const lint = await lintMain({ runs: opts.runs ?? 7, fresh: opts.fresh, seed: opts.seed, warmup: opts.warmup, files: opts.files });
    crashed ??= lint.crashed;
  }
  if (opts.code) {
    if (opts.scan || opts.lint) console.log('\n' + '='.repeat(100) + '\n');
    const code = await codeMain({ runs: opts.runs ?? 7, warmup: opts.warmup });
    crashed ??= code.crashed;
  }
  if (opts.migrate) {
    if (opts.scan || opts.lint || opts.code) console.log('\n' + '='.repeat(100) + '\n');
    const migrate = await migrateMain({ runs: opts.runs ?? 3, fresh: opts.fresh, seed: opts.seed, warmup: opts.warmup });
    crashed ??= migrate.crashed;
  }
  if (crashed) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err?.stack ?? String(err));
  process.exitCode = 1;
});
