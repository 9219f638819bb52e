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
 * so concurrent writers never share one. It names the host and pid of its writer: a journal whose
 * process still runs is a write in progress, not a crash. A writer on another host (a shared
 * network folder, a container sharing a volume) cannot be asked whether it runs: its journal is
 * kept fresh (its mtime set every third of the lock's stale time, as the lock is), and it is judged
 * abandoned only once it went that long unchanged, as the lock judges such a holder.
 */
import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { mkdir, readdir, readFile, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { STALE_MS } from '../registry/lock.js';
import { syncFolder, writeFileAtomic } from '../util/atomic-write.js';
import { gitDirOf } from '../util/git.js';
import { keepFresh } from '../util/keep-fresh.js';
import { processAlive } from '../util/process-alive.js';

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

/**
 * A new journal for this process's change set; nothing is written until `write`. From the first
 * write to `remove` it is kept fresh (`staleMs`: the lock's stale time), so a recovery on another
 * host sees the write is alive.
 */
export async function newJournal(registryFile: string, options: { staleMs?: number } = {}): Promise<JournalHandle> {
  const folder = await journalFolderFor(registryFile);
  const file = path.join(folder, `.portreg-journal.${process.pid}.${randomBytes(4).toString('hex')}.json`);
  let stopRefreshing: (() => void) | null = null;
  return {
    path: file,
    async write(journal) {
      if (!stopRefreshing) {
        await mkdir(folder, { recursive: true });
        stopRefreshing = keepFresh(file, options.staleMs ?? STALE_MS);
      }
      await writeFileAtomic(file, `${JSON.stringify(journal)}\n`, { mode: 0o600 });
    },
    async remove() {
      stopRefreshing?.();
      await unlink(file).catch(() => {});
      await syncFolder(folder);
    },
  };
}

/** A journal's fields for this process (the phase and the changes are the caller's). */
export function journalOwner(): { version: typeof JOURNAL_VERSION; pid: number; host: string } {
  return { version: JOURNAL_VERSION, pid: process.pid, host: hostname() };
}

/**
 * A journal found beside the registry, judged:
 *   interrupted - its process is gone (this host), or it went `staleMs` unchanged (another host):
 *                 a recovery finishes or takes back its change set;
 *   running     - its process runs on this host: a write in progress;
 *   elsewhere   - written on another host and changed within `staleMs`: that write may be in
 *                 progress, and no one here can tell; `quietMs` is how long it has been unchanged;
 *   unreadable  - not a journal this version can read.
 */
export type FoundJournal =
  | { path: string; state: 'interrupted' | 'running'; journal: Journal }
  | { path: string; state: 'elsewhere'; journal: Journal; quietMs: number }
  | { path: string; state: 'unreadable'; error: Error };

/** The one judgement of a journal (see FoundJournal); null when it is gone, or is this process's own. */
export async function judgeJournal(file: string, staleMs: number = STALE_MS): Promise<FoundJournal | null> {
  let journal: Journal | null;
  try {
    journal = await readJournal(file);
  } catch (err) {
    return { path: file, state: 'unreadable', error: err as Error };
  }
  if (!journal) return null;
  if (journal.host === hostname()) {
    if (journal.pid === process.pid) return null;
    return { path: file, state: processAlive(journal.pid) ? 'running' : 'interrupted', journal };
  }
  // Another host's pid means nothing here: its sign of life is the journal's mtime (newJournal).
  const info = await stat(file).catch(() => null);
  if (!info) return null;
  const quietMs = Math.max(0, Date.now() - info.mtimeMs);
  return quietMs > staleMs ? { path: file, state: 'interrupted', journal } : { path: file, state: 'elsewhere', journal, quietMs };
}

/** The journals left beside this registry (this process's own aside), each judged. */
export async function findJournals(registryFile: string, staleMs: number = STALE_MS): Promise<FoundJournal[]> {
  const folder = await journalFolderFor(registryFile);
  const names = (await readdir(folder).catch(() => [] as string[])).filter((name) => NAME.test(name));
  const found = await Promise.all(names.map((name) => judgeJournal(path.join(folder, name), staleMs)));
  return found.filter((j) => j !== null);
}

/**
 * `a reassign on build-07 (process 4242) is writing this tree (its journal <file> changed 3 s ago)`:
 * a change set another host may still be writing, as the messages name it.
 */
export function describeElsewhere(j: Extract<FoundJournal, { state: 'elsewhere' }>): string {
  return `a ${j.journal.command} on host ${j.journal.host} (process ${j.journal.pid}) is writing this tree (its journal ${j.path} changed ${Math.round(j.quietMs / 1000)} s ago)`;
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
