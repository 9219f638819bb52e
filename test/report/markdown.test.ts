import { describe, expect, it } from 'vitest';
import type { LintFinding } from '../../src/findings.js';
import { escapeMarkdownCell, formatMarkdown, MARKDOWN_COLLAPSE_ROWS, MARKDOWN_MAX_CHARS } from '../../src/report/markdown.js';
import { CONTEXT, DRIFT, EMPTY, INPUT, many } from './fixtures.js';

const DOCS = 'https://github.com/example/portreg/blob/v0.1.0/docs/rules';
const HEAD = ['| Severity | Rule | File | Line | Message |', '| --- | --- | --- | --- | --- |'];

describe('markdown reporter', () => {
  it('prints the heading with counts and a table with escaped cells and linked rules', () => {
    expect(formatMarkdown(INPUT, CONTEXT)).toBe(
      [
        '### portreg: 2 errors, 1 warning',
        '',
        ...HEAD,
        `| error | [env-drift](${DOCS}/env-drift.md) | .env.example | 2 | API\\_PORT is 5002, 100% off:<br>registered as 5001 \\| see "api" |`,
        `| warning | [yaml-base60](${DOCS}/yaml-base60.md) | legacy,old/my compose.yml | 4 | unquoted port mapping 22:22 is read as 1342 by a YAML 1.1 parser: quote it |`,
        `| error | [port-conflict](${DOCS}/port-conflict.md) | services/api/compose.yaml | 5 | host port 5001 of service "api" is also published by project "web" (web/compose.yaml:3:7) |`,
        '',
        '**Not run:**',
        '',
        '- port-legacy: needs the whole tree: run portreg lint without files',
        '',
      ].join('\n'),
    );
  });

  it('says when there is nothing to report', () => {
    expect(formatMarkdown(EMPTY, CONTEXT)).toBe('### portreg: 0 errors, 0 warnings\n\nNo problems found.\n');
  });

  it('escapes what would break the table or turn into markup', () => {
    expect(escapeMarkdownCell('a|b\r\nc\nd\re')).toBe('a\\|b<br>c<br>d<br>e');
    expect(escapeMarkdownCell('</details><img src=x> *em* `code` [l](u) ${PORT} ~~s~~ &amp; \\')).toBe(
      '\\</details\\>\\<img src=x\\> \\*em\\* \\`code\\` \\[l\\](u) \\${PORT} \\~\\~s\\~\\~ \\&amp; \\\\',
    );
    const f: LintFinding = { ...DRIFT, file: 'a|b/.env', message: 'one | two\nthree' };
    const row = formatMarkdown({ findings: [f], skipped: [] }, CONTEXT).split('\n')[4];
    expect(row).toBe(`| error | [env-drift](${DOCS}/env-drift.md) | a\\|b/.env | 2 | one \\| two<br>three |`);
  });

  it(`shows up to ${MARKDOWN_COLLAPSE_ROWS} rows open and collapses more in <details>`, () => {
    const open = formatMarkdown({ findings: many(50, 'warning'), skipped: [] }, CONTEXT);
    expect(open).not.toContain('<details>');
    expect(open.split('\n').filter((l) => l.startsWith('| warning |'))).toHaveLength(50);

    const out = formatMarkdown({ findings: [...many(50, 'warning'), ...many(1, 'error')], skipped: [] }, CONTEXT);
    const lines = out.split('\n');
    expect(lines.slice(0, 7)).toEqual(['### portreg: 1 error, 50 warnings', '', '<details>', '<summary>51 problems</summary>', '', ...HEAD]);
    expect(lines.filter((l) => /^\| (error|warning) \|/.test(l))).toHaveLength(51);
    expect(lines.slice(-4)).toEqual([`| error | [port-conflict](${DOCS}/port-conflict.md) | compose.yaml | 1 | problem 1 |`, '', '</details>', '']);
  });

  it(`stays within GitHub's ${MARKDOWN_MAX_CHARS}-character comment limit, leaving out rows with a note`, () => {
    const findings = many(300, 'error').map((f) => ({ ...f, message: `${f.message} ${'x'.repeat(400)}` }));
    const out = formatMarkdown({ findings, skipped: [] }, CONTEXT);
    expect(out.length).toBeLessThanOrEqual(MARKDOWN_MAX_CHARS);
    const rows = out.split('\n').filter((l) => l.startsWith('| error |')).length;
    expect(rows).toBeGreaterThan(100);
    expect(rows).toBeLessThan(300);
    expect(out).toContain(`\n\n_${300 - rows} more problems not shown: the report is too long for GitHub. See the full list in the log._\n\n</details>\n`);
    expect(out.startsWith('### portreg: 300 errors, 0 warnings\n')).toBe(true);
  });

  it('uses the docs base it is given', () => {
    const out = formatMarkdown({ findings: [DRIFT], skipped: [] }, { ...CONTEXT, docsBase: 'https://example.org/x/' });
    expect(out).toContain('[env-drift](https://example.org/x/docs/rules/env-drift.md)');
  });
});
