/**
 * A lint result as text, in any of the report formats, with what every reporter is given: the
 * tool's version, every rule's metadata and where their docs live.
 */
import { readFileSync } from 'node:fs';
import { REPORTERS, type ReportContext, type ReporterName, type ReportInput } from '../report/index.js';
import { ALL_RULES } from '../rules/index.js';

/** Where the rule docs live: docs/rules/<id>.md is appended. */
export const DOCS_BASE = 'https://github.com/portreg/portreg/blob/main/';

let version: string | undefined;
function toolVersion(): string {
  version ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return version;
}

export function reportContext(options: { color?: boolean } = {}): ReportContext {
  return { color: Boolean(options.color), toolVersion: toolVersion(), rules: ALL_RULES, docsBase: DOCS_BASE };
}

/** The report of `portreg lint --format <format>` for these findings. */
export function renderReport(format: ReporterName, input: ReportInput, options: { color?: boolean } = {}): string {
  return REPORTERS[format](input, reportContext(options));
}
