/**
 * The pre-commit hooks of .pre-commit-hooks.yaml with the real `pre-commit` tool: it installs
 * this repository the way its users' pre-commit does (language: node, so `npm install` and
 * `npm pack` of the repository, then `npm install -g` of the tarball, with the npm registry),
 * then runs `portreg lint` on a project's files.
 *
 * The repository under test is a snapshot of this working tree (tracked and untracked files,
 * .gitignore honoured) committed to a temporary git repository: `pre-commit try-repo` on the
 * working tree itself takes uncommitted changes of tracked files only, so a new file (an
 * .npmrc, a new source file) would be missing from what it installs.
 *
 * `try-repo` installs into a throwaway store every time (it ignores PRE_COMMIT_HOME), so it is
 * run once; the other checks go through a .pre-commit-config.yaml, whose environment is
 * installed once into a PRE_COMMIT_HOME shared by the tests of this file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { copyFile, cp, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, tempDir, testEnv } from '../helpers/cli.js';
import { git } from '../helpers/git.js';

// An install takes about a minute on a quiet machine; a busy one (or a slow registry) may need several.
const INSTALL_TIMEOUT = 480_000;
const hasPreCommit = spawnSync('pre-commit', ['--version'], { stdio: 'ignore' }).status === 0;
if (!hasPreCommit) {
  console.warn(
    'test/integration/pre-commit.test.ts skipped: pre-commit is not on the PATH (.ci/run installs it with apt-get; locally: apt-get install pre-commit, or pipx install pre-commit)',
  );
}

let base: string;
let cleanup: () => Promise<void>;
let hookRepo: string;
let hookRev: string;
let preCommitHome: string;

/**
 * Git and pre-commit see only this test's repositories: no GIT_* of a calling hook, no
 * PRE_COMMIT_* or PORTREG_* of the caller. The npm that pre-commit runs takes packages from its
 * cache when it has them (npm ci filled it) and skips the audit and fund requests: the same
 * install, with fewer round trips to the registry.
 */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const clear = Object.fromEntries(
    Object.keys(process.env)
      .filter((k) => k.startsWith('GIT_') || k.startsWith('PRE_COMMIT'))
      .map((k) => [k, undefined]),
  );
  return testEnv({
    ...clear,
    PRE_COMMIT_HOME: preCommitHome,
    PRE_COMMIT_COLOR: 'never',
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    ...extra,
  });
}

/** A repository whose own config has an identity and no signing: commits that pre-commit's hook runs (through run(), in env()) use it. */
function initRepo(dir: string): void {
  git(dir, 'init', '-q');
  git(dir, 'config', 'user.email', 'test@example.com');
  git(dir, 'config', 'user.name', 'portreg tests');
  git(dir, 'config', 'commit.gpgsign', 'false');
}

interface Run {
  code: number | null;
  output: string;
}

/** Runs a command with stdout and stderr merged, as a terminal shows pre-commit's output. */
function run(cwd: string, cmd: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** This working tree as a one-commit repository: what a commit of it would hold. */
async function snapshotOfThisRepository(dest: string): Promise<string> {
  await mkdir(dest, { recursive: true });
  let files: string[] | undefined;
  try {
    files = git(REPO_ROOT, 'ls-files', '-z', '--cached', '--others', '--exclude-standard').split('\0').filter(Boolean);
  } catch {
    files = undefined; // not a git checkout (an unpacked tarball): copy all but what is built or installed
  }
  if (files) {
    for (const file of files) {
      const from = path.join(REPO_ROOT, file);
      const info = await stat(from).catch(() => null);
      if (!info?.isFile()) continue; // deleted in the working tree, or a submodule
      await mkdir(path.dirname(path.join(dest, file)), { recursive: true });
      await copyFile(from, path.join(dest, file));
    }
  } else {
    const skip = new Set(['.git', 'node_modules', 'dist', 'dist-typecheck', 'coverage']);
    await cp(REPO_ROOT, dest, { recursive: true, filter: (src) => !skip.has(path.relative(REPO_ROOT, src).split(path.sep)[0]!) });
  }
  initRepo(dest);
  git(dest, 'add', '-A');
  git(dest, 'commit', '-q', '-m', 'portreg working tree');
  return git(dest, 'rev-parse', 'HEAD').trim();
}

const REGISTRY = `{
  "version": 1,
  "reserved": [
    { "port": 22, "reason": "SSH" }
  ],
  "projects": {
    "app": {
      "range": { "from": 5100, "to": 5199 },
      "path": "app",
      "services": {
        "api": { "port": 5101, "purpose": "API" }
      }
    }
  }
}
`;
const CLEAN_COMPOSE = 'services:\n  api:\n    ports:\n      - "5101:8080"\n';
/** A second service on a port outside the project's range 5100-5199. */
const BROKEN_COMPOSE = CLEAN_COMPOSE + '  worker:\n    ports:\n      - "5250:9090"\n';

/** A project repository with a registry and a compose file that agree, committed. */
async function projectRepo(name: string, extra: Record<string, string> = {}): Promise<string> {
  const dir = path.join(base, name);
  await mkdir(path.join(dir, 'app'), { recursive: true });
  await writeFile(path.join(dir, 'ports.registry.json'), REGISTRY);
  await writeFile(path.join(dir, 'app/compose.yaml'), CLEAN_COMPOSE);
  for (const [file, text] of Object.entries(extra)) await writeFile(path.join(dir, file), text);
  initRepo(dir);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'ports');
  return dir;
}

