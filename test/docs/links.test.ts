/**
 * The documentation holds together: every relative link (and #anchor) in README.md,
 * CONTRIBUTING.md and docs/ resolves; the README's tour of the commands and `portreg --help` list
 * the same commands; the revision the pre-commit and Action snippets name is a commit of this
 * repository that has the hook and the action. Needs the built CLI (npm test builds it first).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli, testEnv } from '../helpers/cli.js';

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? markdownFiles(path.join(dir, e.name)) : e.name.endsWith('.md') ? [path.join(dir, e.name)] : [],
  );
}

const FILES = [path.join(REPO_ROOT, 'README.md'), path.join(REPO_ROOT, 'CONTRIBUTING.md'), ...markdownFiles(path.join(REPO_ROOT, 'docs'))];

/** The lines outside fenced code blocks, with their numbers (a link inside a fence is an example, not a link). */
function prose(text: string): [number, string][] {
  const out: [number, string][] = [];
  let fence: string | null = null;
  text.split('\n').forEach((line, i) => {
    const m = /^\s*(`{3,}|~{3,})/.exec(line);
    if (m) {
      if (fence === null) fence = m[1]!;
      else if (m[1]!.startsWith(fence)) fence = null;
      return;
    }
    if (fence === null) out.push([i + 1, line]);
  });
  return out;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to dashes; repeats get -1, -2. */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, line] of prose(text)) {
    const h = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!h) continue;
    const slug = h[1]!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return out;
}

/** The [text](target) links of a Markdown file, without inline code spans. */
function links(text: string): { line: number; target: string }[] {
  const out: { line: number; target: string }[] = [];
  for (const [line, content] of prose(text)) {
    const bare = content.replace(/`[^`]*`/g, '``');
    for (const m of bare.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) out.push({ line, target: m[1]! });
  }
  return out;
}

describe('documentation links', () => {
  it('finds the files it checks', () => {
    const names = FILES.map((f) => path.relative(REPO_ROOT, f));
    for (const name of [
      'README.md',
      'CONTRIBUTING.md',
      'docs/registry.md',
      'docs/lint.md',
      'docs/moving-ports.md',
      'docs/generate.md',
      'docs/mcp.md',
      'docs/live.md',
      'docs/rules/README.md',
    ]) {
      expect(names).toContain(name);
    }
  });

  it('every relative link and #anchor in README.md, CONTRIBUTING.md and docs/ resolves', () => {
    const broken: string[] = [];
    let checked = 0;
    for (const file of FILES) {
      const text = readFileSync(file, 'utf8');
      for (const { line, target } of links(text)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
        checked++;
        const [rel, anchor] = target.split('#') as [string, string | undefined];
        const dest = rel === '' ? file : path.resolve(path.dirname(file), decodeURIComponent(rel));
        const where = `${path.relative(REPO_ROOT, file)}:${line}: ${target}`;
        if (!existsSync(dest)) {
          broken.push(`${where} (no such file)`);
          continue;
        }
        if (anchor === undefined) continue;
        if (statSync(dest).isDirectory() || !dest.endsWith('.md')) {
          broken.push(`${where} (an anchor into a file that is not Markdown)`);
        } else if (!anchors(readFileSync(dest, 'utf8')).has(anchor)) {
          broken.push(`${where} (no heading for #${anchor})`);
        }
      }
    }
    expect(broken).toEqual([]);
    // The README alone has more than 20: a parser that found none would pass vacuously.
    expect(checked).toBeGreaterThan(40);
  });

  it('the link checker sees a broken anchor and a broken file', () => {
    const text = '# Title\n\n## The `x` part: one\n\n[a](#the-x-part-one) [b](#nope) `[c](#in-code)`\n\n```md\n[d](#in-fence)\n```\n';
    expect(anchors(text)).toEqual(new Set(['title', 'the-x-part-one']));
    expect(links(text).map((l) => l.target)).toEqual(['#the-x-part-one', '#nope']);
  });
});

describe("the README's tour of the commands", () => {
  it('lists exactly the commands of portreg --help', async () => {
    const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf('## The commands');
    const end = readme.indexOf('\n## ', start + 1);
    const tour = [...readme.slice(start, end).matchAll(/^\| `portreg ([a-z-]+)` \|/gm)].map((m) => m[1]!);

    const help = await runCli(['--help'], { cwd: REPO_ROOT, env: testEnv() });
    expect(help.code).toBe(0);
    const commandsBlock = help.stdout.slice(help.stdout.indexOf('Commands:\n'));
    const commands = [...commandsBlock.matchAll(/^ {2}([a-z-]+)/gm)].map((m) => m[1]!).filter((c) => c !== 'help');

    expect(commands.length).toBeGreaterThan(10);
    expect(tour).toEqual(commands);
  });
});

describe('the revision the pre-commit and Action snippets name', () => {
  const lint = readFileSync(path.join(REPO_ROOT, 'docs/lint.md'), 'utf8');
  const revs = new Set([...lint.matchAll(/rev: ([0-9a-f]{40})\b/g), ...lint.matchAll(/portreg@([0-9a-f]{40})\b/g)].map((m) => m[1]!));
  const gitOk = spawnSync('git', ['rev-parse', '--is-shallow-repository'], { cwd: REPO_ROOT, encoding: 'utf8' });
  const fullClone = gitOk.status === 0 && gitOk.stdout.trim() === 'false';

  it('is one commit SHA, named by both snippets', () => {
    expect(revs.size).toBe(1);
    expect(lint).toMatch(/rev: [0-9a-f]{40}/);
    expect(lint).toMatch(/uses: <owner>\/portreg@[0-9a-f]{40}/);
  });

  it.runIf(fullClone)('is a commit of this repository with .pre-commit-hooks.yaml and action.yml', () => {
    for (const rev of revs) {
      for (const file of ['.pre-commit-hooks.yaml', 'action.yml']) {
        const r = spawnSync('git', ['cat-file', '-e', `${rev}:${file}`], { cwd: REPO_ROOT });
        expect(r.status, `${rev}:${file}`).toBe(0);
      }
    }
  });
});
