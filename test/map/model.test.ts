import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/findings.js';
import { buildMapModel, subtractRanges, type MapInput } from '../../src/map/model.js';
import { JsonDocument } from '../../src/registry/json-document.js';
import type { Registry } from '../../src/registry/types.js';
import type { PortFact } from '../../src/scan/scan.js';

/** A compose published port (a host port) unless `over` says otherwise. */
function fact(over: Partial<PortFact> & Pick<PortFact, 'file' | 'line' | 'column' | 'published'>): PortFact {
  return {
    endLine: over.line,
    endColumn: over.column + String(over.published).length,
    span: { start: 0, end: 4 },
    source: 'compose',
    kind: 'published',
    project: null,
    composeService: null,
    service: null,
    referencedProject: null,
    stack: null,
    hostIp: null,
    publishedEnd: null,
    target: 80,
    targetEnd: null,
    protocol: null,
    variable: null,
    resolved: true,
    raw: `${over.published}:80`,
    text: String(over.published),
    ...over,
  };
}

function finding(over: Partial<Finding> & Pick<Finding, 'file' | 'line' | 'column' | 'ruleId' | 'message'>): Finding {
  return { endLine: over.line, endColumn: over.column + 4, severity: 'error', ...over };
}

/** Space 5000-5999; reserved 5500-5509 (every project out), 5300/udp (one protocol: not out), 5050 to avoid, 5600 owned by "ops". */
function registry(projects: Registry['projects']): Registry {
  return {
    version: 1,
    projectSpace: { from: 5000, to: 5999 },
    reserved: [
      { range: { from: 5500, to: 5509 }, reason: 'Infrastructure' },
      { port: 5300, reason: 'DNS over UDP', protocol: 'udp' },
      { port: 5050, reason: 'Flaky port', severity: 'warning' },
      { port: 5600, reason: 'Ops console', owner: 'ops' },
      { port: 22, reason: 'SSH' },
    ],
    projects,
  };
}

const input = (reg: Registry, rest: Partial<MapInput> = {}): MapInput => ({ registry: reg, ports: [], files: [], findings: [], ...rest });

describe('buildMapModel: blocks, free gaps and reservations', () => {
  const reg = registry({
    web: {
      range: { from: 5100, to: 5199 },
      path: 'apps/web',
      services: { api: { port: 5101, purpose: 'API' }, ui: { port: 5100, purpose: 'UI', env: 'UI_PORT' } },
    },
    db: { range: { from: 5000, to: 5099 }, description: 'databases', services: { pg: { port: 5032, purpose: 'Postgres', protocol: ['tcp', 'udp'] } } },
    ops: { range: { from: 5700, to: 5799 } },
  });
  const model = buildMapModel(input(reg));

  it('lists the projects by range with their services by port', () => {
    expect(model.projects.map((p) => [p.name, p.range.from, p.range.to, p.path, p.description, p.unregistered, p.outsideSpace])).toEqual([
      ['db', 5000, 5099, null, 'databases', 99, false],
      ['web', 5100, 5199, 'apps/web', null, 98, false],
      ['ops', 5700, 5799, null, null, 100, false],
    ]);
    expect(model.projects[1]!.services).toEqual([
      { name: 'ui', port: 5100, protocols: ['tcp'], purpose: 'UI', env: 'UI_PORT' },
      { name: 'api', port: 5101, protocols: ['tcp'], purpose: 'API', env: null },
    ]);
    expect(model.projects[0]!.services[0]!.protocols).toEqual(['tcp', 'udp']);
  });

  it('frees what no range covers and no all-protocol error reservation keeps out (owner or not); one-protocol and avoid ones stay free', () => {
    expect(model.free).toEqual([
      { from: 5200, to: 5499 },
      { from: 5510, to: 5599 },
      { from: 5601, to: 5699 },
      { from: 5800, to: 5999 },
    ]);
    expect(model.totals).toEqual({ projects: 3, services: 3, freePorts: 300 + 90 + 99 + 200, freeBlocks: 4, errors: 0, warnings: 0 });
  });

  it('keeps every reservation with its reason, kind, owner and protocol, in registry order', () => {
    expect(model.reservations).toEqual([
      { range: { from: 5500, to: 5509 }, reason: 'Infrastructure', severity: 'error', owner: null, protocol: null, index: 0 },
      { range: { from: 5300, to: 5300 }, reason: 'DNS over UDP', severity: 'error', owner: null, protocol: 'udp', index: 1 },
      { range: { from: 5050, to: 5050 }, reason: 'Flaky port', severity: 'warning', owner: null, protocol: null, index: 2 },
      { range: { from: 5600, to: 5600 }, reason: 'Ops console', severity: 'error', owner: 'ops', protocol: null, index: 3 },
      { range: { from: 22, to: 22 }, reason: 'SSH', severity: 'error', owner: null, protocol: null, index: 4 },
    ]);
  });

  it('draws the project space when nothing lies outside it', () => {
    expect(model.space).toEqual({ from: 5000, to: 5999 });
    expect(model.extent).toEqual({ from: 5000, to: 5999 });
  });

  it('marks each registered port, grey until a file writes it', () => {
    expect(model.projects[1]!.marks).toEqual([
      { port: 5100, to: 5100, services: ['ui'], registered: true, places: [], inRange: true, flagged: false },
      { port: 5101, to: 5101, services: ['api'], registered: true, places: [], inRange: true, flagged: false },
    ]);
  });

  it('has no slots unless the project declares them', () => {
    expect(model.projects.map((p) => p.slots)).toEqual([null, null, null]);
  });

  it('subtractRanges: overlapping, touching, outside and covering cuts', () => {
    expect(subtractRanges({ from: 10, to: 30 }, [])).toEqual([{ from: 10, to: 30 }]);
    expect(
      subtractRanges({ from: 10, to: 30 }, [
        { from: 15, to: 17 },
        { from: 16, to: 20 },
        { from: 21, to: 21 },
        { from: 1, to: 10 },
        { from: 40, to: 50 },
      ]),
    ).toEqual([
      { from: 11, to: 14 },
      { from: 22, to: 30 },
    ]);
    expect(subtractRanges({ from: 10, to: 30 }, [{ from: 0, to: 100 }])).toEqual([]);
  });
});

