import { describe, expect, it } from 'vitest';
import { parseDevcontainer } from '../../src/parse/devcontainer.js';
import type { PortKind } from '../../src/parse/types.js';

/** A fact, briefly: kind, host port (and range end), container port, compose service, the exact text at its span. */
type Brief = [kind: PortKind, published: number | null, publishedEnd: number | null, target: number | null, composeService: string | null, text: string];

function facts(json: string): Brief[] {
  const result = parseDevcontainer(json, '.devcontainer/devcontainer.json');
  expect(result.findings).toEqual([]);
  return result.facts.map((f) => [f.kind, f.published, f.publishedEnd, f.target, f.composeService, json.slice(f.span.start, f.span.end)]);
}

const table: [json: string, expected: Brief[]][] = [
  // forwardPorts: numbers and local host:port strings are forwarded to the same port here.
  ['{"forwardPorts": [3000]}', [['published', 3000, null, 3000, null, '3000']]],
  [
    '{"forwardPorts": ["localhost:8080", "127.0.0.1:8081"]}',
    [
      ['published', 8080, null, 8080, null, '8080'],
      ['published', 8081, null, 8081, null, '8081'],
    ],
  ],
  ['{"forwardPorts": ["3000"]}', [['published', 3000, null, 3000, null, '3000']]],
  // A compose service's port: the container port of that service.
  ['{"forwardPorts": ["db:5432"]}', [['target', null, null, 5432, 'db', '5432']]],
  // appPort: a number is published on the same port; a string is docker run -p.
  ['{"appPort": 3000}', [['published', 3000, null, 3000, null, '3000']]],
  ['{"appPort": "8080:80"}', [['published', 8080, null, 80, null, '8080']]],
  [
    '{"appPort": [9000, "127.0.0.1:7000:70/udp"]}',
    [
      ['published', 9000, null, 9000, null, '9000'],
      ['published', 7000, null, 70, null, '7000'],
    ],
  ],
  ['{"appPort": "7000-7001:70-71"}', [['published', 7000, 7001, 70, null, '7000-7001']]],
  ['{"appPort": "3000"}', [['target', null, null, 3000, null, '3000']]],
  // runArgs: docker run's -p / --publish.
  [
    '{"runArgs": ["--init", "-p", "6000:60", "--publish=6001:61"]}',
    [
      ['published', 6000, null, 60, null, '6000'],
      ['published', 6001, null, 61, null, '6001'],
    ],
  ],
  // portsAttributes keys: ports and ranges named, not bound.
  [
    '{"portsAttributes": {"3000": {"label": "App"}, "9000-9010": {}}}',
    [
      ['mention', 3000, null, null, null, '3000'],
      ['mention', 9000, 9010, null, null, '9000-9010'],
    ],
  ],
  // JSONC: comments and trailing commas.
  [
    '{\n  // the app\n  "forwardPorts": [3000, /* api */ 3001,],\n}',
    [
      ['published', 3000, null, 3000, null, '3000'],
      ['published', 3001, null, 3001, null, '3001'],
    ],
  ],
  // Not ports.
  ['{"portsAttributes": {"^npm": {}, "3000-2000": {}}}', []],
  ['{"name": "app", "postCreateCommand": "npm run dev -- --port 3000", "containerEnv": {"PORT": "3000"}}', []],
  ['{"forwardPorts": []}', []],
  ['[]', []],
];

describe('devcontainer.json: the grammar', () => {
  it.each(table)('%s', (json, expected) => {
    expect(facts(json)).toEqual(expected);
  });

  it('places a forwarded port exactly, with its raw text and context', () => {
    const json = '{\n  "forwardPorts": ["localhost:5173"]\n}\n';
    expect(parseDevcontainer(json, '.devcontainer.json').facts).toEqual([
      {
        source: 'devcontainer',
        kind: 'published',
        span: { start: 32, end: 36 },
        composeService: null,
        hostIp: null,
        published: 5173,
        publishedEnd: null,
        target: 5173,
        targetEnd: null,
        protocol: null,
        variable: null,
        resolved: true,
        raw: '"localhost:5173"',
        host: 'localhost',
        context: 'forwardPorts',
      },
    ]);
  });

  it.each([
    ['{"forwardPorts": [70000]}', 'forwardPorts: 70000 is not a port (1-65535)', 1, 19],
    ['{"forwardPorts": ["db:x"]}', 'forwardPorts: "db:x" is not a port or a "host:port"', 1, 19],
    ['{"forwardPorts": [true]}', 'forwardPorts: an entry must be a port number or a "host:port" string', 1, 19],
    ['{"appPort": "8080:80:x"}', 'appPort: invalid port spec "8080:80:x": invalid IP address: 8080', 1, 13],
  ])('%s: a parse-error at its place', (json, message, line, column) => {
    const { findings } = parseDevcontainer(json, '.devcontainer/devcontainer.json');
    expect(findings.map((f) => ({ ruleId: f.ruleId, severity: f.severity, message: f.message, line: f.line, column: f.column }))).toEqual([
      { ruleId: 'parse-error', severity: 'error', message, line, column },
    ]);
  });

  it('reports invalid JSONC at its line and column, and reads nothing', () => {
    const result = parseDevcontainer('{\n  "forwardPorts": [3000\n}', '.devcontainer/devcontainer.json');
    expect(result.facts).toEqual([]);
    expect(result.findings.map((f) => `${f.line}:${f.column} ${f.ruleId} ${f.message}`)).toEqual([
      '3:1 parse-error invalid JSONC: comma expected',
      '3:2 parse-error invalid JSONC: close bracket expected',
    ]);
  });
});
