import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { planFixes } from '../../src/fix/plan.js';
import { previewPlan, writeAll } from '../../src/fix/apply.js';
import { PortregError } from '../../src/errors.js';
import { tempDir } from '../helpers/cli.js';

let root: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir: root, cleanup } = await tempDir());
  await writeFile(path.join(root, 'a.yml'), 'ports: ["5000:80"]\n');
  await writeFile(path.join(root, 'b.env'), 'API_PORT=5000\n');
});
afterEach(async () => {
  delete process.env.PORTREG_TEST_FAIL_RENAME_AT;
  await cleanup();
});

const plan = () =>
  planFixes([
    { edits: [{ file: 'a.yml', start: 9, end: 13, text: '5001', expected: '5000' }] },
    { edits: [{ file: 'b.env', start: 9, end: 13, text: '5001', expected: '5000' }] },
  ]);

describe('writing a plan all or nothing', () => {
  it('writes every file, byte-exact', async () => {
    expect(await writeAll(root, await previewPlan(root, plan()))).toEqual(['a.yml', 'b.env']);
    expect(await readFile(path.join(root, 'a.yml'), 'utf8')).toBe('ports: ["5001:80"]\n');
    expect(await readFile(path.join(root, 'b.env'), 'utf8')).toBe('API_PORT=5001\n');
    expect((await readdir(root)).sort()).toEqual(['a.yml', 'b.env']);
  });

  it('restores the files already renamed when a later rename fails, and leaves no temp file', async () => {
    const preview = await previewPlan(root, plan());
    process.env.PORTREG_TEST_FAIL_RENAME_AT = '1';
    const err = await writeAll(root, preview).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PortregError);
    expect((err as PortregError).message).toBe('cannot write b.env: rename failed (PORTREG_TEST_FAIL_RENAME_AT); nothing was changed');
    expect(await readFile(path.join(root, 'a.yml'), 'utf8')).toBe('ports: ["5000:80"]\n');
    expect(await readFile(path.join(root, 'b.env'), 'utf8')).toBe('API_PORT=5000\n');
    expect((await readdir(root)).sort()).toEqual(['a.yml', 'b.env']);
  });

  it('refuses a file whose bytes moved since the plan, and one reached through a symlink', async () => {
    await writeFile(path.join(root, 'b.env'), '# moved\nAPI_PORT=5000\n');
    await expect(previewPlan(root, plan())).rejects.toThrow('b.env: expected "5000" at byte 9, found "PI_P"; it changed since it was scanned');
    await symlink(path.join(root, 'a.yml'), path.join(root, 'link.yml'));
    const viaLink = planFixes([{ edits: [{ file: 'link.yml', start: 9, end: 13, text: '5001' }] }]);
    await expect(previewPlan(root, viaLink)).rejects.toThrow('link.yml is a symbolic link: portreg never writes through one; nothing was written');
  });
});
