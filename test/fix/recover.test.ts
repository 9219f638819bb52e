/**
 * The recovery's own cases, in process on real folders (the kill tests in commit-kill.test.ts
 * make every journal a real killed writer leaves): a journal whose process still runs is a write
 * in progress and is left alone; a journal that cannot be read is named, not guessed at; the
 * journal goes to .git/portreg/ in a git work tree (a linked worktree included), else beside the registry.
 * A journal from another host is judged by its sign of life (its mtime, kept fresh by its writer),
 * never by a pid that means nothing here.
 */
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { journalFolderFor, journalOwner, newJournal } from '../../src/fix/journal.js';
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

const journalOf = (pid: number, files: object[] = [], host = hostname()) =>
  JSON.stringify({ version: 1, command: 'reassign', pid, host, phase: 'renaming', files, folders: [], registry: null });

/** Sets a file's mtime `seconds` in the past: a journal that long without a sign of life. */
const quietFor = (file: string, seconds: number) => {
  const t = new Date(Date.now() - seconds * 1000);
  return utimes(file, t, t);
};

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

  it('a journal written on another host and changed lately is left alone and named: that host may still be writing', async () => {
    // Its pid is a process that runs here (this one): on another host that says nothing.
    const file = path.join(root, `.portreg-journal.${process.pid}.0123abcd.json`);
    const text = journalOf(process.pid, [], 'build-07');
    await writeFile(file, text);
    await quietFor(file, 5);
    const lines = await recoverInterrupted(registry);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^a reassign on host build-07 \\(process ${process.pid}\\) is writing this tree \\(its journal ${file.replace(/[.]/g, '\\.')} changed \\d+ s ago\\): ` +
          'what this command reads may be half old, half new; run it again once that write is done ' +
          '\\(if build-07 is down, the first portreg command run once the journal went 30 s unchanged finishes or takes back that write\\)$',
      ),
    );
    expect(await readFile(file, 'utf8')).toBe(text);
  });

  it('naming a write in progress on another host waits for no lock: that host may hold it', async () => {
    const file = path.join(root, '.portreg-journal.4242.0123abcd.json');
    await writeFile(file, journalOf(4242, [], 'build-07'));
    const holder = { pid: 4242, host: 'build-07', command: 'portreg reassign', since: new Date().toISOString(), token: '0123456789abcdef' };
    await writeFile(`${registry}.lock`, JSON.stringify(holder));
    const lines = await recoverInterrupted(registry, { lock: { timeoutMs: 100 } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^a reassign on host build-07 \(process 4242\) is writing this tree/);
    expect((await readdir(root)).sort()).toEqual(['.portreg-journal.4242.0123abcd.json', 'ports.registry.json', 'ports.registry.json.lock']);
  });

  it("a journal from another host that went the lock's stale time unchanged is recovered, whatever its pid means here", async () => {
    const file = path.join(root, `.portreg-journal.${process.pid}.0123abcd.json`);
    await writeFile(file, journalOf(process.pid, [], 'build-07'));
    await quietFor(file, 31);
    expect(await recoverInterrupted(registry)).toEqual([
      `finished an interrupted reassign of 0 files (begun by process ${process.pid} on host build-07, its journal unchanged for over 30 s)`,
    ]);
    expect((await readdir(root)).sort()).toEqual(['ports.registry.json']);
  });

  it("the stale time is the lock's, as the caller sets it", async () => {
    const file = path.join(root, '.portreg-journal.4242.0123abcd.json');
    await writeFile(file, journalOf(4242, [], 'build-07'));
    await quietFor(file, 5);
    expect(await recoverInterrupted(registry, { lock: { staleMs: 60_000 } })).toHaveLength(1);
    expect(await readdir(root)).toContain('.portreg-journal.4242.0123abcd.json');
    expect(await recoverInterrupted(registry, { lock: { staleMs: 2_000 } })).toEqual([
      'finished an interrupted reassign of 0 files (begun by process 4242 on host build-07, its journal unchanged for over 2 s)',
    ]);
  });

  it('a journal is kept fresh while its change set runs, and names its host and pid', async () => {
    const handle = await newJournal(registry, { staleMs: 3_000 });
    await handle.write({ ...journalOwner(), command: 'reassign', phase: 'staging', files: [], folders: [], registry: null });
    expect(JSON.parse(await readFile(handle.path, 'utf8'))).toMatchObject({ host: hostname(), pid: process.pid });
    await quietFor(handle.path, 60);
    // Refreshed every third of the stale time (1 s here); the loop's bound is a hang guard, not a timing.
    const stale = Date.now() - 50_000;
    for (let i = 0; i < 400 && (await stat(handle.path)).mtimeMs < stale; i++) await new Promise((r) => setTimeout(r, 50));
    expect((await stat(handle.path)).mtimeMs).toBeGreaterThan(stale);
    await handle.remove();
    expect(await readdir(root)).toEqual(['ports.registry.json']);
  }, 30_000);

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
