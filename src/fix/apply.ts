/**
 * Applies a plan of text edits in memory: every file read and checked (inside the root, not a
 * symlink, the expected text at each edit still there), nothing written. fix/commit.ts writes
 * the result.
 */
import { lstat, readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { PortregError, ExitCode } from '../errors.js';
import { mapLimit } from '../util/map-limit.js';
import { applyToBuffer, type Plan } from './plan.js';

export interface AppliedFile {
  file: string;
  before: Buffer;
  after: Buffer;
  /** A file that does not exist yet (a generator's new file): it must still not exist when written. */
  created?: boolean;
}

/** Files read, written or synced at once: enough to hide each call's latency, few enough for any file-descriptor limit. */
const IO_CONCURRENCY = 16;

/**
 * The new contents of each file in the plan, without writing anything. `current` holds texts
 * that stand for the files on disk (the previous passes of a dry run).
 */
export async function previewPlan(root: string, plan: Plan, current?: ReadonlyMap<string, Buffer>): Promise<AppliedFile[]> {
  const realRoot = await realpath(root);
  const files = [...plan.byFile].sort(([a], [b]) => a.localeCompare(b));
  return mapLimit(files, IO_CONCURRENCY, async ([file, edits]) => {
    const absolute = path.resolve(root, file);
    await assertEditable(realRoot, absolute, file);
    const before = current?.get(file) ?? (await readFile(absolute));
    for (const e of edits) {
      if (e.end > before.length)
        throw new PortregError(`${file}: an edit reaches past the end of the file; it changed since it was scanned`, ExitCode.Refused, 'file-changed');
      if (e.expected !== undefined && before.subarray(e.start, e.end).toString('utf8') !== e.expected) {
        throw new PortregError(
          `${file}: expected "${e.expected}" at byte ${e.start}, found "${before.subarray(e.start, e.end).toString('utf8')}"; it changed since it was scanned`,
          ExitCode.Refused,
          'file-changed',
        );
      }
    }
    return { file, before, after: applyToBuffer(before, edits) };
  });
}

async function assertEditable(realRoot: string, absolute: string, shown: string): Promise<void> {
  const info = await lstat(absolute).catch(() => null);
  if (!info) throw new PortregError(`${shown} does not exist; nothing was written`, ExitCode.Refused, 'file-missing');
  if (info.isSymbolicLink())
    throw new PortregError(`${shown} is a symbolic link: portreg never writes through one; nothing was written`, ExitCode.Refused, 'file-symlink');
  const real = await realpath(absolute);
  const rel = path.relative(realRoot, real);
  if (rel.startsWith('..') || path.isAbsolute(rel))
    throw new PortregError(`${shown} lies outside ${realRoot}; nothing was written`, ExitCode.Refused, 'file-outside');
}
