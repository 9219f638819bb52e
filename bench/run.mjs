#!/usr/bin/env node
/**
 * Scanner benchmark (`npm run bench`): `scan` against a bare baseline (glob, read, yaml parse of the
 * same files) on synthetic monorepos, in the same run, so the ratios mean something on a noisy machine.
 *
 *   node bench/run.mjs [--sizes 100,1000,5000] [--runs 3] [--fresh] [--seed 1] [--no-warmup]
 *
 * Every measurement is a fresh child process (bench/measure.mjs); modes alternate
 * (baseline, scan, baseline, scan, ...). Per mode: the median wall time and the max peak RSS.
 * Results go to bench/results/latest.json. A missed goal is reported, not failed: the exit code
 * is non-zero only when a measurement crashes.
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureMonorepo } from './generate.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const GOAL_SIZE = 5000;
const GOAL_RATIO = 1.5;
const CHILD_TIMEOUT_MS = 10 * 60 * 1000;

function parseArgs(argv) {
  const opts = { sizes: [100, 1000, 5000], runs: 3, fresh: false, seed: 1, warmup: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      return v;
    };
    if (a.startsWith('--sizes')) opts.sizes = value().split(',').map((s) => Number(s.trim()));
    else if (a.startsWith('--runs')) opts.runs = Number(value());
    else if (a.startsWith('--seed')) opts.seed = Number(value());
    else if (a === '--fresh') opts.fresh = true;
    else if (a === '--no-warmup') opts.warmup = false;
    else if (a === '-h' || a === '--help') usage();
    else usage(`unknown option ${a}`);
  }
  if (!opts.sizes.length || opts.sizes.some((n) => !Number.isInteger(n) || n < 1)) usage('--sizes takes positive integers, e.g. 100,1000');
  if (!Number.isInteger(opts.runs) || opts.runs < 1) usage('--runs takes a positive integer');
  return opts;
}

function usage(error) {
  const text = 'usage: node bench/run.mjs [--sizes 100,1000,5000] [--runs 3] [--fresh] [--seed N] [--no-warmup]\n';
  if (error) {
    process.stderr.write(`bench: ${error}\n${text}`);
    process.exit(2);
  }
  process.stdout.write(text);
  process.exit(0);
}

/** One child process; resolves with its JSON plus the parent-side elapsed time, rejects on a crash. */
function measure(mode, root) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    execFile(
      process.execPath,
      [path.join(here, 'measure.mjs'), mode, root],
      { timeout: CHILD_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        const processMs = performance.now() - started;
        if (err) {
          reject(new Error(`${mode} on ${root} failed (${err.killed ? 'timed out' : `exit ${err.code ?? err.signal}`}):\n${stderr || err.message}`));
          return;
        }
        try {
          const line = stdout.trim().split('\n').pop();
          resolve({ ...JSON.parse(line), processMs });
        } catch {
          reject(new Error(`${mode} on ${root} printed no JSON:\n${stdout}\n${stderr}`));
        }
      },
    );
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const mib = (b) => b / 1024 / 1024;
const fmt = (n, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function summarize(runs) {
  return {
    wallMs: median(runs.map((r) => r.wallMs)),
    totalMs: median(runs.map((r) => r.totalMs)),
    processMs: median(runs.map((r) => r.processMs)),
    importMs: median(runs.map((r) => r.importMs)),
    cpuMs: median(runs.map((r) => r.cpuUserMs + r.cpuSystemMs)),
    maxRssBytes: Math.max(...runs.map((r) => r.maxRssBytes)),
    files: runs[0].files,
    ports: runs[0].ports,
    ...(runs[0].registryMs !== undefined ? { registryMs: median(runs.map((r) => r.registryMs)), scanMs: median(runs.map((r) => r.scanMs)) } : {}),
  };
}

function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  return rows
    .map((r, i) => {
      const line = r.map((cell, c) => (c === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join('  ');
      return i === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const startedAt = new Date();
  const cpus = os.cpus();
  console.log(
    `portreg scan benchmark: sizes ${opts.sizes.join(', ')}; ${opts.runs} run(s) per mode, alternating; ` +
      `node ${process.version}, ${cpus.length} × ${cpus[0]?.model ?? 'cpu'}, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`,
  );
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
          process.stdout.write(`  run ${i + 1}/${opts.runs} ${mode.padEnd(8)} ${fmt(r.wallMs).padStart(7)} ms  ${fmt(mib(r.maxRssBytes), 1).padStart(7)} MiB\n`);
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
  for (const g of goals) {
    console.log(`goal ${g.name}: ${g.met === null ? `not measured (${GOAL_SIZE} not in --sizes)` : `${g.met ? 'MET' : 'NOT MET'} (ratio ${g.ratio.toFixed(2)})`}`);
  }

  const out = path.join(here, 'results', 'latest.json');
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(
    out,
    JSON.stringify(
      {
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        options: opts,
        environment: { node: process.version, platform: `${os.platform()} ${os.release()}`, cpus: cpus.length, cpuModel: cpus[0]?.model, loadavg: os.loadavg(), totalMemBytes: os.totalmem() },
        goalRatio: GOAL_RATIO,
        goals,
        results,
        crashed: crashed ? crashed.message : null,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`\nresults: ${path.relative(process.cwd(), out) || out}`);
  if (crashed) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err?.stack ?? String(err));
  process.exitCode = 1;
});
