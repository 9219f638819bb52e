#!/usr/bin/env node
/**
 * Whole-tree lint of real-world compose projects, portreg against dclint 3.1 (issue 14).
 *
 *   node bench/dclint.mjs --corpus DIR [--runs 5]
 *
 * DIR holds real projects, one folder each (compose files, READMEs, env templates). It is not
 * shipped: those files belong to their authors (see bench/README.md on how to make one). The corpus
 * is copied to a temp folder and, unless it holds a ports.registry.json already, adopted there with
 * `portreg init --import` (the README's way in), so `portreg lint` runs whole-tree on it. The copy
 * is linted as imported, not fixed: a tree with findings, as a CI check meets it.
 *
 * Both sides are whole processes, start-up included, with bench/rss-at-exit.mjs preloaded for the
 * peak resident set: `node <dclint bin> -r .` and `node dist/bundle/main.js lint`, in the copy, output
 * discarded. After one untimed run of each, they alternate (dclint, portreg, ...) --runs times; it
 * prints the medians, the spread (min-max), the ratio dclint/portreg, peak RSS and the load average
 * before and after, and writes bench/results/dclint-latest.json.
 * Goal (issue 14): portreg at least 10x faster. It reports; it exits 0 whatever the ratio, non-zero
 * only on a crash or a usage error.
 *
 * dclint is installed on first use into <tmpdir>/portreg-bench/dclint, never into the project's
 * node_modules, so `npm ci` of the project stays lean.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { environment, fmt, here, median, table, timedProcess, writeResults } from './common.mjs';

const GOAL = 10;
const DCLINT_RANGE = '3.1';
const CLI = path.join(here, '..', 'dist', 'bundle', 'main.js');
const DCLINT_HOME = path.join(os.tmpdir(), 'portreg-bench', 'dclint');
const REGISTRY = 'ports.registry.json';
const execFileP = promisify(execFile);

const USAGE = 'usage: node bench/dclint.mjs --corpus DIR [--runs 5]';
const HOW_TO_CORPUS = `The corpus is not shipped with portreg (its files belong to their authors). Make one: a folder
with one sub-folder per real project (for example <owner>__<repo>/), each holding that project's
docker-compose.yml or compose.yaml as published, and its README.md and .env.example if it has them.
About 40 public projects is what issue 14 measured. Then: node bench/dclint.mjs --corpus DIR`;

function parseArgs(argv) {
  const opts = { corpus: undefined, runs: 5 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => argv[++i] ?? usage(`${a} needs a value`);
    if (a === '--corpus') opts.corpus = path.resolve(value());
    else if (a === '--runs') opts.runs = Number(value());
    else if (a === '--help' || a === '-h') usage('');
    else usage(`unknown option ${a}`);
  }
  if (!Number.isInteger(opts.runs) || opts.runs < 1) usage('--runs takes a whole number');
  if (!opts.corpus) usage(`--corpus DIR is required.\n${HOW_TO_CORPUS}`);
  return opts;
}

function usage(message) {
  process.stderr.write(`${message ? `${message}\n` : ''}${USAGE}\n`);
  process.exit(message ? 2 : 0);
}

/** dclint 3.1.x in the bench cache, installed on first use; its bin, and its version and engines checked. */
async function ensureDclint() {
  const pkgFile = path.join(DCLINT_HOME, 'node_modules', 'dclint', 'package.json');
  if (!existsSync(pkgFile)) {
    await mkdir(DCLINT_HOME, { recursive: true });
    console.error(`installing dclint@${DCLINT_RANGE} into ${DCLINT_HOME} (once)`);
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    await execFileP(npm, ['install', '--prefix', DCLINT_HOME, `dclint@${DCLINT_RANGE}`, '--no-audit', '--no-fund', '--no-save'], { timeout: 5 * 60 * 1000 });
  }
  const pkg = JSON.parse(await readFile(pkgFile, 'utf8'));
  if (!pkg.version.startsWith(`${DCLINT_RANGE}.`))
    throw new Error(`${pkgFile}: dclint ${pkg.version}, expected ${DCLINT_RANGE}.x; delete ${DCLINT_HOME} to reinstall`);
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin.dclint;
  return { version: pkg.version, engines: pkg.engines ?? {}, bin: path.join(path.dirname(pkgFile), bin) };
}

/** A copy of the corpus that is a portreg tree: adopted with `portreg init --import` if it has no registry. */
async function prepareTree(corpus, tmp) {
  const tree = path.join(tmp, 'tree');
  await cp(corpus, tree, { recursive: true });
  let adopted = false;
  if (!existsSync(path.join(tree, REGISTRY))) {
    await execFileP(process.execPath, [CLI, 'init', '--import'], { cwd: tree, maxBuffer: 16 * 1024 * 1024 });
    adopted = true;
  }
  return { tree, adopted };
}

const timed = (args, cwd, rssFile, ok) => timedProcess(args, cwd, rssFile, ok, { NO_COLOR: '1' });

/**
 * What each tool reports on the tree (one extra run each, after the timed ones), read from a report file:
 * dclint exits without flushing a large report written to a pipe.
 */
async function findings(args, cwd, out) {
  await execFileP(process.execPath, [...args, out], { cwd, maxBuffer: 64 * 1024 * 1024 }).catch((err) => {
    if (err.code !== 1) throw err; // 1: findings
  });
  return JSON.parse(await readFile(out, 'utf8'));
}

function countBy(items, key) {
  const counts = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}

