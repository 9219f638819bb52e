/**
 * The registry's canonical style: 2-space JSON, keys in schema order, projects by range,
 * services by port, one line per entry, trailing newline; one new service is a one-line diff.
 */
import { describe, expect, it } from 'vitest';
import { allocatePort } from '../../src/registry/allocator.js';
import { newRegistry } from '../../src/registry/defaults.js';
import { serializeRegistry } from '../../src/registry/serialize.js';
import type { Registry } from '../../src/registry/types.js';

/** Built in a deliberately scrambled order: projects not by range, services not by port, keys not in schema order. */
function small(): Registry {
  return {
    projects: {
      search: { services: {}, range: { to: 5199, from: 5100 } },
      analytics: {
        services: { collector: { purpose: 'Event collector', port: 5210 } },
        range: { from: 5200, to: 5299 },
      },
      billing: {
        services: {
          postgres: {
            containerPort: 5432,
            env: 'DATABASE_PORT',
            purpose: 'Main database',
            port: 5032,
            composeService: 'db',
            history: [{ reason: 'clashed with api', until: '2025-01-01', port: 5002 }],
          },
          dns: { protocol: ['tcp', 'udp'], purpose: 'DNS', port: 5053 },
          api: { env: 'API_PORT', purpose: 'REST API', port: 5001 },
        },
        description: 'Invoices',
        path: 'projects/billing',
        range: { to: 5099, from: 5000 },
      },
    },
    released: [{ releasedAt: '2025-01-02T00:00:00.000Z', env: 'WORKER_PORT', port: 5010, service: 'worker', project: 'billing' }],
    reserved: [
      { reason: 'SSH', port: 22 },
      { owner: 'supervisor', reason: 'Supervisor infrastructure (MCP server, etc.)', range: { to: 8099, from: 8000 } },
      { severity: 'warning', reason: 'macOS AirPlay receiver', protocol: 'tcp', port: 5000 },
    ],
    quarantineDays: 30,
    projectSpace: { to: 32767, from: 5000 },
    rangeSize: 100,
    version: 1,
    $schema: './node_modules/portreg/schemas/ports.registry.schema.json',
  };
}

const EXPECTED = `{
  "$schema": "./node_modules/portreg/schemas/ports.registry.schema.json",
  "version": 1,
  "rangeSize": 100,
  "projectSpace": { "from": 5000, "to": 32767 },
  "quarantineDays": 30,
  "reserved": [
    { "port": 22, "reason": "SSH" },
    { "range": { "from": 8000, "to": 8099 }, "reason": "Supervisor infrastructure (MCP server, etc.)", "owner": "supervisor" },
    { "port": 5000, "protocol": "tcp", "reason": "macOS AirPlay receiver", "severity": "warning" }
  ],
  "projects": {
    "billing": {
      "range": { "from": 5000, "to": 5099 },
      "path": "projects/billing",
      "description": "Invoices",
      "services": {
        "api": { "port": 5001, "purpose": "REST API", "env": "API_PORT" },
        "postgres": { "port": 5032, "purpose": "Main database", "env": "DATABASE_PORT", "composeService": "db", "containerPort": 5432, "history": [{ "port": 5002, "until": "2025-01-01", "reason": "clashed with api" }] },
        "dns": { "port": 5053, "purpose": "DNS", "protocol": ["tcp", "udp"] }
      }
    },
    "search": {
      "range": { "from": 5100, "to": 5199 },
      "services": {}
    },
    "analytics": {
      "range": { "from": 5200, "to": 5299 },
      "services": {
        "collector": { "port": 5210, "purpose": "Event collector" }
      }
    }
  },
  "released": [
    { "project": "billing", "service": "worker", "port": 5010, "env": "WORKER_PORT", "releasedAt": "2025-01-02T00:00:00.000Z" }
  ]
}
`;

