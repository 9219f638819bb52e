/**
 * Every rule has a page in docs/rules/, every page has a rule, and what the pages and the index
 * say about each rule (default severity, fixable, scope) is what the rule's meta says.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ALL_RULES } from '../../src/rules/index.js';
import type { RuleMeta } from '../../src/rules/types.js';

const DOCS = path.join(import.meta.dirname, '../../docs/rules');
const INDEX = 'README.md';

const pageFile = (id: string) => path.join(DOCS, `${id}.md`);
const documented = ALL_RULES.filter((m) => existsSync(pageFile(m.id)));
const read = (m: RuleMeta) => readFileSync(pageFile(m.id), 'utf8');

/** The values of every `Name: value` line of a page (a header line such as `Default: error`). */
function headerValues(text: string, name: string): string[] {
  return [...text.matchAll(new RegExp(`^${name}: (\\S+)`, 'gm'))].map((m) => m[1]!);
}

/** Collects one line per rule whose page disagrees with its meta; the test expects none. */
function mismatches(check: (meta: RuleMeta, text: string) => string | null): string[] {
  return documented.map((m) => check(m, read(m))).filter((p): p is string => p !== null);
}

function oneHeader(m: RuleMeta, text: string, name: string, expected: string): string | null {
  const values = headerValues(text, name);
  if (values.length !== 1)
    return `${m.id}.md: expected one "${name}: ${expected}" line, found ${values.length ? values.map((v) => `"${name}: ${v}"`).join(', ') : 'none'}`;
  return values[0] === expected ? null : `${m.id}.md: "${name}: ${values[0]}", but the rule's meta says ${expected}`;
}

describe('rule docs (docs/rules/)', () => {
  it('rule ids are unique', () => {
    const ids = ALL_RULES.map((m) => m.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it('has a page for every rule in ALL_RULES', () => {
    const missing = ALL_RULES.filter((m) => !existsSync(pageFile(m.id))).map((m) => `docs/rules/${m.id}.md`);
    expect(missing, 'write the page (scripts/new-rule.mjs makes one from the template)').toEqual([]);
  });

  it('has no page for a rule that does not exist', () => {
    const ids = new Set(ALL_RULES.map((m) => m.id));
    const orphans = readdirSync(DOCS).filter((f) => f.endsWith('.md') && f !== INDEX && !ids.has(f.slice(0, -'.md'.length)));
    expect(orphans, 'a page whose rule was renamed or removed, or a rule not yet added to src/rules/index.ts').toEqual([]);
  });

  it('each page starts with the rule id as its title', () => {
    expect(mismatches((m, text) => (text.split('\n', 1)[0] === `# ${m.id}` ? null : `${m.id}.md: the first line must be "# ${m.id}"`))).toEqual([]);
  });

  it('each page states the default severity of its rule', () => {
    expect(mismatches((m, text) => oneHeader(m, text, 'Default', m.defaultSeverity))).toEqual([]);
  });

  it('each page states whether its rule is fixable', () => {
    expect(mismatches((m, text) => oneHeader(m, text, 'Fixable', m.fixable ? 'yes' : 'no'))).toEqual([]);
  });

  it('each page states the scope of its rule', () => {
    expect(mismatches((m, text) => oneHeader(m, text, 'Scope', m.scope))).toEqual([]);
  });

  it('each page has a failing and a passing example, how to fix, and when to turn it off', () => {
    const sections = ['## Failing example', '## Passing example', '## How to fix', '## When to turn it off'];
    expect(
      mismatches((m, text) => {
        const missing = sections.filter((s) => !text.split('\n').includes(s));
        return missing.length ? `${m.id}.md lacks ${missing.join(', ')}` : null;
      }),
    ).toEqual([]);
  });

  describe('the index, docs/rules/README.md', () => {
    const index = existsSync(path.join(DOCS, INDEX)) ? readFileSync(path.join(DOCS, INDEX), 'utf8') : '';
    /** Table rows that link a rule page: `| [id](id.md) | severity | fixable | scope | description |`. */
    const rows = new Map<string, string[]>();
    for (const line of index.split('\n')) {
      const m = /^\|\s*\[([a-z0-9-]+)\]\(([^)]+)\)\s*\|(.*)\|\s*$/.exec(line);
      if (m) rows.set(m[1]!, [m[2]!, ...m[3]!.split('|').map((c) => c.trim())]);
    }

    it('exists', () => {
      expect(index, 'docs/rules/README.md is missing').not.toBe('');
    });

    it('lists every rule, linked to its page, with its default severity, fixable and scope', () => {
      const problems: string[] = [];
      for (const m of ALL_RULES) {
        const row = rows.get(m.id);
        if (!row) {
          problems.push(`${m.id}: no row`);
          continue;
        }
        const [link, severity, fixable, scope] = row;
        if (link !== `${m.id}.md`) problems.push(`${m.id}: links to ${link}, not ${m.id}.md`);
        if (severity !== m.defaultSeverity) problems.push(`${m.id}: default "${severity}", the rule's meta says ${m.defaultSeverity}`);
        if (fixable !== (m.fixable ? 'yes' : 'no')) problems.push(`${m.id}: fixable "${fixable}", the rule's meta says ${m.fixable ? 'yes' : 'no'}`);
        if (scope !== m.scope) problems.push(`${m.id}: scope "${scope}", the rule's meta says ${m.scope}`);
      }
      expect(problems).toEqual([]);
    });

    it('lists no rule that does not exist', () => {
      const ids = new Set(ALL_RULES.map((m) => m.id));
      expect([...rows.keys()].filter((id) => !ids.has(id))).toEqual([]);
    });
  });
});
