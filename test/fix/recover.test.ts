/**
 * The recovery's own cases, in process on real folders (the kill tests in commit-kill.test.ts
 * make every journal a real killed writer leaves): a journal whose process still runs is a write
 * in progress and is left alone; a journal that cannot be read is named, not guessed at; the
 * journal goes to .git/portreg/ in a git work tree (a linked worktree included), else beside the registry.
 */
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { journalFolderFor } from '../../src/fix/journal.js';
import { recoverInterrupted } from '../../src/fix/recover.js';
import { tempDir } from '../helpers/cli.js';
import { git } from '../helpers/git.js';

let root: string;
let cleanup: () => Promise<void>;
let registry: string;
beforeEach(async () => {
  ({ dir: root, cleanup } = await tempDir('portreg-recover-'));
  registry = path.join(root, 'ports.registry.json');
  await writeFile(registry, '{}\n');
});
afterEach(() => cleanup());

const journalOf = (pid: number, files: object[] = []) =>
  JSON.stringify({ version: 1, command: 'reassign', pid, host: 'here', phase: 'renaming', files, folders: [], registry: null });

describe('recoverInterrupted', () => {
  it('leaves the journal of a process that still runs: its write is in progress', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      const file = path.join(root, `.portreg-journal.${child.pid}.0123abcd.json`);
      await writeFile(file, journalOf(child.pid!));
      expect(await recoverInterrupted(registry)).toEqual([]);
      expect(await readFile(file, 'utf8')).toBe(journalOf(child.pid!));
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('a journal that cannot be read is named and kept: nothing is guessed', async () => {
    const file = path.join(root, '.portreg-journal.999999999.0123abcd.json');
    await writeFile(file, '{"version": 1, "files": [');
    const lines = await recoverInterrupted(registry);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(`^cannot read ${file.replace(/[.]/g, '\\.')}, the journal of an interrupted write \\(.+\\): check the files it names, then remove it$`),
    );
    expect(await readdir(root)).toContain('.portreg-journal.999999999.0123abcd.json');
  });

  it("finishes a dead process's journal with nothing left to do, and removes it", async () => {
    const file = path.join(root, '.portreg-journal.999999999.0123abcd.json');
    await writeFile(file, journalOf(999999999));
    expect(await recoverInterrupted(registry)).toEqual(['finished an interrupted reassign of 0 files']);
    expect((await readdir(root)).sort()).toEqual(['ports.registry.json']);
  });

  it("the journal lives in the git folder of the work tree, a linked worktree's own, else beside the registry", async () => {
    expect(await journalFolderFor(registry)).toBe(root);
    git(root, 'init', '-q');
    git(root, 'add', '.');
    git(root, 'commit', '-q', '-m', 'registry');
    expect(await journalFolderFor(registry)).toBe(path.join(root, '.git/portreg'));
    await mkdir(path.join(root, 'sub'));
    expect(await journalFolderFor(path.join(root, 'sub/ports.registry.json'))).toBe(path.join(root, '.git/portreg'));
    const linked = path.join(root, 'linked');
    git(root, 'worktree', 'add', '-q', linked);
    expect(await journalFolderFor(path.join(linked, 'ports.registry.json'))).toBe(path.join(root, '.git/worktrees/linked/portreg'));
  });
});
