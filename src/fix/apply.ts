/**
 * Writes a plan all or nothing: every file is read and checked (inside the root, not through a
 * symlink, the expected bytes still there), every new content is written to a temporary file,
 * and only then are they renamed into place. If any file changed since it was read, nothing is
 * written and the error names the file.
 */
import { createHash } from 'node:crypto';
import { lstat, open, readFile, realpath, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { PortregError, ExitCode } from '../errors.js';
import { tempPathFor, writeFileAtomic } from '../util/atomic-write.js';
import { failRenameForTest } from '../util/test-hooks.js';
import { mapLimit } from '../util/map-limit.js';
import { applyToBuffer, type Plan } from './plan.js';

export interface AppliedFile {
  file: string;
  before: Buffer;
  after: Buffer;
}

function hash(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

/** Files read, written or synced at once: enough to hide each call's latency, few enough for any file-descriptor limit. */
const IO_CONCURRENCY = 16;

/** The new contents of each file in the plan, without writing anything. */
export async function previewPlan(root: string, plan: Plan): Promise<AppliedFile[]> {
  const realRoot = await realpath(root);
  const files = [...plan.byFile].sort(([a], [b]) => a.localeCompare(b));
  return mapLimit(files, IO_CONCURRENCY, async ([file, edits]) => {
    const absolute = path.resolve(root, file);
    await assertEditable(realRoot, absolute, file);
    const before = await readFile(absolute);
    for (const e of edits) {
      if (e.end > before.length) throw new PortregError(`${file}: an edit reaches past the end of the file; it changed since it was scanned`, ExitCode.Refused, 'file-changed');
      if (e.expected !== undefined && before.subarray(e.start, e.end).toString('utf8') !== e.expected) {
        throw new PortregError(`${file}: expected "${e.expected}" at byte ${e.start}, found "${before.subarray(e.start, e.end).toString('utf8')}"; it changed since it was scanned`, ExitCode.Refused, 'file-changed');
      }
    }
    return { file, before, after: applyToBuffer(before, edits) };
  });
}

async function assertEditable(realRoot: string, absolute: string, shown: string): Promise<void> {
  const info = await lstat(absolute).catch(() => null);
  if (!info) throw new PortregError(`${shown} does not exist; nothing was written`, ExitCode.Refused, 'file-missing');
  if (info.isSymbolicLink()) throw new PortregError(`${shown} is a symbolic link: portreg never writes through one; nothing was written`, ExitCode.Refused, 'file-symlink');
  const real = await realpath(absolute);
  const rel = path.relative(realRoot, real);
  if (rel.startsWith('..') || path.isAbsolute(rel)) throw new PortregError(`${shown} lies outside ${realRoot}; nothing was written`, ExitCode.Refused, 'file-outside');
}

/** Writes every changed file or none. */
export async function writeAll(root: string, files: AppliedFile[]): Promise<string[]> {
  const changed = files.filter((f) => !f.before.equals(f.after));
  const temps: { temp: string; target: string }[] = [];
  try {
    // Every temporary file written and synced (several at once), in the order of `changed`.
    const made = new Array<{ temp: string; target: string } | undefined>(changed.length);
    try {
      await mapLimit(changed, IO_CONCURRENCY, async (f, i) => {
        const target = path.resolve(root, f.file);
        const mode = (await stat(target)).mode & 0o777;
        const temp = tempPathFor(target);
        const fh = await open(temp, 'wx', mode);
        made[i] = { temp, target };
        try {
          await fh.writeFile(f.after);
          await fh.sync();
        } finally {
          await fh.close();
        }
      });
    } finally {
      temps.push(...made.filter((t): t is { temp: string; target: string } => t !== undefined));
    }
    // Last look before the renames: a file edited meanwhile stops everything.
    await mapLimit(changed, IO_CONCURRENCY, async (f) => {
      const now = await readFile(path.resolve(root, f.file));
      if (hash(now) !== hash(f.before)) throw new PortregError(`${f.file} changed while the fix was being written; nothing was written`, ExitCode.Refused, 'file-changed');
    });
  } catch (err) {
    await Promise.all(temps.map((t) => unlink(t.temp).catch(() => {})));
    if (err instanceof PortregError) throw err;
    throw new PortregError(`cannot write the fixes: ${(err as Error).message}; nothing was written`, ExitCode.Refused, 'write-failed');
  }
  // Renames are atomic one by one; if one fails midway, the files already replaced get their
  // old bytes back, so the tree is never left half-moved.
  for (let i = 0; i < temps.length; i++) {
    try {
      failRenameForTest(i);
      await rename(temps[i]!.temp, temps[i]!.target);
    } catch (err) {
      await Promise.all(temps.slice(i).map((t) => unlink(t.temp).catch(() => {})));
      const restored: string[] = [];
      for (let j = 0; j < i; j++) {
        await writeFileAtomic(temps[j]!.target, changed[j]!.before).then(() => restored.push(changed[j]!.file), () => {});
      }
      const lost = changed.slice(0, i).map((f) => f.file).filter((f) => !restored.includes(f));
      throw new PortregError(
        `cannot write ${changed[i]!.file}: ${(err as Error).message}; ${lost.length ? `could not restore ${lost.join(', ')}` : 'nothing was changed'}`,
        ExitCode.Refused,
        'write-failed',
      );
    }
  }
  return changed.map((f) => f.file);
}
