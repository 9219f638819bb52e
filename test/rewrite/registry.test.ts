import { describe, expect, it } from 'vitest';
import { parseRegistryText } from '../../src/registry/load.js';
import { serializeRegistry } from '../../src/registry/serialize.js';
import { allocatePort } from '../../src/registry/allocator.js';
import { diffRegistries, migrateRegistry, moveProject, reassignService } from '../../src/registry/moves.js';
import type { Registry } from '../../src/registry/types.js';

const now = new Date('2025-06-01T12:00:00.000Z');
const later = new Date('2025-06-10T12:00:00.000Z');

function registry(): Registry {
  return {
    version: 1,
    quarantineDays: 30,
    reserved: [{ port: 5060, reason: 'SIP', severity: 'warning' }],
    projects: {
      billing: {
        range: { from: 5000, to: 5099 },
        services: {
          api: { port: 5000, purpose: 'API', env: 'API_PORT' },
          postgres: { port: 5032, purpose: 'DB', env: 'DATABASE_PORT', containerPort: 5432, history: [{ port: 5031, until: '2025-05-30T00:00:00.000Z' }] },
        },
      },
      web: { range: { from: 5100, to: 5199 }, services: { web: { port: 5100, purpose: 'web' } } },
    },
  };
}

const errors = (r: Registry) =>
  parseRegistryText(serializeRegistry(r), '/x/ports.registry.json', { now: later }).findings.filter((f) => f.severity === 'error');

describe('reassignService', () => {
  it('moves the port, keeps every other field, and puts the old port in the history (quarantine)', () => {
    const input = registry();
    const r = reassignService(input, { project: 'billing', service: 'postgres', port: 5033, reason: 'clash with a local postgres' }, { now });
    expect(r).toMatchObject({ from: 5032, to: 5033, changed: true, warnings: [] });
    expect(r.registry.projects.billing!.services!.postgres).toEqual({
      port: 5033,
      purpose: 'DB',
      env: 'DATABASE_PORT',
      containerPort: 5432,
      history: [
        { port: 5031, until: '2025-05-30T00:00:00.000Z' },
        { port: 5032, until: '2025-06-01T12:00:00.000Z', reason: 'clash with a local postgres' },
      ],
    });
    expect(input.projects.billing!.services!.postgres!.port).toBe(5032); // the input is not changed
    expect(errors(r.registry)).toEqual([]);
    // nobody else gets 5032 during the quarantine
    expect(() => allocatePort(r.registry, { project: 'billing', service: 'cache', purpose: 'c', port: 5032 }, { now: later })).toThrow(
      /in quarantine until 2025-07-01/,
    );
    expect(allocatePort(r.registry, { project: 'billing', service: 'cache', purpose: 'c' }, { now: later }).port).toBe(5001);
  });

  it('the same port is a no-op; the next free port is never the one being left; its own old ports are allowed', () => {
    const same = reassignService(registry(), { project: 'billing', service: 'api', port: 5000 }, { now });
    expect(same).toMatchObject({ changed: false, from: 5000, to: 5000 });
    expect(same.registry).toEqual(registry());
    expect(reassignService(registry(), { project: 'billing', service: 'api' }, { now }).to).toBe(5001);
    expect(reassignService(registry(), { project: 'billing', service: 'postgres', port: 5031 }, { now }).to).toBe(5031);
  });

  it('refuses what the allocator refuses', () => {
    const r = registry();
    r.reserved!.push({ port: 5070, reason: 'hard' });
    expect(() => reassignService(r, { project: 'billing', service: 'postgres', port: 5100 }, { now })).toThrow(
      'port 5100 is outside the range 5000-5099 of project "billing"',
    );
    expect(() => reassignService(r, { project: 'billing', service: 'postgres', port: 5000 }, { now })).toThrow(
      'port 5000 is taken by service "api" of project "billing"',
    );
    expect(() => reassignService(r, { project: 'billing', service: 'postgres', port: 5070 }, { now })).toThrow('port 5070 is reserved: hard (5070)');
    expect(() => reassignService(r, { project: 'billing', service: 'nope', port: 5040 }, { now })).toThrow(
      'project "billing" has no service "nope" (its services: api, postgres)',
    );
    expect(() => reassignService(r, { project: 'nope', service: 'api', port: 5040 }, { now })).toThrow('project "nope" is unknown');
    const moved = reassignService(r, { project: 'billing', service: 'postgres', port: 5033 }, { now }).registry;
    expect(() => reassignService(moved, { project: 'billing', service: 'api', port: 5032 }, { now: later })).toThrow(/moved away from by service "postgres"/);
    const avoid = reassignService(r, { project: 'billing', service: 'postgres', port: 5060 }, { now });
    expect(avoid.warnings).toEqual(['port 5060 is one to avoid: SIP (5060); taking it because it was asked for']);
  });
});

