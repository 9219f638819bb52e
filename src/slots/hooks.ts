/**
 * The git hook that gives every new checkout its slot: `post-checkout` runs on `git worktree add`
 * (and on `git clone`, `git switch`), so the new worktree gets its slot and its `.env` before
 * anyone starts a server in it. The hook file may hold other tools' lines: portreg owns only the
 * lines between its markers, replaced on every install (idempotent), and they can never fail the
 * checkout (`|| true`, no stdin, git's own variables unset so the new worktree is asked about).
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { usageError } from '../errors.js';
import { appendAtEnd, applyStringEdits } from '../generate/markers.js';
import { createFileExclusive, writeFileAtomic } from '../util/atomic-write.js';

export const HOOK_NAME = 'post-checkout';
const START = '# portreg:hook-start';
const END = '# portreg:hook-end';

/** A word for sh, single-quoted. */
function sh(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The hook's lines. `node` and `script` are the portreg that installed it; when they are gone
 * (upgraded, moved) the `portreg` on the PATH runs instead, and with neither the hook does nothing.
 */
export function hookBlock(node: string, script: string): string {
  const run = 'hooks run post-checkout "$@"';
  return [
    `${START} (portreg hooks install: a new checkout gets its slot of the project's ports and its .env; never fails the checkout)`,
    '(',
    '  unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_PREFIX',
    `  if [ -x ${sh(node)} ] && [ -f ${sh(script)} ]; then ${sh(node)} ${sh(script)} ${run}`,
    `  elif command -v portreg >/dev/null 2>&1; then portreg ${run}`,
    '  fi',
    ') </dev/null || true',
    END,
    '',
  ].join('\n');
}

/** The hook file's text with portreg's block in it: replaced where it is, else appended; a new file starts with `#!/bin/sh`. */
export function withHookBlock(text: string | null, block: string): string {
  if (text === null || text.trim() === '') return `#!/bin/sh\n${block}`;
  const start = text.indexOf(START);
  const endAt = start === -1 ? -1 : text.indexOf(END, start);
  if (start !== -1 && endAt !== -1) {
    const lineStart = text.lastIndexOf('\n', start) + 1;
    const nl = text.indexOf('\n', endAt);
    return applyStringEdits(text, [{ start: lineStart, end: nl === -1 ? text.length : nl + 1, text: block }]);
  }
  return applyStringEdits(text, [appendAtEnd(text, block, '\n')]);
}

/** Where git runs hooks for the checkout at `cwd` (core.hooksPath respected; shared by every worktree). */
export function hooksDir(cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', ['rev-parse', '--path-format=absolute', '--git-path', 'hooks'], { cwd }, (err, stdout) => {
      if (err) reject(usageError('not-a-checkout', `${cwd} is not in a git checkout: run "portreg hooks install" inside the repository`));
      else resolve(path.resolve(cwd, stdout.trim()));
    });
  });
}

export interface Installed {
  file: string;
  /** created: a new hook file; updated: the block added or changed; unchanged: it was there as it is. */
  status: 'created' | 'updated' | 'unchanged';
}

export async function installHook(cwd: string, node: string, script: string): Promise<Installed> {
  const dir = await hooksDir(cwd);
  const file = path.join(dir, HOOK_NAME);
  const before = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw usageError('hook-unreadable', `cannot read ${file}: ${err.message}`);
  });
  const after = withHookBlock(before, hookBlock(node, script));
  if (before === after) return { file, status: 'unchanged' };
  await mkdir(dir, { recursive: true });
  if (before === null) {
    // Created only if it still does not exist: another installer's hook is never replaced whole.
    if (!(await createFileExclusive(file, after, 0o755))) return installHook(cwd, node, script);
    return { file, status: 'created' };
  }
  await writeFileAtomic(file, after);
  // A hook git will not run is no hook: executable for whoever may read it, the other bits kept.
  const mode = (await stat(file)).mode & 0o777;
  await chmod(file, mode | ((mode & 0o444) >> 2));
  return { file, status: 'updated' };
}
