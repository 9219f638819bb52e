/**
 * The fuzz harness's fixed-seed slice (issue 18): a few hundred mutated inputs (up to 1 MiB each;
 * the 10 MB shapes are in test/scan/hostile-input.test.ts), each run through `scan --json` and
 * `lint --format json` by the bundled CLI: up to 50 inputs per CLI process (--per-process), under
 * the same guards as a fresh process, and any input with a problem run again in fresh processes.
 * Zero crashes, hangs, memory excesses and invalid JSON outputs; a failure names the inputs, saved
 * with a command that makes each again. The long run's figures are in docs/limits.md.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT, tempDir } from '../helpers/cli.js';
import type { RunRecord } from '../../scripts/fuzz.mjs';

const SEED = 18;
const COUNT = 200;

let out: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir: out, cleanup } = await tempDir('portreg-fuzz-slice-'));
});
afterAll(() => cleanup());

interface Summary {
  inputs: number;
  runs: number;
  crashes: number;
  hangs: number;
  overMemory: number;
  invalidJson: number;
  inputsWithProblems: { index: number; source: string; mutations: string[]; problems: string[] }[];
  exitCodes: Record<string, number>;
}

function runFuzz(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'scripts/fuzz.mjs'), ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('fuzz: the fixed-seed slice', () => {
  it(`${COUNT} mutated inputs of seed ${SEED}: no crash, hang, memory over 1 GiB or invalid JSON`, { timeout: 1_800_000 }, async () => {
    const r = await runFuzz(['--seed', String(SEED), '--count', String(COUNT), '--max-input-mib', '1', '--per-process', '50', '--out', out, '--json']);
    const summary = JSON.parse(r.stdout) as Summary;
    expect(summary.inputsWithProblems).toEqual([]);
    expect({ code: r.code, inputs: summary.inputs, runs: summary.runs }).toEqual({ code: 0, inputs: COUNT, runs: 2 * COUNT });
    expect({ crashes: summary.crashes, hangs: summary.hangs, overMemory: summary.overMemory, invalidJson: summary.invalidJson }).toEqual({
      crashes: 0,
      hangs: 0,
      overMemory: 0,
      invalidJson: 0,
    });
    // The slice reaches every outcome: clean trees, findings and registries too broken to use.
    expect(Object.keys(summary.exitCodes).sort()).toEqual(['0', '1', '2']);
  });

  it('a CLI that misbehaves in a shared process is caught there, and the input run again in fresh processes', { timeout: 120_000 }, async () => {
    // `scan` throws from a stray timer (an uncaught error ends the process), `lint` writes to
    // process.stdout beside its context: each spoils a fresh process's run, and a shared one's.
    const fake = path.join(out, 'fake-cli.mjs');
    await writeFile(
      fake,
      `import { fileURLToPath } from 'node:url';
export async function run(argv, ctx) {
  if (argv[0] === 'scan') {
    setTimeout(() => { throw new Error('stray'); });
    await new Promise((r) => setTimeout(r, 60000));
  }
  process.stdout.write('not json ');
  ctx.stdout('{"findings":[]}\\n');
  return 0;
}
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  run(process.argv.slice(2), { cwd: process.cwd(), stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) }).then((code) => { process.exitCode = code; });
}
`,
    );
    const r = await runFuzz([
      '--seed',
      String(SEED),
      '--count',
      '2',
      '--max-input-mib',
      '1',
      '--per-process',
      '10',
      '--cli',
      fake,
      '--out',
      path.join(out, 'fake'),
      '--json',
    ]);
    const summary = JSON.parse(r.stdout) as Summary;
    expect(r.code).toBe(1);
    expect(summary.inputsWithProblems.map((p) => p.index)).toEqual([0, 1]);
    for (const { problems } of summary.inputsWithProblems) {
      expect(problems).toEqual([
        'portreg scan --json: invalid JSON: Unexpected end of JSON input',
        'portreg scan --json: in a shared process: crash: the process ended during the run (exit code 1)',
        expect.stringMatching(/^portreg lint --format json: invalid JSON: Unexpected token/),
      ]);
    }
  });

  it('makes the same input from the same seed and index, and another from another index', async () => {
    const { makeInput } = await import('../../scripts/fuzz.mjs');
    const files = [{ kind: 'env', name: 'a.env', bytes: Buffer.from('API_PORT=5001\nDB_URL=postgres://db:5432/x\n') }];
    const a = makeInput(7, 3, files, 65_536);
    const b = makeInput(7, 3, files, 65_536);
    expect(b.bytes.equals(a.bytes)).toBe(true);
    expect(b.mutations).toEqual(a.mutations);
    const others = [4, 5, 6].map((i) => makeInput(7, i, files, 65_536).bytes);
    expect(others.some((o) => !o.equals(a.bytes))).toBe(true);
  });

  it('records a crash with its input: a CLI that throws is caught, not reported clean', async () => {
    const { problemsOf } = await import('../../scripts/fuzz.mjs');
    const options = { timeoutMs: 1000, memoryMib: 1024 };
    const clean: RunRecord = { code: 1, signal: null, killedFor: null, maxRss: 50 * 2 ** 20, stdout: '{"findings":[]}', outBytes: 15, stderr: '' };
    expect(problemsOf(clean, options)).toEqual([]);
    expect(problemsOf({ ...clean, code: 2, stdout: '', stderr: 'portreg: internal error: RangeError: Maximum call stack size exceeded\n' }, options)).toEqual([
      'crash: internal error: RangeError: Maximum call stack size exceeded',
      'invalid JSON: Unexpected end of JSON input',
    ]);
    expect(problemsOf({ ...clean, code: null, signal: 'SIGKILL', killedFor: 'hang', stdout: '' }, options)).toEqual(['hang: killed after 1000 ms']);
    expect(problemsOf({ ...clean, code: 134, stdout: '' }, options)).toEqual(['crash: exit code 134', 'invalid JSON: Unexpected end of JSON input']);
    expect(problemsOf({ ...clean, maxRss: 1100 * 2 ** 20 }, options)).toEqual(['memory: peak RSS 1100 MiB']);
    expect(problemsOf({ ...clean, stdout: '{"findings":' }, options)).toEqual(['invalid JSON: Unexpected end of JSON input']);
  });
});
