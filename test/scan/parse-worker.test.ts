/**
 * The parse worker (src/scan/parallel-parse.ts, parse-worker.ts) changes how fast a scan is, never
 * what it finds: a scan of a tree with enough Markdown files (the worker reads them and the
 * package.json files) gives the same inventory, byte for byte,
 * with the worker and without, and so does one whose worker stops half-way. The worker runs from
 * the built files (dist/, which npm test builds first), as users run it; the sources have none.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import type { ScanOptions, ScanResult } from '../../src/scan/scan.js';
import type { LoadedRegistry } from '../../src/registry/load.js';

const built = (file: string) => new URL(`../../dist/${file}`, import.meta.url).href;
const { scan } = (await import(built('scan/scan.js'))) as { scan: (o: ScanOptions) => Promise<ScanResult> };
const { loadRegistry } = (await import(built('registry/load.js'))) as { loadRegistry: (file: string) => Promise<LoadedRegistry> };
const { lint } = (await import(built('lint/lint.js'))) as typeof import('../../src/lint/lint.js');
const { MIN_WORKER_CORES, MIN_WORKER_FILES, useParseWorker } = (await import(
  built('scan/parallel-parse.js')
)) as typeof import('../../src/scan/parallel-parse.js');

let root: string;
let markdownFiles: number;
/** What the worker is handed: the Markdown files and the package.json files. */
let workerFiles: number;

/** The 60-project benchmark tree, with more READMEs and the Markdown that takes other paths. */
beforeAll(async () => {
  const generator = new URL('../../bench/generate.mjs', import.meta.url).href;
  const { ensureMonorepo } = (await import(generator)) as { ensureMonorepo: (count: number, o: { seed: number }) => Promise<{ root: string }> };
  const tree = await ensureMonorepo(60, { seed: 7 });
  root = await mkdtemp(path.join(tmpdir(), 'portreg-parse-worker-'));
  await cp(tree.root, root, { recursive: true });
  // Each project's README again in three sub-folders: 240 more Markdown files.
  const subs = ['docs', 'ops', 'dev'];
  for (let i = 0; i < 60; i++) {
    const project = path.join(root, 'projects', `p${String(i).padStart(4, '0')}`);
    const readme = await readFile(path.join(project, 'README.md'));
    for (const sub of subs) {
      await mkdir(path.join(project, sub), { recursive: true });
      await writeFile(path.join(project, sub, 'README.md'), readme);
    }
  }
  const odd = path.join(root, 'projects', 'p0003');
  // micromark's path (a link reference definition), non-ASCII text (byte offsets), a suppression
  // comment, a generated region, and files that cannot be read.
  await writeFile(path.join(odd, 'README.refs.md'), '# Café ☕\n\nOpen [the app][app] or http://localhost:5031.\n\n[app]: http://localhost:5032\n');
  await writeFile(
    path.join(odd, 'README.notes.md'),
    '# Notes\n\n<!-- portreg-disable-next-line docs-stale -- old port on purpose -->\nThe API was on http://localhost:5999 — now ünder 5031.\n\n<!-- portreg:start ports -->\n<!-- portreg:end ports -->\n',
  );
  await writeFile(path.join(odd, 'README.binary.md'), Buffer.from([0x23, 0x20, 0x00, 0x01, 0x02]));
  await writeFile(path.join(odd, 'README.latin1.md'), Buffer.from('# Caf\xe9 on port 5031\n', 'latin1'));
  // package.json: a dev server's port (placed past an escape), and a file that is not JSON.
  await writeFile(
    path.join(odd, 'package.json'),
    '{\n  "name": "p0003",\n  "scripts": { "dev": "vite --port 5033", "say": "echo \\"\\u00e9\\" && next dev -p 5034" }\n}\n',
  );
  await mkdir(path.join(odd, 'tools'));
  await writeFile(path.join(odd, 'tools', 'package.json'), '{ "scripts": { "dev": "vite --port 5035", } }\n');
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

async function scanWith(mode: 'always' | 'never', env: Record<string, string> = {}) {
  const registry = (await loadRegistry(path.join(root, 'ports.registry.json'))).data;
  let worker: { answered: number; files: number } | null = null;
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const result = await scan({ root, registry, parseWorker: mode, onParseWorker: (answered, files) => (worker = { answered, files }) });
    return { json: JSON.stringify(result), result, worker: worker as { answered: number; files: number } | null };
  } finally {
    for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k];
  }
}

