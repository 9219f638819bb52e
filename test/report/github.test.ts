import { describe, expect, it } from 'vitest';
import type { LintFinding } from '../../src/findings.js';
import { errorAnnotation, escapeData, escapeProperty, formatGithub, formatStepSummary, STEP_SUMMARY_MAX_BYTES } from '../../src/report/github.js';
import { CONTEXT, DRIFT, EMPTY, INPUT, many } from './fixtures.js';

const DOCS = 'https://github.com/example/portreg/blob/v0.1.0/docs/rules';

describe('github reporter', () => {
  it('prints annotations, then the full list, then the counts', () => {
    expect(formatGithub(INPUT, CONTEXT)).toBe(
      [
        '::error file=.env.example,line=2,endLine=2,col=10,endColumn=14,title=portreg env-drift::API_PORT is 5002, 100%25 off:%0Aregistered as 5001 | see "api"',
        '::warning file=legacy%2Cold/my compose.yml,line=4,endLine=4,col=7,endColumn=12,title=portreg yaml-base60::unquoted port mapping 22:22 is read as 1342 by a YAML 1.1 parser: quote it',
        '::error file=services/api/compose.yaml,line=5,endLine=5,col=9,endColumn=13,title=portreg port-conflict::host port 5001 of service "api" is also published by project "web" (web/compose.yaml:3:7)',
        '.env.example:2:10 error API_PORT is 5002, 100% off:\\nregistered as 5001 | see "api" (env-drift)',
        'legacy,old/my compose.yml:4:7 warning unquoted port mapping 22:22 is read as 1342 by a YAML 1.1 parser: quote it (yaml-base60)',
        'services/api/compose.yaml:5:9 error host port 5001 of service "api" is also published by project "web" (web/compose.yaml:3:7) (port-conflict)',
        'portreg: port-legacy did not run: needs the whole tree: run portreg lint without files',
        'portreg: 2 errors, 1 warning',
        '',
      ].join('\n'),
    );
  });

  it('prints nothing when there is nothing to say', () => {
    expect(formatGithub(EMPTY, CONTEXT)).toBe('');
  });

  it('escapes the message and the properties as the workflow-command parser expects', () => {
    expect(escapeData('100% off:\r\nnext, line')).toBe('100%25 off:%0D%0Anext, line');
    expect(escapeProperty('a,b:c%d\ne')).toBe('a%2Cb%3Ac%25d%0Ae');
    // %25 first: an escape in the input is not read as one.
    expect(escapeData('%0A')).toBe('%250A');
    const f: LintFinding = { ...DRIFT, file: 'dir:x/a,b%\n.env', ruleId: 'rule,with:odd' };
    const [line] = formatGithub({ findings: [f], skipped: [] }, CONTEXT).split('\n');
    expect(line).toBe(
      '::error file=dir%3Ax/a%2Cb%25%0A.env,line=2,endLine=2,col=10,endColumn=14,title=portreg rule%2Cwith%3Aodd::API_PORT is 5002, 100%25 off:%0Aregistered as 5001 | see "api"',
    );
  });

  it('a message cannot start a workflow command of its own', () => {
    const f: LintFinding = { ...DRIFT, message: 'x\n::error::injected\r\n::add-mask::y' };
    const out = formatGithub({ findings: [f], skipped: [] }, CONTEXT);
    expect(out.split('\n').filter((l) => l.startsWith('::'))).toEqual([
      '::error file=.env.example,line=2,endLine=2,col=10,endColumn=14,title=portreg env-drift::x%0A::error::injected%0D%0A::add-mask::y',
    ]);
    const odd = formatGithub({ findings: [{ ...DRIFT, file: '::warning::x.env' }], skipped: [] }, CONTEXT).split('\n');
    expect(odd[1]).toBe(' ::warning::x.env:2:10 error API_PORT is 5002, 100% off:\\nregistered as 5001 | see "api" (env-drift)');
  });

  it('annotates 10 of 25 errors, says so in one notice, and lists all 25', () => {
    const lines = formatGithub({ findings: many(25, 'error'), skipped: [] }, CONTEXT)
      .trimEnd()
      .split('\n');
    expect(lines.filter((l) => l.startsWith('::error '))).toHaveLength(10);
    expect(lines.slice(0, 10)).toEqual(
      Array.from(
        { length: 10 },
        (_v, i) => `::error file=compose.yaml,line=${i + 1},endLine=${i + 1},col=3,endColumn=7,title=portreg port-conflict::problem ${i + 1}`,
      ),
    );
    expect(lines[10]).toBe(
      '::notice title=portreg::15 more errors not annotated: GitHub shows at most 10 errors and 10 warnings per step. The full list of 25 problems follows in the log.',
    );
    expect(lines.slice(11, 36)).toEqual(Array.from({ length: 25 }, (_v, i) => `compose.yaml:${i + 1}:3 error problem ${i + 1} (port-conflict)`));
    expect(lines[36]).toBe('portreg: 25 errors, 0 warnings');
    expect(lines).toHaveLength(37);
  });

  it('caps errors and warnings separately, in the order given', () => {
    const findings = [...many(12, 'warning'), ...many(25, 'error')];
    const lines = formatGithub({ findings, skipped: [] }, CONTEXT).split('\n');
    expect(lines.filter((l) => l.startsWith('::warning '))).toHaveLength(10);
    expect(lines.filter((l) => l.startsWith('::error '))).toHaveLength(10);
    expect(lines.slice(0, 10).every((l) => l.startsWith('::warning '))).toBe(true);
    expect(lines.filter((l) => l.startsWith('::notice'))).toEqual([
      '::notice title=portreg::15 more errors and 2 more warnings not annotated: GitHub shows at most 10 errors and 10 warnings per step. The full list of 37 problems follows in the log.',
    ]);
    expect(lines.filter((l) => / (error|warning) problem \d+ /.test(l))).toHaveLength(37);
  });

  it('needs no notice at exactly 10 of each', () => {
    const out = formatGithub({ findings: [...many(10, 'error'), ...many(10, 'warning')], skipped: [] }, CONTEXT);
    expect(out).not.toContain('::notice');
    expect(out.split('\n').filter((l) => l.startsWith('::'))).toHaveLength(20);
  });
});

