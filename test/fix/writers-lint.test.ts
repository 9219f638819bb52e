/**
 * After each command that writes through the change set, `portreg lint` says what it said before
 * (the same findings at the same places), except where the change itself calls for another word.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli, tempDir } from '../helpers/cli.js';
import { BASIC, copyTree, NOW } from '../rewrite/helpers.js';

const GENERATE = path.join(import.meta.dirname, '../fixtures/generate');

let root: string;
let cleanup: () => Promise<void>;
let n = 0;
beforeAll(async () => ({ dir: root, cleanup } = await tempDir('portreg-writers-lint-')));
afterAll(() => cleanup());

const cli = (args: string[], cwd: string) => runCli(args, { cwd, env: { PORTREG_NOW: NOW } });

async function copy(from: string): Promise<string> {
  const dir = path.join(root, `case${n++}`);
  await mkdir(dir, { recursive: true });
  return copyTree(from, dir);
}

/** Lint's exit code and its findings, each as "rule file:line:column". */
async function lint(dir: string): Promise<{ code: number | null; findings: string[] }> {
  const r = await cli(['lint', '--format', 'json'], dir);
  const report = JSON.parse(r.stdout) as { findings: { ruleId: string; file: string; line: number; column: number }[] };
  return { code: r.code, findings: report.findings.map((f) => `${f.ruleId} ${f.file}:${f.line}:${f.column}`) };
}

const REWRITE_FINDINGS = [
  'env-undocumented projects/analytics/docker-compose.yml:5:29',
  'port-unregistered projects/billing/docker-compose.yml:17:10',
  'env-undocumented projects/billing/docker-compose.yml:23:34',
];

describe('lint after each writer', () => {
  it('reassign --write', async () => {
    const dir = await copy(path.join(BASIC, 'before'));
    expect(await lint(dir)).toEqual({ code: 1, findings: REWRITE_FINDINGS });
    expect((await cli(['reassign', '--project', 'billing', '--service', 'postgres', '--port', '5033', '--write'], dir)).code).toBe(0);
    expect(await lint(dir)).toEqual({ code: 1, findings: REWRITE_FINDINGS });
  });

  it('project move --write: the unregistered 5050 is now outside the range as well', async () => {
    const dir = await copy(path.join(BASIC, 'before'));
    expect((await cli(['project', 'move', 'billing', '--range', '5300-5399', '--write'], dir)).code).toBe(0);
    expect(await lint(dir)).toEqual({
      code: 1,
      findings: [REWRITE_FINDINGS[0], 'port-out-of-range projects/billing/docker-compose.yml:17:10', REWRITE_FINDINGS[2]],
    });
  });

  it('migrate --write', async () => {
    const dir = await copy(path.join(BASIC, 'before'));
    const registry = path.join(dir, 'ports.registry.json');
    const previous = path.join(root, `previous${n++}.json`);
    await writeFile(previous, await readFile(registry));
    await writeFile(registry, (await readFile(registry, 'utf8')).replace('"postgres": { "port": 5032,', '"postgres": { "port": 5033,'));
    expect((await cli(['migrate', '--from', previous, '--write'], dir)).code).toBe(0);
    expect(await lint(dir)).toEqual({ code: 1, findings: REWRITE_FINDINGS });
  });

  it('lint --fix: the fixable finding goes, the others stay', async () => {
    const dir = await copy(path.join(BASIC, 'before'));
    const fixed = await cli(['lint', '--fix'], dir);
    expect(fixed.stderr).toBe('portreg: fixed 1 file: projects/billing/.env.example\n');
    expect(await lint(dir)).toEqual({ code: 1, findings: REWRITE_FINDINGS.slice(0, 2) });
  });

  it('generate all --write makes lint pass, and allocate --update after it keeps it passing', async () => {
    const dir = await copy(path.join(GENERATE, 'basic'));
    expect((await cli(['generate', 'all', '--write'], dir)).code).toBe(0);
    expect(await lint(dir)).toEqual({ code: 0, findings: ['registry-unused ports.registry.json:27:26'] });
    expect((await cli(['allocate', '--project', 'billing', '--service', 'queue', '--purpose', 'Queue', '--env', 'QUEUE_PORT', '--update'], dir)).code).toBe(0);
    // The new service's line in the registry pushes the same finding one line down.
    expect(await lint(dir)).toEqual({ code: 0, findings: ['registry-unused ports.registry.json:28:26'] });
  });
});
