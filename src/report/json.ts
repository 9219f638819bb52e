/**
 * `--format json`: the lint report for machines, described by schemas/lint-report.schema.json.
 *
 * Version 1. Findings come in the order given (the lint run sorts them by file, position and
 * rule), so the output is the same byte for byte on every run over the same tree. Lines and
 * columns are 1-based (endColumn exclusive); `start`/`end` are 0-based UTF-8 byte offsets into
 * the file (end exclusive), present only when known. Fix edits and the baseline `key` are
 * internal and never printed. New optional fields may be added within a version; removing or
 * changing one raises the version.
 */
import { countBySeverity, type Location } from '../findings.js';
import type { LintFinding } from '../findings.js';
import type { Reporter } from './types.js';

export const LINT_REPORT_VERSION = 1;

/** A place in a report: the same shape as a finding's location (src/findings.ts). */
export type JsonLocation = Location;

export interface JsonFinding {
  ruleId: string;
  severity: 'error' | 'warning';
  message: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  start?: number;
  end?: number;
  fixable: boolean;
  related: JsonLocation[];
}

export interface JsonReport {
  version: typeof LINT_REPORT_VERSION;
  tool: { name: 'portreg'; version: string };
  errorCount: number;
  warningCount: number;
  fixableErrorCount: number;
  fixableWarningCount: number;
  skippedRules: { ruleId: string; reason: string }[];
  /** --fix-dry-run: each changed file's fixed text, as ESLint's `output`. */
  fixes?: { file: string; output: string }[];
  findings: JsonFinding[];
}

function location(l: Location): JsonLocation {
  return {
    file: l.file,
    line: l.line,
    column: l.column,
    endLine: l.endLine,
    endColumn: l.endColumn,
    ...(l.start !== undefined ? { start: l.start } : {}),
    ...(l.end !== undefined ? { end: l.end } : {}),
    ...(l.message !== undefined ? { message: l.message } : {}),
  };
}

function finding(f: LintFinding): JsonFinding {
  return {
    ruleId: f.ruleId,
    severity: f.severity,
    message: f.message,
    file: f.file,
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    endColumn: f.endColumn,
    ...(f.start !== undefined ? { start: f.start } : {}),
    ...(f.end !== undefined ? { end: f.end } : {}),
    fixable: f.fixable,
    related: (f.related ?? []).map(location),
  };
}

/** The report as an object (what formatJson prints). */
export function toJsonReport(input: Parameters<Reporter>[0], context: Parameters<Reporter>[1]): JsonReport {
  const { errors, warnings } = countBySeverity(input.findings);
  return {
    version: LINT_REPORT_VERSION,
    tool: { name: 'portreg', version: context.toolVersion },
    errorCount: errors,
    warningCount: warnings,
    fixableErrorCount: input.findings.filter((f) => f.fixable && f.severity === 'error').length,
    fixableWarningCount: input.findings.filter((f) => f.fixable && f.severity === 'warning').length,
    skippedRules: input.skipped.map((s) => ({ ruleId: s.ruleId, reason: s.reason })),
    ...(input.fixes ? { fixes: input.fixes.map((f) => ({ file: f.file, output: f.output })) } : {}),
    findings: input.findings.map(finding),
  };
}

export const formatJson: Reporter = (input, context) => JSON.stringify(toJsonReport(input, context), null, 2) + '\n';
