/**
 * Writes a plan all or nothing: every file is read and checked (inside the root, not through a
 * symlink, the expected bytes still there), every new content is written to a temporary file,
 * and only then are they renamed into place. If any file changed since it was read, nothing is
 * written and the error names the file.
 */
import { createHash } from 'node:crypto';
import { lstat, mkdir, open, readFile, realpath, rename, rmdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { PortregError, ExitCode } from '../errors.js';
import { removeOrphanTempsBeside, tempPathFor, writeFileAtomic } from '../util/atomic-write.js';
import { crashPoint, failRenameForTest } from '../util/test-hooks.js';
import { mapLimit } from '../util/map-limit.js';
import { applyToBuffer, type Plan } from './plan.js';

export interface AppliedFile {
  file: string;
  before: Buffer;
  after: Buffer;
  /** A file that does not exist yet (a generator's new file): it must still not exist when written. */
  created?: boolean;
}

function hash(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
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

/** A new file's place: its nearest existing folder lies inside the root, and nothing is there yet. */
export async function assertCreatable(root: string, file: string): Promise<void> {
  const realRoot = await realpath(root);
  const absolute = path.resolve(root, file);
  if (await lstat(absolute).catch(() => null)) throw new PortregError(`${file} exists already; nothing was written`, ExitCode.Refused, 'file-exists');
  let folder = path.dirname(absolute);
  while (!(await lstat(folder).catch(() => null))) folder = path.dirname(folder);
  const rel = path.relative(realRoot, await realpath(folder));
  if (rel.startsWith('..') || path.isAbsolute(rel))
    throw new PortregError(`${file} lies outside ${realRoot}; nothing was written`, ExitCode.Refused, 'file-outside');
}

/** Checks an existing file before it is edited: inside the root, not a symbolic link. */
export async function assertFileEditable(root: string, file: string): Promise<void> {
  await assertEditable(await realpath(root), path.resolve(root, file), file);
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

/** Folders made for new files, deepest last; removed again when the write is undone. */
async function makeFolders(root: string, files: AppliedFile[]): Promise<string[]> {
  const made: string[] = [];
  for (const f of files) {
    if (!f.created) continue;
    const first = await mkdir(path.dirname(path.resolve(root, f.file)), { recursive: true });
    if (first) {
      for (let d = path.dirname(path.resolve(root, f.file)); d.length >= first.length; d = path.dirname(d)) made.unshift(d);
    }
  }
  return [...new Set(made)].sort((a, b) => a.length - b.length);
}

async function removeFolders(made: string[]): Promise<void> {
  for (const d of [...made].reverse()) await rmdir(d).catch(() => {});
}

/** Writes every changed file or none. New files (`created`) are made, with their folders; undone, they go again. */
export async function writeAll(root: string, files: AppliedFile[]): Promise<string[]> {
  const changed = files.filter((f) => f.created || !f.before.equals(f.after));
  const temps: { temp: string; target: string }[] = [];
  let made: string[] = [];
  try {
    // A write killed between two renames left temporary files beside the files not yet renamed:
    // the run that writes those files again (the repair) clears them.
    await removeOrphanTempsBeside(changed.map((f) => path.resolve(root, f.file)));
    made = await makeFolders(root, changed);
    // Every temporary file written and synced (several at once), in the order of `changed`.
    const written = new Array<{ temp: string; target: string } | undefined>(changed.length);
    try {
      await mapLimit(changed, IO_CONCURRENCY, async (f, i) => {
        const target = path.resolve(root, f.file);
        const mode = f.created ? 0o644 : (await stat(target)).mode & 0o777;
        const temp = tempPathFor(target);
        const fh = await open(temp, 'wx', mode);
        written[i] = { temp, target };
        try {
          await fh.writeFile(f.after);
          await fh.sync();
        } finally {
          await fh.close();
        }
      });
    } finally {
      temps.push(...written.filter((t): t is { temp: string; target: string } => t !== undefined));
    }
    // Last look before the renames: a file edited meanwhile stops everything.
    await mapLimit(changed, IO_CONCURRENCY, async (f) => {
      if (f.created) {
        if (await lstat(path.resolve(root, f.file)).catch(() => null))
          throw new PortregError(`${f.file} appeared while the files were being written; nothing was written`, ExitCode.Refused, 'file-changed');
        return;
      }
      const now = await readFile(path.resolve(root, f.file));
      if (hash(now) !== hash(f.before))
        throw new PortregError(`${f.file} changed while the fix was being written; nothing was written`, ExitCode.Refused, 'file-changed');
    });
  } catch (err) {
    await Promise.all(temps.map((t) => unlink(t.temp).catch(() => {})));
    await removeFolders(made);
    if (err instanceof PortregError) throw err;
    throw new PortregError(`cannot write the fixes: ${(err as Error).message}; nothing was written`, ExitCode.Refused, 'write-failed');
  }
  // Renames are atomic one by one; if one fails midway, the files already replaced get their
  // old bytes back, so the tree is never left half-moved.
  for (let i = 0; i < temps.length; i++) {
    try {
      if (i === 1) crashPoint('between-renames');
      failRenameForTest(i);
      await rename(temps[i]!.temp, temps[i]!.target);
    } catch (err) {
      await Promise.all(temps.slice(i).map((t) => unlink(t.temp).catch(() => {})));
      const restored: string[] = [];
      for (let j = 0; j < i; j++) {
        const undo = changed[j]!.created ? unlink(temps[j]!.target) : writeFileAtomic(temps[j]!.target, changed[j]!.before);
        await undo.then(
          () => restored.push(changed[j]!.file),
          () => {},
        );
      }
      await removeFolders(made);
      const lost = changed
        .slice(0, i)
        .map((f) => f.file)
        .filter((f) => !restored.includes(f));
      throw new PortregError(
        `cannot write ${changed[i]!.file}: ${(err as Error).message}; ${lost.length ? `could not restore ${lost.join(', ')}` : 'nothing was changed'}`,
        ExitCode.Refused,
        'write-failed',
      );
    }
  }
  return changed.map((f) => f.file);
}
