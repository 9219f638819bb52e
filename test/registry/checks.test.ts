import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { loadRegistry, parseRegistryText, withSemanticChecks } from '../../src/registry/load.js';
import { PortregError } from '../../src/errors.js';
import { normalizeProjectPath } from '../../src/registry/checks.js';

const FIXTURES = path.join(import.meta.dirname, '../fixtures/registry');
const NOW = new Date('2026-11-25T12:00:00Z');

/** The parts of a finding a person reads, in one line each. */
function brief(findings: { ruleId: string; severity: string; line: number; column: number; message: string; related?: { line: number; column: number }[] }[]) {
  return findings.map(
    (f) => `${f.line}:${f.column} ${f.severity} ${f.ruleId}: ${f.message}${f.related ? ` [${f.related.map((r) => `${r.line}:${r.column}`).join(' ')}]` : ''}`,
  );
}

describe('registry checks on a hand-edited registry', () => {
  it('reports the duplicate port, the overlapping ranges and the reserved port with both places', async () => {
    const loaded = await loadRegistry(path.join(FIXTURES, 'hand-edited.json'), { now: NOW, cwd: FIXTURES });
    expect(loaded.displayPath).toBe('hand-edited.json');
    expect(brief(loaded.findings)).toEqual([
      '13:26 error registry-port-duplicate: port 5001/tcp of service "web" of project "billing" is already given to service "api" of project "billing" [12:26]',
      '14:28 warning registry-port-reserved: port 5000 of service "admin" of project "billing" is one to avoid: macOS AirPlay receiver (5000) [6:5]',
      '18:16 error registry-range-overlap: range 5050-5149 of project "search" overlaps range 5000-5099 of project "billing" [10:16]',
      '20:25 error registry-port-outside-range: port 5150 of service "es" of project "search" is outside the project\'s range 5050-5149 [18:16]',
      '24:16 error registry-range-reserved: range 7990-8010 of project "infra" overlaps reserved range 8000-8099 (Supervisor infrastructure) [5:5]',
      '26:26 error registry-port-reserved: port 8001 of service "mcp" of project "infra" is reserved: Supervisor infrastructure (8000-8099) [5:5]',
    ]);
    expect(loaded.findings.every((f) => f.file === 'hand-edited.json')).toBe(true);
    // The span covers the value: "5001" on line 13 runs from column 26 to 30.
    const dup = loaded.findings.find((f) => f.ruleId === 'registry-port-duplicate')!;
    expect([dup.line, dup.column, dup.endLine, dup.endColumn]).toEqual([13, 26, 13, 30]);
  });

  it('without the semantic checks, loads the data alone; withSemanticChecks then gives what a full load gives', async () => {
    const file = path.join(FIXTURES, 'hand-edited.json');
    const full = await loadRegistry(file, { now: NOW, cwd: FIXTURES });
    const schemaOnly = await loadRegistry(file, { now: NOW, cwd: FIXTURES, semantics: false });
    expect(schemaOnly.findings).toEqual([]);
    expect(schemaOnly.data).toEqual(full.data);
    expect(withSemanticChecks(schemaOnly, { now: NOW })).toEqual(full);
    // A registry that fails the schema has no data to check: its findings stay as they are.
    const broken = await loadRegistry(path.join(FIXTURES, 'schema-errors.json'), { now: NOW, cwd: FIXTURES, semantics: false });
    expect(withSemanticChecks(broken, { now: NOW }).findings).toEqual(broken.findings);
  });

  it('words schema errors with their JSON path and points at keys for unknown properties and bad names', async () => {
    const loaded = await loadRegistry(path.join(FIXTURES, 'schema-errors.json'), { now: NOW, cwd: FIXTURES });
    expect(loaded.data).toBeUndefined();
    expect(brief(loaded.findings)).toEqual([
      '5:38 error registry-schema: projects.billing.range.to: must be an integer',
      '7:26 error registry-schema: projects.billing.services.api.port: must be <= 65535',
      '7:56 error registry-schema: projects.billing.services.api.colour: unknown property "colour"',
      "8:9 error registry-schema: projects.billing.services[\"bad name\"]: \"bad name\" is not a valid name (letters, digits, '.', '_' and '-', starting with a letter or digit)",
      '11:12 error registry-schema: projects.web: missing required property "range"',
      '13:17 error registry-schema: reserved[0]: a reservation needs exactly one of "port" or "range"',
    ]);
  });

  it('points at a trailing comma and at a duplicate key', async () => {
    const comma = await loadRegistry(path.join(FIXTURES, 'trailing-comma.json'), { now: NOW, cwd: FIXTURES });
    expect(brief(comma.findings)).toEqual(['4:51 error registry-parse: JSON syntax error: trailing comma (JSON allows none before a closing bracket)']);
    const dup = await loadRegistry(path.join(FIXTURES, 'duplicate-key.json'), { now: NOW, cwd: FIXTURES });
    expect(brief(dup.findings)).toEqual(['4:3 error registry-parse: duplicate key "projects" (first at line 3, column 3); JSON readers keep only one of them']);
  });

  it('refuses a registry from a newer portreg with file, line and column', async () => {
    const err = await loadRegistry(path.join(FIXTURES, 'newer-version.json'), { now: NOW, cwd: FIXTURES }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PortregError);
    expect((err as PortregError).exitCode).toBe(2);
    expect((err as PortregError).message).toBe(
      'newer-version.json:2:14: the registry has format version 7, newer than this portreg knows (1): upgrade portreg',
    );
  });

  it('reports a missing file as exit 2 with what to do', async () => {
    const err = await loadRegistry('/nonexistent/ports.registry.json').catch((e: unknown) => e);
    expect((err as PortregError).exitCode).toBe(2);
    expect((err as PortregError).message).toBe('no registry at /nonexistent/ports.registry.json: create one with "portreg init", or name it with --registry');
  });

  it('checks what the schema cannot: backwards ranges, env and path duplicates, quarantine, ambiguity, project space', () => {
    const text = `{
  "version": 1,
  "quarantineDays": 30,
  "projects": {
    "a": { "range": { "from": 5099, "to": 5000 } },
    "b": {
      "range": { "from": 5100, "to": 5199 },
      "path": "apps/b",
      "services": {
        "api": { "port": 5100, "purpose": "API", "env": "API_PORT" },
        "worker": { "port": 5101, "purpose": "Worker", "env": "API_PORT" },
        "mq": { "port": 5102, "purpose": "AMQP", "composeService": "rabbit" },
        "mq2": { "port": 5103, "purpose": "AMQP too", "composeService": "rabbit" }
      }
    },
    "c": {
      "range": { "from": 40000, "to": 40099 },
      "path": "./apps/b/",
      "services": { "x": { "port": 40001, "purpose": "x" } }
    }
  },
  "released": [{ "project": "b", "service": "old", "port": 40001, "releasedAt": "2026-11-20" }]
}
`;
    const loaded = parseRegistryText(text, '/r/ports.registry.json', { now: NOW, cwd: '/r' });
    expect(brief(loaded.findings)).toEqual([
      '5:21 error registry-range-invalid: range 5099-5000 runs backwards: "from" must not be greater than "to"',
      '11:63 error registry-env-duplicate: env variable API_PORT of service "worker" of project "b" is already carried by service "api" [10:57]',
      '13:16 warning registry-service-ambiguous: services "mq" and "mq2" of project "b" both map to compose service "rabbit": give each a distinct "containerPort" [12:15]',
      '17:16 warning registry-range-outside-space: range 40000-40099 of project "c" lies outside the project space 5000-32767',
      '18:15 error registry-path-duplicate: path "./apps/b/" of project "c" is already the path of project "b" [8:15]',
      '19:36 warning registry-port-quarantined: port 40001/tcp of service "x" of project "c" was released by service "old" of project "b" on 2026-11-20 and is in quarantine until 2026-12-20: docs may still point there [22:16]',
    ]);
    // After the quarantine the warning is gone.
    const later = parseRegistryText(text, '/r/ports.registry.json', { now: new Date('2026-12-21T00:00:00Z'), cwd: '/r' });
    expect(later.findings.map((f) => f.ruleId)).not.toContain('registry-port-quarantined');
  });
});

