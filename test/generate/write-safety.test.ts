/**
 * `generate --write` commits through the change set (fix/commit.ts): a project folder that is a
 * symbolic link is not written through, even when it leads inside the root.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { runCli, tempDir } from '../helpers/cli.js';
import { copyTree, readTree } from '../rewrite/helpers.js';

const BASIC = path.join(import.meta.dirname, '../fixtures/generate/basic');

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir: root, cleanup } = await tempDir('portreg-generate-write-')));
afterAll(() => cleanup());

describe('generate --write', () => {
  it('refuses a file below a symbolic link to a folder inside the root; nothing is written', async () => {
    const dir = await copyTree(BASIC, path.join(root, 'linked'));
    await mkdir(path.join(dir, 'shared'));
    await symlink('../shared', path.join(dir, 'billing/.supervisor-specific'));
    const before = await readTree(dir);
    const r = await runCli(['generate', 'supervisor', '--write'], { cwd: dir });
    expect(r).toEqual({
      code: 1,
      signal: null,
      stdout: '',
      stderr:
        'portreg: billing/.supervisor-specific/ports.json: the folder billing/.supervisor-specific is a symbolic link: portreg never writes through one; nothing was written\n',
    });
    expect(await readTree(dir)).toEqual(before);
  });
});