/** The same value with every object's keys in another order (reversed, or rotated), recursively. */
function reorderKeys(value: unknown, how: 'reverse' | 'rotate'): unknown {
  if (Array.isArray(value)) return value.map((v) => reorderKeys(v, how));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  const ordered = how === 'reverse' ? entries.reverse() : [...entries.slice(1), ...entries.slice(0, 1)];
  return Object.fromEntries(ordered.map(([k, v]) => [k, reorderKeys(v, how)]));
}

/** A line diff by longest common subsequence: the lines only in `before` and only in `after`. */
function lineDiff(before: string, after: string): { removed: string[]; added: string[] } {
  const a = before.split('\n');
  const b = after.split('\n');
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const removed: string[] = [];
  const added: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) removed.push(a[i++]!);
    else added.push(b[j++]!);
  }
  while (i < a.length) removed.push(a[i++]!);
  while (j < b.length) added.push(b[j++]!);
  return { removed, added };
}

describe('serializeRegistry: the canonical style', () => {
  it('writes a small registry exactly', () => {
    expect(serializeRegistry(small())).toBe(EXPECTED);
  });

  it('ends with exactly one newline and indents with 2 spaces, never tabs', () => {
    const out = serializeRegistry(small());
    expect(out.endsWith('}\n')).toBe(true);
    expect(out.endsWith('\n\n')).toBe(false);
    expect(out).not.toContain('\t');
    for (const line of out.split('\n')) expect(line.match(/^ */)![0].length % 2).toBe(0);
  });

  it('writes valid JSON holding the same registry', () => {
    expect(JSON.parse(serializeRegistry(small()))).toEqual(small());
  });

  it('writes every service, reservation, released entry and range on one line', () => {
    const lines = serializeRegistry(small()).split('\n');
    for (const needle of ['"api":', '"postgres":', '"dns":', '"collector":', '"port": 22', '"port": 5000', '"project": "billing"', '"projectSpace":']) {
      const line = lines.find((l) => l.includes(needle));
      expect(line, needle).toBeDefined();
      const text = line!.trim().replace(/,$/, '');
      // A complete JSON value on its own (a list item) or a complete member (a keyed entry).
      expect(() => JSON.parse(text.startsWith('"') ? `{${text}}` : text), needle).not.toThrow();
    }
    expect(lines.filter((l) => l.includes('"range": { "from"'))).toHaveLength(4);
  });

  it('orders projects by range start, whatever their names', () => {
    const reg = small();
    reg.projects = { zeta: { range: { from: 5000, to: 5099 } }, alpha: { range: { from: 6000, to: 6099 } }, mid: { range: { from: 5500, to: 5599 } } };
    expect(Object.keys(JSON.parse(serializeRegistry(reg)).projects)).toEqual(['zeta', 'mid', 'alpha']);
  });

  it('orders services by port, then by name for a port shared across protocols', () => {
    const reg = small();
    reg.projects = {
      infra: {
        range: { from: 50, to: 59 },
        services: {
          zone: { port: 53, purpose: 'DNS over TCP' },
          ssh: { port: 52, purpose: 'x' },
          dns: { port: 53, purpose: 'DNS over UDP', protocol: 'udp' },
        },
      },
    };
    expect(Object.keys(JSON.parse(serializeRegistry(reg)).projects.infra.services)).toEqual(['ssh', 'dns', 'zone']);
  });

  it('keeps the order of reservations and released entries as they are', () => {
    const reg = small();
    reg.reserved!.reverse();
    const out = JSON.parse(serializeRegistry(reg));
    expect(out.reserved.map((r: { reason: string }) => r.reason)).toEqual(['macOS AirPlay receiver', 'Supervisor infrastructure (MCP server, etc.)', 'SSH']);
  });

  it('writes unknown keys after the known ones and leaves out undefined values', () => {
    const reg = small() as Registry & { extra?: unknown; comment?: unknown };
    const withExtra = { comment: 'kept', ...reg, extra: 1, rangeSize: undefined };
    const out = serializeRegistry(withExtra as Registry);
    const keys = Object.keys(JSON.parse(out));
    expect(keys).toEqual(['$schema', 'version', 'projectSpace', 'quarantineDays', 'reserved', 'projects', 'released', 'comment', 'extra']);
    expect(out).not.toContain('rangeSize');
  });

  it('writes a fresh registry from init', () => {
    const out = serializeRegistry(newRegistry('./node_modules/portreg/schemas/ports.registry.schema.json'));
    const lines = out.split('\n');
    expect(lines.slice(0, 7)).toEqual([
      '{',
      '  "$schema": "./node_modules/portreg/schemas/ports.registry.schema.json",',
      '  "version": 1,',
      '  "rangeSize": 100,',
      '  "projectSpace": { "from": 5000, "to": 32767 },',
      '  "quarantineDays": 30,',
      '  "reserved": [',
    ]);
    expect(lines).toContain('    { "range": { "from": 8000, "to": 8099 }, "reason": "Supervisor infrastructure (MCP server, etc.)", "owner": "supervisor" },');
    expect(lines).toContain('    { "port": 10080, "reason": "Browsers refuse this port (Amanda)", "severity": "warning" }');
    expect(lines.slice(-3)).toEqual(['  "projects": {}', '}', '']);
  });
});

