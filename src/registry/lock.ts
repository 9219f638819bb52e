/**
 * An inter-process lock beside the registry: `<registry>.lock`, created with O_EXCL.
 *
 * Why not proper-lockfile: its stale detection is by mtime only (at least seconds after a
 * crash), it cannot say who holds a lock, and it removes a stale lock with a plain unlink,
 * which races with a second process doing the same. Here the lock file names its holder
 * (pid, host, command, time); a lock whose process is gone on this host is taken over at
 * once, one whose holder stopped refreshing it is taken over after `staleMs`, and the
 * takeover renames the stale file away first, so exactly one contender removes it.
 */
import { processAlive } from '../util/process-alive.js';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink, utimes, stat } from 'node:fs/promises';
import { PortregError, ExitCode } from '../errors.js';

export interface LockOwner {
  pid: number;
  host: string;
  command: string;
  since: string;
  token: string;
}

export interface LockOptions {
  /** How long to wait for a live holder before giving up (exit 3). */
  timeoutMs?: number;
  /** A lock not refreshed for this long is stale even if its process may live (another host). */
  staleMs?: number;
  /** Time between tries while waiting. */
  retryMs?: number;
}

export interface HeldLock {
  path: string;
  owner: LockOwner;
  /** Still ours? Checked right before the registry is replaced. */
  verify(): Promise<boolean>;
  release(): Promise<void>;
}

const EMPTY_LOCK_STALE_MS = 2_000;
const DEFAULTS = { timeoutMs: 10_000, staleMs: 30_000, retryMs: 25 };

export function lockPathFor(file: string): string {
  return `${file}.lock`;
}

async function readOwner(lockPath: string): Promise<LockOwner | null> {
  try {
    const parsed = JSON.parse(await readFile(lockPath, 'utf8')) as Partial<LockOwner>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string' && typeof parsed.token === 'string') return parsed as LockOwner;
  } catch {
    // Being written right now, or garbage: judged by its age below.
  }
  return null;
}

/** Is this lock left behind by a holder that can no longer release it? */
async function isStale(lockPath: string, owner: LockOwner | null, staleMs: number): Promise<boolean> {
  if (owner && owner.host === hostname() && !processAlive(owner.pid)) return true;
  try {
    const { mtimeMs } = await stat(lockPath);
    // A holder writes its name right after creating the file: an empty lock this old was abandoned.
    const limit = owner ? staleMs : Math.min(staleMs, EMPTY_LOCK_STALE_MS);
    return Date.now() - mtimeMs > limit;
  } catch {
    return false;
  }
}

/** Removes a stale lock so that exactly one contender succeeds, and only if it is still the stale one. */
async function takeOver(lockPath: string, stale: LockOwner | null): Promise<void> {
  const aside = `${lockPath}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await rename(lockPath, aside);
  } catch {
    return; // Someone else moved it first.
  }
  const moved = await readOwner(aside);
  if (stale && moved && moved.token !== stale.token) {
    // Between our look and our rename a new holder took the lock: put it back if nobody else has one now.
    try {
      const fh = await open(lockPath, 'wx');
      await fh.writeFile(JSON.stringify(moved));
      await fh.close();
    } catch {
      // Another lock exists already; the registry's compare-before-write still guards the data.
    }
  }
  await unlink(aside).catch(() => {});
}

export async function acquireLock(file: string, options: LockOptions = {}): Promise<HeldLock> {
  const { timeoutMs, staleMs, retryMs } = { ...DEFAULTS, ...options };
  const lockPath = lockPathFor(file);
  const owner: LockOwner = {
    pid: process.pid,
    host: hostname(),
    command: process.argv
      .slice(1)
      .map((a) => a.split('/').pop())
      .join(' ')
      .slice(0, 200),
    since: new Date().toISOString(),
    token: randomBytes(8).toString('hex'),
  };
  const deadline = Date.now() + timeoutMs;
  let lastHolder: LockOwner | null = null;
  for (;;) {
    try {
      const fh = await open(lockPath, 'wx');
      try {
        await fh.writeFile(JSON.stringify(owner));
      } finally {
        await fh.close();
      }
      return makeHeld(lockPath, owner, staleMs);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') {
        throw new PortregError(`cannot create lock ${lockPath}: ${(err as Error).message}`, ExitCode.Usage, 'lock-unwritable');
      }
    }
    const holder = await readOwner(lockPath);
    if (holder) lastHolder = holder;
    if (await isStale(lockPath, holder, staleMs)) {
      await takeOver(lockPath, holder);
      continue;
    }
    if (Date.now() >= deadline) {
      const who = lastHolder ? `process ${lastHolder.pid} on ${lastHolder.host} (${lastHolder.command}) since ${lastHolder.since}` : 'another process';
      throw new PortregError(
        `the registry is locked by ${who}; waited ${+(timeoutMs / 1000).toFixed(1)} s: try again, or remove ${lockPath} if that process is gone`,
        ExitCode.LockTimeout,
        'lock-timeout',
        lastHolder ? { holder: lastHolder } : undefined,
      );
    }
    // Jitter keeps a crowd of waiters from retrying in lockstep.
    await new Promise((r) => setTimeout(r, retryMs + Math.floor(Math.random() * retryMs)));
  }
}

function makeHeld(lockPath: string, owner: LockOwner, staleMs: number): HeldLock {
  // Refresh the lock's mtime so a slow but live holder is not judged stale by another host.
  const timer = setInterval(
    () => {
      const t = new Date();
      utimes(lockPath, t, t).catch(() => {});
    },
    Math.max(1000, Math.floor(staleMs / 3)),
  );
  timer.unref();
  let released = false;
  return {
    path: lockPath,
    owner,
    async verify() {
      const current = await readOwner(lockPath);
      return current?.token === owner.token;
    },
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      const current = await readOwner(lockPath);
      if (current?.token === owner.token) await unlink(lockPath).catch(() => {});
    },
  };
}
