/**
 * The lint workflow as a library user runs it, through the entry point: lintTree, then fixTree
 * (a dry run, then for real), the baseline, and the reports by name.
 */
import { describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as portreg from '../../src/index.js';
import { FLEET_BRIEF } from '../fixtures/lint/fleet-expected.js';
import { copyFixture, scenario } from '../helpers/scenario.js';

const FLEET = path.join(import.meta.dirname, '../fixtures/lint/fleet');
const now = new Date('2026-11-25T12:00:00Z');
const brief = (f: portreg.LintFinding) => `${f.file}:${f.line}:${f.column} ${f.severity} ${f.ruleId}${f.fixable ? ' (fixable)' : ''}: ${f.message}`;
const FIXED = ['billing/.env.example', 'billing/docker-compose.yml', 'billing/README.md', 'web/.env.example', 'web/compose.yaml'];

const fleetCopy = () => copyFixture(FLEET);

async function texts(dir: string, files: string[]): Promise<string[]> {
  return Promise.all(files.map((f) => readFile(path.join(dir, f), 'utf8')));
}

describe('lintTree and fixTree', () => {
  it('lintTree reports what runLint reports, and fixes nothing', async () => {
    const dir = await fleetCopy();
    const result = await portreg.lintTree({ cwd: dir, env: {}, now });
    expect(result.findings.map(brief)).toEqual(FLEET_BRIEF);
    expect(result).toMatchObject({ top: dir, fixed: [], registryReadable: true, registryChanged: null, skipped: [] });
    expect(result.baselineWritten).toBeUndefined();
  });

  it('fixTree with dryRun gives each file before and after and what would remain, writing nothing; then fixTree writes exactly that', async () => {
    const dir = await fleetCopy();
    const original = await texts(dir, FIXED);
    const dry = await portreg.fixTree({ cwd: dir, env: {}, now, dryRun: true });
    expect(dry.fixed.map((f) => f.file)).toEqual(FIXED);
    expect(dry.fixed.map((f) => f.before.toString('utf8'))).toEqual(original);
    expect(await texts(dir, FIXED)).toEqual(original);
    expect(dry.findings.filter((f) => f.fixable)).toEqual([]);

    const fixed = await portreg.fixTree({ cwd: dir, env: {}, now });
    expect(fixed.fixed.map((f) => f.file)).toEqual(FIXED);
    expect(await texts(dir, FIXED)).toEqual(dry.fixed.map((f) => f.after.toString('utf8')));
    expect(await readFile(path.join(dir, 'billing/.env.example'), 'utf8')).toBe('API_PORT=5002\nDATABASE_PORT=5032\n');
    expect(fixed.findings).toEqual(dry.findings);
    expect((await portreg.fixTree({ cwd: dir, env: {}, now })).fixed).toEqual([]);

    // The reports by name, and the diff of a dry run.
    const stylish = portreg.renderReport('stylish', { findings: fixed.findings, skipped: fixed.skipped });
    expect(stylish.endsWith('✖ 19 problems (12 errors, 7 warnings)\n')).toBe(true);
    const json = JSON.parse(portreg.renderReport('json', { findings: fixed.findings, skipped: [] })) as portreg.JsonReport;
    expect(json).toMatchObject({ version: 1, tool: { name: 'portreg' }, errorCount: 12, warningCount: 7 });
    expect(portreg.isReporterName('sarif')).toBe(true);
    expect(portreg.unifiedDiff(dry.fixed.slice(0, 1), { color: false })).toBe(
      '--- a/billing/.env.example\n+++ b/billing/.env.example\n@@ -1,2 +1,2 @@\n-API_PORT=5001\n+API_PORT=5002\n DATABASE_PORT=5032\n',
    );
  });

  it("carries a parser's fix (yaml-base60) through to the result and fixes it; quiet fixes errors only", async () => {
    const s = await scenario({
      registry: {
        version: 1,
        projects: { app: { range: { from: 5100, to: 5199 }, path: 'app', services: { api: { port: 5101, purpose: 'API', containerPort: 59 } } } },
      },
      files: { 'app/compose.yaml': 'services:\n  api:\n    ports:\n      - 5101:59\n' },
    });
    const dir = s.root;
    const linted = await portreg.lintTree({ cwd: dir, env: {}, now });
    expect(linted.findings.map(brief)).toEqual([
      'app/compose.yaml:4:9 warning yaml-base60 (fixable): unquoted "5101:59" is the number 306119 to a YAML 1.1 parser (base 60): quote it ("5101:59")',
    ]);
    expect(linted.findings[0]!.fix).toEqual({
      edits: [
        { file: 'app/compose.yaml', start: 36, end: 36, text: '"' },
        { file: 'app/compose.yaml', start: 43, end: 43, text: '"' },
      ],
    });
    // A warning: --quiet leaves it.
    expect((await portreg.fixTree({ cwd: dir, env: {}, now, quiet: true })).fixed).toEqual([]);
    const fixed = await portreg.fixTree({ cwd: dir, env: {}, now });
    expect(fixed.fixed.map((f) => f.file)).toEqual(['app/compose.yaml']);
    expect(fixed.findings).toEqual([]);
    expect(await s.read('app/compose.yaml')).toBe('services:\n  api:\n    ports:\n      - "5101:59"\n');
  });

  it('writes a baseline, applies it, and applies the one the config names unless told baseline: false', async () => {
    const dir = await fleetCopy();
    const written = await portreg.lintTree({ cwd: dir, env: {}, now, baseline: 'b.json', updateBaseline: true });
    expect(written.baselineWritten).toEqual({ file: 'b.json', count: FLEET_BRIEF.length });
    expect((await portreg.lintTree({ cwd: dir, env: {}, now, baseline: 'b.json' })).findings).toEqual([]);
    await writeFile(path.join(dir, 'portreg.config.json'), '{ "baseline": "b.json" }\n');
    expect((await portreg.lintTree({ cwd: path.join(dir, 'web'), env: {}, now })).findings).toEqual([]);
    expect((await portreg.runLint({ cwd: dir, env: {}, now })).findings).toEqual([]);
    expect((await portreg.lintTree({ cwd: dir, env: {}, now, baseline: false })).findings.map(brief)).toEqual(FLEET_BRIEF);
    await expect(portreg.lintTree({ cwd: dir, env: {}, now, baseline: 'missing.json' })).rejects.toThrow(
      'cannot read the baseline missing.json: write it with --update-baseline',
    );
  });
});
