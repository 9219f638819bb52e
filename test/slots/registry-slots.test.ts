/**
 * Slots in the registry: the schema accepts `slots` and `shared`, the checks hold every service
 * within the slot width (with exact places), `registry check` says how many slots each range
 * holds, and the one slot computation (registry/slots.ts) gives each slot's ports.
 */
import { describe, expect, it } from 'vitest';
import { parseRegistryText } from '../../src/registry/load.js';
import { composeProjectName, slotCount, slotOfPort, slotPorts } from '../../src/registry/slots.js';
import { serializeRegistry } from '../../src/registry/serialize.js';
import type { Registry } from '../../src/registry/types.js';
import { runCli } from '../helpers/cli.js';
import { scenario } from '../helpers/scenario.js';

const NOW = new Date('2026-11-25T12:00:00Z');

function registry(services: Record<string, object>, slots: object | null = { width: 10 }, range = { from: 5000, to: 5099 }): Registry {
  return { version: 1, projects: { billing: { range, path: 'billing', ...(slots ? { slots } : {}), services } } } as Registry;
}

const brief = (text: string) =>
  parseRegistryText(text, 'ports.registry.json', { now: NOW, cwd: '/' }).findings.map((f) => `${f.line}:${f.column} ${f.severity} ${f.ruleId}: ${f.message}`);

describe('slots in the registry', () => {
  it('writes slots and shared in the canonical style, and a registry with them passes its checks', () => {
    const text = serializeRegistry(
      registry({ api: { port: 5001, purpose: 'API', env: 'API_PORT' }, db: { port: 5002, purpose: 'Postgres', env: 'DB_PORT', shared: true } }),
    );
    expect(text).toBe(
      [
        '{',
        '  "version": 1,',
        '  "projects": {',
        '    "billing": {',
        '      "range": { "from": 5000, "to": 5099 },',
        '      "path": "billing",',
        '      "slots": { "width": 10 },',
        '      "services": {',
        '        "api": { "port": 5001, "purpose": "API", "env": "API_PORT" },',
        '        "db": { "port": 5002, "purpose": "Postgres", "env": "DB_PORT", "shared": true }',
        '      }',
        '    }',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    expect(brief(text)).toEqual([]);
  });

  it('reports a service beyond the slot width, shared or not, at its port', () => {
    const text = serializeRegistry(
      registry({ api: { port: 5001, purpose: 'API' }, web: { port: 5012, purpose: 'Web' }, db: { port: 5010, purpose: 'DB', shared: true } }),
    );
    expect(brief(text)).toEqual([
      '10:25 error registry-slot-overflow: port 5010 of service "db" of project "billing" is 10 ports from the range start, beyond the slot width 10: slot 1 would give another service\'s port; move it below 5010 (portreg reassign) or widen the slots',
      '11:26 error registry-slot-overflow: port 5012 of service "web" of project "billing" is 12 ports from the range start, beyond the slot width 10: slot 1 would give another service\'s port; move it below 5010 (portreg reassign) or widen the slots',
    ]);
  });

  it('reports a width wider than the range, and schema errors in slots with their path', () => {
    expect(brief(serializeRegistry(registry({}, { width: 200 })))).toEqual([
      '7:27 error registry-slots-invalid: slot width 200 of project "billing" is wider than its range 5000-5099 (100 ports): not even slot 0 fits',
    ]);
    expect(brief(serializeRegistry(registry({}, { width: 0, size: 3 })))).toEqual([
      '7:27 error registry-schema: projects.billing.slots.width: must be >= 1',
      '7:30 error registry-schema: projects.billing.slots.size: unknown property "size"',
    ]);
    expect(brief(serializeRegistry(registry({ api: { port: 5001, purpose: 'API', shared: 'yes' } })))).toEqual([
      '9:60 error registry-schema: projects.billing.services.api.shared: must be a boolean',
    ]);
  });

  it('computes each slot: slot k adds k * width, shared services keep their port, Compose names by slot', () => {
    const r = registry({ api: { port: 5001, purpose: 'API', env: 'API_PORT' }, db: { port: 5002, purpose: 'Postgres', env: 'DB_PORT', shared: true } });
    expect(slotCount(r.projects.billing!)).toBe(10);
    expect(slotCount(registry({}, { width: 30 }).projects.billing!)).toBe(3);
    expect(slotCount(registry({}, null).projects.billing!)).toBe(0);
    expect(slotPorts(r, 'billing', 0).map((p) => `${p.service}=${p.port}`)).toEqual(['api=5001', 'db=5002']);
    expect(slotPorts(r, 'billing', 3).map((p) => `${p.service}=${p.port}`)).toEqual(['api=5031', 'db=5002']);
    expect(() => slotPorts(r, 'billing', 10)).toThrow(/slot 10 is outside project "billing"'s 10 slots \(0-9\)/);
    expect(() => slotPorts(registry({}, null), 'billing', 1)).toThrow(/project "billing" has no slots: add "slots": \{ "width": N \}/);
    expect(slotOfPort(r, 5031)).toEqual({ project: 'billing', service: 'api', slot: 3 });
    expect(slotOfPort(r, 5001)).toBeNull(); // slot 0 is the registry's own answer
    expect(slotOfPort(r, 5032)).toBeNull(); // shared: no slot copy
    expect(slotOfPort(r, 5035)).toBeNull();
    expect(composeProjectName('billing', 0)).toBe('billing');
    expect(composeProjectName('Billing.App', 2)).toBe('billing-app-2');
  });
});

describe('portreg registry check with slots', () => {
  it('says how many slots each range holds, in text and JSON', async () => {
    const s = await scenario({
      registry: registry({ api: { port: 5001, purpose: 'API' }, db: { port: 5002, purpose: 'DB', shared: true } }, { width: 25 }, { from: 5000, to: 5099 }),
    });
    const text = await runCli(['registry', 'check'], { cwd: s.root });
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(
      'ports.registry.json: ok (1 project)\nproject "billing": 4 slots of 25 ports in range 5000-5099 (slot 0 is the registered ports; 1 shared service: db)\n',
    );
    const json = await runCli(['registry', 'check', '--json'], { cwd: s.root });
    expect(JSON.parse(json.stdout).slots).toEqual([{ project: 'billing', range: { from: 5000, to: 5099 }, width: 25, count: 4, shared: ['db'] }]);
  });

  it('fails (exit 1) on a service beyond the width', async () => {
    const s = await scenario({ registry: registry({ api: { port: 5030, purpose: 'API' } }, { width: 25 }) });
    const r = await runCli(['registry', 'check'], { cwd: s.root });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('registry-slot-overflow');
  });
});
