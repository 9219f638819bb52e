/**
 * A change set's renames are made durable as the registry write's are: every folder a file was
 * renamed into is fsynced after the renames (a power cut right after the command must not undo
 * them). The fsync itself is not observable without pulling the plug, so the folder sync is
 * watched where it is called.
 */
import { describe, expect, it, vi } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

const synced: string[] = [];
vi.mock('../../src/util/atomic-write.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/util/atomic-write.js')>();
  return {
    ...real,
    syncFolder: async (folder: string) => {
      synced.push(folder);
      await real.syncFolder(folder);
    },
  };
});

const { ABSENT, commitChangeSet } = await import('../../src/fix/commit.js');
const { tempDir } = await import('../helpers/cli.js');

describe('the change-set commit', () => {
  it('fsyncs every folder it renamed a file into, once each', async () => {
    const { dir, cleanup } = await tempDir('portreg-durable-');
    try {
      await mkdir(path.join(dir, 'a'));
      await writeFile(path.join(dir, 'a/one.yml'), 'one\n');
      await writeFile(path.join(dir, 'a/two.yml'), 'two\n');
      await commitChangeSet({
        root: dir,
        files: [
          { file: 'a/one.yml', before: Buffer.from('one\n'), after: Buffer.from('ONE\n') },
          { file: 'a/two.yml', before: Buffer.from('two\n'), after: Buffer.from('TWO\n') },
          { file: 'b/new.env', before: ABSENT, after: Buffer.from('X=1\n') },
        ],
        uncommitted: { refuse: false },
      });
      expect(synced.sort()).toEqual([path.join(dir, 'a'), path.join(dir, 'b')]);
    } finally {
      await cleanup();
    }
  });
});
