/**
 * `--format github`: workflow commands that GitHub Actions turns into annotations on the diff.
 *
 * GitHub shows at most 10 error and 10 warning annotations per step and drops the rest
 * silently. So at most 10 of each are annotated, one `::notice::` says how many were not, and
 * the full list follows as plain lines (`file:line:col severity message (ruleId)`), so nothing
 * vanishes. `formatStepSummary` gives the Markdown for `$GITHUB_STEP_SUMMARY`.
 */
import type { LintFinding } from '../findings.js';
import { countPhrase, plural, renderMarkdown } from './markdown.js';
import type { ReportContext, ReportInput, Reporter } from './types.js';

/** Annotations GitHub shows per step, for each of errors and warnings. */
export const GITHUB_MAX_ANNOTATIONS = 10;
/** `$GITHUB_STEP_SUMMARY` takes at most 1 MiB per step. */
export const STEP_SUMMARY_MAX_BYTES = 1024 * 1024;

/** The message of a workflow command: `%`, CR and LF are escaped. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property value of a workflow command: as data, and `:` and `,` too. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function annotation(f: LintFinding): string {
  const props = [
    `file=${escapeProperty(f.file)}`,
    `line=${f.line}`,
    `endLine=${f.endLine}`,
    `col=${f.column}`,
    `endColumn=${f.endColumn}`,
    `title=${escapeProperty(`portreg ${f.ruleId}`)}`,
  ];
  return `::${f.severity} ${props.join(',')}::${escapeData(f.message)}`;
}

/**
 * An error that stopped the lint (a configuration error) as a workflow annotation: placed at its
 * file, line and column when the message starts with them (`portreg.config.json:4:5: ...`).
 */
export function errorAnnotation(message: string): string {
  const at = /^([^\s:][^:]*):(\d+):(\d+): ([\s\S]*)$/.exec(message);
  const title = `title=${escapeProperty('portreg')}`;
  if (!at) return `::error ${title}::${escapeData(message)}`;
  return `::error file=${escapeProperty(at[1]!)},line=${at[2]},col=${at[3]},${title}::${escapeData(at[4]!)}`;
}

/** One finding per line; a line break in a message is shown as `\n`. */
function plainLine(f: LintFinding): string {
  const line = `${f.file}:${f.line}:${f.column} ${f.severity} ${f.message.replace(/\r\n|\r|\n/g, '\\n')} (${f.ruleId})`;
  // A line that starts with "::" would be read as a workflow command.
  return line.startsWith('::') ? ` ${line}` : line;
}

export const formatGithub: Reporter = (input) => {
  const { findings, skipped } = input;
  const out: string[] = [];
  let errors = 0;
  let warnings = 0;
  for (const f of findings) {
    if (f.severity === 'error' ? errors++ < GITHUB_MAX_ANNOTATIONS : warnings++ < GITHUB_MAX_ANNOTATIONS) out.push(annotation(f));
  }
  const moreErrors = Math.max(0, errors - GITHUB_MAX_ANNOTATIONS);
  const moreWarnings = Math.max(0, warnings - GITHUB_MAX_ANNOTATIONS);
  if (moreErrors + moreWarnings > 0) {
    const more = [moreErrors ? `${plural(moreErrors, 'more error')}` : '', moreWarnings ? `${plural(moreWarnings, 'more warning')}` : '']
      .filter(Boolean)
      .join(' and ');
    const text = `${more} not annotated: GitHub shows at most ${GITHUB_MAX_ANNOTATIONS} errors and ${GITHUB_MAX_ANNOTATIONS} warnings per step. The full list of ${plural(findings.length, 'problem')} follows in the log.`;
    out.push(`::notice title=${escapeProperty('portreg')}::${escapeData(text)}`);
  }
  for (const f of findings) out.push(plainLine(f));
  for (const s of skipped) out.push(`portreg: ${s.ruleId} did not run: ${s.reason.replace(/\r\n|\r|\n/g, '\\n')}`);
  if (findings.length > 0 || skipped.length > 0) out.push(`portreg: ${countPhrase(findings)}`);
  return out.length > 0 ? out.join('\n') + '\n' : '';
};

/**
 * Markdown for `$GITHUB_STEP_SUMMARY`: `### portreg: N errors, M warnings`, then the table of
 * every finding, cut with a note where it would pass GitHub's 1 MiB limit.
 */
export function formatStepSummary(input: ReportInput, context: ReportContext): string {
  return renderMarkdown(input, context, { collapseAfter: Infinity, limit: STEP_SUMMARY_MAX_BYTES, unit: 'utf8-bytes' });
}
