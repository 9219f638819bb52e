/**
 * The slot leases: machine state, not git state. Which checkout of which project holds which slot
 * lives in one file in the user's state folder (`$XDG_STATE_HOME/portreg/leases.json`, else
 * `~/.local/state/portreg/leases.json`; `PORTREG_STATE_DIR` names the folder, for tests), because
 * ports belong to the machine: two clones of one repository share them as much as two worktrees.
 *
 * Changed as the registry is (registry/store.ts): under the same lock (registry/lock.ts), read,
 * change in memory, and replaced atomically only if the file still holds the bytes read
 * (util/atomic-write.ts replaceIfUnchanged); on a mismatch the change is made again on the new file.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { homedir, hostname, userInfo } from 'node:os';
import path from 'node:path';
import { ExitCode, PortregError, refusal, usageError } from '../errors.js';
import { acquireLock, type LockOptions } from '../registry/lock.js';
import { ChangedOnDisk, removeOrphanTemps, replaceIfUnchanged } from '../util/atomic-write.js';
import type { Protocol } from '../protocol.js';

export const LEASES_FILE_NAME = 'leases.json';
export const LEASES_VERSION = 1;

export interface LeasedPort {
  service: string;
  port: number;
  protocols: Protocol[];
  env: string | null;
  /** A shared service's port is every slot's: it says nothing about whether this slot is in use. */
  shared: boolean;
}

export interface LeaseHolder {
  pid: number;
  host: string;
  user: string;
  command: string;
}

export interface Lease {
  project: string;
  slot: number;
  /** The git common dir of the checkout's repository. */
  repository: string;
  /** The checkout's top folder. */
  worktree: string;
  /** The registry the ports were computed from. */
  registry: string;
  /** The slot's ports, as computed when the lease was last acquired. */
  ports: LeasedPort[];
  /** When the checkout first got the slot. */
  since: string;
  /** When it last asked for it, and who asked. */
  renewed: string;
  holder: LeaseHolder;
}

export interface LeaseFile {
  version: number;
  leases: Lease[];
}

/** The folder of the lease file. */
export function stateDir(env: NodeJS.ProcessEnv): string {
  if (env.PORTREG_STATE_DIR) return path.resolve(env.PORTREG_STATE_DIR);
  // The XDG Base Directory spec ignores a relative XDG_STATE_HOME.
  if (env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME)) return path.join(env.XDG_STATE_HOME, 'portreg');
  return path.join(env.HOME || homedir(), '.local', 'state', 'portreg');
}

export function leasesPath(env: NodeJS.ProcessEnv): string {
  return path.join(stateDir(env), LEASES_FILE_NAME);
}

/** The same lease: one repository's checkout of one project. */
export function sameCheckout(a: Pick<Lease, 'repository' | 'worktree' | 'project'>, b: Pick<Lease, 'repository' | 'worktree' | 'project'>): boolean {
  return a.repository === b.repository && a.worktree === b.worktree && a.project === b.project;
}

export function currentHolder(): LeaseHolder {
  let user = '';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (a container): the pid and host still say who.
  }
  return {
    pid: process.pid,
    host: hostname(),
    user,
    command: process.argv
      .slice(1)
      .map((a) => a.split('/').pop())
      .join(' ')
      .slice(0, 200),
  };
}

/** The file's text as leases, with a message naming the file and what to do when it is not one. */
export function parseLeases(text: string | null, file: string): LeaseFile {
  if (text === null || text.trim() === '') return { version: LEASES_VERSION, leases: [] };
  const broken = (why: string) =>
    usageError('leases-invalid', `${file}: ${why}; it is portreg's own state: move it aside (the slots it recorded are then free) and run the command again`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw broken(`not valid JSON (${(err as Error).message})`);
  }
  const d = data as Partial<LeaseFile>;
  if (typeof d !== 'object' || d === null || typeof d.version !== 'number' || !Array.isArray(d.leases))
    throw broken('not a lease file (no "version" and "leases")');
  if (d.version > LEASES_VERSION) throw usageError('leases-newer', `${file} was written by a newer portreg (format ${d.version}); upgrade portreg`);
  d.leases.forEach((l, i) => {
    const ok =
      typeof l === 'object' &&
      l !== null &&
      typeof l.project === 'string' &&
      Number.isInteger(l.slot) &&
      typeof l.repository === 'string' &&
      typeof l.worktree === 'string' &&
      Array.isArray(l.ports);
    if (!ok) throw broken(`lease ${i + 1} lacks its project, slot, repository, worktree or ports`);
  });
  return d as LeaseFile;
}

/** Every lease on the machine, read without the lock (the file is only ever replaced whole). */
export async function readLeases(env: NodeJS.ProcessEnv): Promise<{ file: string; leases: Lease[] }> {
  const file = leasesPath(env);
  return { file, leases: parseLeases(await readText(file), file).leases };
}

async function readText(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw usageError('leases-unreadable', `cannot read ${file}: ${(err as Error).message}`);
  }
}

export function serializeLeases(file: LeaseFile): string {
  const leases = [...file.leases].sort((a, b) => a.project.localeCompare(b.project) || a.slot - b.slot || a.worktree.localeCompare(b.worktree));
  return `${JSON.stringify({ version: LEASES_VERSION, leases }, null, 2)}\n`;
}

const MAX_ATTEMPTS = 5;

/**
 * Read-modify-write of the lease file under its lock. `change` gets the leases as they are on
 * disk and returns the new list (or undefined: nothing to write) and its result; it may run
 * again on a fresh read when the file changed under it.
 */
export async function updateLeases<T>(
  env: NodeJS.ProcessEnv,
  change: (leases: Lease[]) => { leases?: Lease[]; result: T },
  options: { lock?: LockOptions } = {},
): Promise<T> {
  const file = leasesPath(env);
  try {
    await mkdir(path.dirname(file), { recursive: true });
  } catch (err) {
    throw usageError('leases-unwritable', `cannot make the state folder ${path.dirname(file)}: ${(err as Error).message}`);
  }
  const lock = await acquireLock(file, { what: 'the slot lease file', ...options.lock });
  try {
    await removeOrphanTemps(file);
    for (let attempt = 1; ; attempt++) {
      const text = await readText(file);
      const outcome = change(structuredClone(parseLeases(text, file).leases));
      if (!outcome.leases) return outcome.result;
      const next = serializeLeases({ version: LEASES_VERSION, leases: outcome.leases });
      if (next === text) return outcome.result;
      try {
        await replaceIfUnchanged(file, next, text, { stillOurs: () => lock.verify(), what: 'the lease file' });
        return outcome.result;
      } catch (err) {
        if (err instanceof ChangedOnDisk && attempt < MAX_ATTEMPTS) continue;
        if (err instanceof ChangedOnDisk)
          throw refusal('leases-changed', `${file} kept changing while it was being updated (${err.message}); nothing was written: try again`);
        throw new PortregError(`cannot write ${file}: ${(err as Error).message}; nothing was written`, ExitCode.Usage, 'leases-unwritable');
      }
    }
  } finally {
    await lock.release();
  }
}
