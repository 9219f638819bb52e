import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareLint } from '../../src/lint/run-lint.js';
import { tempDir, testEnv } from '../helpers/cli.js';

describe('the folders a lint of given paths reads', () => {
  it("is each path's deepest project folder, else a file's own folder or the folder given", async () => {
    const { dir, cleanup } = await tempDir('portreg-scope-');
    try {
      const registry = {
        version: 1,
        projects: {
          apps: { range: { from: 5000, to: 5009 }, path: 'apps' },
          api: { range: { from: 5010, to: 5019 }, path: 'apps/api' },
          // Not plain: resolved, to the same folder as a plain one.
          web: { range: { from: 5020, to: 5029 }, path: './apps/web/' },
          app: { range: { from: 5030, to: 5039 }, path: 'ap' },
          elsewhere: { range: { from: 5040, to: 5049 }, path: '../outside' },
          nopath: { range: { from: 5050, to: 5059 } },
        },
      };
      await writeFile(path.join(dir, 'ports.registry.json'), `${JSON.stringify(registry, null, 2)}\n`);
      for (const file of ['apps/api/src/compose.yaml', 'apps/web/.env.example', 'apps/README.md', 'apps2/README.md', 'docs/guide/README.md', 'README.md']) {
        await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
        await writeFile(path.join(dir, file), '# x\n');
      }
      const within = async (paths: string[]) => (await prepareLint({ cwd: dir, env: testEnv(), now: new Date('2026-11-25T12:00:00Z'), paths })).scope.within;
      expect(await within(['apps/api/src/compose.yaml', 'apps/web/.env.example', 'apps/README.md'])).toEqual(['apps', 'apps/api', 'apps/web']);
      // "apps2" is not below "apps"; "ap" is no folder of either.
      expect(await within(['apps2/README.md', 'docs/guide/README.md'])).toEqual(['apps2', 'docs/guide']);
      expect(await within(['apps/api/src', 'docs'])).toEqual(['apps/api', 'docs']);
      // A file at the root: its folder is the root, so the whole tree is read.
      expect(await within(['README.md'])).toBeUndefined();
    } finally {
      await cleanup();
    }
  });
});