describe('step summary', () => {
  it('is the heading with the counts and the table', () => {
    expect(formatStepSummary(INPUT, CONTEXT)).toBe(
      [
        '### portreg: 2 errors, 1 warning',
        '',
        '| Severity | Rule | File | Line | Message |',
        '| --- | --- | --- | --- | --- |',
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

  it('does not collapse long tables', () => {
    const out = formatStepSummary({ findings: many(200, 'error'), skipped: [] }, CONTEXT);
    expect(out).not.toContain('<details>');
    expect(out.split('\n').filter((l) => l.startsWith('| error |'))).toHaveLength(200);
  });

  it('stays under 1 MiB, leaving out rows with a note', () => {
    const long = 'ü'.repeat(1000); // 2 bytes each in UTF-8
    const findings = many(1000, 'error').map((f) => ({ ...f, message: `${f.message} ${long}` }));
    const out = formatStepSummary({ findings, skipped: [] }, CONTEXT);
    expect(Buffer.byteLength(out, 'utf8')).toBeLessThanOrEqual(STEP_SUMMARY_MAX_BYTES);
    const rows = out.split('\n').filter((l) => l.startsWith('| error |')).length;
    expect(rows).toBeGreaterThan(400);
    expect(rows).toBeLessThan(1000);
    expect(out).toContain(`\n\n_${1000 - rows} more problems not shown: the report is too long for GitHub. See the full list in the log._\n`);
    expect(out.startsWith('### portreg: 1000 errors, 0 warnings\n')).toBe(true);
  });
});

describe('errorAnnotation (a configuration error under --format github)', () => {
  it('places the error at the file, line and column its message starts with, escaped', () => {
    expect(errorAnnotation('config/portreg,x.json:4:5: unknown rule "a" (50% sure)\nsecond line')).toBe(
      '::error file=config/portreg%2Cx.json,line=4,col=5,title=portreg::unknown rule "a" (50%25 sure)%0Asecond line',
    );
  });

  it('without a place, an error annotation of the whole message', () => {
    expect(errorAnnotation('--changed-since origin/main: no merge base with HEAD')).toBe(
      '::error title=portreg::--changed-since origin/main: no merge base with HEAD',
    );
  });
});
