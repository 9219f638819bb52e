/**
 * Scan progress: the pure throttle with a fake clock, and the real CLI on a real terminal
 * (a pseudo-terminal from util-linux `script`), where it must show, then erase itself, and
 * where it must stay quiet (not a terminal, CI, JSON).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { createProgress } from '../../src/cli/progress.js';
import { CLI, REPO_ROOT, testEnv } from '../helpers/cli.js';

describe('createProgress', () => {
  function harness(enabled = true) {
    let clock = 0;
    const writes: string[] = [];
    const progress = createProgress({ enabled, write: (t) => writes.push(t), now: () => clock, afterMs: 1000, everyMs: 100 });
    return { progress, writes, tick: (ms: number) => (clock += ms) };
  }

  it('says nothing in the first second, then redraws at most every 100 ms, and erases its line at the end', () => {
    const { progress, writes, tick } = harness();
    progress.update(1, 50);
    tick(999);
    progress.update(2, 50);
    tick(1);
    progress.update(3, 50);
    tick(99);
    progress.update(4, 50);
    tick(1);
    progress.update(5, 50);
    progress.done();
    expect(writes).toEqual(['\rscanning: 3 of 50 files', '\rscanning: 5 of 50 files', '\r\x1b[K']);
  });

  it('leaves the terminal alone when the scan ends within the second', () => {
    const { progress, writes, tick } = harness();
    tick(500);
    progress.update(10, 10);
    progress.done();
    expect(writes).toEqual([]);
  });

  it('writes nothing at all when disabled', () => {
    const { progress, writes, tick } = harness(false);
    tick(5000);
    progress.update(1, 2);
    progress.done();
    expect(writes).toEqual([]);
  });
});

/** Runs the CLI inside a pseudo-terminal; `script` merges stdout and stderr as a terminal shows them. */
function scanOnTerminal(args: string[], env: Record<string, string | undefined>) {
  const command = [process.execPath, CLI, 'scan', ...args].map((a) => `'${a}'`).join(' ');
  const r = spawnSync('script', ['-qec', command, '/dev/null'], {
    cwd: path.join(REPO_ROOT, 'example'),
    env: testEnv({ CI: undefined, PORTREG_TEST_PROGRESS_AFTER_MS: '0', ...env }),
    encoding: 'utf8',
  });
  return { status: r.status, output: r.stdout };
}

describe('portreg scan on a terminal', () => {
  it('counts the files read on stderr, then erases the line before the table', () => {
    const { status, output } = scanOnTerminal(['--no-color'], {});
    expect(status).toBe(0);
    // The example's compose files, env templates and READMEs, and the repository's own package.json
    // (its README is left out by portreg.config.json: documentation, not a governed project's doc).
    const lines = Array.from({ length: 11 }, (_, i) => `\rscanning: ${i + 1} of 11 files`).join('');
    expect(output.startsWith(lines + '\r\x1b[K')).toBe(true);
    expect(output.slice((lines + '\r\x1b[K').length)).toMatch(/^ {2}PORT +KIND +SERVICE +WHERE +AS WRITTEN\r\nanalytics\r\n/);
  });

  it('stays quiet in CI and for JSON', () => {
    expect(scanOnTerminal(['--no-color'], { CI: 'true' }).output).not.toContain('scanning:');
    const json = scanOnTerminal(['--format', 'json'], {});
    expect(json.status).toBe(0);
    expect(json.output).not.toContain('scanning:');
    expect(json.output.trimStart().startsWith('{')).toBe(true);
  });

  it('stays quiet when stderr is not a terminal', () => {
    const r = spawnSync(process.execPath, [CLI, 'scan'], {
      cwd: path.join(REPO_ROOT, 'example'),
      env: testEnv({ CI: undefined, PORTREG_TEST_PROGRESS_AFTER_MS: '0' }),
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
  });
});
