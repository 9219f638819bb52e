/**
 * The snippets of docs/parallel-checkouts.md for Claude Code, Cursor, Codex and worktrunk are
 * read from the page and their portreg commands run, as the tools would run them (`sh -c`, in the
 * worktree's top folder, `npx portreg` being the built CLI), on a real git worktree: the setup
 * leases the worktree's slot and writes its .env (twice: the same bytes), the cleanup gives the
 * slot back, and, as the page says, a cleanup while the slot's server runs keeps the lease and
 * still lets the removal go on. The tools themselves are not run: this holds the page to the CLI.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, REPO_ROOT } from '../helpers/cli.js';
import { fixtureAt, listenOn, type SlotRepo } from './fixture.js';

/** A range of this file's own: it listens on slot ports while the other slot tests run. */
const { FROM, slotRepo } = fixtureAt(27600);

const PAGE = readFileSync(path.join(REPO_ROOT, 'docs/parallel-checkouts.md'), 'utf8');

interface Snippet {
  tool: string;
  /** The file the page says the snippet goes in. */
  file: string;
  setup: string[];
  cleanup: string[];
}

/** Each fenced block of the "Agents and worktree tools" section, with the paragraph line before it. */
function blocks(): { intro: string; lang: string; body: string }[] {
  const section = PAGE.slice(PAGE.indexOf('## Agents and worktree tools'));
  const out: { intro: string; lang: string; body: string }[] = [];
  const re = /([^\n]*)\n\n```(\w+)\n([\s\S]*?)\n```/g;
  for (let m = re.exec(section); m; m = re.exec(section)) out.push({ intro: m[1]!, lang: m[2]!, body: m[3]! });
  return out;
}

/** `key = "value"` lines under `[section]`s: the TOML the snippets use; any other line fails the test. */
function readToml(body: string): Map<string, string> {
  const values = new Map<string, string>();
  let section = '';
  for (const line of body.split('\n')) {
    if (line.trim() === '') continue;
    const header = /^\[([\w.-]+)\]$/.exec(line);
    if (header) {
      section = `${header[1]}.`;
      continue;
    }
    const pair = /^([\w-]+) = "((?:[^"\\]|\\.)*)"$/.exec(line);
    if (!pair) throw new Error(`a TOML line this test cannot read: ${line}`);
    values.set(section + pair[1], JSON.parse(`"${pair[2]}"`));
  }
  return values;
}

/** The four snippets, as the page writes them. */
function snippets(): Snippet[] {
  const found = blocks();
  const pick = (tool: string) => {
    const b = found.find((x) => x.intro.startsWith(`${tool},`));
    if (!b) throw new Error(`docs/parallel-checkouts.md has no snippet for ${tool}`);
    return { ...b, file: /`([^`]+)`/.exec(b.intro)![1]! };
  };
  const claude = pick('Claude Code');
  const claudeHooks = JSON.parse(claude.body).hooks.SessionStart.flatMap((h: { hooks: { type: string; command: string }[] }) => h.hooks);
  const cursor = pick('Cursor');
  const codex = pick('Codex');
  const codexToml = readToml(codex.body);
  const wt = pick('worktrunk');
  const wtToml = readToml(wt.body);
  return [
    { tool: 'Claude Code', file: claude.file, setup: claudeHooks.map((h: { command: string }) => h.command), cleanup: [] },
    { tool: 'Cursor', file: cursor.file, setup: JSON.parse(cursor.body)['setup-worktree'], cleanup: [] },
    { tool: 'Codex', file: codex.file, setup: [codexToml.get('setup.script')!], cleanup: [codexToml.get('cleanup.script')!] },
    { tool: 'worktrunk', file: wt.file, setup: [wtToml.get('post-start')!], cleanup: [wtToml.get('pre-remove')!] },
  ];
}

/** The portreg commands of a list (the others, `npm ci`, are the project's own, not run here). */
const portregOnly = (commands: string[]) => commands.filter((c) => /\bportreg\b/.test(c));

// `npx portreg ...` as the tools run it: npx finds the package's bin, here the built CLI.
const bin = mkdtempSync(path.join(tmpdir(), 'portreg-doc-bin-'));
writeFileSync(
  path.join(bin, 'npx'),
  `#!/bin/sh\nif [ "$1" = portreg ]; then shift; exec '${process.execPath}' '${CLI}' "$@"; fi\necho "npx $*: not portreg" >&2\nexit 127\n`,
);
chmodSync(path.join(bin, 'npx'), 0o755);
afterAll(() => rmSync(bin, { recursive: true, force: true }));