async function corpusShape(tree) {
  const projects = (await readdir(tree, { withFileTypes: true })).filter((d) => d.isDirectory());
  const files = (await readdir(tree, { recursive: true, withFileTypes: true })).filter((d) => d.isFile());
  const is = (re) => files.filter((f) => re.test(f.name)).length;
  return {
    projects: projects.length,
    composeFiles: is(/^(docker-)?compose(\.[\w-]+)?\.ya?ml$/),
    readmes: is(/^readme\.md$/i),
    envTemplates: is(/^\.env\.[\w-]+$/),
  };
}

const spread = (xs) => `${fmt(Math.min(...xs))}-${fmt(Math.max(...xs))}`;

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const projects =
    existsSync(opts.corpus) && statSync(opts.corpus).isDirectory() ? readdirSync(opts.corpus, { withFileTypes: true }).filter((d) => d.isDirectory()) : [];
  if (projects.length === 0) {
    process.stderr.write(`no corpus at ${opts.corpus} (a folder of project folders).\n${HOW_TO_CORPUS}\n`);
    process.exit(2);
  }
  if (!existsSync(CLI)) {
    process.stderr.write(`no ${path.relative(process.cwd(), CLI)}: run "npm run build" first\n`);
    process.exit(2);
  }
  const dclint = await ensureDclint();
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'portreg-dclint-'));
  const rssFile = path.join(tmp, 'rss');
  try {
    const { tree, adopted } = await prepareTree(opts.corpus, tmp);
    const shape = await corpusShape(tree);
    const dclintArgs = [dclint.bin, '-r', '.'];
    const portregArgs = [CLI, 'lint'];
    const loadBefore = os.loadavg();
    // Exit 1 is "findings" for both tools.
    await timed(dclintArgs, tree, rssFile, [0, 1]);
    await timed(portregArgs, tree, rssFile, [0, 1]);
    const runs = { dclint: [], portreg: [] };
    for (let i = 0; i < opts.runs; i++) {
      runs.dclint.push(await timed(dclintArgs, tree, rssFile, [0, 1]));
      runs.portreg.push(await timed(portregArgs, tree, rssFile, [0, 1]));
    }
    const loadAfter = os.loadavg();
    const d = median(runs.dclint.map((r) => r.ms));
    const p = median(runs.portreg.map((r) => r.ms));
    const dRss = Math.max(...runs.dclint.map((r) => r.rssKiB)) / 1024;
    const pRss = Math.max(...runs.portreg.map((r) => r.rssKiB)) / 1024;
    const ratio = d / p;

    const portregReport = await findings([CLI, 'lint', '--format', 'json', '--output'], tree, path.join(tmp, 'portreg.json'));
    const dclintReport = await findings([dclint.bin, '-r', '.', '--formatter', 'json', '--output-file'], tree, path.join(tmp, 'dclint.json'));
    const dclintMessages = dclintReport.flatMap((f) => f.messages ?? []);
    const found = {
      portreg: { total: portregReport.findings.length, byRule: countBy(portregReport.findings, (f) => f.ruleId) },
      dclint: { files: dclintReport.length, total: dclintMessages.length, byRule: countBy(dclintMessages, (m) => m.rule ?? m.ruleId ?? '?') },
    };

    console.log(
      `corpus ${opts.corpus}: ${shape.projects} projects, ${shape.composeFiles} compose files, ${shape.readmes} READMEs, ${shape.envTemplates} env templates${adopted ? ' (adopted with portreg init --import in a temp copy)' : ''}`,
    );
    console.log(`dclint ${dclint.version} (engines node ${dclint.engines.node ?? 'any'}), node ${process.version}`);
    console.log(
      table([
        ['whole-tree lint', 'median ms (min-max)', 'peak MiB'],
        [`dclint -r .`, `${fmt(d)} (${spread(runs.dclint.map((r) => r.ms))})`, fmt(dRss, 1)],
        [`portreg lint`, `${fmt(p)} (${spread(runs.portreg.map((r) => r.ms))})`, fmt(pRss, 1)],
      ]),
    );
    console.log(
      `portreg is ${ratio.toFixed(2)}x faster than dclint (goal >= ${GOAL}x: ${ratio >= GOAL ? 'met' : 'NOT met'}); memory ${(pRss / dRss).toFixed(2)}x dclint's`,
    );
    console.log(`medians of ${opts.runs} alternating runs each, after one untimed run; whole processes, start-up included`);
    console.log(`load average before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadAfter.map((l) => l.toFixed(2)).join(' ')}`);
    console.log(
      `portreg findings: ${found.portreg.total} (${Object.entries(found.portreg.byRule)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')})`,
    );
    console.log(
      `dclint findings: ${found.dclint.total} in ${found.dclint.files} files (${Object.entries(found.dclint.byRule)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')})`,
    );
    const out = await writeResults('dclint-latest.json', {
      environment: environment(),
      corpus: { path: opts.corpus, ...shape, adopted },
      dclint: { version: dclint.version, engines: dclint.engines },
      loadBefore,
      loadAfter,
      runs: opts.runs,
      dclintMs: d,
      portregMs: p,
      dclintSpread: spread(runs.dclint.map((r) => r.ms)),
      portregSpread: spread(runs.portreg.map((r) => r.ms)),
      ratio,
      goal: GOAL,
      dclintRssMiB: dRss,
      portregRssMiB: pRss,
      findings: found,
      samples: runs,
    });
    console.log(`results: ${out}`);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err.stack ?? String(err));
  process.exit(1);
});
