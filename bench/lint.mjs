/**
 * Lint benchmark (run by `node bench/run.mjs`, alone with `--lint`): `portreg lint` on a tree whose
 * registry is full (276 projects of 100 ports filling 5000-32767, 8000-8099 skipped), against bare
 * baselines measured in the same run.
 *
 * Scenarios, each a ratio against its own baseline:
 * - 3 files: lint-files (lint() as the CLI calls it for 3 given files: `only`, `partial`,
 *   `scan.within` = their project folders) vs baseline-files (glob + read + yaml.parse of those
 *   3 projects' files). Goal: within 1.5x, so the cost follows the change, not the tree.
 * - whole tree: lint-tree (lint() without files) vs baseline (the scan benchmark's baseline).
 *   Goal: within 1.5x.
 * - 3 files through the CLI, end to end: `node dist/cli/main.js lint <3 files>` wall time from
 *   spawn to exit (what a pre-commit hook pays) vs `node -e 0` plus baseline-files' work. No goal;
 *   reported, with `portreg --version` (node plus the CLI's module graph) to split start-up off.
 *
 * Every measurement is a fresh process; modes alternate within each round. Medians per mode; max
 * peak RSS. Results go to bench/results/lint-latest.json.
 */
import path from 'node:path';
import { ensureMonorepo, fullRegistryCount } from './generate.mjs';
import { environment, environmentLine, fmt, goalLine, here, measure, median, mib, runNode, summarize, table, writeResults } from './common.mjs';

export const LINT_GOAL_RATIO = 1.5;
const CLI = path.join(here, '..', 'dist', 'cli', 'main.js');

/** Three files in three projects spread over the tree, one of each kind. */
export function defaultFiles(count) {
  const name = (i) => `projects/p${String(i).padStart(4, '0')}`;
  return [`${name(Math.floor(count * 0.1))}/docker-compose.yml`, `${name(Math.floor(count * 0.5))}/.env.example`, `${name(Math.floor(count * 0.9))}/README.md`];
}

