import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { formatJson } from '../../src/report/json.js';
import { CONTEXT, EMPTY, INPUT } from './fixtures.js';

const schema = JSON.parse(readFileSync(new URL('../../schemas/lint-report.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);

const EXPECTED = {
  version: 1,
  tool: { name: 'portreg', version: '0.1.0' },
  errorCount: 2,
  warningCount: 1,
  fixableErrorCount: 0,
  fixableWarningCount: 1,
  skippedRules: [{ ruleId: 'port-legacy', reason: 'needs the whole tree: run portreg lint without files' }],
  findings: [
    {
      ruleId: 'env-drift',
      severity: 'error',
      message: 'API_PORT is 5002, 100% off:\nregistered as 5001 | see "api"',
      file: '.env.example',
      line: 2,
      column: 10,
      endLine: 2,
      endColumn: 14,
      fixable: false,
      related: [],
    },
    {
      ruleId: 'yaml-base60',
      severity: 'warning',
      message: 'unquoted port mapping 22:22 is read as 1342 by a YAML 1.1 parser: quote it',
      file: 'legacy,old/my compose.yml',
      line: 4,
      column: 7,
      endLine: 4,
      endColumn: 12,
      start: 40,
      end: 45,
      fixable: true,
      related: [],
    },
    {
      ruleId: 'port-conflict',
      severity: 'error',
      message: 'host port 5001 of service "api" is also published by project "web" (web/compose.yaml:3:7)',
      file: 'services/api/compose.yaml',
      line: 5,
      column: 9,
      endLine: 5,
      endColumn: 13,
      start: 80,
      end: 84,
      fixable: false,
      related: [
        { file: 'web/compose.yaml', line: 3, column: 7, endLine: 3, endColumn: 11, start: 31, end: 35, message: 'also published here (5001:80)' },
        { file: 'web/compose.override.yaml', line: 8, column: 9, endLine: 8, endColumn: 13 },
      ],
    },
  ],
};

describe('json reporter', () => {
  it('prints the documented report, byte for byte: keys in order, offsets only when known, no fix edits or keys', () => {
    const out = formatJson(INPUT, CONTEXT);
    expect(out).toBe(JSON.stringify(EXPECTED, null, 2) + '\n');
    expect(out).not.toContain('"fix"');
    expect(out).not.toContain('"key"');
    expect(out).not.toContain('api|api|5001/tcp');
  });

  it('matches schemas/lint-report.schema.json', () => {
    expect(validate(JSON.parse(formatJson(INPUT, CONTEXT))) ? [] : validate.errors).toEqual([]);
    expect(validate(JSON.parse(formatJson(EMPTY, CONTEXT))) ? [] : validate.errors).toEqual([]);
  });

  it('the schema refuses what the report never contains', () => {
    const withKey = structuredClone(EXPECTED) as { findings: Record<string, unknown>[] };
    withKey.findings[0]!.key = 'x';
    expect(validate(withKey)).toBe(false);
    expect(validate({ ...EXPECTED, version: 2 })).toBe(false);
    expect(validate({ ...EXPECTED, findings: [{ ...EXPECTED.findings[0], severity: 'info' }] })).toBe(false);
  });

  it('keeps the order it is given and is the same on every run', () => {
    const reversed = { ...INPUT, findings: [...INPUT.findings].reverse() };
    expect(JSON.parse(formatJson(reversed, CONTEXT)).findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['port-conflict', 'yaml-base60', 'env-drift']);
    expect(formatJson(INPUT, CONTEXT)).toBe(formatJson(structuredClone(INPUT), CONTEXT));
  });

  it('reports an empty run', () => {
    expect(JSON.parse(formatJson(EMPTY, { ...CONTEXT, toolVersion: '9.9.9' }))).toEqual({
      version: 1,
      tool: { name: 'portreg', version: '9.9.9' },
      errorCount: 0,
      warningCount: 0,
      fixableErrorCount: 0,
      fixableWarningCount: 0,
      skippedRules: [],
      findings: [],
    });
  });
});
