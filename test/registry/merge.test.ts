/**
 * The pure three-way merge of registries (src/registry/merge.ts): entries and fields from the side
 * that changed them, true conflicts reported with where and what, and two claims of one port (or
 * of overlapping ranges) settled: ours keeps it, theirs moves as `reassign` / `project move` would.
 */
import { describe, expect, it } from 'vitest';
import { mergeRegistries } from '../../src/registry/merge.js';
import { parseRegistryText } from '../../src/registry/load.js';
import { serializeRegistry } from '../../src/registry/serialize.js';
import type { Registry, Service } from '../../src/registry/types.js';

const NOW = new Date('2026-12-01T10:00:00.000Z');
const LATER = new Date('2026-12-02T08:30:00.000Z');

function registry(services: Record<string, Service>, extra: Partial<Registry> = {}, more: Registry['projects'] = {}): Registry {
  return { version: 1, ...extra, projects: { shop: { range: { from: 5000, to: 5099 }, path: 'shop', services }, ...more } };
}

const web: Service = { port: 5000, purpose: 'Web UI', env: 'WEB_PORT' };
const base = registry({ web });

/** The merged registry passes every check (the store would refuse it otherwise). */
function expectValid(r: Registry | undefined): void {
  expect(r).toBeDefined();
  const loaded = parseRegistryText(serializeRegistry(r!), '/repo/ports.registry.json', { now: NOW, cwd: '/repo' });
  expect(loaded.findings.filter((f) => f.severity === 'error')).toEqual([]);
}

describe('entries', () => {
  it('takes each change from the side that made it: services, projects, fields', () => {
    const ours = registry({ web: { ...web, purpose: 'Storefront' }, api: { port: 5001, purpose: 'REST API' } });
    const theirs = registry(
      { web: { ...web, env: 'SHOP_WEB_PORT' } },
      {},
      { blog: { range: { from: 5100, to: 5199 }, services: { cms: { port: 5100, purpose: 'CMS' } } } },
    );
    const m = mergeRegistries(base, ours, theirs, { now: NOW });
    expect(m.conflicts).toEqual([]);
    expect(m.moves).toEqual([]);
    expect(m.decisions).toEqual([]);
    expect(m.registry).toEqual(
      registry(
        { web: { port: 5000, purpose: 'Storefront', env: 'SHOP_WEB_PORT' }, api: { port: 5001, purpose: 'REST API' } },
        {},
        { blog: { range: { from: 5100, to: 5199 }, services: { cms: { port: 5100, purpose: 'CMS' } } } },
      ),
    );
    expectValid(m.registry);
  });

  it('takes the same change made on both sides once', () => {
    const both = registry({ web, api: { port: 5001, purpose: 'REST API' } });
    const m = mergeRegistries(base, both, structuredClone(both), { now: NOW });
    expect(m.conflicts).toEqual([]);
    expect(m.registry).toEqual(both);
  });

  it('reports a field both sides changed differently, and decides nothing', () => {
    const ours = registry({ web: { ...web, purpose: 'Storefront' } });
    const theirs = registry({ web: { ...web, purpose: 'Shop front' } });
    const m = mergeRegistries(base, ours, theirs, { now: NOW });
    expect(m.registry).toBeUndefined();
    expect(m.conflicts).toEqual([
      {
        path: ['projects', 'shop', 'services', 'web', 'purpose'],
        message: 'service "web" of project "shop": its purpose: ours has "Storefront", theirs has "Shop front" (it was "Web UI")',
      },
    ]);
  });

  it('reports a service removed on one side and changed on the other, and one added on both with different ports', () => {
    const ours = registry({ api: { port: 5002, purpose: 'REST API' } });
    const theirs = registry({ web: { ...web, port: 5005 }, api: { port: 5003, purpose: 'REST API' } });
    const m = mergeRegistries(base, ours, theirs, { now: NOW });
    expect(m.conflicts.map((c) => c.message)).toEqual([
      'service "api" of project "shop": its port: ours has 5002, theirs has 5003 (added on both sides)',
      'service "web" of project "shop": removed on ours and changed on theirs',
    ]);
  });

  it('takes a range as one value: a range changed on both sides is a conflict, not half of each', () => {
    const ours = registry({ web });
    ours.projects.shop!.range = { from: 5000, to: 5049 };
    const theirs = registry({ web });
    theirs.projects.shop!.range = { from: 4990, to: 5099 };
    expect(mergeRegistries(base, ours, theirs, { now: NOW }).conflicts.map((c) => c.message)).toEqual([
      'project "shop": its range: ours has {"from":5000,"to":5049}, theirs has {"from":4990,"to":5099} (it was {"from":5000,"to":5099})',
    ]);
  });

  it('merges history and release records as sets: a release on one side and a reassignment on the other', () => {
    const start = registry({ web, api: { port: 5001, purpose: 'REST API' }, old: { port: 5009, purpose: 'Old' } });
    const ours = registry(
      { web, api: { port: 5001, purpose: 'REST API' } },
      { released: [{ project: 'shop', service: 'old', port: 5009, releasedAt: '2026-11-30T00:00:00.000Z' }] },
    );
    const theirs = registry({
      web,
      api: { port: 5004, purpose: 'REST API', history: [{ port: 5001, until: '2026-11-29T00:00:00.000Z', reason: 'clash' }] },
      old: { port: 5009, purpose: 'Old' },
    });
    const m = mergeRegistries(start, ours, theirs, { now: NOW });
    expect(m.conflicts).toEqual([]);
    expect(m.registry).toEqual(
      registry(
        { web, api: { port: 5004, purpose: 'REST API', history: [{ port: 5001, until: '2026-11-29T00:00:00.000Z', reason: 'clash' }] } },
        { released: [{ project: 'shop', service: 'old', port: 5009, releasedAt: '2026-11-30T00:00:00.000Z' }] },
      ),
    );
  });

  it('merges reservations by the ports and protocol they cover, field by field', () => {
    const reserved = [{ range: { from: 8000, to: 8099 }, reason: 'supervisor', owner: 'ops' }];
    const start = registry({ web }, { reserved });
    const ours = registry({ web }, { reserved: [{ ...reserved[0]!, reason: 'the supervisor' }] });
    const theirs = registry(
      { web },
      {
        reserved: [
          { ...reserved[0]!, severity: 'warning' as const },
          { port: 6379, reason: 'redis' },
        ],
      },
    );
    const m = mergeRegistries(start, ours, theirs, { now: NOW });
    expect(m.conflicts).toEqual([]);
    expect(m.registry!.reserved).toEqual([
      { range: { from: 8000, to: 8099 }, reason: 'the supervisor', owner: 'ops', severity: 'warning' },
      { port: 6379, reason: 'redis' },
    ]);
  });

  it('merges two files that git added on both sides (no base)', () => {
    const ours = registry({ web });
    const theirs = registry({ api: { port: 5001, purpose: 'REST API' } });
    const m = mergeRegistries(null, ours, theirs, { now: NOW });
    expect(m.conflicts).toEqual([]);
    expect(Object.keys(m.registry!.projects.shop!.services!)).toEqual(['web', 'api']);
  });
});

