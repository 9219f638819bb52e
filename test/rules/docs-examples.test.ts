/**
 * Every rule page's "Failing example" and "Passing example" are run: the files the page shows
 * (`path`: and a fenced block) make a repository, `portreg lint` runs in-process with the page's
 * rule on (and the other rules its report names, such as the port-out-of-range line a warning
 * page shows beside its own), and what it reports, rendered by the stylish reporter without
 * colour, is exactly the page's "reports:" block, or nothing where the page says so. Where the
 * page shows what `--fix` changes (a diff), the fixes applied in-process change exactly that.
 * The passing example is the failing one with the files the passing example shows replaced.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { matchBaseline, parseBaseline } from '../../src/lint/baseline.js';
import type { LintFinding } from '../../src/findings.js';
import { formatStylish } from '../../src/report/stylish.js';
import { ALL_RULES } from '../../src/rules/index.js';
import { applyFixes, lintCase } from '../helpers/rule-tester.js';
import type { Scenario } from '../helpers/scenario.js';

const DOCS = path.join(import.meta.dirname, '../../docs/rules');
const RULE_IDS = new Set(ALL_RULES.map((m) => m.id));

/** The registry of a page that shows none: the examples need one to run, and it governs nothing. */
const EMPTY_REGISTRY = '{\n  "version": 1,\n  "projects": {}\n}\n';

/**
 * Files a page describes in words instead of showing them. scan-degraded: a README of 6000
 * emphasised words ("*a* *a* *a* ...", 12000 delimiters), too long to show.
 */
const DESCRIBED_FILES: Record<string, Record<string, string>> = {
  'scan-degraded': { 'billing/README.md': `${Array.from({ length: 6000 }, () => '*a*').join(' ')}\n` },
};

/**
 * Other branches a page describes in words (port-claimed-elsewhere): the registry at the tip of
 * each remote-tracking branch, made as `git fetch` leaves them (a commit off main, not merged).
 */
const DESCRIBED_BRANCHES: Record<string, Record<string, object>> = {
  'port-claimed-elsewhere': {
    feat: { version: 1, projects: { shop: { range: { from: 5000, to: 5099 }, services: { worker: { port: 5001, purpose: 'jobs' } } } } },
  },
};

async function makeBranches(s: Scenario, branches: Record<string, object>): Promise<void> {
  for (const [name, registry] of Object.entries(branches)) {
    s.git('checkout', '-q', '-b', name);
    await s.write('ports.registry.json', `${JSON.stringify(registry, null, 2)}\n`);
    s.commit(name);
    s.git('update-ref', `refs/remotes/origin/${name}`, 'HEAD');
    s.git('checkout', '-q', 'main');
    s.git('branch', '-q', '-D', name);
  }
}

interface Example {
  files: Record<string, string>;
  /** The command the page runs (`portreg lint`, `portreg registry check`, `portreg lint --baseline FILE`). */
  command: string | null;
  /** The report block; '' when the page says it reports nothing; null when the page shows neither. */
  report: string | null;
  /** What `portreg lint --fix` changes, by file: the diff's lines. */
  diffs: Record<string, string[]>;
}

interface Page {
  id: string;
  failing: Example;
  passing: Example;
}

/** The section under `## title`, up to the next `## ` heading. */
function section(text: string, title: string): string[] {
  const lines = text.split('\n');
  const start = lines.indexOf(`## ${title}`);
  if (start === -1) return [];
  const end = lines.findIndex((l, i) => i > start && l.startsWith('## '));
  return lines.slice(start + 1, end === -1 ? undefined : end);
}

