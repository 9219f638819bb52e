/**
 * scripts/release.mjs in a temporary clone: the version bumped in package.json and
 * package-lock.json (nothing else in them), one commit, the annotated tag, nothing pushed; the
 * refusals (uncommitted changes, a tag that exists, a bad argument) change nothing.
 */
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../helpers/cli.js';
import { git, gitEnv, gitInitCommit } from '../helpers/git.js';

let base: string;
let cleanup: () => Promise<void>;
let n = 0;
beforeAll(async () => {
  ({ dir: base, cleanup } = await tempDir('portreg-release-'));
});
afterAll(() => cleanup());

/** An "origin" with this repository's package files and the script, and a clone of it. */
async function clone(): Promise<{ origin: string; work: string }> {
  const origin = path.join(base, `${n}-origin`);
  const work = path.join(base, `${n++}-clone`);
  await mkdir(path.join(origin, 'scripts'), { recursive: true });
  for (const f of ['package.json', 'package-lock.json', 'scripts/release.mjs']) await copyFile(path.join(REPO_ROOT, f), path.join(origin, f));
  gitInitCommit(origin);
  git(base, 'clone', '-q', origin, work);
  return { origin, work };
}

function release(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(cwd, 'scripts/release.mjs'), ...args], { cwd, env: gitEnv(), encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const version = async (dir: string, file: string) => (JSON.parse(await readFile(path.join(dir, file), 'utf8')) as { version: string }).version;

describe('scripts/release.mjs', () => {
  it('bumps the version, commits and tags vX.Y.Z in the clone, and pushes nothing', async () => {
    const { origin, work } = await clone();
    const before = await version(work, 'package.json');
    const [maj, min, pat] = before.split('.').map(Number) as [number, number, number];
    const next = `${maj}.${min}.${pat + 1}`;
    const lockBefore = await readFile(path.join(work, 'package-lock.json'), 'utf8');

    expect(release(work, 'patch')).toEqual({
      code: 0,
      stdout: `v${next}\n`,
      stderr: `release: committed and tagged v${next}; publish it with: git push origin HEAD v${next}\n`,
    });
    expect(await version(work, 'package.json')).toBe(next);
    const lock = JSON.parse(await readFile(path.join(work, 'package-lock.json'), 'utf8')) as { version: string; packages: Record<string, { version: string }> };
    expect([lock.version, lock.packages['']!.version]).toEqual([next, next]);
    // Nothing else in the lock file changed: the two version lines only.
    expect(git(work, 'diff', '--stat', 'HEAD~1', 'HEAD')).toMatch(/2 files changed, 3 insertions\(\+\), 3 deletions\(-\)/);
    expect(lockBefore.replace(/"version": "[^"]*"/g, '')).toBe(
      (await readFile(path.join(work, 'package-lock.json'), 'utf8')).replace(/"version": "[^"]*"/g, ''),
    );

    expect(git(work, 'log', '-1', '--format=%s')).toBe(`release v${next}\n`);
    expect(git(work, 'cat-file', '-t', `v${next}`)).toBe('tag\n'); // annotated
    expect(git(work, 'rev-parse', `v${next}^{commit}`)).toBe(git(work, 'rev-parse', 'HEAD'));
    expect(git(work, 'status', '--porcelain')).toBe('');
    // Not pushed: the origin has neither the tag nor the commit.
    expect(git(origin, 'tag', '--list')).toBe('');
    expect(git(origin, 'log', '-1', '--format=%s')).toBe('initial\n');

    // minor, major and an exact version from there.
    expect(release(work, 'minor').stdout).toBe(`v${maj}.${min + 1}.0\n`);
    expect(release(work, 'major').stdout).toBe(`v${maj + 1}.0.0\n`);
    expect(release(work, '7.8.9').stdout).toBe('v7.8.9\n');
    expect(git(work, 'tag', '--list').split('\n').filter(Boolean).sort()).toEqual([`v${maj + 1}.0.0`, `v${maj}.${min + 1}.0`, `v${next}`, 'v7.8.9'].sort());
  });

  it('refuses uncommitted changes, a tag that exists and a bad argument, changing nothing', async () => {
    const { work } = await clone();
    const head = git(work, 'rev-parse', 'HEAD');
    const pkg = await readFile(path.join(work, 'package.json'), 'utf8');
    const current = await version(work, 'package.json');

    expect(release(work)).toEqual({ code: 2, stdout: '', stderr: 'release: usage: node scripts/release.mjs patch|minor|major|X.Y.Z\n' });
    expect(release(work, 'next')).toEqual({ code: 2, stdout: '', stderr: 'release: "next" is neither patch, minor, major nor a version X.Y.Z\n' });
    expect(release(work, current)).toEqual({ code: 2, stdout: '', stderr: `release: package.json is at ${current} already\n` });

    git(work, 'tag', 'v9.9.9');
    expect(release(work, '9.9.9')).toEqual({ code: 1, stdout: '', stderr: 'release: the tag v9.9.9 exists already\n' });

    await writeFile(path.join(work, 'notes.txt'), 'wip\n');
    expect(release(work, 'patch')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'release: the working tree has uncommitted changes; commit or stash them first:\n?? notes.txt\n',
    });

    expect(git(work, 'rev-parse', 'HEAD')).toBe(head);
    expect(await readFile(path.join(work, 'package.json'), 'utf8')).toBe(pkg);
    expect(git(work, 'tag', '--list')).toBe('v9.9.9\n');
  });
});