describe('two claims of one port', () => {
  const ours = registry({ web, api: { port: 5001, purpose: 'REST API', env: 'API_PORT' } });
  const theirs = registry({ web, worker: { port: 5001, purpose: 'Queue worker', env: 'WORKER_PORT' }, cron: { port: 5002, purpose: 'Cron' } });

  it('keeps ours and moves theirs to the next free port of its range, recorded in its history', () => {
    const m = mergeRegistries(base, ours, theirs, { now: NOW });
    expect(m.conflicts).toEqual([]);
    expect(m.registry!.projects.shop!.services).toEqual({
      web,
      api: { port: 5001, purpose: 'REST API', env: 'API_PORT' },
      worker: {
        port: 5003,
        purpose: 'Queue worker',
        env: 'WORKER_PORT',
        history: [{ port: 5001, until: '2026-12-01T10:00:00.000Z', reason: 'merge: port 5001 stayed with service "api" of project "shop"' }],
      },
      cron: { port: 5002, purpose: 'Cron' },
    });
    expect(m.moves).toEqual([{ project: 'shop', service: 'worker', from: 5001, to: 5003 }]);
    expect(m.decisions).toEqual([
      'port 5001: both sides gave it away; service "api" of project "shop" (ours) keeps it, service "worker" of project "shop" (theirs) moves to 5003',
    ]);
    expect([...m.contested]).toEqual([[5001, 'service "api" of project "shop"']]);
    // The entries as merged: both services on 5001, as the merged configs still say.
    expect(m.entries!.projects.shop!.services!.worker!.port).toBe(5001);
    expectValid(m.registry);
  });

  it('changes nothing the second time: the earlier resolution keeps its port and its date', () => {
    const first = mergeRegistries(base, ours, theirs, { now: NOW });
    const again = mergeRegistries(base, ours, theirs, { now: LATER, previous: first.registry });
    expect(serializeRegistry(again.registry!)).toBe(serializeRegistry(first.registry!));
    expect(again.moves).toEqual(first.moves);
    // Without the earlier result, a later run dates the move later.
    const fresh = mergeRegistries(base, ours, theirs, { now: LATER });
    expect(fresh.registry!.projects.shop!.services!.worker!.history![0]!.until).toBe('2026-12-02T08:30:00.000Z');
  });

  it('tells protocols apart: 5001/udp on one side and 5001/tcp on the other is no clash', () => {
    const udp = registry({ web, dns: { port: 5001, purpose: 'DNS', protocol: 'udp' } });
    const m = mergeRegistries(base, ours, udp, { now: NOW });
    expect(m.moves).toEqual([]);
    expect(m.registry!.projects.shop!.services!.dns!.port).toBe(5001);
  });

  it('moves each of several services of theirs to its own port', () => {
    const two = registry({ web, worker: { port: 5001, purpose: 'Queue worker' }, mailer: { port: 5002, purpose: 'Mailer' } });
    const mine = registry({ web, api: { port: 5001, purpose: 'REST API' }, admin: { port: 5002, purpose: 'Admin' } });
    const m = mergeRegistries(base, mine, two, { now: NOW });
    expect(m.moves).toEqual([
      { project: 'shop', service: 'mailer', from: 5002, to: 5003 },
      { project: 'shop', service: 'worker', from: 5001, to: 5004 },
    ]);
    expectValid(m.registry);
  });

  it('moves a service of theirs off a port ours reserved meanwhile', () => {
    const reservedOnOurs = registry({ web }, { reserved: [{ port: 5001, protocol: 'tcp', reason: 'the metrics agent' }] });
    const takenOnTheirs = registry({ web, worker: { port: 5001, purpose: 'Queue worker' } });
    const m = mergeRegistries(base, reservedOnOurs, takenOnTheirs, { now: NOW });
    expect(m.conflicts).toEqual([]);
    expect(m.registry!.projects.shop!.services!.worker).toEqual({
      port: 5002,
      purpose: 'Queue worker',
      history: [{ port: 5001, until: '2026-12-01T10:00:00.000Z', reason: 'merge: port 5001 is reserved: the metrics agent' }],
    });
    expect(m.decisions).toEqual(['port 5001: reserved (the metrics agent); service "worker" of project "shop" (theirs) moves to 5002']);
    expectValid(m.registry);
  });

  it('reports a clash it cannot settle: the range is full', () => {
    const tiny = (services: Record<string, Service>) => ({ version: 1, projects: { shop: { range: { from: 5000, to: 5001 }, services } } });
    const m = mergeRegistries(tiny({ web }), tiny({ web, api: { port: 5001, purpose: 'API' } }), tiny({ web, worker: { port: 5001, purpose: 'Worker' } }), {
      now: NOW,
    });
    expect(m.registry).toBeUndefined();
    expect(m.conflicts.map((c) => c.message)).toEqual([
      'service "worker" of project "shop" (theirs) has port 5001, which service "api" of project "shop" keeps, and cannot move: project shop: range 5000-5001 is full (2 of 2 used)',
    ]);
  });
});

