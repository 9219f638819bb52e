/**
 * The README's three ways to install portreg, run as a user would, each into its own temporary
 * npm prefix or project (never the machine's global one):
 *
 *   1. from a clone: `npm ci`, then `npm install -g .`;
 *   2. from a tarball: `npm pack`, then `npm install -g ./portreg-<version>.tgz`, then
 *      `portreg --version` and `portreg lint` on a copy of the example outside the repository;
 *   3. as a git dependency of another project, pinned to a commit (npm runs `prepare`: the build).
 *
 * The clone is of a snapshot of this working tree (tracked and untracked files, .gitignore
 * honoured) committed to a temporary repository, so what is tested is what would be committed.
 * These are slow (npm installs, the build runs twice): they live in this one file, run once, in
 * order, with generous hang guards. npm takes packages from its cache when it has them.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir, testEnv } from '../helpers/cli.js';
import { git } from '../helpers/git.js';

// npm ci and the build take a minute or two on a quiet machine; a busy one (or a slow registry) may need several.
const STEP_TIMEOUT = 600_000;

let base: string;
let cleanup: () => Promise<void>;
let clone: string;
let sha: string;
let version: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * A clean environment for npm and git: none of the calling npm's settings (npm test sets
 * npm_config_*, and a global prefix there would install into the machine), no GIT_* of a hook.
 */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const clear = Object.fromEntries(
    Object.keys(process.env)
      .filter((k) => /^(npm_|GIT_|INIT_CWD$)/i.test(k))
      .map((k) => [k, undefined]),
  );
  return testEnv({
    ...clear,
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    npm_config_loglevel: 'error',
    ...extra,
  });
}

/** Runs a command to its end (killed after the hang guard), with its output. */
function run(cmd: string, args: string[], cwd: string, extra: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: env(extra), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const guard = setTimeout(() => child.kill('SIGKILL'), STEP_TIMEOUT - 10_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A step that must succeed: its output is in the failure message when it does not. */
async function ok(cmd: string, args: string[], cwd: string, extra: Record<string, string> = {}): Promise<Run> {
  const r = await run(cmd, args, cwd, extra);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** A copy of the bundled example (its registry and example/) in a folder outside any repository. */
async function exampleCopy(name: string): Promise<string> {
  const dir = path.join(base, name);
  await mkdir(dir, { recursive: true });
  await cp(path.join(REPO_ROOT, 'example'), path.join(dir, 'example'), { recursive: true });
  await cp(path.join(REPO_ROOT, 'ports.registry.json'), path.join(dir, 'ports.registry.json'));
  return dir;
}

beforeAll(async () => {
  ({ dir: base, cleanup } = await tempDir('portreg-install-'));
  // The snapshot: what git would commit from this working tree, as one commit of a new repository.
  const snapshot = path.join(base, 'snapshot');
  await mkdir(snapshot);
  const files = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT, encoding: 'utf8' })
    .stdout.split('\0')
    .filter(Boolean);
  for (const f of files) {
    await mkdir(path.dirname(path.join(snapshot, f)), { recursive: true });
    await cp(path.join(REPO_ROOT, f), path.join(snapshot, f)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err; // a tracked file deleted in the working tree
    });
  }
  git(snapshot, 'init', '-q', '-b', 'main');
  git(snapshot, 'add', '-A');
  git(snapshot, 'commit', '-q', '-m', 'snapshot');
  clone = path.join(base, 'clone');
  git(base, 'clone', '-q', snapshot, clone);
  sha = git(clone, 'rev-parse', 'HEAD').trim();
  version = (JSON.parse(await readFile(path.join(clone, 'package.json'), 'utf8')) as { version: string }).version;
  await ok('npm', ['ci'], clone);
}, STEP_TIMEOUT);
afterAll(() => cleanup());

