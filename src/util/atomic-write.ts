/**
 * Replaces a file so that a reader (or a crash) sees the old bytes or the new ones, never a mix:
 * write a temporary file in the same folder, fsync it, rename it over the target, fsync the folder.
 * write-file-atomic does the first three but not the folder fsync that makes the rename durable.
 */
import { processAlive } from './process-alive.js';
import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, unlink, readdir, stat } from 'node:fs/promises';
import path from 'node:path';

export function tempPathFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

export interface AtomicWriteOptions {
  /** Called after the temporary file is durable and before it replaces the target; may throw to abort. */
  beforeRename?: () => Promise<void>;
  /** File mode for the new file (default: the target's, else 0o644). */
  mode?: number;
}

export async function writeFileAtomic(file: string, content: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const temp = tempPathFor(file);
  let mode = options.mode;
  if (mode === undefined) {
    mode = await stat(file).then(
      (s) => s.mode & 0o777,
      () => 0o644,
    );
  }
  const fh = await open(temp, 'wx', mode);
  try {
    await fh.writeFile(content, 'utf8');
    await fh.sync();
  } catch (err) {
    await fh.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw err;
  }
  await fh.close();
  try {
    await options.beforeRename?.();
    await rename(temp, file);
  } catch (err) {
    await unlink(temp).catch(() => {});
    throw err;
  }
  await syncFolder(path.dirname(file));
}

/** The file changed since it was read, or the lock guarding it was lost: nothing was written. */
export class ChangedOnDisk extends Error {}

/**
 * Compare-and-set: replaces `file` with `content` only if, right before the rename, `stillOurs`
 * (the caller's lock) still holds and the file still has the text `expected` (null: no file).
 * Otherwise throws ChangedOnDisk and leaves the file as it is: the caller reads it again and
 * re-plans, never merges. The registry store and the slot leases both write this way.
 */
export async function replaceIfUnchanged(
  file: string,
  content: string,
  expected: string | null,
  options: { stillOurs?: () => Promise<boolean>; what: string; beforeCheck?: () => void },
): Promise<void> {
  await writeFileAtomic(file, content, {
    beforeRename: async () => {
      // A test seam (crash points) between the temp file's write and the check.
      options.beforeCheck?.();
      if (options.stillOurs && !(await options.stillOurs())) throw new ChangedOnDisk('the lock was taken over');
      const onDisk = await readFile(file, 'utf8').catch(() => null);
      if (onDisk !== expected) throw new ChangedOnDisk(`${options.what} changed on disk`);
    },
  });
}

/** fsyncs a folder, so the renames in it survive a power cut (best effort where folders cannot be opened). */
export async function syncFolder(folder: string): Promise<void> {
  // Not every platform can open a folder for fsync (Windows): the rename is still atomic there.
  try {
    const dir = await open(folder, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch {
    /* best effort */
  }
}

/**
 * Removes temporary files that a killed writer left beside `file` (their pid is gone).
 * Called while holding the lock, so no live writer of ours owns them.
 */
export async function removeOrphanTemps(file: string): Promise<string[]> {
  return removeOrphanTempsBeside([file]);
}

/**
 * Removes the temporary files that killed writers left in the folders of `files` (absolute
 * paths): a multi-file write killed between two renames leaves new bytes beside every file not
 * yet renamed, and the kept originals beside those already renamed, which this run may not write
 * again. Each folder is read once. A temp whose process still runs is someone's write in
 * progress: kept.
 */
export async function removeOrphanTempsBeside(files: readonly string[]): Promise<string[]> {
  const removed: string[] = [];
  for (const folder of new Set(files.map((f) => path.dirname(f)))) {
    let names: string[];
    try {
      names = await readdir(folder);
    } catch {
      continue;
    }
    for (const name of names) {
      // .<base>.<pid>.<8 hex>.tmp, as tempPathFor names them
      const m = /^\.(.+)\.(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name);
      if (!m) continue;
      const pid = Number(m[2]);
      if (pid === process.pid || processAlive(pid)) continue;
      await unlink(path.join(folder, name)).then(
        () => removed.push(path.join(folder, name)),
        () => {},
      );
    }
  }
  return removed;
}

/**
 * Creates a file that must not exist yet, complete or not at all: the content is made durable
 * in a temporary file, then hard-linked into place (link fails if the target exists).
 * Returns false when the target already exists.
 */
export async function createFileExclusive(file: string, content: string, mode = 0o644): Promise<boolean> {
  const temp = tempPathFor(file);
  const fh = await open(temp, 'wx', mode);
  try {
    await fh.writeFile(content, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await link(temp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await unlink(temp).catch(() => {});
    await syncFolder(path.dirname(file));
  }
}