describe('moveProject', () => {
  it('keeps every offset and checks the range like project add', () => {
    const r = moveProject(registry(), 'billing', { from: 5300, to: 5399 }, { now });
    expect(r.moves).toEqual([
      { project: 'billing', service: 'api', from: 5000, to: 5300 },
      { project: 'billing', service: 'postgres', from: 5032, to: 5332 },
    ]);
    expect(r.registry.projects.billing!.range).toEqual({ from: 5300, to: 5399 });
    expect(r.registry.projects.billing!.services!.postgres!.history!.at(-1)).toEqual({
      port: 5032,
      until: now.toISOString(),
      reason: 'project moved from 5000-5099 to 5300-5399',
    });
    expect(errors(r.registry)).toEqual([]);
    expect(() => moveProject(registry(), 'billing', { from: 5150, to: 5249 }, { now })).toThrow('it overlaps range 5100-5199 of project "web"');
    expect(() => moveProject(registry(), 'billing', { from: 5300, to: 5320 }, { now })).toThrow(
      'range 5300-5320 is too small for project "billing": service "postgres" is at offset 32',
    );
    expect(moveProject(registry(), 'billing', { from: 5000, to: 5099 }, { now })).toMatchObject({ changed: false, moves: [] });
  });

  it('growing a range in place moves no port; a shift onto a port another service leaves is refused', () => {
    const grown = moveProject(registry(), 'billing', { from: 5000, to: 5049 }, { now });
    expect(grown.moves).toEqual([]);
    expect(grown.registry.projects.billing!.range).toEqual({ from: 5000, to: 5049 });
    const r = registry();
    r.projects.billing!.services!.cache = { port: 5064, purpose: 'cache' };
    expect(() => moveProject(r, 'billing', { from: 5032, to: 5131 }, { now })).toThrow(
      'range 5032-5131 cannot go to project "billing": it overlaps range 5100-5199 of project "web"',
    );
    delete r.projects.web;
    expect(() => moveProject(r, 'billing', { from: 5032, to: 5131 }, { now })).toThrow(
      'service "api" would move to 5032, the port service "postgres" leaves, which stays in quarantine; choose a range that does not overlap 5000-5099',
    );
  });
});

