import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { planFixes } from '../../src/fix/plan.js';
import { previewPlan } from '../../src/fix/apply.js';
import { tempDir } from '../helpers/cli.js';

let root: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir: root, cleanup } = await tempDir());
  await writeFile(path.join(root, 'a.yml'), 'ports: ["5000:80"]\n');
  await writeFile(path.join(root, 'b.env'), 'API_PORT=5000\n');
});
afterEach(() => cleanup());

const plan = () =>
  planFixes([
    { edits: [{ file: 'a.yml', start: 9, end: 13, text: '5001', expected: '5000' }] },
    { edits: [{ file: 'b.env', start: 9, end: 13, text: '5001', expected: '5000' }] },
  ]);

describe('applying a plan in memory', () => {
  it('refuses a file whose bytes moved since the plan, and one reached through a symlink', async () => {
    await writeFile(path.join(root, 'b.env'), '# moved\nAPI_PORT=5000\n');
    await expect(previewPlan(root, plan())).rejects.toThrow('b.env: expected "5000" at byte 9, found "PI_P"; it changed since it was scanned');
    await symlink(path.join(root, 'a.yml'), path.join(root, 'link.yml'));
    const viaLink = planFixes([{ edits: [{ file: 'link.yml', start: 9, end: 13, text: '5001' }] }]);
    await expect(previewPlan(root, viaLink)).rejects.toThrow('link.yml is a symbolic link: portreg never writes through one; nothing was written');
  });
});
