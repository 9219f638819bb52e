/**
 * One severity step for every finding: the config's "off", "warn" and "error" reach the
 * unused-suppression findings too, which the lint makes after the rules have run.
 */
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { lint } from '../../src/lint/lint.js';
import { loadRegistry } from '../../src/registry/load.js';
import type { RuleSetting } from '../../src/rules/types.js';
import { FLEET_BRIEF } from '../fixtures/lint/fleet-expected.js';

const FLEET = path.join(import.meta.dirname, '../fixtures/lint/fleet');
const UNUSED = 'legacy/docker-compose.yml:7:7 warning unused-suppression: this portreg-disable comment suppresses nothing (docs-stale): remove it';

async function briefWith(rules: Record<string, RuleSetting>): Promise<string[]> {
  const registry = await loadRegistry(path.join(FLEET, 'ports.registry.json'), { now: new Date('2026-11-25T12:00:00Z') });
  const r = await lint({ root: FLEET, registry, rules });
  return r.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.severity} ${f.ruleId}${f.fixable ? ' (fixable)' : ''}: ${f.message}`);
}

describe('rule settings reach unused-suppression', () => {
  it('"off" drops the findings of comments that suppress nothing', async () => {
    expect(FLEET_BRIEF).toContain(UNUSED);
    expect(await briefWith({ 'unused-suppression': 'off' })).toEqual(FLEET_BRIEF.filter((b) => b !== UNUSED));
  });

  it('"error" makes them errors, and "warn" leaves them warnings', async () => {
    expect(await briefWith({ 'unused-suppression': 'error' })).toEqual(FLEET_BRIEF.map((b) => (b === UNUSED ? b.replace(' warning ', ' error ') : b)));
    expect(await briefWith({ 'unused-suppression': 'warn' })).toEqual(FLEET_BRIEF);
  });

  it('a rule set to "warn" no longer competes for the one error of a port occurrence', async () => {
    // At billing/docker-compose.yml:11:9, port-foreign's error hides port-out-of-range's; as a warning it hides nothing.
    const at = (brief: string[]) => brief.filter((b) => b.startsWith('billing/docker-compose.yml:11:9 ')).map((b) => b.slice(0, b.indexOf(':', 30)));
    expect(at(FLEET_BRIEF)).toEqual(['billing/docker-compose.yml:11:9 error port-conflict', 'billing/docker-compose.yml:11:9 error port-foreign']);
    expect(at(await briefWith({ 'port-foreign': 'warn' }))).toEqual([
      'billing/docker-compose.yml:11:9 error port-conflict',
      'billing/docker-compose.yml:11:9 warning port-foreign',
      'billing/docker-compose.yml:11:9 error port-out-of-range',
    ]);
  });
});
