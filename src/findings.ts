/** Where something is: 1-based line and column for people, 0-based offsets (end exclusive) for machines. */
export interface Location {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** 0-based UTF-8 byte offsets into the file, end exclusive (what edits and SARIF byte regions use). */
  start?: number;
  end?: number;
  /** What this place is, for a related location ("first allocation of 5032"). */
  message?: string;
}

export type Severity = 'error' | 'warning';

/** A change to a file: replace the bytes [start, end) with `text`. Offsets count UTF-8 bytes. */
export interface TextEdit {
  file: string;
  start: number;
  end: number;
  text: string;
  /** The bytes that must be there now; an edit whose text moved is refused, not applied blindly. */
  expected?: string;
}

/** Exact text edits that fix a finding; present only when the fix is certain. */
export interface Fix {
  edits: TextEdit[];
}

/** One problem, with its place and, where two places disagree, the other place. */
export interface Finding extends Location {
  ruleId: string;
  severity: Severity;
  message: string;
  related?: Location[];
}

/** A finding as lint reports it: whether it can be fixed, the fix, and its baseline identity. */
export interface LintFinding extends Finding {
  fixable: boolean;
  fix?: Fix;
  /** What the finding is about, independent of its line (for baselines). */
  key?: string;
}

/** What a lint finding is made of: a finding's place, message and related places, its fix and baseline identity. */
type FindingParts = Location & { message: string; related?: Location[]; fix?: Fix; key?: string };

/**
 * A lint finding written as one literal, its absent fields undefined: every finding shares one
 * hidden class. Built by spreading (`{ ...f, severity }`), each got a hidden class of its own in
 * V8, about 300 bytes more per finding and per copy (megabytes for a tree with 10,000 findings).
 */
export function lintFinding(f: FindingParts, ruleId: string, severity: Severity, fixable: boolean, file = f.file, related = f.related): LintFinding {
  return {
    ruleId,
    severity,
    message: f.message,
    file,
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    endColumn: f.endColumn,
    start: f.start,
    end: f.end,
    related,
    fixable,
    fix: f.fix,
    key: f.key,
  };
}

export function countBySeverity(findings: readonly Finding[]): { errors: number; warnings: number } {
  let errors = 0;
  let warnings = 0;
  for (const f of findings) {
    if (f.severity === 'error') errors++;
    else warnings++;
  }
  return { errors, warnings };
}

/** Stable order for reports: file, then position, then rule. */
export function compareFindings(a: Finding, b: Finding): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId) || a.message.localeCompare(b.message);
}