describe('byte offsets of registry findings', () => {
  it('count UTF-8 bytes after characters beyond ASCII, for schema, syntax and semantic findings alike', () => {
    const head = '{\n  "version": 1,\n  "projects": {\n    "cafe": {\n      "description": "Café ☕ 𝄞",\n      "range": { "from": 5000, "to": 5099 },\n';
    const bytesTo = (text: string, needle: string) => Buffer.byteLength(text.slice(0, text.indexOf(needle)), 'utf8');
    const at = (f: { start?: number; end?: number }) => [f.start, f.end];

    const schema = `${head}      "services": { "api": { "purpose": "é", "port": 70000 } }\n    }\n  }\n}\n`;
    const badSchema = parseRegistryText(schema, '/r/ports.registry.json', { cwd: '/r' });
    expect(brief(badSchema.findings)).toEqual(['7:54 error registry-schema: projects.cafe.services.api.port: must be <= 65535']);
    expect(at(badSchema.findings[0]!)).toEqual([bytesTo(schema, '70000'), bytesTo(schema, '70000') + 5]);

    const syntax = `${head}      "services": { "api": { "purpose": "é", "port": 5001, } }\n    }\n  }\n}\n`;
    const badSyntax = parseRegistryText(syntax, '/r/ports.registry.json', { cwd: '/r' });
    expect(brief(badSyntax.findings)).toEqual(['7:58 error registry-parse: JSON syntax error: trailing comma (JSON allows none before a closing bracket)']);
    expect(at(badSyntax.findings[0]!)).toEqual([bytesTo(syntax, ', }'), bytesTo(syntax, ', }') + 1]);

    const duplicate = `${head}      "services": { "api": { "purpose": "é", "port": 5001 }, "web": { "purpose": "ü", "port": 5001 } }\n    }\n  }\n}\n`;
    const semantic = parseRegistryText(duplicate, '/r/ports.registry.json', { cwd: '/r', now: NOW });
    expect(brief(semantic.findings)).toEqual([
      '7:95 error registry-port-duplicate: port 5001/tcp of service "web" of project "cafe" is already given to service "api" of project "cafe" [7:54]',
    ]);
    const second = duplicate.lastIndexOf('5001');
    expect(at(semantic.findings[0]!)).toEqual([Buffer.byteLength(duplicate.slice(0, second)), Buffer.byteLength(duplicate.slice(0, second)) + 4]);
    // Related locations carry lines and columns only.
    expect(semantic.findings[0]!.related?.[0]).toMatchObject({ line: 7, column: 54 });
  });
});

describe('normalizeProjectPath', () => {
  it('writes a project path one way: forward slashes, no leading ./, no trailing slash, the root as .', () => {
    const cases: [string, string][] = [
      ['projects/api', 'projects/api'],
      ['api', 'api'],
      ['./api', 'api'],
      ['././api', './api'],
      ['api/', 'api'],
      ['api//', 'api'],
      ['projects\\api\\', 'projects/api'],
      ['.\\api', 'api'],
      ['', '.'],
      ['.', '.'],
      ['./', '.'],
      ['/', '.'],
      ['../shared', '../shared'],
      ['/abs/path', '/abs/path'],
      ['a/./b', 'a/./b'],
    ];
    expect(cases.map(([p]) => [p, normalizeProjectPath(p)])).toEqual(cases);
  });
});