describe.skipIf(!hasPreCommit)('pre-commit hooks (real pre-commit; skipped when pre-commit is not on the PATH)', () => {
  beforeAll(async () => {
    ({ dir: base, cleanup } = await tempDir('portreg-pre-commit-'));
    preCommitHome = path.join(base, 'pre-commit-home');
    hookRepo = path.join(base, 'portreg');
    hookRev = await snapshotOfThisRepository(hookRepo);
  });
  afterAll(() => cleanup?.());

  it(
    'pre-commit try-repo: the portreg hook installs and passes on a clean project',
    async () => {
      const project = await projectRepo('try-repo');
      const r = await run(project, 'pre-commit', ['try-repo', hookRepo, 'portreg', '--all-files']);
      expect(r.output).toMatch(/^portreg lint\.+Passed$/m);
      expect(r.code, r.output).toBe(0);
    },
    INSTALL_TIMEOUT,
  );

  it(
    'a commit that breaks a rule is refused by the hook, which names the rule; the whole-tree hook fails too',
    async () => {
      const config = `repos:\n  - repo: ${hookRepo}\n    rev: ${hookRev}\n    hooks:\n      - id: portreg\n      - id: portreg-all\n`;
      const project = await projectRepo('installed', { '.pre-commit-config.yaml': config });

      // The clean tree passes both hooks (this installs the environment into PRE_COMMIT_HOME).
      const clean = await run(project, 'pre-commit', ['run', '--all-files']);
      expect(clean.output).toMatch(/^portreg lint\.+Passed$/m);
      expect(clean.output).toMatch(/^portreg lint \(whole tree\)\.+Passed$/m);
      expect(clean.code, clean.output).toBe(0);

      // Commit a port outside the project's range through the installed git hook: refused.
      expect((await run(project, 'pre-commit', ['install'])).code).toBe(0);
      await writeFile(path.join(project, 'app/compose.yaml'), BROKEN_COMPOSE);
      git(project, 'add', 'app/compose.yaml');
      const head = git(project, 'rev-parse', 'HEAD');
      const commit = await run(project, 'git', ['commit', '-m', 'worker on 5250']);
      expect(commit.code).not.toBe(0);
      expect(commit.output).toMatch(/^portreg lint\.+Failed$/m);
      expect(commit.output).toContain('- hook id: portreg\n- exit code: 1\n');
      expect(commit.output).toContain('app/compose.yaml\n  7:10  error    port 5250 is outside the range 5100-5199 of project "app"  port-out-of-range\n');
      expect(git(project, 'rev-parse', 'HEAD')).toBe(head);

      // Committed anyway (--no-verify), the file fails the hook when pre-commit is asked about it.
      git(project, 'commit', '-q', '--no-verify', '-m', 'worker on 5250');
      const files = await run(project, 'pre-commit', ['run', 'portreg', '--files', 'app/compose.yaml']);
      expect(files.code).toBe(1);
      expect(files.output).toMatch(/^portreg lint\.+Failed$/m);
      expect(files.output).toContain('port-out-of-range');
      const all = await run(project, 'pre-commit', ['run', 'portreg-all', '--all-files']);
      expect(all.code).toBe(1);
      expect(all.output).toMatch(/^portreg lint \(whole tree\)\.+Failed$/m);
      expect(all.output).toContain('port-out-of-range');

      // Files the hook does not match are not passed to it.
      await writeFile(path.join(project, 'notes.txt'), 'port 5250\n');
      const other = await run(project, 'pre-commit', ['run', 'portreg', '--files', 'notes.txt']);
      expect(other.output).toMatch(/^portreg lint\.+\(no files to check\)Skipped$/m);
      expect(other.code).toBe(0);
      expect(existsSync(path.join(preCommitHome, 'db.db'))).toBe(true);
      expect(await readFile(path.join(project, 'app/compose.yaml'), 'utf8')).toBe(BROKEN_COMPOSE); // the hook never edits
    },
    INSTALL_TIMEOUT,
  );

  it(
    "a commit of the registry alone that leaves a project's config stale is refused, naming that config",
    async () => {
      const config = `repos:\n  - repo: ${hookRepo}\n    rev: ${hookRev}\n    hooks:\n      - id: portreg\n`;
      const project = await projectRepo('registry-only', { '.pre-commit-config.yaml': config });
      expect((await run(project, 'pre-commit', ['install'])).code).toBe(0);
      // The api moves to 5102 in the registry; app/compose.yaml still publishes 5101. Only the registry is staged.
      await writeFile(path.join(project, 'ports.registry.json'), REGISTRY.replace('"port": 5101', '"port": 5102'));
      git(project, 'add', 'ports.registry.json');
      const head = git(project, 'rev-parse', 'HEAD');
      const commit = await run(project, 'git', ['commit', '-m', 'api to 5102']);
      expect(commit.code).not.toBe(0);
      expect(commit.output).toMatch(/^portreg lint\.+Failed$/m);
      expect(commit.output).toContain('portreg: ports.registry.json changed the entries of app: reporting on their files too\n');
      expect(commit.output).toContain(
        'app/compose.yaml\n  4:10  error    service "api" of project "app" is registered on port 5102, but app/compose.yaml gives it 5101  port-mismatch\n',
      );
      expect(git(project, 'rev-parse', 'HEAD')).toBe(head);
    },
    INSTALL_TIMEOUT,
  );
});
