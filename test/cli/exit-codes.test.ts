/**
 * Commands return their exit code (src/cli/command.ts) and `run` returns it: nothing goes through
 * process.exitCode, so in-process runs (a library embedding the CLI, a test) do not see the code
 * an earlier run left behind.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { run } from '../../src/cli/main.js';
import type { CommandContext } from '../../src/cli/context.js';
import { copyFixture, scenario } from '../helpers/scenario.js';

const FLEET = path.join(import.meta.dirname, '../fixtures/lint/fleet');

let fleet: string;
let clean: string;
beforeAll(async () => {
  fleet = await copyFixture(FLEET);
  clean = (
    await scenario({
      registry: { version: 1, projects: { app: { range: { from: 5100, to: 5199 }, path: 'app', services: { api: { port: 5101, purpose: 'API' } } } } },
      files: { 'app/compose.yaml': 'services:\n  api:\n    ports:\n      - "5101:80"\n' },
    })
  ).root;
});
afterEach(() => {
  process.exitCode = undefined;
});

async function portreg(cwd: string, ...argv: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const ctx: CommandContext = {
    cwd,
    env: {},
    stdout: (t) => void (stdout += t),
    stderr: () => {},
    color: false,
    now: () => new Date('2026-11-25T12:00:00Z'),
  };
  return { code: await run(argv, ctx), stdout };
}

describe('exit codes of in-process runs', () => {
  it('each run returns its own code, and none is left in process.exitCode', async () => {
    expect((await portreg(fleet, 'lint')).code).toBe(1);
    expect(process.exitCode).toBeUndefined();
    expect(await portreg(clean, 'lint')).toEqual({ code: 0, stdout: '0 problems in 2 files\n' });
    expect((await portreg(fleet, 'lint', '--max-warnings', '0', '--quiet')).code).toBe(1);
    expect((await portreg(fleet, 'scan', '--json')).code).toBe(0);
    expect((await portreg(clean, 'registry', 'check')).code).toBe(0);
    expect((await portreg(fleet, 'registry', 'check')).code).toBe(0);
    await writeFile(path.join(clean, 'broken.registry.json'), '{ "version": 1, ');
    expect((await portreg(clean, 'registry', 'check', '--registry', 'broken.registry.json')).code).toBe(2);
    expect((await portreg(clean, 'lint', '--registry', 'broken.registry.json')).code).toBe(2);
    expect(process.exitCode).toBeUndefined();
  });
});
