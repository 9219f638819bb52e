/**
 * Finishing (or taking back) a change set whose process died: the next command that reads the
 * tree calls this first (config/locate-registry.ts), so it never reads a tree half old, half new.
 *
 * A journal (fix/journal.ts) in phase
 *   staging   - nothing was renamed yet: the temporary files and new folders go (rolled back);
 *   renaming  - every temporary file was durable: what is left is renamed, the registry written
 *               if it still holds the old text (rolled forward);
 *   restoring - the change was being taken back: what was renamed gets its kept original back.
 * Each file is judged by its hash: holding the bytes the change replaces or writes, it is ours
 * to finish; holding anything else, someone changed it since, and it is left alone and named.
 * Every temporary file and kept original the journal names is removed, then the journal.
 *
 * Recoveries run under the registry's lock, one at a time, and skip the journal of a process
 * still running (its write is in progress, not interrupted). A journal from another host is
 * judged by its sign of life (fix/journal.ts): while it may still be written there, it is left
 * alone and named, since finishing or undoing it here would race that host's renames; once it
 * went the lock's stale time unchanged, it is recovered like any other.
 */
import { rename, rmdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { hostname } from 'node:os';
import { acquireLock, STALE_MS, type LockOptions } from '../registry/lock.js';
import { removeOrphanTemps, syncFolder, writeFileAtomic } from '../util/atomic-write.js';
import { ABSENT_HASH, describeElsewhere, findJournals, hashOfFile, judgeJournal, type FoundJournal, type Journal, type JournalFile } from './journal.js';

/**
 * Recovers every interrupted change set journaled for this registry. Returns what it did, one
 * line each, for stderr (without the "portreg: " prefix); nothing when there was nothing to do.
 */
const namedElsewhere = new Set<string>();

export async function recoverInterrupted(registryFile: string, options: { lock?: LockOptions } = {}): Promise<string[]> {
  const staleMs = options.lock?.staleMs ?? STALE_MS;
  const found = await findJournals(registryFile, staleMs);
  const lines: string[] = [];
  const elsewhere = (j: Extract<FoundJournal, { state: 'elsewhere' }>) => {
    // Said once per process: a command that locates its registry twice (lint --fix) says it once.
    if (namedElsewhere.has(j.path)) return;
    namedElsewhere.add(j.path);
    lines.push(
      `${describeElsewhere(j)}: what this command reads may be half old, half new; run it again once that write is done ` +
        `(if ${j.journal.host} is down, the first portreg command run once the journal went ${staleMs / 1000} s unchanged finishes or takes back that write)`,
    );
  };
  // A write in progress elsewhere is named without the lock: its writer may hold it, and reading waits for no one.
  for (const j of found) if (j.state === 'elsewhere') elsewhere(j);
  const left = found.filter((j) => j.state === 'interrupted' || j.state === 'unreadable');
  if (left.length === 0) return lines;
  const lock = await acquireLock(registryFile, options.lock);
  try {
    for (const { path: file } of left) {
      // Judged again under the lock: another command may have recovered it meanwhile, or its host written it.
      const j = await judgeJournal(file, staleMs);
      if (!j || j.state === 'running') continue;
      if (j.state === 'elsewhere') {
        elsewhere(j);
        continue;
      }
      if (j.state === 'unreadable') {
        lines.push(`cannot read ${file}, the journal of an interrupted write (${j.error.message}): check the files it names, then remove it`);
        continue;
      }
      const where =
        j.journal.host === hostname()
          ? ''
          : ` (begun by process ${j.journal.pid} on host ${j.journal.host}, its journal unchanged for over ${staleMs / 1000} s)`;
      const [first, ...rest] = await recoverOne(j.journal);
      lines.push(`${first}${where}`, ...rest);
      await unlink(file).catch(() => {});
      await syncFolder(path.dirname(file));
    }
  } finally {
    await lock.release();
  }
  return lines;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

async function recoverOne(journal: Journal): Promise<string[]> {
  const what = `an interrupted ${journal.command} of ${plural(journal.files.length, 'file')}`;
  const left: string[] = [];
  if (journal.phase === 'staging') {
    await removeLeftovers(journal, true);
    return [`rolled back ${what}: it had changed none of them yet`];
  }
  if (journal.phase === 'restoring') {
    for (const f of journal.files) {
      const why = await takeBack(f).catch(cannot);
      if (why) left.push(`left ${f.shown} alone because ${why}`);
    }
    await removeLeftovers(journal, true);
    return [`rolled back ${what}${left.length ? `, except ${left.length} left alone` : ''}`, ...left];
  }
  for (const f of journal.files) {
    const why = await finish(f).catch(cannot);
    if (why) left.push(`left ${f.shown} alone because ${why}`);
  }
  await removeLeftovers(journal, false);
  let registry = '';
  if (journal.registry) {
    const r = journal.registry;
    // A registry temporary file left by a kill before its rename goes either way (the lock is ours).
    await removeOrphanTemps(r.file);
    const now = await hashOfFile(r.file);
    const failed = now === r.before ? await writeFileAtomic(r.file, r.text).then(() => null, cannot) : null;
    if (failed) left.push(`left ${r.shown} alone because ${failed}`);
    else if (now === r.before || now === r.after) registry = ` and ${r.shown}`;
    else
      left.push(
        `left ${r.shown} alone because it changed since (it holds neither the registry before the change nor after it): check it with "portreg registry check"`,
      );
  }
  return [`finished ${what}${registry}${left.length ? `, except ${left.length} left alone` : ''}`, ...left];
}

/** A file the recovery could not rename or write (a folder removed, no permission): left to the user, with the reason. */
const cannot = (err: unknown) => `it could not be written (${(err as Error).message}): check it`;

const CHANGED = 'it changed since (it holds neither its old contents nor its new ones): check it';

/** Rolls one file forward; returns why it was left alone, or null. */
async function finish(f: JournalFile): Promise<string | null> {
  const now = await hashOfFile(f.absolute);
  if (now === f.after) {
    // An edit made during the renames went to the bytes the rename replaced (the kept original).
    if (f.original && f.before !== ABSENT_HASH) {
      const kept = await hashOfFile(f.original);
      if (kept !== ABSENT_HASH && kept !== f.before) {
        await rename(f.original, f.absolute);
        return 'it was edited while it was being written: it keeps that edit';
      }
    }
    return null;
  }
  if (now === f.before && (await hashOfFile(f.temp)) === f.after) {
    await rename(f.temp, f.absolute);
    return null;
  }
  return now === f.before ? 'its new contents were lost (the temporary file is gone or damaged): run the command again' : CHANGED;
}

/** Gives one file back the bytes it had; returns why it was left alone, or null. */
async function takeBack(f: JournalFile): Promise<string | null> {
  const now = await hashOfFile(f.absolute);
  if (now === f.before) return null;
  if (now !== f.after) return CHANGED;
  if (f.before === ABSENT_HASH) {
    await unlink(f.absolute);
    return null;
  }
  // The kept original is what the rename replaced, an edit made meanwhile included.
  if (f.original && (await hashOfFile(f.original)) !== ABSENT_HASH) {
    await rename(f.original, f.absolute);
    return null;
  }
  return 'its old contents were lost: restore it from git';
}

/** The temporary files and kept originals the journal names; with `folders`, the (empty) folders made for new files. */
async function removeLeftovers(journal: Journal, folders: boolean): Promise<void> {
  for (const f of journal.files) {
    await unlink(f.temp).catch(() => {});
    if (f.original) await unlink(f.original).catch(() => {});
  }
  if (folders) for (const d of [...journal.folders].reverse()) await rmdir(d).catch(() => {});
  for (const folder of new Set(journal.files.map((f) => path.dirname(f.absolute)))) await syncFolder(folder);
}
