/**
 * ts-morph and the TypeScript compiler load only when code scanning is on. The real CLI runs
 * with a preload that records every module the process loads (ESM imports through a resolve
 * hook, CommonJS through the require cache): a plain `portreg lint` must show neither, and the
 * same lint with --code must show both (so the recorder is known to see them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { cp, readFile } from 'node:fs/promises';
import path from 'node:path';
import { UNBUNDLED_CLI as CLI, tempDir, testEnv } from '../helpers/cli.js';

const FIXTURE = path.join(import.meta.dirname, '../fixtures/lint/code');
const PRELOAD = path.join(import.meta.dirname, '../helpers/record-loads.mjs');

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('portreg-lazy-'));
  await cp(FIXTURE, path.join(dir, 'tree'), { recursive: true });
});
afterAll(() => cleanup());

/** Runs `node --import record-loads.mjs dist/cli/main.js ...args`; the exit code and the modules loaded. */
function lintRecording(args: string[], log: string): Promise<{ code: number | null; loads: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', PRELOAD, CLI, ...args], {
      cwd: path.join(dir, 'tree'),
      env: testEnv({ PORTREG_TEST_LOAD_LOG: log }),
      stdio: 'ignore',
    });
    child.on('error', reject);
    child.on('close', async (code) => resolve({ code, loads: (await readFile(log, 'utf8')).split('\n').filter(Boolean) }));
  });
}

const typescriptLoads = (loads: string[]) =>
  loads.filter(
    (l) => /^import (?:ts-morph|typescript|@ts-morph\/common)(?:\/|$)/.test(l) || /^cjs .*node_modules[\\/](?:ts-morph|typescript|@ts-morph)[\\/]/.test(l),
  );

describe('lazy loading of the TypeScript parser', () => {
  it('portreg lint without --code loads neither ts-morph nor typescript', async () => {
    const { code, loads } = await lintRecording(['lint'], path.join(dir, 'off.log'));
    expect(code).toBe(0);
    // The recorder saw the CLI's own graph (the lint command and the scanner were loaded)...
    expect(loads).toContain('import ../../lint/run-lint.js');
    expect(loads).toContain('import ../scan/scan.js');
    // ...and nothing of TypeScript, nor the code parser.
    expect(typescriptLoads(loads)).toEqual([]);
    expect(loads.filter((l) => l.includes('parse/code.js'))).toEqual([]);
    // A tree without package.json or devcontainer.json does not load their parsers either.
    expect(loads.filter((l) => /parse\/(?:package-scripts|devcontainer|shell-words)\.js/.test(l))).toEqual([]);
  });

  it('portreg lint --code loads them (the recorder sees them when they load)', async () => {
    const { code, loads } = await lintRecording(['lint', '--code'], path.join(dir, 'on.log'));
    expect(code).toBe(1);
    expect(loads).toContain('import ../parse/code.js');
    expect(loads).toContain('import ts-morph');
    expect(loads.some((l) => /^cjs .*node_modules[\\/]@ts-morph[\\/]common[\\/]dist[\\/]typescript\.js$/.test(l))).toBe(true);
  });
});
