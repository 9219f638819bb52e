/**
 * The rename phase of a change set against a user who edits a file, or swaps a folder for a link,
 * while the files are being renamed (issue 19.3): the edit is never lost and nothing is written
 * outside the tree. The hook runs right before the rename of file `index`, after every check.
 */
import { describe, expect, it } from 'vitest';
import { cp, mkdir, readdir, rename, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PortregError } from '../../src/errors.js';
import { commitChangeSet } from '../../src/fix/commit.js';
import { tempDir } from '../helpers/cli.js';
import { readTree } from '../rewrite/helpers.js';

const BEFORE = { 'a/one.yml': 'one\n', 'b/two.yml': 'two\n', 'c/three.yml': 'three\n' };
const files = Object.entries(BEFORE).map(([file, text]) => ({ file, before: Buffer.from(text), after: Buffer.from(text.toUpperCase()) }));

async function tree(): Promise<{ root: string; outside: string; cleanup: () => Promise<void> }> {
  const { dir, cleanup } = await tempDir('portreg-rename-phase-');
  const root = path.join(dir, 'repo');
  for (const [file, text] of Object.entries(BEFORE)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
  return { root, outside: path.join(dir, 'outside'), cleanup };
}

const texts = async (root: string) => Object.fromEntries([...(await readTree(root))].map(([f, b]) => [f, b.toString('utf8')]));

describe('the rename phase of a change set', () => {
  it('gives back a file edited right before its rename, takes back every other file, and says so (exit 1)', async () => {
    const { root, cleanup } = await tree();
    try {
      const commit = commitChangeSet({
        root,
        files,
        uncommitted: { refuse: false },
        hooks: { beforeRename: async (i) => (i === 1 ? writeFile(path.join(root, 'b/two.yml'), 'two, edited by hand\n') : undefined) },
      });
      await expect(commit).rejects.toMatchObject({
        exitCode: 1,
        message: 'b/two.yml was edited while the files were being written: it keeps the edit, and nothing else was changed; run the command again',
      } satisfies Partial<PortregError>);
      expect(await texts(root)).toEqual({ 'a/one.yml': 'one\n', 'b/two.yml': 'two, edited by hand\n', 'c/three.yml': 'three\n' });
      for (const folder of ['a', 'b', 'c']) expect(await readdir(path.join(root, folder))).toHaveLength(1);
    } finally {
      await cleanup();
    }
  });

  it('refuses a folder swapped for a link to a copy outside the tree, writes nothing there, and restores the tree', async () => {
    const { root, outside, cleanup } = await tree();
    try {
      const commit = commitChangeSet({
        root,
        files,
        uncommitted: { refuse: false },
        hooks: {
          beforeRename: async (i) => {
            if (i !== 1) return;
            await cp(path.join(root, 'b'), outside, { recursive: true });
            await rename(path.join(root, 'b'), path.join(path.dirname(root), 'b-away'));
            await symlink(outside, path.join(root, 'b'));
          },
        },
      });
      await expect(commit).rejects.toMatchObject({
        exitCode: 1,
        message: 'the folder of b/two.yml was replaced (by a link, or removed) while the files were being written; nothing was changed',
      } satisfies Partial<PortregError>);
      expect(await texts(outside)).toEqual({ 'two.yml': 'two\n' });
      expect((await texts(root))['a/one.yml']).toBe('one\n');
      expect((await texts(root))['c/three.yml']).toBe('three\n');
      expect(await readdir(path.join(root, 'a'))).toEqual(['one.yml']);
    } finally {
      await cleanup();
    }
  });
});
