import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitTopLevel } from '../../src/util/git.js';
import { git, gitInitCommit } from '../helpers/git.js';

/** gitTopLevel reads the disk instead of spawning git: it must answer what git answers. */
describe('gitTopLevel', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'portreg-toplevel-'));
    await mkdir(path.join(dir, 'repo', 'a', 'b'), { recursive: true });
    gitInitCommit(path.join(dir, 'repo'));
    git(path.join(dir, 'repo'), 'worktree', 'add', '-q', path.join(dir, 'linked'));
    await mkdir(path.join(dir, 'linked', 'sub'));
    await symlink(path.join(dir, 'repo'), path.join(dir, 'through-link'));
    await mkdir(path.join(dir, 'plain'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const gitSays = (cwd: string) => git(cwd, 'rev-parse', '--show-toplevel').trim();

  it.each([
    ['the top folder', 'repo'],
    ['a folder below it', 'repo/a/b'],
    ['a linked worktree', 'linked'],
    ['a folder in a linked worktree', 'linked/sub'],
    ['a path through a symlink', 'through-link/a'],
  ])('gives what git gives in %s', async (_name, folder) => {
    const cwd = path.join(dir, folder);
    expect(await gitTopLevel(cwd)).toBe(gitSays(cwd));
  });

  it('gives null outside git', async () => {
    expect(await gitTopLevel(path.join(dir, 'plain'))).toBeNull();
  });
});