describe('buildMapModel: the tree and its findings', () => {
  const reg = registry({
    web: { range: { from: 5100, to: 5199 }, services: { api: { port: 5101, purpose: 'API' } } },
    db: { range: { from: 5000, to: 5099 }, services: { pg: { port: 5032, purpose: 'Postgres' } } },
  });
  const ports = [
    // web's own: the registered port, written twice; a port outside its range; a published range.
    fact({ file: 'web/compose.yaml', line: 5, column: 9, published: 5101, project: 'web', service: 'api', composeService: 'api' }),
    fact({ file: 'web/.env.example', line: 1, column: 10, published: 5101, project: 'web', service: 'api', source: 'env', kind: 'env', variable: 'API_PORT' }),
    fact({ file: 'web/compose.yaml', line: 9, column: 9, published: 6200, project: 'web', composeService: 'worker' }),
    fact({ file: 'web/compose.yaml', line: 12, column: 9, published: 5150, publishedEnd: 5152, project: 'web', composeService: 'rtp' }),
    // A README mention of db's port: not a use.
    fact({ file: 'web/README.md', line: 3, column: 20, published: 5032, project: 'web', source: 'markdown', kind: 'url', referencedProject: 'db' }),
    // A file of no project.
    fact({ file: 'tools/compose.yaml', line: 2, column: 9, published: 4000, project: null, composeService: 'x' }),
  ];
  const findings = [
    finding({
      file: 'web/compose.yaml',
      line: 9,
      column: 9,
      ruleId: 'port-out-of-range',
      message: 'port 6200 is outside the range 5100-5199 of project "web"',
    }),
    finding({ file: 'web/README.md', line: 3, column: 20, ruleId: 'docs-stale', message: 'stale', severity: 'warning' }),
    finding({ file: 'web/README.md', line: 40, column: 1, ruleId: 'other', message: 'in a file of web, at no port' }),
    finding({ file: 'ports.registry.json', line: 2, column: 3, ruleId: 'registry-x', message: 'about the registry' }),
  ];
  const files = [
    { path: 'web/compose.yaml', project: 'web' },
    { path: 'web/README.md', project: 'web' },
    { path: 'tools/compose.yaml', project: null },
  ];
  const model = buildMapModel(input(reg, { ports, findings, files }));
  const web = model.projects.find((p) => p.name === 'web')!;

  it("marks the project's own host ports with their places; mentions are not uses", () => {
    expect(web.marks).toEqual([
      {
        port: 5101,
        to: 5101,
        services: ['api'],
        registered: true,
        places: [
          { file: 'web/.env.example', line: 1, column: 10 },
          { file: 'web/compose.yaml', line: 5, column: 9 },
        ],
        inRange: true,
        flagged: false,
      },
      {
        port: 5150,
        to: 5152,
        services: ['rtp'],
        registered: false,
        places: [{ file: 'web/compose.yaml', line: 12, column: 9 }],
        inRange: true,
        flagged: false,
      },
      {
        port: 6200,
        to: 6200,
        services: ['worker'],
        registered: false,
        places: [{ file: 'web/compose.yaml', line: 9, column: 9 }],
        inRange: false,
        flagged: true,
      },
    ]);
    const db = model.projects.find((p) => p.name === 'db')!;
    expect(db.marks.map((m) => [m.port, m.places.length, m.flagged])).toEqual([[5032, 0, false]]);
    expect(model.unowned).toEqual([
      {
        port: 4000,
        to: 4000,
        services: ['x'],
        registered: false,
        places: [{ file: 'tools/compose.yaml', line: 2, column: 9 }],
        inRange: false,
        flagged: false,
      },
    ]);
  });

  it('places each finding on a project and a port through the fact at its place, else its file; the rest stays unplaced', () => {
    expect(model.findings.map((f) => [f.ruleId, f.project, f.port, `${f.file}:${f.line}:${f.column}`, f.severity])).toEqual([
      ['port-out-of-range', 'web', 6200, 'web/compose.yaml:9:9', 'error'],
      ['docs-stale', 'web', 5032, 'web/README.md:3:20', 'warning'],
      ['other', 'web', null, 'web/README.md:40:1', 'error'],
      ['registry-x', null, null, 'ports.registry.json:2:3', 'error'],
    ]);
    expect(web.findings).toEqual([0, 1, 2]);
    expect(model.totals.errors).toBe(3);
    expect(model.totals.warnings).toBe(1);
  });

  it('widens the band to every port used outside the space', () => {
    expect(model.extent).toEqual({ from: 4000, to: 6200 });
  });
});

