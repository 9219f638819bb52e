/**
 * Every reporter by name: `--format <name>` picks one. Each is a pure function of the lint
 * result and its context, returning the whole text to print.
 */
import { formatGithub } from './github.js';
import { formatJson } from './json.js';
import { formatMarkdown } from './markdown.js';
import { formatSarif } from './sarif.js';
import { formatStylish } from './stylish.js';
import type { Reporter } from './types.js';

/** The terminal format (ESLint's stylish), as a Reporter. */
export const stylish: Reporter = (input, context) =>
  formatStylish(input.findings, { color: context.color, ...(input.filesChecked === undefined ? {} : { filesChecked: input.filesChecked }) });

export const REPORTERS = {
  stylish,
  json: formatJson,
  sarif: formatSarif,
  github: formatGithub,
  markdown: formatMarkdown,
} satisfies Record<string, Reporter>;

export type ReporterName = keyof typeof REPORTERS;

export function isReporterName(name: string): name is ReporterName {
  return Object.hasOwn(REPORTERS, name);
}

export { formatGithub, formatStepSummary, escapeData, escapeProperty, GITHUB_MAX_ANNOTATIONS, STEP_SUMMARY_MAX_BYTES } from './github.js';
export { formatJson, toJsonReport, LINT_REPORT_VERSION } from './json.js';
export type { JsonReport, JsonFinding, JsonLocation } from './json.js';
export { formatMarkdown, MARKDOWN_COLLAPSE_ROWS, MARKDOWN_MAX_CHARS } from './markdown.js';
export { formatSarif, toSarif, SARIF_MAX_RESULTS, SARIF_FINGERPRINT } from './sarif.js';
export type { Reporter, ReportInput, ReportContext } from './types.js';
