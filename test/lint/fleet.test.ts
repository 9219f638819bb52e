import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cp, readFile } from 'node:fs/promises';
import path from 'node:path';
import { lint, type LintResult } from '../../src/lint/lint.js';
import { loadRegistry } from '../../src/registry/load.js';
import { planFixes } from '../../src/fix/plan.js';
import { previewPlan } from '../../src/fix/apply.js';
import { writeAll } from '../helpers/write-all.js';
import { tempDir } from '../helpers/cli.js';
import { FLEET_BRIEF } from '../fixtures/lint/fleet-expected.js';

const FLEET = path.join(import.meta.dirname, '../fixtures/lint/fleet');

async function lintTree(root: string, options: Partial<Parameters<typeof lint>[0]> = {}): Promise<LintResult> {
  const registry = await loadRegistry(path.join(root, 'ports.registry.json'), { now: new Date('2026-11-25T12:00:00Z') });
  return lint({ root, registry, ...options });
}

const brief = (r: LintResult) =>
  r.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.severity} ${f.ruleId}${f.fixable ? ' (fixable)' : ''}: ${f.message}`);

describe('lint on a fleet that breaks most rules', () => {
  it('reports exactly these findings, one error per port occurrence, warnings on top', async () => {
    const r = await lintTree(FLEET);
    expect(brief(r)).toEqual(FLEET_BRIEF);
    // Where two places disagree, both are named.
    const foreign = r.findings.find((f) => f.ruleId === 'port-foreign')!;
    expect(foreign.related).toEqual([{ file: 'ports.registry.json', line: 23, column: 27, endLine: 23, endColumn: 31, message: 'registered to web/site' }]);
    expect(r.skipped).toEqual([]);
  });

  it('honours rule settings and the suppression comment with a reason', async () => {
    const r = await lintTree(FLEET, { rules: { 'port-unsafe': 'off', 'port-privileged': 'error', 'registry-unused': 'off' } });
    const ids = r.findings.map((f) => `${f.file}:${f.line} ${f.ruleId} ${f.severity}`);
    expect(ids.filter((i) => i.includes('port-unsafe') || i.includes('registry-unused'))).toEqual([]);
    expect(ids).toContain('web/compose.yaml:6 port-privileged error');
    // legacy/docker-compose.yml:5 "3001:80" is out of range and legacy, both suppressed by the comment above it.
    expect(ids.filter((i) => i.startsWith('legacy/docker-compose.yml:5 '))).toEqual([]);
  });

  it('reports only on the files given, still judging them against the other projects', async () => {
    const r = await lintTree(FLEET, { only: new Set(['billing/docker-compose.yml']), partial: true, scan: { within: ['billing'] } });
    expect(r.findings.map((f) => `${f.line} ${f.ruleId}`)).toEqual([
      '4 env-drift',
      '7 port-mismatch',
      '10 port-unregistered',
      '11 port-foreign',
      '14 port-reserved',
      '15 port-out-of-range',
      '15 port-unsafe',
    ]);
    expect(r.skipped.map((s) => s.ruleId)).toEqual(['port-conflict', 'reference-stale', 'port-unowned', 'registry-unused']);
  });
});

describe('lint fixes', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir: root, cleanup } = await tempDir());
    await cp(FLEET, root, { recursive: true });
  });
  afterEach(() => cleanup());

  it('applies every certain fix as byte-exact edits, and a second pass changes nothing', async () => {
    const before = await lintTree(root);
    const plan = planFixes(before.findings.filter((f) => f.fix).map((f) => f.fix!));
    expect(plan.deferred).toBe(0);
    const written = await writeAll(root, await previewPlan(root, plan));
    expect(written.sort()).toEqual(['billing/.env.example', 'billing/README.md', 'billing/docker-compose.yml', 'web/.env.example', 'web/compose.yaml']);
    expect(await readFile(path.join(root, 'billing/.env.example'), 'utf8')).toBe('API_PORT=5002\nDATABASE_PORT=5032\n');
    expect(await readFile(path.join(root, 'web/.env.example'), 'utf8')).toBe('SITE_PORT=5100\nSITE_ADMIN_PORT=5101\n');
    expect(await readFile(path.join(root, 'billing/README.md'), 'utf8')).toBe('# Billing\n\nThe API answers on http://localhost:5002/health.\n');
    const compose = await readFile(path.join(root, 'billing/docker-compose.yml'), 'utf8');
    const original = await readFile(path.join(FLEET, 'billing/docker-compose.yml'), 'utf8');
    expect(compose).toBe(original.replace('"${API_PORT:-5001}:8080"', '"${API_PORT:-5002}:8080"').replace('"5033:5432"', '"5032:5432"'));
    expect(await readFile(path.join(root, 'web/compose.yaml'), 'utf8')).toBe(
      (await readFile(path.join(FLEET, 'web/compose.yaml'), 'utf8')).replace('API_URL: http://localhost:5001', 'API_URL: http://localhost:5002'),
    );

    const after = await lintTree(root);
    expect(after.findings.filter((f) => f.fixable)).toEqual([]);
    expect(planFixes(after.findings.filter((f) => f.fix).map((f) => f.fix!)).byFile.size).toBe(0);
  });
});