/** The fenced block that starts at or after line i: its text and the line after it. */
function fenced(lines: string[], i: number): { text: string; next: number } {
  let open = i;
  while (open < lines.length && lines[open]!.trim() === '') open++;
  const fence = /^(`{3,})/.exec(lines[open] ?? '')?.[1];
  if (!fence) throw new Error(`expected a fenced block at line ${open + 1}: ${lines[open]}`);
  const close = lines.findIndex((l, j) => j > open && l === fence);
  if (close === -1) throw new Error(`unclosed fenced block at line ${open + 1}`);
  const body = lines.slice(open + 1, close);
  return { text: body.length ? `${body.join('\n')}\n` : '', next: close + 1 };
}

function parseExample(lines: string[]): Example {
  const example: Example = { files: {}, command: null, report: null, diffs: {} };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const file = /^`([^`\s]+)`:$/.exec(line);
    const reports = /^`(portreg [^`]+)` reports(?: \([^)]*\))?:$/.exec(line);
    const nothing = /^`(portreg [^`]+)` reports nothing\.$/.exec(line);
    const fix = /^`portreg lint --fix`.* changes `([^`]+)`:$/.exec(line);
    if (file) {
      const block = fenced(lines, i + 1);
      example.files[file[1]!] = block.text;
      i = block.next - 1;
    } else if (reports) {
      const block = fenced(lines, i + 1);
      example.command = reports[1]!;
      example.report = block.text;
      i = block.next - 1;
    } else if (nothing) {
      example.command = nothing[1]!;
      example.report = '';
    } else if (fix) {
      const block = fenced(lines, i + 1);
      example.diffs[fix[1]!] = block.text.split('\n').slice(0, -1);
      i = block.next - 1;
    }
  }
  return example;
}

function readPages(): Page[] {
  return readdirSync(DOCS)
    .filter((f) => f.endsWith('.md') && f !== 'README.md')
    .sort()
    .map((f) => {
      const text = readFileSync(path.join(DOCS, f), 'utf8');
      return {
        id: f.slice(0, -'.md'.length),
        failing: parseExample(section(text, 'Failing example')),
        passing: parseExample(section(text, 'Passing example')),
      };
    });
}

/** The rules a report names: its own rule ids, and ids inside messages (an unused suppression's rule). */
function rulesNamed(report: string): string[] {
  return [...new Set(report.match(/[a-z0-9]+(?:-[a-z0-9]+)+/g) ?? [])].filter((id) => RULE_IDS.has(id));
}

/** The stylish report without its summary lines, as the pages show it. */
function shown(findings: LintFinding[]): string {
  const text = formatStylish(findings, { color: false });
  const lines = text.split('\n');
  const summary = lines.findIndex((l) => l.startsWith('✖'));
  const body = (summary === -1 ? lines : lines.slice(0, summary)).join('\n').replace(/\n+$/, '');
  return body ? `${body}\n` : '';
}

/** A unified diff's hunk applied to a text: its context and removed lines, found once, become its context and added lines. */
function applyHunk(before: string, diff: string[]): string {
  const from = diff.filter((l) => !l.startsWith('+')).map((l) => l.slice(1));
  const to = diff.filter((l) => !l.startsWith('-')).map((l) => l.slice(1));
  const needle = `${from.join('\n')}\n`;
  const at = before.indexOf(needle);
  expect(at, `the diff's old lines are in the file:\n${needle}`).toBeGreaterThanOrEqual(0);
  expect(before.indexOf(needle, at + 1), 'the diff matches one place only').toBe(-1);
  return before.slice(0, at) + `${to.join('\n')}\n` + before.slice(at + needle.length);
}

async function run(id: string, example: Example, rules: string[]) {
  const files = { ...example.files };
  const registry = files['ports.registry.json'] ?? EMPTY_REGISTRY;
  delete files['ports.registry.json'];
  const config = files['portreg.config.json'] ? (JSON.parse(files['portreg.config.json']) as object) : {};
  delete files['portreg.config.json'];
  const baseline = /--baseline (\S+)/.exec(example.command ?? '')?.[1];
  const branches = DESCRIBED_BRANCHES[id];
  const lint = await lintCase([id, ...rules], { files, registry, config, ...(branches ? { git: true, setup: (s) => makeBranches(s, branches) } : {}) });
  let findings = lint.findings;
  if (baseline) {
    const { kept, stale } = matchBaseline(findings, parseBaseline(await lint.scenario.read(baseline), baseline), baseline);
    findings = [...kept, ...stale];
  }
  return { ...lint, findings };
}

const pages = readPages();

describe('docs/rules examples', () => {
  it('every page has a failing and a passing example that say what portreg reports', () => {
    const missing = pages.flatMap((p) => [
      ...(p.failing.report ? [] : [`${p.id}.md: no "reports:" block in the failing example`]),
      ...(p.passing.report === '' ? [] : [`${p.id}.md: the passing example does not say it "reports nothing"`]),
    ]);
    expect(missing).toEqual([]);
  });

  for (const page of pages) {
    describe(page.id, () => {
      const rules = rulesNamed(page.failing.report ?? '');
      const failing = { ...page.failing, files: { ...(DESCRIBED_FILES[page.id] ?? {}), ...page.failing.files } };
      const passing = { ...page.passing, files: { ...failing.files, ...page.passing.files } };

      it('the failing example reports what the page shows', async () => {
        const result = await run(page.id, failing, rules);
        expect(shown(result.findings)).toBe(page.failing.report);
        const diffs = Object.entries(page.failing.diffs);
        if (diffs.length === 0) return;
        // --fix: the files the page's diffs name change as they show, and no other file.
        const { written } = await applyFixes(result.prepared, result.result!);
        expect(written.sort()).toEqual(diffs.map(([file]) => file).sort());
        for (const [file, diff] of diffs) expect(await result.scenario.read(file), file).toBe(applyHunk(failing.files[file]!, diff));
      });

      it('the passing example reports nothing', async () => {
        const result = await run(page.id, passing, rules);
        expect(shown(result.findings)).toBe('');
      });
    });
  }
});
