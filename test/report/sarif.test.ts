import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Ajv04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { LintFinding } from '../../src/findings.js';
import { ALL_RULES } from '../../src/rules/index.js';
import { formatSarif, pascalCase, pathToUri, SARIF_MAX_RESULTS } from '../../src/report/sarif.js';
import type { ReportInput } from '../../src/report/types.js';
import { BASE60, CONFLICT, CONTEXT, DRIFT, EMPTY, INPUT, many, RULES } from './fixtures.js';

// The official OASIS schema, as the MIT-licensed @microsoft/jest-sarif package ships it.
const require = createRequire(import.meta.url);
const schemaPath = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
// unicodeRegExp: false because the schema's `language` pattern has a stray `]` that only
// non-Unicode regular expressions accept.
const ajv = new Ajv04Module.default({ allErrors: true, strict: false, unicodeRegExp: false });
addFormatsModule.default(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')));

// biome-ignore lint/suspicious/noExplicitAny: parsed JSON, checked by the schema
type Sarif = any;
const sarif = (input: ReportInput, context = CONTEXT): Sarif => JSON.parse(formatSarif(input, context));
const valid = (log: unknown) => (validate(log) ? [] : validate.errors);

describe('sarif reporter', () => {
  it('is valid SARIF 2.1.0 by the official schema, for the fixtures, no findings, and every real rule', () => {
    expect(valid(sarif(INPUT))).toEqual([]);
    expect(valid(sarif(EMPTY))).toEqual([]);
    expect(valid(sarif(INPUT, { ...CONTEXT, rules: ALL_RULES }))).toEqual([]);
  });

  it('the schema check has teeth', () => {
    const log = sarif(INPUT);
    log.runs[0].results[0].level = 'fatal';
    expect(validate(log)).toBe(false);
    const bad = sarif(INPUT);
    bad.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
    expect(validate(bad)).toBe(false);
    const badUri = sarif(INPUT); // formats are checked too (ajv-formats)
    badUri.runs[0].tool.driver.rules[0].helpUri = 'not a uri';
    expect(validate(badUri)).toBe(false);
  });

  it('has one run whose driver describes every rule, with docs links', () => {
    const log = sarif(INPUT);
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    const driver = log.runs[0].tool.driver;
    expect(driver.name).toBe('portreg');
    expect(driver.version).toBe('0.1.0');
    expect(driver.informationUri).toBe('https://github.com/example/portreg/blob/v0.1.0/README.md');
    expect(driver.rules.map((r: { id: string }) => r.id)).toEqual(RULES.map((r) => r.id));
    expect(driver.rules[0]).toEqual({
      id: 'port-conflict',
      name: 'PortConflict',
      shortDescription: { text: 'Two services publish the same host port.' },
      fullDescription: { text: 'Two services publish the same host port. Only one of them can start.' },
      help: {
        text: 'Two services publish the same host port. Only one of them can start.\n\nDocumentation: https://github.com/example/portreg/blob/v0.1.0/docs/rules/port-conflict.md',
        markdown:
          'Two services publish the same host port. Only one of them can start.\n\n[Documentation of port-conflict](https://github.com/example/portreg/blob/v0.1.0/docs/rules/port-conflict.md)',
      },
      helpUri: 'https://github.com/example/portreg/blob/v0.1.0/docs/rules/port-conflict.md',
      defaultConfiguration: { level: 'error' },
      properties: { fixable: false, scope: 'fleet' },
    });
    expect(driver.rules[2].defaultConfiguration).toEqual({ level: 'warning' });
    expect(driver.rules[2].name).toBe('YamlBase60');
    const all = sarif(EMPTY, { ...CONTEXT, rules: ALL_RULES }).runs[0].tool.driver.rules;
    expect(all).toHaveLength(ALL_RULES.length);
    expect(all.every((r: { name: string }) => /^[A-Z][A-Za-z0-9]*$/.test(r.name))).toBe(true);
  });

  it('maps findings to results: rule index, level, message, repo-relative location, exclusive end column', () => {
    const [drift, base60, conflict] = sarif(INPUT).runs[0].results;
    expect(drift).toEqual({
      ruleId: 'env-drift',
      ruleIndex: 1,
      level: 'error',
      message: { text: 'API_PORT is 5002, 100% off:\nregistered as 5001 | see "api"' },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: '.env.example', uriBaseId: '%SRCROOT%' },
            region: { startLine: 2, startColumn: 10, endLine: 2, endColumn: 14 },
          },
        },
      ],
      partialFingerprints: { 'portreg/v1': expect.stringMatching(/^[0-9a-f]{64}:1$/) },
    });
    expect(base60.level).toBe('warning');
    expect(base60.ruleIndex).toBe(2);
    expect(base60.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'legacy,old/my%20compose.yml', uriBaseId: '%SRCROOT%' },
      region: { startLine: 4, startColumn: 7, endLine: 4, endColumn: 12, byteOffset: 40, byteLength: 5 },
    });
    expect(conflict.message.text).toBe(
      'host port 5001 of service "api" is also published by project "web" (web/compose.yaml:3:7) (related: [web/compose.yaml:3:7](1), [web/compose.override.yaml:8:9](2))',
    );
    expect(conflict.relatedLocations).toEqual([
      {
        id: 1,
        physicalLocation: {
          artifactLocation: { uri: 'web/compose.yaml', uriBaseId: '%SRCROOT%' },
          region: { startLine: 3, startColumn: 7, endLine: 3, endColumn: 11, byteOffset: 31, byteLength: 4 },
        },
        message: { text: 'also published here (5001:80)' },
      },
      {
        id: 2,
        physicalLocation: {
          artifactLocation: { uri: 'web/compose.override.yaml', uriBaseId: '%SRCROOT%' },
          region: { startLine: 8, startColumn: 9, endLine: 8, endColumn: 13 },
        },
        message: { text: 'web/compose.override.yaml:8:9' },
      },
    ]);
  });

  it('declares %SRCROOT%, the column unit, and the rules that did not run', () => {
    const run = sarif(INPUT).runs[0];
    expect(Object.keys(run.originalUriBaseIds)).toEqual(['%SRCROOT%']);
    expect(run.columnKind).toBe('utf16CodeUnits');
    expect(run.invocations).toEqual([
      {
        executionSuccessful: true,
        toolConfigurationNotifications: [
          {
            level: 'note',
            message: { text: 'port-legacy did not run: needs the whole tree: run portreg lint without files' },
            associatedRule: { id: 'port-legacy', index: 3 },
          },
        ],
      },
    ]);
    expect(run.properties).toBeUndefined();
  });

  it('never sets security-severity', () => {
    expect(formatSarif(INPUT, { ...CONTEXT, rules: ALL_RULES })).not.toContain('security-severity');
  });

  it('fingerprints do not depend on lines, count duplicates, and tell files and rules apart', () => {
    const fp = (findings: LintFinding[]) => sarif({ findings, skipped: [] }).runs[0].results.map((r: Sarif) => r.partialFingerprints['portreg/v1']);
    const [a] = fp([BASE60]);
    const moved = { ...BASE60, line: 40, endLine: 40, column: 1, endColumn: 6, start: 900, end: 905 };
    expect(fp([moved])).toEqual([a]);
    const [one, two] = fp([BASE60, moved]);
    expect(one).toBe(a);
    expect(two).toBe(a!.replace(/:1$/, ':2'));
    expect(fp([{ ...BASE60, file: 'other.yml' }])[0]).not.toBe(a);
    expect(fp([{ ...BASE60, ruleId: 'port-legacy' }])[0]).not.toBe(a);
    // With a baseline key, the message (which may name the other side's line) does not count.
    const [c] = fp([CONFLICT]);
    expect(fp([{ ...CONFLICT, message: CONFLICT.message.replace(':3:7', ':30:7') }])).toEqual([c]);
    // The same on every run.
    expect(fp([DRIFT, BASE60, CONFLICT])).toEqual(fp([DRIFT, BASE60, CONFLICT]));
  });

  it(`keeps at most ${SARIF_MAX_RESULTS} results, errors first, and says so`, () => {
    const warning = many(1, 'warning', 'first.yml');
    const errors = many(SARIF_MAX_RESULTS, 'error');
    const log = sarif({ findings: [...warning, ...errors], skipped: [] });
    const run = log.runs[0];
    expect(run.results).toHaveLength(SARIF_MAX_RESULTS);
    expect(run.results.every((r: Sarif) => r.level === 'error')).toBe(true);
    expect(run.properties).toEqual({ truncated: true, totalResults: SARIF_MAX_RESULTS + 1, omittedResults: 1 });
    expect(run.invocations[0].toolExecutionNotifications).toEqual([
      {
        level: 'warning',
        message: {
          text: '25001 findings, of which only the first 25000 (errors first) are in this log: GitHub code scanning accepts at most 25000 results per run. Run portreg lint for the full list.',
        },
      },
    ]);
    // Exactly at the limit nothing is cut.
    const atLimit = sarif({ findings: errors, skipped: [] }).runs[0];
    expect(atLimit.results).toHaveLength(SARIF_MAX_RESULTS);
    expect(atLimit.properties).toBeUndefined();
    expect(atLimit.invocations[0]).toEqual({ executionSuccessful: true });
  });

  it('leaves out helpUri and informationUri when the docs base is not an absolute URL, and stays valid', () => {
    const log = sarif(INPUT, { ...CONTEXT, docsBase: '' });
    expect(valid(log)).toEqual([]);
    expect(log.runs[0].tool.driver.informationUri).toBeUndefined();
    expect(log.runs[0].tool.driver.rules[0].helpUri).toBeUndefined();
    expect(log.runs[0].tool.driver.rules[0].help.markdown).toContain('(docs/rules/port-conflict.md)');
  });

  it('leaves out ruleIndex for a rule the context does not know', () => {
    const [r] = sarif({ findings: [{ ...DRIFT, ruleId: 'made-up' }], skipped: [] }).runs[0].results;
    expect(r.ruleId).toBe('made-up');
    expect(r).not.toHaveProperty('ruleIndex');
  });

  it('escapes brackets in related-location link text', () => {
    const f: LintFinding = { ...DRIFT, related: [{ file: 'a[1].yml', line: 1, column: 1, endLine: 1, endColumn: 2 }] };
    const [r] = sarif({ findings: [f], skipped: [] }).runs[0].results;
    expect(r.message.text).toBe(`${DRIFT.message} (related: [a\\[1\\].yml:1:1](1))`);
    expect(r.relatedLocations[0].physicalLocation.artifactLocation.uri).toBe('a%5B1%5D.yml');
  });

  it('helpers: PascalCase names and URI paths', () => {
    expect(pascalCase('port-out-of-range')).toBe('PortOutOfRange');
    expect(pascalCase('yaml-base60')).toBe('YamlBase60');
    expect(pathToUri('a b/c,d/e#f?.yml')).toBe('a%20b/c,d/e%23f%3F.yml');
    expect(pathToUri('./dir\\sub\\compose.yaml')).toBe('dir/sub/compose.yaml');
    expect(pathToUri('x:y/ü.env')).toBe('x%3Ay/%C3%BC.env');
  });
});
