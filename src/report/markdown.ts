/**
 * Markdown for people on GitHub: a pull-request comment (`markdown` reporter) and, through
 * github.ts, the step summary. Pure: the same input always gives the same text.
 */
import { countBySeverity } from '../findings.js';
import type { LintFinding } from '../findings.js';
import type { ReportContext, ReportInput, Reporter } from './types.js';

/** Beyond this many rows the table is collapsed in a `<details>` block. */
export const MARKDOWN_COLLAPSE_ROWS = 50;
/** GitHub refuses comment bodies longer than 65,536 characters. */
export const MARKDOWN_MAX_CHARS = 65_536;

/** `2 errors, 1 warning`. */
export function countPhrase(findings: readonly LintFinding[]): string {
  const { errors, warnings } = countBySeverity(findings);
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The rule's docs page: `${docsBase}docs/rules/<id>.md`; undefined when the docs' place is unknown. */
export function ruleDocsUrl(context: ReportContext, ruleId: string): string | undefined {
  return context.docsBase === undefined ? undefined : `${context.docsBase}docs/rules/${ruleId}.md`;
}

/**
 * Text in a table cell: line breaks become `<br>`; pipes and the characters that would start
 * emphasis, code, links, HTML, math or entities are backslash-escaped.
 */
export function escapeMarkdownCell(text: string): string {
  return text.replace(/[\\`*_[\]<>|$~&]/g, (c) => `\\${c}`).replace(/\r\n|\r|\n/g, '<br>');
}

const TABLE_HEAD = ['| Severity | Rule | File | Line | Message |', '| --- | --- | --- | --- | --- |'];

function tableRow(f: LintFinding, context: ReportContext): string {
  const url = ruleDocsUrl(context, f.ruleId);
  const rule = url ? `[${escapeMarkdownCell(f.ruleId)}](${url})` : escapeMarkdownCell(f.ruleId);
  return `| ${f.severity} | ${rule} | ${escapeMarkdownCell(f.file)} | ${f.line} | ${escapeMarkdownCell(f.message)} |`;
}

export interface MarkdownOptions {
  /** Collapse the table in `<details>` beyond this many rows (Infinity: never). */
  collapseAfter: number;
  /** The most the whole text may weigh, in `unit`s; rows beyond it are left out with a note. */
  limit: number;
  unit: 'chars' | 'utf8-bytes';
}

/** Heading with counts, then the table (or "No problems found."), then the rules that did not run. */
export function renderMarkdown(input: ReportInput, context: ReportContext, options: MarkdownOptions): string {
  const { findings, skipped } = input;
  const size = (s: string) => (options.unit === 'chars' ? s.length : Buffer.byteLength(s, 'utf8'));
  const heading = `### portreg: ${countPhrase(findings)}`;
  const tail: string[] = [];
  if (skipped.length > 0) {
    tail.push('', '**Not run:**', '');
    for (const s of skipped) tail.push(`- ${escapeMarkdownCell(s.ruleId)}: ${escapeMarkdownCell(s.reason)}`);
  }
  if (findings.length === 0) return [heading, '', 'No problems found.', ...tail].join('\n') + '\n';

  const collapsed = findings.length > options.collapseAfter;
  const open = collapsed ? ['', '<details>', `<summary>${plural(findings.length, 'problem')}</summary>`] : [];
  const close = collapsed ? ['', '</details>'] : [];
  const build = (rows: string[], omitted: number) => {
    const note = omitted > 0 ? ['', `_${plural(omitted, 'more problem')} not shown: the report is too long for GitHub. See the full list in the log._`] : [];
    return [heading, ...open, '', ...TABLE_HEAD, ...rows, ...note, ...close, ...tail].join('\n') + '\n';
  };

  const rows = findings.map((f) => tableRow(f, context));
  const full = build(rows, 0);
  if (size(full) <= options.limit) return full;
  // Too long: keep as many rows as fit with the note (whose own length grows with its count).
  const reserve = size(build([], findings.length));
  let used = reserve;
  let kept = 0;
  while (kept < rows.length && used + size(rows[kept]!) + 1 <= options.limit) {
    used += size(rows[kept]!) + 1;
    kept++;
  }
  return build(rows.slice(0, kept), findings.length - kept);
}

/** A pull-request comment: `### portreg: 2 errors, 1 warning`, then a table of the findings. */
export const formatMarkdown: Reporter = (input, context) =>
  renderMarkdown(input, context, { collapseAfter: MARKDOWN_COLLAPSE_ROWS, limit: MARKDOWN_MAX_CHARS, unit: 'chars' });