describe('installing portreg', () => {
  it('from a clone: npm install -g . puts a working portreg on the PATH of that prefix', { timeout: STEP_TIMEOUT }, async () => {
    const prefix = path.join(base, 'prefix-clone');
    await ok('npm', ['install', '-g', '.'], clone, { npm_config_prefix: prefix });
    const bin = path.join(prefix, 'bin/portreg');
    expect(await run(bin, ['--version'], base)).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    const dir = await exampleCopy('example-clone');
    // The registry, and the compose files, env templates and READMEs of the three projects.
    expect(await run(bin, ['lint'], dir)).toEqual({ code: 0, stdout: '0 problems in 11 files\n', stderr: '' });
  });

  it('from a tarball: npm pack, then npm install -g of the tarball; --version, and lint on the example outside the repository', {
    timeout: STEP_TIMEOUT,
  }, async () => {
    const pack = await ok('npm', ['pack', '--silent'], clone);
    const tarball = `portreg-${version}.tgz`;
    expect(pack.stdout.trim().split('\n').at(-1)).toBe(tarball);

    // The bin is executable in the tarball itself, not only once npm links it.
    const listing = await ok('tar', ['-tvzf', tarball], clone);
    const binLine = listing.stdout.split('\n').find((l) => l.endsWith(' package/dist/bundle/main.js'));
    expect(binLine?.slice(0, 10)).toBe('-rwxr-xr-x');
    expect(listing.stdout).toContain(' package/schemas/ports.registry.schema.json');
    expect(listing.stdout).not.toContain(' package/src/');

    const prefix = path.join(base, 'prefix-tarball');
    await ok('npm', ['install', '-g', `./${tarball}`], clone, { npm_config_prefix: prefix });
    const bin = path.join(prefix, 'bin/portreg');
    expect(await run(bin, ['--version'], base)).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });

    const dir = await exampleCopy('example-tarball');
    expect(await run(bin, ['registry', 'check'], dir)).toEqual({ code: 0, stdout: 'ports.registry.json: ok (3 projects)\n', stderr: '' });
    expect(await run(bin, ['lint'], dir)).toEqual({ code: 0, stdout: '0 problems in 11 files\n', stderr: '' });
    // A finding: billing's API published on another port than its registered one. Exit 1, with the report.
    const compose = path.join(dir, 'example/projects/billing/docker-compose.yml');
    await writeFile(compose, (await readFile(compose, 'utf8')).replace('${API_PORT:-5001}:8080', '5077:8080'));
    const failing = await run(bin, ['lint', '--format', 'json'], dir);
    expect(failing.code).toBe(1);
    expect(
      (JSON.parse(failing.stdout) as { findings: { ruleId: string; file: string; line: number }[] }).findings.map((f) => `${f.ruleId} ${f.file}:${f.line}`),
    ).toEqual(['port-mismatch example/projects/billing/docker-compose.yml:5']);
    // A usage error: exit 2.
    expect((await run(bin, ['lint', '--format', 'nope'], dir)).code).toBe(2);
  });

  it('as a git dependency of another project, pinned to a commit: npm runs prepare (the build) and npx runs it', { timeout: STEP_TIMEOUT }, async () => {
    const project = path.join(base, 'consumer');
    await mkdir(project);
    await writeFile(path.join(project, 'package.json'), '{ "name": "consumer", "version": "1.0.0", "private": true }\n');
    await ok('npm', ['install', '--save-dev', `git+file://${clone}#${sha}`], project);
    const pkg = JSON.parse(await readFile(path.join(project, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    expect(pkg.devDependencies.portreg).toBe(`git+file://${clone}#${sha}`);
    // prepare built it: the bundle is there although dist/ is not in git.
    expect(await run('npx', ['--no-install', 'portreg', '--version'], project)).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    await cp(path.join(REPO_ROOT, 'example'), path.join(project, 'example'), { recursive: true });
    await cp(path.join(REPO_ROOT, 'ports.registry.json'), path.join(project, 'ports.registry.json'));
    // The consumer's package.json is read too (its scripts): one more file than the example alone.
    expect(await run('npx', ['--no-install', 'portreg', 'lint'], project)).toEqual({ code: 0, stdout: '0 problems in 12 files\n', stderr: '' });
  });
});
