/**
 * The one way portreg changes a tree: a change set (files, and optionally the registry change
 * they were planned for) committed in phases:
 *
 *   1. prepare: every file checked (inside the root, no symbolic link on the way, the expected
 *      bytes still there, a new file's place still free), files with uncommitted changes refused
 *      unless allowed; nothing is written before every file passes;
 *   2. stage: the journal written (phase staging, fix/journal.ts), then the new bytes written and
 *      synced to temporary files beside their targets (the folders of new files made);
 *   3. registry planned: under the store's lock, the registry change planned again on the
 *      registry as it is (refused, with nothing changed, when the plan differs);
 *   4. rename: the journal made ready (phase renaming, with the registry's new text), a last look
 *      at every target, then the temporary files renamed into place, all or none (a failed rename
 *      puts back those already renamed);
 *   5. registry: written, still under the lock; if that fails, every file written gets its
 *      previous bytes back (new files and folders removed);
 *   6. the journal removed, then verify: the caller's check of the result (a rescan).
 *
 * A process killed anywhere in 2-6 leaves its journal: the next command that reads the tree
 * finishes the change, or takes it back if it was killed before the first rename or while
 * restoring (fix/recover.ts). No temporary file or kept original outlives the change set or its
 * recovery.
 *
 * Why the files are written before the registry: writing files is the step that fails for ordinary
 * reasons (a file edited since the plan, a read-only folder, a symlink), and it fails whole, with
 * nothing written. The registry is written last because it is the one that can be undone cleanly:
 * if it fails, we hold every file's previous bytes and put them back. The lock is held from the
 * registry's plan to its write, so the journal's registry text is the one written.
 */