describe('moveProject with ports named', () => {
  it('gives a named service the port it is told, the others their offset; the range too small for an offset is no longer a refusal', () => {
    const r = moveProject(registry(), 'billing', { from: 5300, to: 5320 }, { now }, { postgres: 5310 });
    expect(r.moves).toEqual([
      { project: 'billing', service: 'api', from: 5000, to: 5300 },
      { project: 'billing', service: 'postgres', from: 5032, to: 5310 },
    ]);
    expect(r.registry.projects.billing!.services!.postgres!.port).toBe(5310);
    expect(errors(r.registry)).toEqual([]);
  });

  it('refuses an unknown service, a port outside the new range, and a port already taken', () => {
    expect(() => moveProject(registry(), 'billing', { from: 5300, to: 5399 }, { now }, { cache: 5310 })).toThrow(
      'project "billing" has no service "cache" (it has api, postgres)',
    );
    expect(() => moveProject(registry(), 'billing', { from: 5300, to: 5399 }, { now }, { api: 5400 })).toThrow(
      'port 5400 for service "api" lies outside the new range 5300-5399',
    );
    expect(() => moveProject(registry(), 'billing', { from: 5300, to: 5399 }, { now }, { api: 5332 })).toThrow(
      'port 5332 is taken by service "api" of project "billing"',
    );
  });

  it('says how to name a port when an offset does not fit', () => {
    expect(() => moveProject(registry(), 'billing', { from: 5300, to: 5320 }, { now })).toThrow(
      'which would be 5332; name its new port with --port postgres=PORT',
    );
  });
});

describe('diffRegistries and migrateRegistry', () => {
  it('finds changed ports, moved ranges and removed services; records history and releases once', () => {
    const old = registry();
    const current = registry();
    current.projects.billing!.services!.postgres!.port = 5033;
    delete current.projects.billing!.services!.api;
    current.projects.web!.range = { from: 5400, to: 5499 };
    current.projects.web!.services!.web!.port = 5400;
    const diff = diffRegistries(old, current);
    expect(diff).toEqual({
      changes: [
        { project: 'billing', service: 'postgres', from: 5032, to: 5033, how: 'port' },
        { project: 'web', service: 'web', from: 5100, to: 5400, how: 'port' },
      ],
      rangeMoves: [{ project: 'web', from: { from: 5100, to: 5199 }, to: { from: 5400, to: 5499 } }],
      removed: [{ project: 'billing', service: 'api', port: 5000 }],
    });
    const step = migrateRegistry(current, diff, { now });
    expect(step.notes).toHaveLength(3);
    expect(step.registry!.projects.billing!.services!.postgres!.history!.at(-1)).toEqual({ port: 5032, until: now.toISOString(), reason: 'migrate' });
    expect(step.registry!.released).toEqual([{ project: 'billing', service: 'api', port: 5000, releasedAt: now.toISOString() }]);
    // idempotent
    expect(migrateRegistry(step.registry!, diffRegistries(old, step.registry!), { now: later })).toEqual({ notes: [] });
  });

  it('a range moved without its ports: each service gets its offset in the new range, and the old port in its history', () => {
    const current = registry();
    current.projects.web!.range = { from: 5400, to: 5499 };
    const diff = diffRegistries(registry(), current);
    expect(diff.changes).toEqual([{ project: 'web', service: 'web', from: 5100, to: 5400, how: 'offset' }]);
    const step = migrateRegistry(current, diff, { now });
    expect(step.registry!.projects.web!.services!.web).toMatchObject({
      port: 5400,
      history: [{ port: 5100, until: now.toISOString(), reason: 'project moved from 5100-5199 to 5400-5499' }],
    });
    expect(step.notes).toEqual([
      'service "web" of project "web": port 5100 → 5400, its offset in the new range 5400-5499',
      'service "web" of project "web": 5100 added to its history (quarantine)',
    ]);
    // idempotent: the registry now has the ports, the diff says "port" and the history is there
    expect(migrateRegistry(step.registry!, diffRegistries(registry(), step.registry!), { now: later })).toEqual({ notes: [] });
  });

  it('a port that someone holds now gets no history entry (a swap)', () => {
    const current = registry();
    current.projects.billing!.services!.api!.port = 5032;
    current.projects.billing!.services!.postgres!.port = 5000;
    const diff = diffRegistries(registry(), current);
    expect(diff.changes.map((c) => `${c.service} ${c.from}->${c.to}`)).toEqual(['api 5000->5032', 'postgres 5032->5000']);
    expect(migrateRegistry(current, diff, { now })).toEqual({ notes: [] });
  });
});
