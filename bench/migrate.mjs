/**
 * Migrate benchmark (`node bench/run.mjs --migrate`): `portreg migrate --from HEAD~1 --write` after
 * 500 of the 5,000 projects moved to new ranges, against the whole-tree scan of the same tree
 * measured in the same run. Goal (issue 5): within 2x, so planning and writing cost little more
 * than reading.
 *
 * The tree: the scan benchmark's 5,000-project monorepo, copied into a git repository (cached in
 * os.tmpdir()/portreg-bench/migrate-...), with two commits: the tree as generated, then a
 * registry in which every tenth project has a new range past the last one in use and each of its
 * services the port at its old offset (what a reallocation writes). `migrate` reads the previous
 * registry from HEAD~1 with git, checks for uncommitted changes with git, scans, plans, writes
 * every file and the registry, and scans again to verify. Before each measurement the repository
 * is put back with `git reset --hard` (not timed).
 */
import { execFile } from 'node:child_process';
import { cp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { ensureMonorepo } from './generate.mjs';
import { environment, environmentLine, fmt, goalLine, here, measure, mib, summarize, table, writeResults } from './common.mjs';

export const MIGRATE_GOAL_RATIO = 2;
const PROJECTS = 5000;
const MOVED_EVERY = 10;
const VERSION = 1;
const run = promisify(execFile);

const git = (args, cwd) =>
  run(
    'git',
    ['-c', 'user.name=portreg bench', '-c', 'user.email=bench@example.invalid', '-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args],
    {
      cwd,
      maxBuffer: 256 * 1024 * 1024,
    },
  );

/** The git repository of the benchmark, built once and cached. */
async function ensureMigrateRepo(opts) {
  const base = await ensureMonorepo(PROJECTS, { seed: opts.seed, fresh: opts.fresh });
  const root = path.join(os.tmpdir(), 'portreg-bench', `migrate-v${VERSION}-n${PROJECTS}-s${opts.seed}`);
  const manifest = path.join(root, '.git', 'portreg-bench.json');
  if (
    !opts.fresh &&
    !base.generated &&
    (await stat(manifest).then(
      () => true,
      () => false,
    ))
  ) {
    return { ...JSON.parse(await readFile(manifest, 'utf8')), root, generated: false };
  }
  const t0 = performance.now();
  await rm(root, { recursive: true, force: true });
  await cp(base.root, root, { recursive: true });
  await git(['init', '-q'], root);
  await git(['add', '-A'], root);
  await git(['commit', '-q', '-m', 'the tree as generated'], root);

  const { serializeRegistry } = await import(pathToFileURL(path.join(here, '..', 'dist', 'registry', 'serialize.js')).href);
  const file = path.join(root, 'ports.registry.json');
  const registry = JSON.parse(await readFile(file, 'utf8'));
  const size = registry.rangeSize;
  let next = base.lastPort + 1;
  let moved = 0;
  let services = 0;
  Object.entries(registry.projects).forEach(([, p], i) => {
    if (i % MOVED_EVERY !== 0) return;
    const range = { from: next, to: next + size - 1 };
    next += size;
    for (const s of Object.values(p.services ?? {})) {
      s.port = range.from + (s.port - p.range.from);
      services++;
    }
    p.range = range;
    moved++;
  });
  if (next - 1 > registry.projectSpace.to) throw new Error(`the moved ranges end at ${next - 1}, past the project space ${registry.projectSpace.to}`);
  await writeFile(file, serializeRegistry(registry));
  await git(['commit', '-q', '-am', `move ${moved} projects to new ranges`], root);
  const info = { projects: PROJECTS, moved, services, rangeSize: size, lastRange: `${next - size}-${next - 1}`, buildMs: performance.now() - t0 };
  await writeFile(manifest, JSON.stringify(info, null, 2) + '\n');
  return { ...info, root, generated: true };
}

async function reset(root) {
  await git(['reset', '-q', '--hard', 'HEAD'], root);
  await git(['clean', '-q', '-fd'], root);
}

/** @param {{ runs: number, fresh: boolean, seed: number, warmup: boolean }} opts */
export async function migrateMain(opts) {
  const startedAt = new Date();
  console.log(
    `portreg migrate benchmark: ${PROJECTS} projects, every ${MOVED_EVERY}th moved to a new range; ${opts.runs} run(s) per mode, alternating; ${environmentLine()}`,
  );
  let crashed = null;
  const runs = { scan: [], migrate: [] };
  let repo;
  try {
    repo = await ensureMigrateRepo(opts);
    console.log(
      `\n${repo.root} (${repo.generated ? `built in ${fmt(repo.buildMs)} ms` : 'cached'}): ${repo.moved} projects moved, ${repo.services} services, ` +
        `rangeSize ${repo.rangeSize}, last new range ${repo.lastRange}; migrate --from HEAD~1 --write`,
    );
    await reset(repo.root);
    if (opts.warmup) await measure('scan', repo.root);
    for (let i = 0; i < opts.runs; i++) {
      await reset(repo.root);
      const s = await measure('scan', repo.root);
      runs.scan.push(s);
      process.stdout.write(`  run ${i + 1}/${opts.runs} scan     ${fmt(s.wallMs).padStart(7)} ms  ${fmt(mib(s.maxRssBytes), 1).padStart(7)} MiB\n`);
      const m = await measure('migrate', repo.root, ['HEAD~1']);
      runs.migrate.push(m);
      const changed = (await git(['status', '--porcelain'], repo.root)).stdout.split('\n').filter(Boolean).length;
      process.stdout.write(
        `  run ${i + 1}/${opts.runs} migrate  ${fmt(m.wallMs).padStart(7)} ms  ${fmt(mib(m.maxRssBytes), 1).padStart(7)} MiB  (${fmt(m.filesWritten)} files and the registry written; git sees ${fmt(changed)} changed)\n`,
      );
    }
  } catch (err) {
    crashed = err;
    console.error(`\n${err.message}`);
  } finally {
    if (repo) await reset(repo.root).catch(() => {});
  }

  let entry = null;
  const goals = [];
  if (runs.scan.length && runs.migrate.length) {
    const s = summarize(runs.scan);
    const m = summarize(runs.migrate);
    entry = {
      scan: s,
      migrate: { ...m, filesWritten: runs.migrate[0].filesWritten },
      wallRatio: m.wallMs / s.wallMs,
      cpuRatio: m.cpuMs / s.cpuMs,
      rssRatio: m.maxRssBytes / s.maxRssBytes,
    };
    console.log(`\nMedian wall time (work only, after imports), CPU time and max peak RSS over ${runs.scan.length} run(s):\n`);
    console.log(
      table([
        ['mode', 'wall ms', 'CPU ms', 'RSS MiB'],
        ['scan (whole tree)', fmt(s.wallMs), fmt(s.cpuMs), fmt(mib(s.maxRssBytes), 1)],
        [`migrate --write (${fmt(entry.migrate.filesWritten)} files)`, fmt(m.wallMs), fmt(m.cpuMs), fmt(mib(m.maxRssBytes), 1)],
        ['ratio', `${entry.wallRatio.toFixed(2)}x`, `${entry.cpuRatio.toFixed(2)}x`, `${entry.rssRatio.toFixed(2)}x`],
      ]),
    );
    goals.push({
      name: `migrate ≤ ${MIGRATE_GOAL_RATIO}x the whole-tree scan's wall time`,
      ratio: entry.wallRatio,
      met: entry.wallRatio <= MIGRATE_GOAL_RATIO,
    });
    console.log('');
    for (const g of goals) console.log(goalLine(g));
  }
  const out = await writeResults('migrate-latest.json', {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    options: opts,
    environment: environment(),
    repo: repo ?? null,
    goalRatio: MIGRATE_GOAL_RATIO,
    goals,
    entry,
    runs,
    crashed: crashed ? crashed.message : null,
  });
  console.log(`\nresults: ${out}`);
  return { crashed };
}