describe('serializeRegistry: idempotent', () => {
  it('serialize → parse → serialize gives identical bytes', () => {
    const once = serializeRegistry(small());
    const twice = serializeRegistry(JSON.parse(once) as Registry);
    expect(twice).toBe(once);
    expect(Buffer.from(twice).equals(Buffer.from(once))).toBe(true);
    expect(serializeRegistry(JSON.parse(twice) as Registry)).toBe(once);
  });

  it('the key order of the input does not matter', () => {
    const expected = serializeRegistry(small());
    expect(serializeRegistry(reorderKeys(small(), 'reverse') as Registry)).toBe(expected);
    expect(serializeRegistry(reorderKeys(small(), 'rotate') as Registry)).toBe(expected);
    expect(serializeRegistry(reorderKeys(reorderKeys(small(), 'rotate'), 'rotate') as Registry)).toBe(expected);
    expect(serializeRegistry(JSON.parse(expected) as Registry)).toBe(expected);
  });
});

describe('serializeRegistry: one allocation is a one-line diff', () => {
  it('the line diff helper sees one added line', () => {
    expect(lineDiff('a\nb\nc\n', 'a\nb\nx\nc\n')).toEqual({ removed: [], added: ['x'] });
    expect(lineDiff('a\nb\n', 'a\nc\n')).toEqual({ removed: ['b'], added: ['c'] });
  });

  it('adding one service changes exactly one line', () => {
    const before = small();
    const after = small();
    after.projects.billing!.services!.web = { port: 5020, purpose: 'Web front end', env: 'WEB_PORT' };
    const diff = lineDiff(serializeRegistry(before), serializeRegistry(after));
    expect(diff.removed).toEqual([]);
    expect(diff.added).toEqual(['        "web": { "port": 5020, "purpose": "Web front end", "env": "WEB_PORT" },']);
  });

  it('an allocation through the allocator changes exactly one line', () => {
    const before = small();
    // 5000 is to avoid, 5001 taken, 5002 moved away from (until 2025-01-31), so 5003.
    const r = allocatePort(before, { project: 'billing', service: 'web', purpose: 'Web', env: 'WEB_PORT' }, { now: new Date('2025-01-05T00:00:00Z') });
    expect(r.port).toBe(5003);
    const diff = lineDiff(serializeRegistry(before), serializeRegistry(r.registry));
    expect(diff.removed).toEqual([]);
    expect(diff.added).toEqual(['        "web": { "port": 5003, "purpose": "Web", "env": "WEB_PORT" },']);
  });

  it('an explicit allocation in another project changes exactly one line', () => {
    const before = small();
    const r = allocatePort(before, { project: 'analytics', service: 'ui', purpose: 'Dashboards', port: 5201 }, { now: new Date('2025-01-05T00:00:00Z') });
    const diff = lineDiff(serializeRegistry(before), serializeRegistry(r.registry));
    expect(diff).toEqual({ removed: [], added: ['        "ui": { "port": 5201, "purpose": "Dashboards" },'] });
  });
});