import type { Stats } from 'node:fs';
import { link, lstat, mkdir, open, readFile, realpath, rename, rmdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { ExitCode, PortregError, refusal } from '../errors.js';
import { STALE_MS } from '../registry/lock.js';
import { writeRegistryChange, type RegistryChange } from '../registry/operations.js';
import {
  ABSENT_HASH,
  describeElsewhere,
  findJournals,
  journalOwner,
  newJournal,
  sha256,
  type Journal,
  type JournalHandle,
  type JournalPhase,
  type JournalRegistry,
} from './journal.js';
import { removeOrphanTempsBeside, syncFolder, tempPathFor } from '../util/atomic-write.js';
import { dirtyAmong } from '../util/git.js';
import { mapLimit } from '../util/map-limit.js';
import { crashPoint, failRenameForTest } from '../util/test-hooks.js';
import type { AppliedFile } from './apply.js';

/** The `before` of a file that does not exist yet: it must still not exist when written. */
export const ABSENT = 'absent';

export interface FileChange {
  /** Root-relative, with forward slashes. */
  file: string;
  /** The bytes the change was planned from, or ABSENT for a new file. */
  before: Buffer | typeof ABSENT;
  after: Buffer;
}

/**
 * Files with uncommitted changes: refused (naming them, and how to allow it: "--allow-dirty" on
 * the command line, "allowDirty: true" for an MCP tool), or written as they are.
 */
export type UncommittedPolicy = { refuse: true; allowWith: string } | { refuse: false };

/** Refuse files with uncommitted changes unless `allowed`; `allowWith` is how the user allows them. */
export function uncommittedPolicy(allowed: boolean | undefined, allowWith: string): UncommittedPolicy {
  return allowed ? { refuse: false } : { refuse: true, allowWith };
}

export interface CommitHooks {
  /** After the checks, before anything is written (tests change a file here). */
  afterPrepare?: () => Promise<void>;
  /** After the files are renamed into place, before the registry is written (tests change the registry here). */
  beforeRegistry?: () => Promise<void>;
  /** Right before the rename of file `index` (tests edit a file or swap a folder here). */
  beforeRename?: (index: number) => Promise<void>;
}

export interface ChangeSet<R> {
  root: string;
  files: readonly FileChange[];
  /** The registry change the files were planned for. */
  registry?: RegistryChange<R>;
  uncommitted: UncommittedPolicy;
  /**
   * The change of record, made elsewhere once every file is checked and staged and before any is
   * written (reassign --git: the registry pushed to the remote). When it fails, the staged files
   * are discarded and nothing here is written.
   */
  ofRecord?: () => Promise<void>;
  /** The check that the written tree is what was planned (a rescan); its failure is reported, the files stay. */
  verify?: () => Promise<void>;
  /** A root-relative path as the user sees it (default: as is). */
  shown?: (file: string) => string;
  /**
   * The journal that makes the change set crash-proof: the command (as the recovery names it)
   * and the registry the tree is governed by (where the journal lives). Every command passes it;
   * a unit test of the commit alone may leave it out.
   */
  journal?: { command: string; registryFile: string };
  hooks?: CommitHooks;
}

export interface CommitResult<R> {
  /** Files written, root-relative, in the order given. */
  written: string[];
  /** The registry change's result (undefined without one). */
  registry: R | undefined;
}

/** An AppliedFile (a planned edit, or a generator's file) as a change: a `created` one has no bytes before. */
export function changeOf(f: AppliedFile): FileChange {
  return { file: f.file, before: f.created ? ABSENT : f.before, after: f.after };
}

/** Files read, written or synced at once: enough to hide each call's latency, few enough for any file-descriptor limit. */
const IO_CONCURRENCY = 16;

export async function commitChangeSet<R>(set: ChangeSet<R>): Promise<CommitResult<R>> {
  const shown = set.shown ?? ((f: string) => f);
  if (set.journal && set.files.length > 0) await refuseWhileWrittenElsewhere(path.resolve(set.journal.registryFile));
  const targets = await prepare(set, shown);
  await set.hooks?.afterPrepare?.();
  const journal = targets.length > 0 && set.journal ? await newJournal(path.resolve(set.journal.registryFile)) : null;
  const staged = await stage(targets, journal && { handle: journal, command: set.journal!.command, shown });
  if (set.ofRecord) {
    // The record (the git remote) takes the change first: when it refuses, nothing here changes.
    try {
      await set.ofRecord();
    } catch (err) {
      await discard(staged.temps, staged.originals, staged.made);
      await journal?.remove();
      throw err;
    }
  }
  let renamed = false;
  const renameFiles = async (registry: JournalRegistry | null) => {
    // Every temporary file is durable: from here on the change goes forward.
    await staged.record('renaming', registry);
    if (renamed) return; // the registry changed on disk and was planned anew: only the journal changes
    await renameAll(staged, shown, set.hooks);
    renamed = true;
    crashPoint('registry:before');
    await set.hooks?.beforeRegistry?.();
  };
  let registry: R | undefined;
  try {
    if (set.registry) {
      const file = path.resolve(set.registry.options.cwd ?? process.cwd(), set.registry.file); // as the store resolves it
      registry = await writeRegistryChange(set.registry, (plan) =>
        renameFiles(
          plan.after === null
            ? null
            : {
                file,
                shown: shown(toPosix(path.relative(path.resolve(set.root), file))),
                before: sha256(plan.before),
                after: sha256(plan.after),
                text: plan.after,
              },
        ),
      );
    } else {
      await renameFiles(null);
    }
  } catch (err) {
    if (!renamed) {
      // Refused or failed before the first rename (a failed rename puts back what it renamed): nothing changed.
      await discard(staged.temps, staged.originals, staged.made);
      await journal?.remove();
      throw err;
    }
    await staged.record('restoring', null);
    await restoreAfter(err, staged, shown).finally(() => journal?.remove());
  }
  crashPoint('registry:after');
  await removeKept(staged.originals);
  await journal?.remove();
  await set.verify?.();
  return { written: targets.map((t) => t.file), registry };
}

const toPosix = (p: string) => p.split(path.sep).join('/');

/**
 * A change set another host may be writing into this tree right now (its journal is fresh): the
 * files this one was planned from may be half old, half new, and its renames would race that
 * host's. Refused like a lock held elsewhere (exit 3), with nothing written.
 */
async function refuseWhileWrittenElsewhere(registryFile: string): Promise<void> {
  const busy = (await findJournals(registryFile)).find((j) => j.state === 'elsewhere');
  if (!busy) return;
  throw new PortregError(
    `${describeElsewhere(busy)}; nothing was written: run the command again once that write is done ` +
      `(if ${busy.journal.host} is down, the first portreg command run once the journal went ${STALE_MS / 1000} s unchanged finishes or takes back that write)`,
    ExitCode.LockTimeout,
    'write-in-progress',
    { journal: busy.path, host: busy.journal.host, pid: busy.journal.pid, command: busy.journal.command },
  );
}

// ---- 1. prepare -----------------------------------------------------------------------------

interface Target {
  file: string;
  absolute: string;
  before: Buffer | null;
  after: Buffer;
  /** The mode the new bytes get: the file's own, 0o644 for a new file. */
  mode: number;
  /** Folders to make for a new file, outermost first. */
  missingFolders: string[];
}

const refused = (code: string, message: string) => new PortregError(message, ExitCode.Refused, code);

async function prepare<R>(set: ChangeSet<R>, shown: (f: string) => string): Promise<Target[]> {
  const realRoot = await realpath(set.root);
  const changed = set.files.filter((f) => f.before === ABSENT || !f.before.equals(f.after));
  // Files share their folders: each folder is looked at once.
  const folders = new Map<string, Promise<Stats | null>>();
  const folderInfo = (folder: string) => {
    if (!folders.has(folder))
      folders.set(
        folder,
        lstat(folder).catch(() => null),
      );
    return folders.get(folder)!;
  };
  const targets = await mapLimit(changed, IO_CONCURRENCY, (f) => checkTarget(realRoot, f, shown(f.file), folderInfo));
  if (set.uncommitted.refuse) {
    const dirty = await dirtyAmong(
      realRoot,
      targets.filter((t) => t.before !== null).map((t) => t.file),
    );
    if (dirty.length > 0) throw uncommittedRefusal(dirty.map(shown), set.uncommitted.allowWith);
  }
  return targets;
}

/** The one refusal of files with uncommitted changes, whichever command or tool would write them. */
export function uncommittedRefusal(files: string[], allowWith: string): PortregError {
  const one = files.length === 1;
  return refusal(
    'files-dirty',
    `${one ? 'a file to write has' : `${files.length} files to write have`} uncommitted changes; commit or stash them first (or pass ${allowWith}); nothing was written:\n${files.map((f) => `  ${f}`).join('\n')}`,
    { files },
  );
}

/** Inside the root, no symbolic link on the way (the file itself or a folder above it), the bytes as planned. */
async function checkTarget(realRoot: string, change: FileChange, shown: string, folderInfo: (folder: string) => Promise<Stats | null>): Promise<Target> {
  const absolute = path.resolve(realRoot, change.file);
  const rel = path.relative(realRoot, absolute);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) throw refused('file-outside', `${shown} lies outside ${realRoot}; nothing was written`);
  const missingFolders: string[] = [];
  const parts = rel.split(path.sep);
  for (let i = 1; i < parts.length; i++) {
    const folder = path.join(realRoot, ...parts.slice(0, i));
    const info = missingFolders.length ? null : await folderInfo(folder);
    if (!info) {
      missingFolders.push(folder);
      continue;
    }
    if (info.isSymbolicLink())
      throw refused(
        'file-symlink',
        `${shown}: the folder ${parts.slice(0, i).join('/')} is a symbolic link: portreg never writes through one; nothing was written`,
      );
    if (!info.isDirectory()) throw refused('file-outside', `${shown}: ${parts.slice(0, i).join('/')} is not a folder; nothing was written`);
  }
  const info = missingFolders.length ? null : await lstat(absolute).catch(() => null);
  if (change.before === ABSENT) {
    if (info) throw refused('file-exists', `${shown} exists already; nothing was written`);
    return { file: change.file, absolute, before: null, after: change.after, mode: 0o644, missingFolders };
  }
  if (!info) throw refused('file-missing', `${shown} does not exist; nothing was written`);
  if (info.isSymbolicLink()) throw refused('file-symlink', `${shown} is a symbolic link: portreg never writes through one; nothing was written`);
  if (!info.isFile()) throw refused('file-missing', `${shown} is not a file; nothing was written`);
  if (!(await readFile(absolute)).equals(change.before)) throw refused('file-changed', `${shown} changed since it was read; nothing was written`);
  return { file: change.file, absolute, before: change.before, after: change.after, mode: info.mode & 0o777, missingFolders };
}

