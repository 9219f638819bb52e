/**
 * The journal of a change set: what fix/commit.ts is about to do to the tree, written before it
 * does it, so that a write killed midway (SIGKILL, a power cut, a CI timeout) is finished or
 * undone by the next command (fix/recover.ts) instead of leaving a tree half old, half new.
 *
 * It names every target with its temporary file, its kept original, and the sha256 of the bytes
 * it replaces and of the bytes it writes, the folders made for new files, and the registry's
 * change (its hash before and after, and the new text). A hash says which state a file is in
 * (old, new, or changed by someone since) without keeping the old bytes.
 *
 * Phases, each written atomically over the last:
 *   staging   - the temporary files are being written: nothing in the tree changed yet;
 *   renaming  - every temporary file is written and synced: the change goes forward;
 *   restoring - the change is being taken back (a rename or the registry failed).
 *
 * Where: in the git folder of the registry's work tree (`.git/portreg/`, never seen by git or
 * the scanner), else beside the registry. One file per change set, named with the writer's pid,
 * so concurrent writers never share one, and a journal whose process still runs is a write in
 * progress, not a crash.
 */
import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { mkdir, readdir, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { syncFolder, writeFileAtomic } from '../util/atomic-write.js';
import { gitDirOf } from '../util/git.js';

export const JOURNAL_VERSION = 1;

/** The `before` hash of a file that did not exist. */
export const ABSENT_HASH = 'absent';

export type JournalPhase = 'staging' | 'renaming' | 'restoring';

export interface JournalFile {
  /** As the user sees it. */
  shown: string;
  absolute: string;
  /** The new bytes, staged beside the target. */
  temp: string;
  /** A hard link to the bytes the rename replaces (null for a new file): an edit made during the renames is found in it. */
  original: string | null;
  /** sha256 of the bytes replaced, or ABSENT_HASH. */
  before: string;
  /** sha256 of the bytes written. */
  after: string;
}

export interface JournalRegistry {
  file: string;
  shown: string;
  before: string;
  after: string;
  /** The new registry text, written by a recovery that finds the registry still old. */
  text: string;
}

export interface Journal {
  version: typeof JOURNAL_VERSION;
  /** The command that wrote, as the recovery names it ("reassign", "lint --fix"). */
  command: string;
  pid: number;
  host: string;
  phase: JournalPhase;
  files: JournalFile[];
  /** Folders made for new files, outermost first. */
  folders: string[];
  /** The registry change, null when the change set has none (or it writes nothing). */
  registry: JournalRegistry | null;
}

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The hash of a file's bytes as they are now; ABSENT_HASH when it does not exist, 'unreadable' otherwise. */
export async function hashOfFile(file: string): Promise<string> {
  try {
    return sha256(await readFile(file));
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? ABSENT_HASH : 'unreadable';
  }
}

/** Where the journals of the change sets planned for this registry live. */
export async function journalFolderFor(registryFile: string): Promise<string> {
  const gitDir = await gitDirOf(path.dirname(registryFile));
  return gitDir ? path.join(gitDir, 'portreg') : path.dirname(registryFile);
}

const NAME = /^\.portreg-journal\.(\d+)\.[0-9a-f]{8}\.json$/;

export interface JournalHandle {
  path: string;
  /** Replaces the journal atomically (and durably): a reader sees the last phase written, whole. */
  write(journal: Journal): Promise<void>;
  remove(): Promise<void>;
}

/** A new journal for this process's change set; nothing is written until `write`. */
export async function newJournal(registryFile: string): Promise<JournalHandle> {
  const folder = await journalFolderFor(registryFile);
  const file = path.join(folder, `.portreg-journal.${process.pid}.${randomBytes(4).toString('hex')}.json`);
  let made = false;
  return {
    path: file,
    async write(journal) {
      if (!made) {
        await mkdir(folder, { recursive: true });
        made = true;
      }
      await writeFileAtomic(file, `${JSON.stringify(journal)}\n`, { mode: 0o600 });
    },
    async remove() {
      await unlink(file).catch(() => {});
      await syncFolder(folder);
    },
  };
}

/** A journal's fields for this process (the phase and the changes are the caller's). */
export function journalOwner(): { version: typeof JOURNAL_VERSION; pid: number; host: string } {
  return { version: JOURNAL_VERSION, pid: process.pid, host: hostname() };
}

/** The journals left beside this registry, with the pid of the process that wrote each. */
export async function listJournals(registryFile: string): Promise<{ path: string; pid: number }[]> {
  const folder = await journalFolderFor(registryFile);
  const names = await readdir(folder).catch(() => [] as string[]);
  return names.flatMap((name) => {
    const m = NAME.exec(name);
    return m ? [{ path: path.join(folder, name), pid: Number(m[1]) }] : [];
  });
}

/** The journal at `file`; null when it is gone (another recovery finished it); throws when it cannot be read as one. */
export async function readJournal(file: string): Promise<Journal | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const journal = JSON.parse(text) as Journal;
  if (journal.version !== JOURNAL_VERSION || !Array.isArray(journal.files)) throw new Error(`not a version ${JOURNAL_VERSION} journal`);
  return journal;
}