describe('the parse worker', () => {
  it('gives the same inventory as one thread, having answered for every Markdown and package.json file', async () => {
    const one = await scanWith('never');
    markdownFiles = one.result.files.filter((f) => f.kind === 'markdown').length + 2; // and the two unreadable ones
    expect(markdownFiles).toBe(1 + 60 * 4 + 4);
    workerFiles = markdownFiles + one.result.files.filter((f) => f.kind === 'package-json').length;
    expect(workerFiles).toBe(markdownFiles + 60 + 1);
    const two = await scanWith('always');
    expect(one.worker).toBeNull();
    expect(two.worker).toEqual({ answered: workerFiles, files: workerFiles });
    expect(two.json).toBe(one.json);
    // The package.json files are in it: the ports of scripts, the one that is not JSON as a finding.
    const scripts = one.result.ports.filter((p) => p.file === 'projects/p0003/package.json');
    expect(scripts.map((p) => `${p.line}:${p.column} ${p.published} ${p.kind}`)).toEqual(['3:36 5033 published', '3:82 5034 published']);
    expect(one.result.findings.filter((f) => f.file === 'projects/p0003/tools/package.json').map((f) => `${f.line}:${f.column} ${f.ruleId}`)).toEqual([
      '1:43 parse-error',
    ]);
    // The odd files are in it: the unreadable ones as findings, the others with their ports (spans in
    // UTF-8 bytes: the heading's é and ☕ take 2 and 3).
    const findings = one.result.findings.filter((f) => f.file.startsWith('projects/p0003/README.'));
    expect(findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId}`)).toEqual([
      'projects/p0003/README.binary.md:1:1 parse-error',
      'projects/p0003/README.latin1.md:1:6 parse-error',
    ]);
    const refs = one.result.ports.filter((p) => p.file === 'projects/p0003/README.refs.md');
    expect(refs.map((p) => `${p.line}:${p.column} ${p.published} ${p.span.start}-${p.span.end}`)).toEqual(['3:41 5031 53-57', '5:25 5032 84-88']);
    expect(one.result.directives.filter((d) => d.file === 'projects/p0003/README.notes.md')).toHaveLength(1);
    expect(one.result.files.find((f) => f.path === 'projects/p0003/README.notes.md')?.generated).toBe(true);
  });

  it('leaves the files it did not answer for to the scanner: same inventory', async () => {
    const one = await scanWith('never');
    const cut = await scanWith('always', { PORTREG_TEST_PARSE_WORKER_EXIT_AFTER: '50' });
    expect(cut.worker).toEqual({ answered: 50, files: workerFiles });
    expect(cut.json).toBe(one.json);
  });

  it('runs by itself for 1,000 Markdown files or more with a second core; PORTREG_PARSE_WORKER=1 or 0 says always or never', () => {
    const cases = [
      useParseWorker('auto', MIN_WORKER_FILES, {}, MIN_WORKER_CORES),
      useParseWorker('auto', MIN_WORKER_FILES - 1, {}, 16),
      useParseWorker('auto', 5000, {}, MIN_WORKER_CORES - 1),
      useParseWorker('auto', 1, { PORTREG_PARSE_WORKER: '1' }, 1),
      useParseWorker('auto', 5000, { PORTREG_PARSE_WORKER: '0' }, 16),
      useParseWorker('always', 1, {}, 1),
      useParseWorker('never', 5000, { PORTREG_PARSE_WORKER: '1' }, 16),
      useParseWorker('always', 0, {}, 16),
    ];
    expect(cases).toEqual([true, false, false, true, false, true, false, false]);
  });

  it('is started by portreg scan when asked (PORTREG_PARSE_WORKER=1), which answers alike with it and without', async () => {
    const run = (env: Record<string, string>) => runCli(['scan', '--format', 'json'], { cwd: root, env });
    const log = path.join(root, 'worker.log');
    const [withWorker, without] = await Promise.all([
      run({ PORTREG_PARSE_WORKER: '1', PORTREG_TEST_PARSE_WORKER_LOG: log }),
      run({ PORTREG_PARSE_WORKER: '0', PORTREG_TEST_PARSE_WORKER_LOG: log }),
    ]);
    expect(withWorker).toEqual(without);
    // The tree holds files that do not parse: the scan says so in its exit code.
    expect(withWorker.code).toBe(1);
    // One of the two ran a worker, which answered for every Markdown and package.json file.
    expect(await readFile(log, 'utf8')).toBe(`answered ${workerFiles}\n`);
  });

  it('is asked for one group of projects after another by a grouped lint, which finds alike with it and without', async () => {
    const registry = await loadRegistry(path.join(root, 'ports.registry.json'));
    const answered: number[] = [];
    const grouped = await lint({
      root,
      registry,
      groupFiles: 40,
      scan: { parseWorker: 'always', onParseWorker: (answers, files) => void answered.push(answers, files) },
    });
    const whole = await lint({ root, registry, inventory: true, scan: { parseWorker: 'never' } });
    const { scan: _scan, ...rest } = whole;
    expect(JSON.stringify(grouped)).toBe(JSON.stringify(rest));
    // Every group's Markdown and package.json files were answered by the worker, group by group.
    const answers = answered.filter((_, i) => i % 2 === 0);
    const asked = answered.filter((_, i) => i % 2 === 1);
    expect(answers).toEqual(asked);
    expect(answers.length).toBeGreaterThan(10);
    expect(answers.reduce((a, b) => a + b, 0)).toBe(workerFiles);
  });

  it('is started by portreg lint when asked, which answers alike with it and without', async () => {
    const run = (env: Record<string, string>) => runCli(['lint', '--format', 'json'], { cwd: root, env });
    const log = path.join(root, 'lint-worker.log');
    const [withWorker, without] = await Promise.all([
      run({ PORTREG_PARSE_WORKER: '1', PORTREG_TEST_PARSE_WORKER_LOG: log }),
      run({ PORTREG_PARSE_WORKER: '0', PORTREG_TEST_PARSE_WORKER_LOG: log }),
    ]);
    expect(withWorker).toEqual(without);
    expect(withWorker.code).toBe(1);
    expect(
      JSON.parse(withWorker.stdout)
        .findings.filter((f: { ruleId: string }) => f.ruleId === 'parse-error')
        .map((f: { file: string }) => f.file),
    ).toEqual(['projects/p0003/README.binary.md', 'projects/p0003/README.latin1.md', 'projects/p0003/tools/package.json']);
    expect(await readFile(log, 'utf8')).toBe(`answered ${workerFiles}\n`);
  });
});
