import { execSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';

/**
 * Hooks that let the test suite make races and crashes real. They do nothing
 * unless a PORTREG_TEST_* variable is set, and are documented only here.
 *
 * PORTREG_TEST_CRASH_AT=<point>  SIGKILL this process at that point of a registry write
 *                                 (after-temp-write, after-rename), or of a change set
 *                                 (src/fix/commit.ts): staged (every temporary file written,
 *                                 the journal not yet ready), rename:<n> (right before the
 *                                 n-th rename, 0-based: n files renamed), registry:before (every
 *                                 file renamed, the registry not written), registry:after (the
 *                                 registry written, the journal not yet removed), restoring
 *                                 (a failed change set's journal says restoring, nothing
 *                                 put back yet), restore:<n> (right before the
 *                                 n-th file is put back, 0-based: n files put back); or of the
 *                                 git merge driver: merge-driver:before-write, merge-driver:written
 *                                 (git's scratch file written, the process not yet exited).
 * PORTREG_TEST_DELAY_MS=<n>       sleep n ms between reading the registry and writing it,
 *                                 to widen the window a lock must protect.
 * PORTREG_TEST_NO_LOCK=1          skip the lock and the compare-before-write, to show
 *                                 the race they prevent.
 * PORTREG_TEST_FAIL_RENAME_AT=<n> make the n-th rename (0-based) of a multi-file write fail,
 *                                 to show the files already renamed are restored.
 * PORTREG_TEST_FAIL_REGISTRY_WRITE=1 make the registry's replacement fail (as a full disk or a
 *                                 read-only folder would), after a change set's files are renamed,
 *                                 to show they are put back.
 * PORTREG_TEST_BEFORE_PUSH=<cmd>  run this shell command before each push of a --git change (a test
 *                                 pushes from another clone there, so the push is rejected for real).
 * PORTREG_TEST_PARSE_WORKER_EXIT_AFTER=<n> make the scan's parse worker (src/scan/parse-worker.ts) exit after
 *                                 answering for n files, to show the scanner reads the rest itself.
 * PORTREG_TEST_PARSE_WORKER_LOG=<file> the parse worker appends how many files it answered for
 *                                 to this file when it is done, so a test of the CLI sees it ran.
 * PORTREG_TEST_PROGRESS_AFTER_MS=<n> show scan progress on a terminal after n ms (default 1000)
 *                                 and at every file, so a test sees it on a tiny tree
 *                                 (read in src/cli/progress.ts).
 */

export type CrashPointName =
  | 'after-temp-write'
  | 'after-rename'
  | 'staged'
  | `rename:${number}`
  | 'registry:before'
  | 'registry:after'
  | 'restoring'
  | `restore:${number}`
  | 'merge-driver:before-write'
  | 'merge-driver:written';

export function crashPoint(name: CrashPointName): void {
  if (process.env.PORTREG_TEST_CRASH_AT === name) process.kill(process.pid, 'SIGKILL');
}

export async function testDelay(): Promise<void> {
  const ms = Number(process.env.PORTREG_TEST_DELAY_MS ?? 0);
  if (ms > 0) await new Promise((r) => setTimeout(r, ms));
}

/** The number of files after which the parse worker exits, or null. */
export function parseWorkerExitAfterForTest(): number | null {
  const n = process.env.PORTREG_TEST_PARSE_WORKER_EXIT_AFTER;
  return n === undefined ? null : Number(n);
}

export function logParseWorkerForTest(answered: number): void {
  const file = process.env.PORTREG_TEST_PARSE_WORKER_LOG;
  if (file) appendFileSync(file, `answered ${answered}\n`);
}

export function lockDisabledForTest(): boolean {
  return process.env.PORTREG_TEST_NO_LOCK === '1';
}

export function failRenameForTest(index: number): void {
  if (process.env.PORTREG_TEST_FAIL_RENAME_AT === String(index)) throw new Error('rename failed (PORTREG_TEST_FAIL_RENAME_AT)');
}

export function failRegistryWriteForTest(): void {
  if (process.env.PORTREG_TEST_FAIL_REGISTRY_WRITE === '1') throw new Error('write failed (PORTREG_TEST_FAIL_REGISTRY_WRITE)');
}

export function beforePushForTest(cwd: string): void {
  const command = process.env.PORTREG_TEST_BEFORE_PUSH;
  if (command) execSync(command, { cwd, stdio: 'ignore' });
}