// ---- 2. stage -------------------------------------------------------------------------------

interface Staged {
  targets: Target[];
  /** The temporary file of each target, in the order of `targets`. */
  temps: string[];
  /** Where each target's bytes are kept (a hard link) when its rename replaces them; null for a new file. */
  originals: (string | null)[];
  /** Folders made for new files, outermost first. */
  made: string[];
  /** Writes the journal in this phase (nothing without one). */
  record(phase: JournalPhase, registry: JournalRegistry | null): Promise<void>;
}

async function stage(targets: Target[], journal: { handle: JournalHandle; command: string; shown: (f: string) => string } | null): Promise<Staged> {
  // The names are chosen first, so the journal names every file this change set may leave.
  const temps = targets.map((t) => tempPathFor(t.absolute));
  const originals = targets.map((t) => (t.before === null ? null : tempPathFor(t.absolute)));
  const folders = [...new Set(targets.flatMap((t) => t.missingFolders))];
  const made: string[] = [];
  const files = journal
    ? targets.map((t, i) => ({
        shown: journal.shown(t.file),
        absolute: t.absolute,
        temp: temps[i]!,
        original: originals[i]!,
        before: t.before === null ? ABSENT_HASH : sha256(t.before),
        after: sha256(t.after),
      }))
    : [];
  const record = async (phase: JournalPhase, registry: JournalRegistry | null) => {
    if (!journal) return;
    const entry: Journal = { ...journalOwner(), command: journal.command, phase, files, folders, registry };
    await journal.handle.write(entry);
  };
  const written: (string | undefined)[] = new Array(targets.length);
  try {
    await record('staging', null);
    // Temporary files that a writer killed before journals existed left beside these files.
    await removeOrphanTempsBeside(targets.map((t) => t.absolute));
    for (const folder of folders) {
      await mkdir(folder);
      made.push(folder);
    }
    await mapLimit(targets, IO_CONCURRENCY, async (t, i) => {
      const fh = await open(temps[i]!, 'wx', t.mode);
      written[i] = temps[i];
      try {
        await fh.writeFile(t.after);
        await fh.sync();
      } finally {
        await fh.close();
      }
    });
  } catch (err) {
    await discard(written, [], made);
    await journal?.handle.remove();
    throw err instanceof PortregError ? err : refused('write-failed', `cannot write the files: ${(err as Error).message}; nothing was written`);
  }
  crashPoint('staged');
  return { targets, temps, originals, made, record };
}