/** The project folder of a generated project's file (projects/pNNNN/...); else the file's folder, as foldersFor. */
const projectFolder = (file) => (/^projects\/p\d+\//.test(file) ? file.split('/').slice(0, 2).join('/') : path.posix.dirname(file));

/**
 * @param {{ runs: number, fresh: boolean, seed: number, warmup: boolean, files?: string[] }} opts
 * @returns {Promise<{ entry: object | null, goals: object[], crashed: Error | null }>}
 */
export async function runLintBench(opts) {
  const count = fullRegistryCount();
  console.log(`portreg lint benchmark: a full registry (${count} projects); ${opts.runs} run(s) per mode, alternating; ${environmentLine()}`);
  const repo = await ensureMonorepo(count, { seed: opts.seed, fresh: opts.fresh });
  const files = opts.files ?? defaultFiles(count);
  const folders = [...new Set(files.map(projectFolder))];
  console.log(
    `\n${count} projects: ${repo.root} (${repo.generated ? `generated in ${fmt(repo.ms)} ms` : 'cached'}; rangeSize ${repo.rangeSize}; ` +
      `project space ${repo.projectSpace.from}-${repo.projectSpace.to}, last port ${repo.lastPort})\n` +
      `given files: ${files.join(' ')}\nbaseline-files folders: ${folders.join(' ')}`,
  );

  const modes = ['baseline-files', 'lint-files', 'node -e 0', 'cli --version', 'cli-files', 'baseline', 'lint-tree'];
  const runs = Object.fromEntries(modes.map((m) => [m, []]));
  const one = async (mode) => {
    if (mode === 'baseline-files') return measure(mode, repo.root, folders);
    if (mode === 'lint-files') return measure(mode, repo.root, files);
    if (mode === 'baseline' || mode === 'lint-tree') return measure(mode, repo.root);
    if (mode === 'node -e 0') return runNode(['-e', '0'], { label: 'node -e 0' });
    // The CLI's start-up alone: node plus main.js's module graph, no command run.
    if (mode === 'cli --version') return runNode([CLI, '--version'], { label: 'portreg --version' });
    // The CLI exits 1 when it reports errors: a result, not a crash.
    const r = await runNode([CLI, 'lint', ...files], { cwd: repo.root, okCodes: [0, 1], label: `portreg lint ${files.join(' ')}` });
    return { processMs: r.processMs, exitCode: r.code, stdoutBytes: r.stdout.length, stderr: r.stderr.trim() };
  };

  let crashed = null;
  try {
    // Untimed: the whole-tree baseline warms the page and dentry caches, a lint-files the registry file.
    if (opts.warmup) for (const mode of ['baseline', 'lint-files']) await one(mode);
    for (let i = 0; i < opts.runs; i++) {
      for (const mode of modes) {
        const r = await one(mode);
        runs[mode].push(r);
        const wall = r.wallMs ?? r.processMs;
        const extra =
          r.wallMs !== undefined
            ? `  ${fmt(mib(r.maxRssBytes), 1).padStart(7)} MiB`
            : r.exitCode !== undefined
              ? `  (process, exit ${r.exitCode})`
              : '  (process)';
        process.stdout.write(`  run ${i + 1}/${opts.runs} ${mode.padEnd(14)} ${fmt(wall).padStart(7)} ms${extra}\n`);
      }
    }
  } catch (err) {
    crashed = err;
    console.error(`\n${err.message}`);
    return { entry: null, goals: [], crashed };
  }

  const bf = summarize(runs['baseline-files']);
  const lf = summarize(runs['lint-files']);
  const bt = summarize(runs.baseline);
  const lt = summarize(runs['lint-tree']);
  const nodeMs = median(runs['node -e 0'].map((r) => r.processMs));
  const cliMs = median(runs['cli-files'].map((r) => r.processMs));
  const versionMs = median(runs['cli --version'].map((r) => r.processMs));
  const cliBaselineMs = nodeMs + bf.wallMs;
  const first = runs['lint-files'][0];
  const entry = {
    count,
    root: repo.root,
    rangeSize: repo.rangeSize,
    projectSpace: repo.projectSpace,
    files,
    folders,
    within: first.within,
    skipped: first.skipped,
    findings: { files: lf.findings, tree: lt.findings, filesByRule: first.findingsByRule, treeByRule: runs['lint-tree'][0].findingsByRule },
    baselineFiles: bf,
    lintFiles: lf,
    baseline: bt,
    lintTree: lt,
    cli: {
      processMs: cliMs,
      nodeStartMs: nodeMs,
      versionMs,
      baselineMs: cliBaselineMs,
      exitCode: runs['cli-files'][0].exitCode,
      stderr: runs['cli-files'][0].stderr,
    },
    filesWallRatio: lf.wallMs / bf.wallMs,
    filesRssRatio: lf.maxRssBytes / bf.maxRssBytes,
    treeWallRatio: lt.wallMs / bt.wallMs,
    treeRssRatio: lt.maxRssBytes / bt.maxRssBytes,
    cliRatio: cliMs / cliBaselineMs,
    filesCpuRatio: lf.cpuMs / bf.cpuMs,
    treeCpuRatio: lt.cpuMs / bt.cpuMs,
    runs,
  };

  if (String(first.within) !== String(folders))
    console.log(`  note: lint-files read ${first.within?.join(' ') ?? 'the whole tree'}, baseline-files ${folders.join(' ')}`);
  console.log(
    `\n  lint-files wall = loadRegistry ${fmt(lf.registryMs)} ms + lint() ${fmt(lf.lintMs)} ms; ${lf.files} files, ${lf.ports} ports, ${lf.findings} findings; ` +
      `skipped on a partial tree: ${first.skipped.join(', ') || 'none'}\n` +
      `  lint-tree wall  = loadRegistry ${fmt(lt.registryMs)} ms + lint() ${fmt(lt.lintMs)} ms; ${lt.files} files, ${lt.ports} ports, ${lt.findings} findings\n` +
      `  imports (not in wall): baseline-files ${fmt(bf.importMs)} ms, lint ${fmt(lf.importMs)} ms; process totals: baseline-files ${fmt(bf.processMs)} ms, lint-files ${fmt(lf.processMs)} ms\n` +
      `  CPU time (user+sys, whole process): baseline-files ${fmt(bf.cpuMs)} ms, lint-files ${fmt(lf.cpuMs)} ms (ratio ${(lf.cpuMs / bf.cpuMs).toFixed(2)}x); baseline ${fmt(bt.cpuMs)} ms, lint-tree ${fmt(lt.cpuMs)} ms (ratio ${(lt.cpuMs / bt.cpuMs).toFixed(2)}x)\n` +
      `  CLI on 3 files (spawn to exit): ${fmt(cliMs)} ms, exit ${entry.cli.exitCode} = node -e 0 ${fmt(nodeMs)} ms + loading main.js (\`portreg --version\` ${fmt(versionMs)} ms - node -e 0) ` +
      `${fmt(versionMs - nodeMs)} ms + the rest ${fmt(cliMs - versionMs)} ms (lint-files: imports ${fmt(lf.importMs)} ms, work ${fmt(lf.wallMs)} ms)\n` +
      `  the 3-file lint() is ${((lf.wallMs / lt.wallMs) * 100).toFixed(0)}% of the whole-tree lint()`,
  );

  console.log(`\nMedian wall time over ${opts.runs} run(s) (lint rows: work only, after imports; CLI row: spawn to exit) and max peak RSS:\n`);
  const head = ['scenario', 'files read', 'baseline ms', 'lint ms', 'ratio', 'baseline RSS MiB', 'lint RSS MiB', 'RSS ratio'];
  const rows = [
    [
      '3 files: lint() vs baseline-files',
      `${lf.files} / ${bf.files}`,
      fmt(bf.wallMs),
      fmt(lf.wallMs),
      `${entry.filesWallRatio.toFixed(2)}x`,
      fmt(mib(bf.maxRssBytes), 1),
      fmt(mib(lf.maxRssBytes), 1),
      `${entry.filesRssRatio.toFixed(2)}x`,
    ],
    [
      'whole tree: lint() vs baseline',
      `${lt.files} / ${bt.files}`,
      fmt(bt.wallMs),
      fmt(lt.wallMs),
      `${entry.treeWallRatio.toFixed(2)}x`,
      fmt(mib(bt.maxRssBytes), 1),
      fmt(mib(lt.maxRssBytes), 1),
      `${entry.treeRssRatio.toFixed(2)}x`,
    ],
    [
      '3 files, CLI end to end vs node -e 0 + baseline-files',
      `${lf.files} / ${bf.files}`,
      `${fmt(nodeMs)} + ${fmt(bf.wallMs)}`,
      fmt(cliMs),
      `${entry.cliRatio.toFixed(2)}x`,
      '',
      '',
      '',
    ],
  ];
  console.log(table([head, ...rows]));

  const goals = [
    { name: `lint on 3 files ≤ ${LINT_GOAL_RATIO}x its baseline`, ratio: entry.filesWallRatio },
    { name: `lint on the whole tree ≤ ${LINT_GOAL_RATIO}x its baseline`, ratio: entry.treeWallRatio },
  ].map((g) => ({ ...g, met: g.ratio <= LINT_GOAL_RATIO }));
  console.log('');
  for (const g of goals) console.log(goalLine(g));
  console.log(
    `(no goal) CLI lint on 3 files, end to end: ${entry.cliRatio.toFixed(2)}x node -e 0 + baseline-files (${fmt(cliMs)} ms vs ${fmt(cliBaselineMs)} ms)`,
  );
  return { entry, goals, crashed };
}

/** Runs the lint benchmark and writes bench/results/lint-latest.json. */
export async function lintMain(opts) {
  const startedAt = new Date();
  const { entry, goals, crashed } = await runLintBench(opts);
  const out = await writeResults('lint-latest.json', {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    options: opts,
    environment: environment(),
    goalRatio: LINT_GOAL_RATIO,
    goals,
    result: entry,
    crashed: crashed ? crashed.message : null,
  });
  console.log(`\nresults: ${out}`);
  return { crashed };
}
