import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cp, readFile } from 'node:fs/promises';
import path from 'node:path';
import { lint, type LintResult } from '../../src/lint/lint.js';
import { loadRegistry } from '../../src/registry/load.js';
import { planFixes } from '../../src/fix/plan.js';
import { previewPlan, writeAll } from '../../src/fix/apply.js';
import { tempDir } from '../helpers/cli.js';

const FLEET = path.join(import.meta.dirname, '../fixtures/lint/fleet');

async function lintTree(root: string, options: Partial<Parameters<typeof lint>[0]> = {}): Promise<LintResult> {
  const registry = await loadRegistry(path.join(root, 'ports.registry.json'), { now: new Date('2026-11-25T12:00:00Z') });
  return lint({ root, registry, ...options });
}

const brief = (r: LintResult) => r.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.severity} ${f.ruleId}${f.fixable ? ' (fixable)' : ''}: ${f.message}`);

describe('lint on a fleet that breaks most rules', () => {
  it('reports exactly these findings, one error per port occurrence, warnings on top', async () => {
    const r = await lintTree(FLEET);
    expect(brief(r)).toEqual([
      'billing/.env.example:1:10 error env-drift (fixable): API_PORT is 5001 in billing/.env.example, but registered as 5002 for service "api" of project "billing"',
      'billing/compose.override.yml:4:10 warning compose-override-append: service "cache": billing/compose.override.yml adds 1 port to the 2 that billing/docker-compose.yml publishes; Compose appends them rather than replacing: write "ports: !override" to replace',
      'billing/compose.override.yml:4:10 error port-unregistered: port 5051 is not registered for project "billing": ask for a port first (portreg allocate --project billing --service cache --purpose "...")',
      'billing/docker-compose.yml:4:22 error env-drift (fixable): API_PORT is 5001 in the default of billing/docker-compose.yml, but registered as 5002 for service "api" of project "billing"',
      'billing/docker-compose.yml:7:10 error port-mismatch (fixable): service "postgres" of project "billing" is registered on port 5032, but billing/docker-compose.yml gives it 5033',
      'billing/docker-compose.yml:10:10 error port-unregistered: port 5050 is not registered for project "billing": ask for a port first (portreg allocate --project billing --service cache --purpose "...")',
      'billing/docker-compose.yml:11:9 error port-conflict: host port 5100/tcp of service "cache" is also published by service "site" of project "web" (web/compose.yaml:4:23)',
      'billing/docker-compose.yml:11:9 error port-foreign: port 5100 is registered to service "site" of project "web", not to project "billing"',
      'billing/docker-compose.yml:14:10 error port-reserved: port 8051 is reserved: Supervisor infrastructure (8000-8099)',
      'billing/docker-compose.yml:15:10 error port-out-of-range: port 6000 is outside the range 5000-5099 of project "billing"',
      'billing/docker-compose.yml:15:10 warning port-unsafe: port 6000 is one to avoid: browsers refuse to connect to it',
      'billing/README.md:3:37 warning docs-stale (fixable): port 5001 was service "api"\'s until it moved to 5002: update the mention',
      'legacy/docker-compose.yml:6:10 error port-unregistered: port 5250 is not registered for project "legacy": ask for a port first (portreg allocate --project legacy --service old --purpose "...")',
      'legacy/docker-compose.yml:7:7 warning unused-suppression: this portreg-disable comment suppresses nothing (docs-stale): remove it',
      'legacy/docker-compose.yml:8:10 warning port-ephemeral: port 40000 is in the ephemeral range 32768-60999: an outgoing connection may hold it when the service starts',
      'legacy/docker-compose.yml:8:10 error port-out-of-range: port 40000 is outside the range 5200-5299 of project "legacy"',
      'ports.registry.json:16:29 warning registry-unused: service "worker" of project "billing" holds port 5040, but no compose file or env template of the project uses it: release it (portreg release --project billing --service worker) or use it',
      'stray/compose.yaml:4:10 error port-conflict: host port 5100/tcp of service "x" is also published by service "cache" of project "billing" (billing/docker-compose.yml:11:9)',
      'web/compose.yaml:5:29 warning env-undocumented (fixable): SITE_ADMIN_PORT is used here but web/.env.example does not list it',
      'web/compose.yaml:5:29 error port-unregistered: port 5101 is not registered for project "web": ask for a port first (portreg allocate --project web --service site --purpose "...")',
      'web/compose.yaml:6:10 warning port-privileged: port 22 is below 1024: binding it needs root or CAP_NET_BIND_SERVICE',
      'web/compose.yaml:6:10 error port-reserved: port 22 is reserved: SSH (22)',
      'web/compose.yaml:6:10 warning port-unsafe: port 22 is one to avoid: browsers refuse to connect to it',
      'web/compose.yaml:8:33 warning reference-stale (fixable): refers to service "api" of project "billing" on port 5001, but it moved to 5002',
    ]);
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
    expect(r.skipped.map((s) => s.ruleId)).toEqual(['port-conflict', 'reference-stale', 'registry-unused']);
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
