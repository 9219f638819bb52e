/**
 * The lint side of generators: generated-stale reports exactly the regions and files that differ
 * from what `generate` writes, where they are, with the replacement as its fix; repositories
 * without markers get nothing; and the Markdown mention rules do not judge generated regions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { lint } from '../../src/lint/lint.js';
import { previewPlan } from '../../src/fix/apply.js';
import { writeAll } from '../helpers/write-all.js';
import { planFixes } from '../../src/fix/plan.js';
import { loadRegistry } from '../../src/registry/load.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { copyTree, treeText } from '../rewrite/helpers.js';

const FIXTURES = path.join(import.meta.dirname, '../fixtures/generate');

let root: string;
let cleanup: () => Promise<void>;
let n = 0;
beforeAll(async () => ({ dir: root, cleanup } = await tempDir('portreg-generated-stale-')));
afterAll(() => cleanup());

async function copy(name: string): Promise<string> {
  return copyTree(path.join(FIXTURES, name), path.join(root, `case${n++}`));
}

async function lintDir(dir: string) {
  const registry = await loadRegistry(path.join(dir, 'ports.registry.json'));
  return lint({ root: dir, registry, generate: { ts: 'src/ports.ts' }, inventory: true });
}

const where = (f: { ruleId: string; file: string; line: number; column: number; endLine: number; endColumn: number; message: string; fixable: boolean }) =>
  `${f.ruleId} ${f.file}:${f.line}:${f.column}-${f.endLine}:${f.endColumn} ${f.fixable ? 'fixable' : 'no fix'}: ${f.message}`;

async function moveApi(dir: string): Promise<void> {
  const file = path.join(dir, 'ports.registry.json');
  await writeFile(
    file,
    (await readFile(file, 'utf8')).replace(
      '"port": 5001, "purpose": "REST API", "env": "API_PORT" }',
      '"port": 5002, "purpose": "REST API", "env": "API_PORT", "history": [{ "port": 5001, "until": "2026-11-20" }] }',
    ),
  );
}

describe('generated-stale', () => {
  it('reports nothing when every generated region and file is current, and nothing in a tree without markers', async () => {
    expect((await lintDir(await copy('basic-expected'))).findings.filter((f) => f.ruleId === 'generated-stale')).toEqual([]);
    const plain = await copy('basic');
    await moveApi(plain);
    expect((await lintDir(plain)).findings.filter((f) => f.ruleId === 'generated-stale')).toEqual([]);
  });

  it('reports each stale region (start to end marker) and file (line 1), and its fix gives what generate writes', async () => {
    const dir = await copy('basic-expected');
    await moveApi(dir);
    const result = await lintDir(dir);
    const stale = result.findings.filter((f) => f.ruleId === 'generated-stale');
    const region = (t: string) => `this generated region differs from what the registry gives now: run "portreg generate ${t} --write" (or portreg lint --fix)`;
    const file = (t: string) => `this generated file differs from what the registry gives now: run "portreg generate ${t} --write" (or portreg lint --fix)`;
    expect(stale.map(where)).toEqual([
      `generated-stale billing/.env.example:2:1-8:14 fixable: ${region('env')}`,
      `generated-stale billing/.supervisor-specific/ports.json:1:1-14:2 fixable: ${file('supervisor')}`,
      `generated-stale billing/.supervisor-specific/PORTS.md:1:1-25:21 fixable: ${file('supervisor')}`,
      `generated-stale billing/README.md:7:1-17:21 fixable: ${region('docs')}`,
      `generated-stale src/ports.ts:1:1-26:44 fixable: ${file('ts')}`,
    ]);
    expect(stale.every((f) => f.severity === 'error')).toBe(true);
    // The fix of the env region replaces the region's content only, and expects the old text there.
    expect(stale[0]!.fix!.edits).toHaveLength(1);
    expect(stale[0]!.fix!.edits[0]!.expected).toContain('API_PORT=5001\n');
    expect(stale[0]!.fix!.edits[0]!.text).toContain('API_PORT=5002\n');

    // Applying the fixes gives the same tree as portreg generate all --write on a second copy.
    const plan = planFixes(stale.map((f) => f.fix!));
    await writeAll(dir, await previewPlan(dir, plan));
    const other = await copy('basic-expected');
    await moveApi(other);
    const generated = await runCli(['generate', 'all', '--write'], { cwd: other });
    expect(generated.code).toBe(0);
    expect(await treeText(dir)).toEqual(await treeText(other));
    expect((await lintDir(dir)).findings.filter((f) => f.ruleId === 'generated-stale')).toEqual([]);
  });

  it('judges only what a partial lint reports on; the scan marks the files that hold markers', async () => {
    const dir = await copy('basic-expected');
    await moveApi(dir);
    const registry = await loadRegistry(path.join(dir, 'ports.registry.json'));
    const result = await lint({
      root: dir,
      registry,
      generate: { ts: 'src/ports.ts' },
      only: new Set(['billing/.env.example']),
      partial: true,
      inventory: true,
    });
    expect(result.findings.filter((f) => f.ruleId === 'generated-stale').map((f) => `${f.file}:${f.line}`)).toEqual(['billing/.env.example:2']);
    expect(result.scan!.files.filter((f) => f.generated).map((f) => f.path)).toEqual([
      'README.md',
      'billing/.env.example',
      'billing/README.md',
      'web-app/.env.example',
      'web-app/README.md',
    ]);
  });

  it('a partial lint judges the whole generated files it is given (supervisor files, the TypeScript module) and nothing for other files', async () => {
    const dir = await copy('basic-expected');
    await moveApi(dir);
    const registry = await loadRegistry(path.join(dir, 'ports.registry.json'));
    const partial = async (files: string[]) =>
      (await lint({ root: dir, registry, generate: { ts: 'src/ports.ts' }, only: new Set(files), partial: true })).findings
        .filter((f) => f.ruleId === 'generated-stale')
        .map((f) => f.file);
    expect(await partial(['billing/.supervisor-specific/PORTS.md', 'src/ports.ts'])).toEqual(['billing/.supervisor-specific/PORTS.md', 'src/ports.ts']);
    expect(await partial(['billing/.supervisor-specific/ports.json'])).toEqual(['billing/.supervisor-specific/ports.json']);
    expect(await partial(['billing/compose.yaml'])).toEqual([]);
  });

  it('judges supervisor files in a .supervisor-specific folder that is a link, and none where the folder is missing', async () => {
    const dir = await copy('basic-expected');
    await moveApi(dir);
    // billing's folder of supervisor files, moved aside and linked back.
    await rename(path.join(dir, 'billing/.supervisor-specific'), path.join(dir, 'billing-supervisor'));
    await symlink('../billing-supervisor', path.join(dir, 'billing/.supervisor-specific'));
    const stale = (await lintDir(dir)).findings.filter((f) => f.ruleId === 'generated-stale').map((f) => f.file);
    expect(stale).toEqual([
      'billing/.env.example',
      'billing/.supervisor-specific/ports.json',
      'billing/.supervisor-specific/PORTS.md',
      'billing/README.md',
      'src/ports.ts',
    ]);
    await rm(path.join(dir, 'billing/.supervisor-specific'));
    expect((await lintDir(dir)).findings.filter((f) => f.ruleId === 'generated-stale').map((f) => f.file)).toEqual([
      'billing/.env.example',
      'billing/README.md',
      'src/ports.ts',
    ]);
  });

  it('reports a start marker without an end, without a fix', async () => {
    const dir = await copy('basic');
    await writeFile(path.join(dir, 'web-app/README.md'), '# Web\n\n<!-- portreg:start -->\nold table\n');
    const stale = (await lintDir(dir)).findings.filter((f) => f.ruleId === 'generated-stale');
    expect(stale.map(where)).toEqual([
      'generated-stale web-app/README.md:3:1-3:1 no fix: a portreg:start marker without a portreg:end after it: add the missing marker (or remove this one) so the generated region is clear',
    ]);
  });

  it('portreg lint --fix brings the generated files up to date and lint is then clean of them', async () => {
    const dir = await copy('basic-expected');
    await moveApi(dir);
    const fixed = await runCli(['lint', '--fix', '--format', 'json'], { cwd: dir });
    const report = JSON.parse(fixed.stdout) as { findings?: { ruleId: string }[] } | { ruleId: string }[];
    const findings = Array.isArray(report) ? report : (report.findings ?? []);
    expect(findings.filter((f) => f.ruleId === 'generated-stale')).toEqual([]);
    const check = await runCli(['generate', 'all', '--check'], { cwd: dir });
    expect([check.code, check.stdout]).toEqual([0, '']);
  });
});

describe('Markdown rules and generated regions', () => {
  it('docs-stale judges an old port outside a region and not the same mention inside one', async () => {
    const dir = await copy('basic');
    await moveApi(dir);
    await writeFile(
      path.join(dir, 'billing/README.md'),
      [
        '# Billing',
        '',
        'Outside: http://localhost:5001/health',
        '',
        '<!-- portreg:start -->',
        'Inside: http://localhost:5001/health',
        '<!-- portreg:end -->',
        '',
      ].join('\n'),
    );
    const result = await lintDir(dir);
    const docs = result.findings.filter((f) => f.file === 'billing/README.md');
    expect(docs.map(where)).toEqual([
      'docs-stale billing/README.md:3:27-3:31 fixable: port 5001 was service "api"\'s until it moved to 5002: update the mention',
      `generated-stale billing/README.md:5:1-7:21 fixable: this generated region differs from what the registry gives now: run "portreg generate docs --write" (or portreg lint --fix)`,
    ]);
    // The scanner has no fact inside the region at all: no rule can judge it.
    expect(result.scan!.ports.filter((p) => p.file === 'billing/README.md').map((p) => p.line)).toEqual([3]);
  });
});