async function discard(temps: readonly (string | null | undefined)[], kept: readonly (string | null)[], made: readonly string[]): Promise<void> {
  await Promise.all([...temps, ...kept].map((t) => (t ? unlink(t).catch(() => {}) : undefined)));
  await removeFolders(made);
}

async function removeFolders(made: readonly string[]): Promise<void> {
  // Innermost first; a folder someone put a file in meanwhile stays (rmdir refuses it).
  for (const d of [...made].reverse()) await rmdir(d).catch(() => {});
}

// ---- 3. rename ------------------------------------------------------------------------------

async function renameAll(staged: Staged, shown: (f: string) => string, hooks?: CommitHooks): Promise<void> {
  const { targets, temps } = staged;
  try {
    // Last look before the renames: a file edited meanwhile stops everything.
    await mapLimit(targets, IO_CONCURRENCY, async (t) => {
      if (t.before === null) {
        if (await lstat(t.absolute).catch(() => null))
          throw refused('file-changed', `${shown(t.file)} appeared while the files were being written; nothing was written`);
        return;
      }
      if (!(await readFile(t.absolute)).equals(t.before))
        throw refused('file-changed', `${shown(t.file)} changed while the files were being written; nothing was written`);
    });
  } catch (err) {
    await discard(temps, [], staged.made);
    throw err;
  }
  // Renames are atomic one by one; if one fails midway, the files already replaced get their
  // old bytes back, so the tree is never left half-moved. Each target's file is kept (a hard link
  // to the bytes the rename replaces, at the name the journal gives), so an edit made during the
  // renames is found and given back, and a recovery can take the change back.
  const kept: (string | null)[] = [];
  const undo = async (renamed: number) => {
    await staged.record('restoring', null);
    await discard(temps.slice(renamed), [], []);
    crashPoint('restoring');
    const lost = await putBack(staged, upTo(renamed));
    await removeFolders(staged.made);
    return lost;
  };
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i]!;
    try {
      await hooks?.beforeRename?.(i);
      crashPoint(`rename:${i}`);
      // The folder checked when the plan was made must still be that folder, not a link swapped in.
      if ((await realpath(path.dirname(t.absolute)).catch(() => null)) !== path.dirname(t.absolute)) {
        throw refused('file-outside', `the folder of ${shown(t.file)} was replaced (by a link, or removed) while the files were being written`);
      }
      const original = staged.originals[i] ?? null;
      if (original) await link(t.absolute, original);
      kept[i] = original;
      failRenameForTest(i);
      await rename(temps[i]!, t.absolute);
    } catch (err) {
      const lost = await undo(i);
      await removeKept(kept);
      const why = err instanceof PortregError ? err.message : `cannot write ${shown(t.file)}: ${(err as Error).message}`;
      throw refused(
        err instanceof PortregError ? err.code : 'write-failed',
        `${why}; ${lost.length ? `could not restore ${lost.map(shown).join(', ')}` : 'nothing was changed'}`,
      );
    }
  }
  // An edit made between the last look and a rename went to the file the rename replaced: found
  // in the kept original. The whole change is taken back, and that file keeps the user's edit.
  const edited: number[] = [];
  for (let i = 0; i < targets.length; i++) {
    const original = kept[i];
    if (original && !(await readFile(original)).equals(targets[i]!.before!)) edited.push(i);
  }
  if (edited.length > 0) {
    await staged.record('restoring', null);
    const lost = await putBack(
      staged,
      upTo(targets.length).filter((i) => !edited.includes(i)),
    );
    for (const i of edited) await rename(kept[i]!, targets[i]!.absolute).catch(() => lost.push(targets[i]!.file));
    await removeKept(kept.filter((_, i) => !edited.includes(i)));
    await removeFolders(staged.made);
    const names = edited.map((i) => shown(targets[i]!.file));
    throw refused(
      'file-changed',
      `${names.join(', ')} ${names.length === 1 ? 'was' : 'were'} edited while the files were being written: ${names.length === 1 ? 'it keeps' : 'they keep'} the edit, and nothing else was changed${lost.length ? ` (could not restore ${lost.map(shown).join(', ')})` : ''}; run the command again`,
    );
  }
  // A rename is durable once its folder is synced, as the registry write does it.
  await mapLimit([...new Set(targets.map((t) => path.dirname(t.absolute)))], IO_CONCURRENCY, syncFolder);
}

