/**
 * Golden files per target: test/fixtures/generate/basic is a small fleet before any generator
 * ran; basic-expected is the same tree after `portreg generate all --write` (committed, reviewed).
 * Each target's library plan must give exactly the expected bytes; the real CLI must write the
 * expected tree, then find it current (--check exit 0) and change nothing on a second run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { planGenerate, type FileTarget } from '../../src/generate/plan.js';
import { loadRegistry } from '../../src/registry/load.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { copyTree, readTree, treeText } from '../rewrite/helpers.js';

const FIXTURES = path.join(import.meta.dirname, '../fixtures/generate');
const BASIC = path.join(FIXTURES, 'basic');
const EXPECTED = path.join(FIXTURES, 'basic-expected');

let root: string;
let cleanup: () => Promise<void>;
let n = 0;
beforeAll(async () => ({ dir: root, cleanup } = await tempDir('portreg-generate-')));
afterAll(() => cleanup());

async function copy(): Promise<string> {
  return copyTree(BASIC, path.join(root, `case${n++}`));
}

async function plan(dir: string, targets: FileTarget[], mode: 'write' | 'judge' = 'write') {
  const loaded = await loadRegistry(path.join(dir, 'ports.registry.json'));
  return planGenerate({ root: dir, registry: loaded.data!, registryDir: dir, targets, settings: { ts: 'src/ports.ts' }, mode });
}

describe('generators: golden files per target', () => {
  const cases: [FileTarget, string[]][] = [
    ['env', ['billing/.env.example', 'web-app/.env.example']],
    ['docs', ['billing/README.md', 'web-app/README.md', 'README.md']],
    [
      'supervisor',
      [
        'billing/.supervisor-specific/ports.json',
        'billing/.supervisor-specific/PORTS.md',
        'web-app/.supervisor-specific/ports.json',
        'web-app/.supervisor-specific/PORTS.md',
      ],
    ],
    ['ts', ['src/ports.ts']],
  ];
  for (const [target, files] of cases) {
    it(`${target}: ${files.join(', ')} as in basic-expected`, async () => {
      const result = await plan(BASIC, [target]);
      expect(result.problems).toEqual([]);
      expect(result.files.map((f) => f.file)).toEqual(files);
      for (const f of result.files) {
        expect(f.after.toString('utf8'), f.file).toBe(await readFile(path.join(EXPECTED, f.file), 'utf8'));
      }
    });
  }

  it('the new files are marked as created, the existing ones carry byte edits that give the expected bytes', async () => {
    const result = await plan(BASIC, ['env', 'docs']);
    expect(result.files.map((f) => [f.file, f.created])).toEqual([
      ['billing/.env.example', false],
      ['web-app/.env.example', true],
      ['billing/README.md', false],
      ['web-app/README.md', false],
      ['README.md', false],
    ]);
    // billing's env template: the block replaces API_PORT=5000 (taken over), export DATABASE_PORT goes.
    const env = result.files[0]!;
    expect(env.edits.map((e) => ({ start: e.start, end: e.end, expected: e.expected }))).toEqual([
      { start: 19, end: 33, expected: 'API_PORT=5000\n' },
      { start: 48, end: 74, expected: 'export DATABASE_PORT=5032\n' },
    ]);
  });
});

describe('portreg generate (CLI)', () => {
  it('all --write writes the expected tree; then --check exits 0 and a second --write changes nothing', async () => {
    const dir = await copy();
    const r = await runCli(['generate', 'all', '--write'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'wrote billing/.env.example',
        'wrote web-app/.env.example',
        'wrote billing/README.md',
        'wrote web-app/README.md',
        'wrote README.md',
        'wrote billing/.supervisor-specific/ports.json',
        'wrote billing/.supervisor-specific/PORTS.md',
        'wrote web-app/.supervisor-specific/ports.json',
        'wrote web-app/.supervisor-specific/PORTS.md',
        'wrote src/ports.ts',
        '',
      ].join('\n'),
    );
    expect(await treeText(dir)).toEqual(await treeText(EXPECTED));

    const check = await runCli(['generate', 'all', '--check'], { cwd: dir });
    expect([check.code, check.stdout, check.stderr]).toEqual([0, '', 'portreg: every generated file is current\n']);
    const before = await readTree(dir);
    const again = await runCli(['generate', 'all', '--write'], { cwd: dir });
    expect([again.code, again.stdout, again.stderr]).toEqual([0, '', 'portreg: every generated file is current\n']);
    expect(await readTree(dir)).toEqual(before);
  });

  it('--check exits 1 with a diff on a stale file and writes nothing; after generate --write it exits 0', async () => {
    const dir = await copy();
    await runCli(['generate', 'env', '--write'], { cwd: dir });
    // The registry moves api to 5002: the env region is out of date.
    const registryFile = path.join(dir, 'ports.registry.json');
    await writeFile(registryFile, (await readFile(registryFile, 'utf8')).replace('"port": 5001', '"port": 5002'));
    const before = await readTree(dir);
    const check = await runCli(['generate', 'env', '--check'], { cwd: dir });
    expect(check.code).toBe(1);
    expect(check.stdout).toBe(
      [
        '--- a/billing/.env.example',
        '+++ b/billing/.env.example',
        '@@ -2,7 +2,7 @@',
        ' # portreg:start',
        ' # Generated by portreg from the port registry: do not edit by hand; change the registry and run "portreg generate env --write".',
        ' # api: REST API',
        '-API_PORT=5001',
        '+API_PORT=5002',
        ' # postgres: Main database',
        ' DATABASE_PORT=5032',
        ' # portreg:end',
        '',
      ].join('\n'),
    );
    expect(check.stderr).toBe('portreg: 1 generated file is out of date: run "portreg generate env --write"\n');
    expect(await readTree(dir)).toEqual(before);

    const write = await runCli(['generate', 'env', '--write'], { cwd: dir });
    expect([write.code, write.stdout]).toEqual([0, 'wrote billing/.env.example\n']);
    const after = await runCli(['generate', 'env', '--check'], { cwd: dir });
    expect([after.code, after.stdout]).toEqual([0, '']);
  });

  it('without --write prints the diff, exits 0 and writes nothing; --format json lists each file', async () => {
    const dir = await copy();
    const before = await readTree(dir);
    const dry = await runCli(['generate', 'ts'], { cwd: dir });
    expect(dry.code).toBe(0);
    expect(dry.stdout.split('\n').slice(0, 4)).toEqual([
      '--- /dev/null',
      '+++ b/src/ports.ts',
      '@@ -0,0 +1,26 @@',
      '+// Generated by portreg from the port registry: do not edit by hand; change the registry and run "portreg generate ts --write".',
    ]);
    expect(dry.stderr).toBe('portreg: 1 file would change: run with --write to write it\n');
    expect(await readTree(dir)).toEqual(before);

    const json = await runCli(['generate', 'docs', '--project', 'web-app', '--format', 'json'], { cwd: dir });
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout) as { files: unknown[]; written: string[]; mode: string };
    expect(out.mode).toBe('dry-run');
    expect(out.files).toEqual([
      { file: 'web-app/README.md', target: 'docs', project: 'web-app', status: 'changed' },
      { file: 'README.md', target: 'docs', project: null, status: 'changed' },
    ]);
    expect(out.written).toEqual([]);
  });

  it('--out names the TypeScript module; an unknown target or project is refused with the choices', async () => {
    const dir = await copy();
    const r = await runCli(['generate', 'ts', '--out', 'lib/generated/ports.ts', '--write'], { cwd: dir });
    expect([r.code, r.stdout]).toEqual([0, 'wrote lib/generated/ports.ts\n']);
    expect(await readFile(path.join(dir, 'lib/generated/ports.ts'), 'utf8')).toBe(await readFile(path.join(EXPECTED, 'src/ports.ts'), 'utf8'));

    const bad = await runCli(['generate', 'yaml'], { cwd: dir });
    expect([bad.code, bad.stderr]).toEqual([2, 'portreg: unknown target "yaml": choose one of env, docs, supervisor, ts, compose, all\n']);
    const unknown = await runCli(['generate', 'env', '--project', 'nope'], { cwd: dir });
    expect([unknown.code, unknown.stderr]).toEqual([
      1,
      'portreg: project "nope" is unknown: register it with "portreg project add nope" (known projects: billing, web-app)\n',
    ]);
  });

  it('--write is all or nothing: a rename that fails midway leaves the tree as it was, new files and folders removed', async () => {
    const dir = await copy();
    const before = await readTree(dir);
    const r = await runCli(['generate', 'all', '--write'], { cwd: dir, env: { PORTREG_TEST_FAIL_RENAME_AT: '8' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('portreg: cannot write web-app/.supervisor-specific/PORTS.md: rename failed (PORTREG_TEST_FAIL_RENAME_AT); nothing was changed\n');
    expect(await readTree(dir)).toEqual(before);
    const { readdir } = await import('node:fs/promises');
    expect((await readdir(path.join(dir, 'billing'))).sort()).toEqual(['.env.example', 'README.md', 'compose.yaml']);
    expect((await readdir(dir)).sort()).toEqual(['README.md', 'billing', 'portreg.config.json', 'ports.registry.json', 'web-app']);
  });

  it('a start marker without an end is refused with file:line:column, and nothing is written', async () => {
    const dir = await copy();
    await writeFile(path.join(dir, 'billing/README.md'), '# Billing\n\n<!-- portreg:start -->\n| old |\n');
    const before = await readTree(dir);
    const r = await runCli(['generate', 'docs', '--write'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'portreg: billing/README.md:3:1: a portreg:start marker without a portreg:end after it: add the missing marker (or remove this one) so the generated region is clear\nportreg: nothing was written\n',
    );
    expect(await readTree(dir)).toEqual(before);
  });
});

describe('portreg generate in a project repository that names a central registry', () => {
  it("writes that project's files at the repository's top, and no table of all projects", async () => {
    const dir = path.join(root, `repo${n++}`);
    const { mkdir } = await import('node:fs/promises');
    await mkdir(path.join(dir, 'infra'), { recursive: true });
    await mkdir(path.join(dir, 'billing-repo'), { recursive: true });
    await writeFile(path.join(dir, 'infra/ports.registry.json'), await readFile(path.join(BASIC, 'ports.registry.json'), 'utf8'));
    await writeFile(path.join(dir, 'billing-repo/portreg.config.json'), '{ "registry": "../infra/ports.registry.json", "project": "billing" }\n');
    await writeFile(path.join(dir, 'billing-repo/README.md'), '# Billing\n');
    const r = await runCli(['generate', 'all', '--write'], { cwd: path.join(dir, 'billing-repo') });
    expect([r.code, r.stdout, r.stderr]).toEqual([
      0,
      'wrote .env.example\nwrote README.md\nwrote .supervisor-specific/ports.json\nwrote .supervisor-specific/PORTS.md\n',
      '',
    ]);
    expect(await readFile(path.join(dir, 'billing-repo/.env.example'), 'utf8')).toBe(
      '# portreg:start\n# Generated by portreg from the port registry: do not edit by hand; change the registry and run "portreg generate env --write".\n# api: REST API\nAPI_PORT=5001\n# postgres: Main database\nDATABASE_PORT=5032\n# portreg:end\n',
    );
    expect(await readFile(path.join(dir, 'billing-repo/README.md'), 'utf8')).not.toContain('| Project | Range |');
    expect((await readTree(path.join(dir, 'billing-repo'))).has('.supervisor-specific/ports.json')).toBe(true);
    // The ts module of a project repository holds that project alone.
    const ts = await runCli(['generate', 'ts'], { cwd: path.join(dir, 'billing-repo') });
    expect(ts.stdout).toContain('+  billing: {');
    expect(ts.stdout).not.toContain('web-app');
  });
});