describe('two claims of one range', () => {
  it('keeps ours and moves theirs to the next free block; its services keep their offsets', () => {
    const start: Registry = { version: 1, projects: { shop: { range: { from: 5000, to: 5099 }, services: { web } } } };
    const ours: Registry = {
      ...structuredClone(start),
      projects: { ...structuredClone(start.projects), blog: { range: { from: 5100, to: 5199 }, services: {} } },
    };
    const theirs: Registry = {
      ...structuredClone(start),
      projects: { ...structuredClone(start.projects), docs: { range: { from: 5100, to: 5199 }, services: { site: { port: 5105, purpose: 'Docs site' } } } },
    };
    const m = mergeRegistries(start, ours, theirs, { now: NOW });
    expect(m.conflicts).toEqual([]);
    expect(m.registry!.projects.blog!.range).toEqual({ from: 5100, to: 5199 });
    expect(m.registry!.projects.docs).toEqual({
      range: { from: 5200, to: 5299 },
      services: {
        site: {
          port: 5205,
          purpose: 'Docs site',
          history: [{ port: 5105, until: '2026-12-01T10:00:00.000Z', reason: 'project moved from 5100-5199 to 5200-5299' }],
        },
      },
    });
    expect(m.moves).toEqual([{ project: 'docs', service: 'site', from: 5105, to: 5205 }]);
    expect(m.decisions).toEqual([
      'range 5100-5199: both sides gave it away; project "blog" (ours) keeps 5100-5199, project "docs" (theirs) moves to 5200-5299, its services with it ("site" 5105 → 5205)',
    ]);
    expectValid(m.registry);
    const again = mergeRegistries(start, ours, theirs, { now: LATER, previous: m.registry });
    expect(serializeRegistry(again.registry!)).toBe(serializeRegistry(m.registry!));
  });
});