/** Removes the kept originals (the journal names them until the change set is done). */
async function removeKept(kept: readonly (string | null | undefined)[]): Promise<void> {
  await Promise.all(kept.map((k) => (k ? unlink(k).catch(() => {}) : undefined)));
}

/**
 * Gives written files their previous bytes back (a new file is removed), each only while it still
 * holds what was written: someone's edit made since is not ours to overwrite. The bytes come back
 * by renaming the kept original over the file: atomic, and named in the journal, so a process
 * killed while restoring leaves nothing a recovery does not know. Returns the files left as they are.
 */
async function putBack(staged: Staged, indices: readonly number[]): Promise<string[]> {
  const lost: string[] = [];
  for (const [done, i] of [...indices].reverse().entries()) {
    const t = staged.targets[i]!;
    crashPoint(`restore:${done}`);
    try {
      if (!(await readFile(t.absolute)).equals(t.after)) throw new Error('changed since it was written');
      await (t.before === null ? unlink(t.absolute) : rename(staged.originals[i]!, t.absolute));
    } catch {
      lost.push(t.file);
    }
  }
  return lost.reverse();
}

const upTo = (n: number) => Array.from({ length: n }, (_, i) => i);

// ---- 4. registry failed: restore ------------------------------------------------------------

async function restoreAfter(cause: unknown, staged: Staged, shown: (f: string) => string): Promise<never> {
  const { targets } = staged;
  if (targets.length === 0) throw cause;
  const why = cause instanceof Error ? cause.message : String(cause);
  crashPoint('restoring');
  const lost = new Set(await putBack(staged, upTo(targets.length)));
  await removeKept(staged.originals);
  await removeFolders(staged.made);
  if (lost.size > 0) {
    const left = targets.filter((t) => lost.has(t.file));
    const edited = left.filter((t) => t.before !== null).map((t) => shown(t.file));
    const made = left.filter((t) => t.before === null).map((t) => shown(t.file));
    const how = [edited.length ? `git checkout -- ${edited.join(' ')}` : '', made.length ? `rm ${made.join(' ')}` : ''].filter(Boolean).join('; ');
    throw new PortregError(
      `${why}\nthe registry was not written, and ${left.length} of the ${targets.length} files written could not be restored (changed since, or not writable): ` +
        `${left.map((t) => shown(t.file)).join(', ')}; ${left.length === 1 ? 'it holds' : 'they hold'} the new contents while the registry holds the old: put ${left.length === 1 ? 'it' : 'them'} back by hand (${how})`,
      ExitCode.Usage,
      'restore-failed',
    );
  }
  throw new PortregError(
    `${why}\nthe ${targets.length} file${targets.length === 1 ? '' : 's'} written ${targets.length === 1 ? 'was' : 'were'} restored; nothing was changed`,
    cause instanceof PortregError ? cause.exitCode : ExitCode.Usage,
    cause instanceof PortregError ? cause.code : 'registry-unwritable',
    cause instanceof PortregError ? cause.details : undefined,
  );
}