/** One command as a tool runs it: a shell, in the worktree's top folder. */
function run(repo: SlotRepo, cwd: string, command: string) {
  const r = spawnSync('sh', ['-c', command], {
    cwd,
    env: { PATH: `${bin}:${process.env.PATH}`, HOME: process.env.HOME, CI: '1', ...repo.env },
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const leaseOf = (repo: SlotRepo, worktree: string) => {
  const file = path.join(repo.state, 'leases.json');
  const leases = JSON.parse(readFileSync(file, 'utf8')).leases as { worktree: string; slot: number }[];
  return leases.find((l) => l.worktree === worktree)?.slot ?? null;
};

const envBlock = (slot: number) =>
  [
    `# portreg:slot-start (written by "portreg env --write": slot ${slot} of project "billing" on this machine; edits inside are replaced)`,
    `COMPOSE_PROJECT_NAME=billing-${slot}`,
    `API_PORT=${FROM + 1 + 10 * slot}`,
    `DB_PORT=${FROM + 2}`,
    '# portreg:slot-end',
    '',
  ].join('\n');

describe('docs/parallel-checkouts.md: the agent and worktree tool snippets', () => {
  it('names a setup command with portreg for each of the four tools, and a cleanup for Codex and worktrunk', () => {
    const all = snippets();
    expect(all.map((s) => [s.tool, s.file])).toEqual([
      ['Claude Code', '.claude/settings.json'],
      ['Cursor', '.cursor/worktrees.json'],
      ['Codex', '.codex/environments/environment.toml'],
      ['worktrunk', '.config/wt.toml'],
    ]);
    for (const s of all) expect(portregOnly(s.setup).length, s.tool).toBeGreaterThan(0);
    for (const s of all.filter((x) => x.tool === 'Codex' || x.tool === 'worktrunk')) expect(portregOnly(s.cleanup).length, s.tool).toBeGreaterThan(0);
  });

  for (const snippet of snippets()) {
    it(`${snippet.tool}: the setup leases the worktree's slot and writes its .env (the same bytes twice)${snippet.cleanup.length ? '; the cleanup gives the slot back' : ''}`, async () => {
      const repo = await slotRepo();
      const a = repo.addWorktree('a');
      const said = `slot 1 of project "billing" for ${a}\n  api  ${FROM + 11}  http://localhost:${FROM + 11}  API_PORT\n  db   ${FROM + 2}  http://localhost:${FROM + 2}  DB_PORT  shared\n`;
      for (const command of portregOnly(snippet.setup)) {
        const r = run(repo, a, command);
        expect({ command, ...r }).toEqual({ command, code: 0, stdout: said, stderr: 'portreg: wrote billing/.env (slot 1 of project "billing")\n' });
      }
      expect(leaseOf(repo, a)).toBe(1);
      const env = readFileSync(path.join(a, 'billing/.env'), 'utf8');
      expect(env).toBe(envBlock(1));
      for (const command of portregOnly(snippet.setup)) {
        const r = run(repo, a, command);
        expect({ command, ...r }).toEqual({ command, code: 0, stdout: said, stderr: 'portreg: billing/.env is up to date (slot 1 of project "billing")\n' });
      }
      expect(readFileSync(path.join(a, 'billing/.env'), 'utf8')).toBe(env);
      for (const command of portregOnly(snippet.cleanup)) {
        const r = run(repo, a, command);
        expect({ command, ...r }).toEqual({ command, code: 0, stdout: `released slot 1 of project "billing" for ${a}\n`, stderr: '' });
      }
      if (snippet.cleanup.length) expect(leaseOf(repo, a)).toBeNull();
    });
  }

  for (const snippet of snippets().filter((s) => s.cleanup.length)) {
    it(`${snippet.tool}: a cleanup while the slot's server runs keeps the lease, says why, and exits 0 so the removal goes on`, async () => {
      const repo = await slotRepo();
      const a = repo.addWorktree('a');
      for (const command of portregOnly(snippet.setup)) expect(run(repo, a, command).code).toBe(0);
      await listenOn(FROM + 11);
      for (const command of portregOnly(snippet.cleanup)) {
        const r = run(repo, a, command);
        expect(r.code).toBe(0);
        expect(r.stderr).toBe(
          `portreg: slot 1 of project "billing" is in use: something listens on ${FROM + 11} (api); stop it first, or release anyway with --force\n`,
        );
      }
      expect(leaseOf(repo, a)).toBe(1);
    });
  }
});
