/**
 * discoverFiles with `within`: a few folders get glob patterns of their own; many (a migration of
 * hundreds of projects) are filtered after one walk. Both give the files below those folders only,
 * with .gitignore files above them honoured.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { discoverFiles } from '../../src/scan/discover.js';
import { tempDir } from '../helpers/cli.js';

let root: string;
let cleanup: () => Promise<void>;
const folder = (i: number) => `projects/p${String(i).padStart(2, '0')}`;

beforeAll(async () => {
  ({ dir: root, cleanup } = await tempDir('portreg-within-'));
  await writeFile(path.join(root, '.gitignore'), 'ignored/\n');
  for (let i = 0; i < 40; i++) {
    const files: [string, string][] = [
      ['docker-compose.yml', 'services: {}\n'],
      ['.env.example', 'A_PORT=5000\n'],
      ['README.md', '# p\n'],
      ['nested/README.md', '# nested\n'],
      ['ignored/README.md', '# ignored\n'],
      ['src/index.js', '// not scanned\n'],
    ];
    for (const [file, text] of files) {
      await mkdir(path.dirname(path.join(root, folder(i), file)), { recursive: true });
      await writeFile(path.join(root, folder(i), file), text);
    }
  }
  // A folder whose name starts like a chosen one is not below it.
  await mkdir(path.join(root, 'projects/p011'), { recursive: true });
  await writeFile(path.join(root, 'projects/p011/README.md'), '# not p01\n');
});
afterAll(() => cleanup());

const expected = (folders: string[]) =>
  folders.flatMap((f) => [`${f}/.env.example`, `${f}/docker-compose.yml`, `${f}/nested/README.md`, `${f}/README.md`]).sort();

describe('discoverFiles within folders', () => {
  it('a few folders: their files only', async () => {
    const folders = [folder(1), folder(7), folder(30)];
    const { files } = await discoverFiles({ root, within: folders });
    expect(files.map((f) => f.path).sort()).toEqual(expected(folders));
  });

  it('honours the .gitignore files between the root and a folder, and inside it', async () => {
    const { dir, cleanup: done } = await tempDir('portreg-within-levels-');
    try {
      for (const file of [
        'projects/a/README.md',
        'projects/a/docs-old/README.md',
        'projects/a/sub/README.md',
        'projects/a/sub/tmp/README.md',
        'projects/b/README.md',
      ]) {
        await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
        await writeFile(path.join(dir, file), '# x\n');
      }
      await writeFile(path.join(dir, 'projects/.gitignore'), 'docs-old/\n');
      await writeFile(path.join(dir, 'projects/a/sub/.gitignore'), 'tmp/\n');
      const { files } = await discoverFiles({ root: dir, within: ['projects/a'] });
      expect(files.map((f) => f.path)).toEqual(['projects/a/README.md', 'projects/a/sub/README.md']);
    } finally {
      await done();
    }
  });

  it('many folders (past the pattern limit): the same files as folder by folder, nothing else', async () => {
    const folders = Array.from({ length: 25 }, (_, i) => folder(i * 1 + (i >= 12 ? 3 : 0)));
    const { files } = await discoverFiles({ root, within: folders });
    expect(files.map((f) => f.path).sort()).toEqual(expected(folders));
    const oneByOne = (await Promise.all(folders.map((f) => discoverFiles({ root, within: [f] })))).flatMap((r) => r.files.map((f) => f.path));
    expect(files.map((f) => f.path).sort()).toEqual(oneByOne.sort());
  });
});