describe('buildMapModel: slots (issue 15), when a project declares them', () => {
  it('counts the slots the range holds; a missing or broken width means none', () => {
    const reg = registry({
      a: { range: { from: 5000, to: 5099 }, slots: { width: 10 } } as Registry['projects'][string],
      b: { range: { from: 5100, to: 5124 }, slots: { width: 10 } } as Registry['projects'][string],
      c: { range: { from: 5200, to: 5299 }, slots: { width: 0 } } as Registry['projects'][string],
      d: { range: { from: 5300, to: 5399 }, slots: {} } as Registry['projects'][string],
    });
    expect(buildMapModel(input(reg)).projects.map((p) => [p.name, p.slots])).toEqual([
      ['a', { width: 10, count: 10 }],
      ['b', { width: 10, count: 2 }],
      ['c', null],
      ['d', null],
    ]);
  });
});

describe('buildMapModel: a range outside the space, the default space', () => {
  it('flags the range and widens the band; a registry without projectSpace uses 5000-32767', () => {
    const reg: Registry = { version: 1, projects: { far: { range: { from: 40000, to: 40099 } } } };
    const model = buildMapModel(input(reg));
    expect(model.space).toEqual({ from: 5000, to: 32767 });
    expect(model.extent).toEqual({ from: 5000, to: 40099 });
    expect(model.projects[0]!.outsideSpace).toBe(true);
    expect(model.free).toEqual([{ from: 5000, to: 32767 }]);
  });
});

describe('buildMapModel: findings in the registry file', () => {
  it('places each on the innermost entry its line lies in: a service (project and port), a project, or none', () => {
    const reg = registry({
      web: { range: { from: 5100, to: 5199 }, services: { api: { port: 5101, purpose: 'API' }, ui: { port: 5102, purpose: 'UI' } } },
      db: { range: { from: 5000, to: 5099 } },
    });
    const text = `${JSON.stringify(reg, null, 2)}\n`;
    const lineOf = (needle: string, at = text.indexOf(needle)) => text.slice(0, at).split('\n').length;
    const at = (line: number, ruleId: string) => finding({ file: 'ports.registry.json', line, column: 7, ruleId, message: ruleId });
    const model = buildMapModel(
      input(reg, {
        registryFile: { path: 'ports.registry.json', doc: new JsonDocument(text) },
        findings: [
          at(lineOf('"purpose": "UI"'), 'in-ui'),
          at(lineOf('"from": 5100'), 'in-web-range'),
          // db's range, not the project space's (the first "from": 5000).
          at(lineOf('', text.lastIndexOf('"from": 5000')), 'in-db'),
          at(lineOf('"Flaky port"'), 'in-reserved'),
          // Another file at the same line: not the registry's.
          finding({ file: 'other.json', line: lineOf('"purpose": "UI"'), column: 7, ruleId: 'elsewhere', message: 'x' }),
        ],
      }),
    );
    expect(model.findings.map((f) => [f.ruleId, f.project, f.port])).toEqual([
      ['in-ui', 'web', 5102],
      ['in-web-range', 'web', null],
      ['in-db', 'db', null],
      ['in-reserved', null, null],
      ['elsewhere', null, null],
    ]);
    expect(model.projects.find((p) => p.name === 'web')!.marks.map((m) => [m.port, m.flagged])).toEqual([
      [5101, false],
      [5102, true],
    ]);
  });
});
