/**
 * A lint result as text, in any of the report formats, with what every reporter is given: the
 * tool's version, every rule's metadata and where their docs live (from package.json: none when it
 * names no homepage or repository, rather than a guessed address).
 */
import { docsBase, packageVersion } from '../package-info.js';
import { REPORTERS, type ReportContext, type ReporterName, type ReportInput } from '../report/index.js';
import { ALL_RULES } from '../rules/index.js';

export function reportContext(options: { color?: boolean } = {}): ReportContext {
  const docs = docsBase();
  return { color: Boolean(options.color), toolVersion: packageVersion(), rules: ALL_RULES, ...(docs ? { docsBase: docs } : {}) };
}

/** The report of `portreg lint --format <format>` for these findings. */
export function renderReport(format: ReporterName, input: ReportInput, options: { color?: boolean } = {}): string {
  return REPORTERS[format](input, reportContext(options));
}
