/**
 * The pre-commit path stays light: a plain `portreg lint` loads neither the fix passes (and the
 * planner and writer under them) nor the baseline module; --fix, --fix-dry-run and a baseline
 * load what they need. The real CLI runs with the preload that records every module loaded.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UNBUNDLED_CLI as CLI, testEnv } from '../helpers/cli.js';
import { copyFixture } from '../helpers/scenario.js';

const FLEET = path.join(import.meta.dirname, '../fixtures/lint/fleet');
const PRELOAD = path.join(import.meta.dirname, '../helpers/record-loads.mjs');

/** `portreg lint ...args` under the recorder, on a fresh copy of the fleet: the exit code and the workflow modules loaded. */
function lintRecording(args: string[]): Promise<{ code: number | null; loads: string[] }> {
  return copyFixture(FLEET).then(
    (tree) =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', PRELOAD, CLI, 'lint', ...args], {
          cwd: tree,
          env: testEnv({ PORTREG_TEST_LOAD_LOG: path.join(tree, 'loads.log') }),
          stdio: 'ignore',
        });
        child.on('error', reject);
        child.on('close', async (code) => {
          const loads = (await readFile(path.join(tree, 'loads.log'), 'utf8')).split('\n').filter(Boolean);
          resolve({
            code,
            loads: [...new Set(loads.filter((l) => /(?:lint\/|fix\/|\.\/)(?:fix-passes|baseline|apply|plan|diff|run-lint)\.js$/.test(l)))].sort(),
          });
        });
      }),
  );
}

describe('lazy loading of fixing and baselines', () => {
  it('a plain lint loads the workflow only', async () => {
    expect(await lintRecording([])).toEqual({ code: 1, loads: ['import ../../lint/run-lint.js'] });
  });

  it('--fix loads the fix passes, the planner and the writer; --fix-dry-run the diff too', async () => {
    expect(await lintRecording(['--fix'])).toEqual({
      code: 1,
      loads: ['import ../../lint/run-lint.js', 'import ../fix/apply.js', 'import ../fix/plan.js', 'import ./fix-passes.js', 'import ./plan.js'],
    });
    expect((await lintRecording(['--fix-dry-run'])).loads).toContain('import ../../fix/diff.js');
  });

  it('--update-baseline and --baseline load the baseline module', async () => {
    expect(await lintRecording(['--baseline', 'b.json', '--update-baseline'])).toEqual({
      code: 0,
      loads: ['import ../../lint/run-lint.js', 'import ./baseline.js'],
    });
  });
});
