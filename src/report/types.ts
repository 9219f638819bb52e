import type { LintFinding } from '../findings.js';
import type { RuleMeta } from '../rules/types.js';

/** What every reporter is given: the findings of one lint run and what it needs to render them. */
export interface ReportInput {
  findings: LintFinding[];
  /** Rules that did not run (a partial tree), and why. */
  skipped: { ruleId: string; reason: string }[];
  /** With --fix-dry-run: the text each changed file would have (the findings are those that would remain). */
  fixes?: { file: string; output: string }[];
  /** How many files the lint covered: the stylish report says "0 problems in N files" when it found nothing. */
  filesChecked?: number;
}

export interface ReportContext {
  color: boolean;
  toolVersion: string;
  /** Every rule's metadata (SARIF's tool.driver.rules, docs links). */
  rules: RuleMeta[];
  /** Where the rule docs live, as a URL prefix (docs/rules/<id>.md is appended); none: reports carry no docs links. */
  docsBase?: string;
}

export type Reporter = (input: ReportInput, context: ReportContext) => string;
