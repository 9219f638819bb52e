/**
 * Code-scanning start-up benchmark (run by `node bench/run.mjs`, alone with `--code`): what
 * `portreg lint` costs end to end (spawn to exit) on a small tree, a copy of
 * test/fixtures/lint/code (2 projects, 5 TypeScript files, compose files, an env template),
 * with code scanning off and with `--code`, against a bare `node -e ''` measured in the same run.
 *
 * With code scanning off, lint must not load ts-morph or TypeScript (test/cli/code-lazy-load.test.ts
 * proves it); the difference between the two lint rows is the price of loading the compiler and
 * parsing the files. Every measurement is a fresh process; modes alternate within each round.
 * Medians per mode. Results go to bench/results/code-latest.json.
 *
 * Then, in this process, how to parse: the scanner's `ts.createSourceFile` plus its walk
 * (dist/parse/code.js parseCode) against a ts-morph Project on an in-memory file system, over
 * the TypeScript sources of src/ (syntax only in both; the median of 5 rounds each).
 */
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { environment, environmentLine, fmt, here, median, runNode, table, writeResults } from './common.mjs';

const CLI = path.join(here, '..', 'dist', 'cli', 'main.js');
const FIXTURE = path.join(here, '..', 'test', 'fixtures', 'lint', 'code');

/** @param {{ runs: number, warmup: boolean }} opts */
export async function codeMain(opts) {
  const startedAt = new Date();
  console.log(`portreg lint start-up with and without code scanning: ${opts.runs} run(s) per mode, alternating; ${environmentLine()}`);
  const root = await mkdtemp(path.join(os.tmpdir(), 'portreg-bench-code-'));
  await cp(FIXTURE, root, { recursive: true });
  console.log(`tree: a copy of test/fixtures/lint/code in ${root}`);
  const modes = {
    "node -e ''": () => runNode(['-e', ''], { label: "node -e ''" }),
    'portreg lint': () => runNode([CLI, 'lint'], { cwd: root, okCodes: [0, 1], label: 'portreg lint' }),
    'portreg lint --code': () => runNode([CLI, 'lint', '--code'], { cwd: root, okCodes: [0, 1], label: 'portreg lint --code' }),
  };
  const runs = Object.fromEntries(Object.keys(modes).map((m) => [m, []]));
  let crashed = null;
  try {
    if (opts.warmup) for (const run of Object.values(modes)) await run();
    for (let i = 0; i < opts.runs; i++) {
      for (const [mode, run] of Object.entries(modes)) {
        const r = await run();
        runs[mode].push({ processMs: r.processMs, exitCode: r.code });
        process.stdout.write(`  run ${i + 1}/${opts.runs} ${mode.padEnd(20)} ${fmt(r.processMs).padStart(7)} ms  (exit ${r.code})\n`);
      }
    }
  } catch (err) {
    crashed = err;
    console.error(`\n${err.message}`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  let result = null;
  if (!crashed) {
    const ms = Object.fromEntries(Object.entries(runs).map(([m, list]) => [m, median(list.map((r) => r.processMs))]));
    const node = ms["node -e ''"];
    result = { medians: ms, exitCodes: Object.fromEntries(Object.entries(runs).map(([m, list]) => [m, list[0].exitCode])), runs };
    console.log(`\nMedian spawn-to-exit time over ${opts.runs} run(s):\n`);
    console.log(
      table([['command', 'ms', "over node -e ''"], ...Object.entries(ms).map(([m, v]) => [m, fmt(v), m === "node -e ''" ? '' : `+${fmt(v - node)} ms`])]),
    );
    console.log(
      `\n--code adds ${fmt(ms['portreg lint --code'] - ms['portreg lint'])} ms to portreg lint (loading ts-morph's TypeScript and parsing the code).`,
    );
  }
  const parsing = crashed ? null : await compareParsers();
  const out = await writeResults('code-latest.json', {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    options: opts,
    environment: environment(),
    result,
    parsing,
    crashed: crashed ? crashed.message : null,
  });
  console.log(`\nresults: ${out}`);
  return { crashed };
}

/** parseCode (createSourceFile + walk) vs a ts-morph Project, on the same files. */
async function compareParsers() {
  const srcDir = path.join(here, '..', 'src');
  const names = (await readdir(srcDir, { recursive: true })).filter((f) => f.endsWith('.ts') && !f.endsWith('.validate.ts'));
  const files = await Promise.all(names.map(async (f) => ({ name: f, text: await readFile(path.join(srcDir, f), 'utf8') })));
  const { loadTypeScript, parseCode } = await import('../dist/parse/code.js');
  const { Project } = await import('ts-morph');
  const ts = await loadTypeScript();
  const time = (fn) => {
    const rounds = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      fn();
      rounds.push(performance.now() - started);
    }
    return median(rounds);
  };
  const parseCodeMs = time(() => {
    for (const f of files) parseCode(ts, f.text, f.name);
  });
  const projectMs = time(() => {
    const project = new Project({ useInMemoryFileSystem: true, skipAddingFilesFromTsConfig: true });
    for (const f of files) project.createSourceFile(f.name, f.text, { overwrite: true }).getDescendantsOfKind(ts.SyntaxKind.NumericLiteral);
  });
  console.log(
    `\nParsing ${files.length} files of src/ (median of 5 rounds): parseCode ${fmt(parseCodeMs)} ms, ts-morph Project (in-memory) ${fmt(projectMs)} ms ` +
      `(${(projectMs / parseCodeMs).toFixed(1)}x)`,
  );
  return { files: files.length, parseCodeMs, projectMs };
}
