/** One set of lint findings for every reporter's tests. */
import type { LintFinding } from '../../src/findings.js';
import type { RuleMeta } from '../../src/rules/types.js';
import type { ReportContext, ReportInput } from '../../src/report/types.js';

export const DOCS_BASE = 'https://github.com/example/portreg/blob/v0.1.0/';

export const RULES: RuleMeta[] = [
  {
    id: 'port-conflict',
    defaultSeverity: 'error',
    description: 'Two services publish the same host port. Only one of them can start.',
    fixable: false,
    scope: 'fleet',
  },
  { id: 'env-drift', defaultSeverity: 'error', description: 'An env value that differs from the registered port.', fixable: false, scope: 'file' },
  {
    id: 'yaml-base60',
    defaultSeverity: 'warning',
    description: 'An unquoted NN:NN port mapping that a YAML 1.1 parser reads as a base-60 number.',
    fixable: true,
    scope: 'file',
  },
  { id: 'port-legacy', defaultSeverity: 'warning', description: 'A port in a range to avoid.', fixable: false, scope: 'file' },
];

export const CONTEXT: ReportContext = { color: false, toolVersion: '0.1.0', rules: RULES, docsBase: DOCS_BASE };

/** An error with a related location (and byte offsets, a fix-free baseline key). */
export const CONFLICT: LintFinding = {
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
  related: [
    { file: 'web/compose.yaml', line: 3, column: 7, endLine: 3, endColumn: 11, start: 31, end: 35, message: 'also published here (5001:80)' },
    { file: 'web/compose.override.yaml', line: 8, column: 9, endLine: 8, endColumn: 13 },
  ],
  fixable: false,
  key: 'api|api|5001/tcp',
};

/** An error whose message has `%`, `:`, `,` and a line break, without byte offsets. */
export const DRIFT: LintFinding = {
  ruleId: 'env-drift',
  severity: 'error',
  message: 'API_PORT is 5002, 100% off:\nregistered as 5001 | see "api"',
  file: '.env.example',
  line: 2,
  column: 10,
  endLine: 2,
  endColumn: 14,
  fixable: false,
};

/** A fixable warning in a file whose path has a comma and a space. */
export const BASE60: LintFinding = {
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
  fix: {
    edits: [
      { file: 'legacy,old/my compose.yml', start: 40, end: 40, text: '"' },
      { file: 'legacy,old/my compose.yml', start: 45, end: 45, text: '"' },
    ],
  },
};

export const FINDINGS: LintFinding[] = [DRIFT, BASE60, CONFLICT];

export const INPUT: ReportInput = {
  findings: FINDINGS,
  skipped: [{ ruleId: 'port-legacy', reason: 'needs the whole tree: run portreg lint without files' }],
};

export const EMPTY: ReportInput = { findings: [], skipped: [] };

/** `n` findings of one severity on consecutive lines of one file. */
export function many(n: number, severity: 'error' | 'warning', file = 'compose.yaml'): LintFinding[] {
  return Array.from({ length: n }, (_v, i) => ({
    ruleId: severity === 'error' ? 'port-conflict' : 'port-legacy',
    severity,
    message: `problem ${i + 1}`,
    file,
    line: i + 1,
    column: 3,
    endLine: i + 1,
    endColumn: 7,
    fixable: false,
  }));
}
