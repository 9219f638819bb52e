/**
 * An inter-process lock beside the registry: `<registry>.lock`, created with O_EXCL.
 *
 * Why not proper-lockfile: its stale detection is by mtime only (at least seconds after a
 * crash), it cannot say who holds a lock, and it removes a stale lock with a plain unlink,
 * which races with a second process doing the same. Here the lock file names its holder
 * (pid, host, command, time); a lock whose process is gone on this host is taken over at
 * once, one whose holder stopped refreshing it is taken over after `staleMs`.
 *
 * Exclusive under every interleaving: only O_EXCL creates a lock, so two holders can exist only
 * if a live lock is removed. A takeover therefore removes the lock only under a second O_EXCL
 * file, `<registry>.lock.takeover` (one takeover at a time, in this process or any other), and
 * only if the file is still the very one judged stale (same inode, same holder token). Moving
 * the lock aside without that guard, as this code did before, could move a lock taken a moment
 * earlier by a live contender, and let a third one in beside it.
 */
import { keepFresh } from '../util/keep-fresh.js';
import { processAlive } from '../util/process-alive.js';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
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
  /** What the lock guards, for the message when it cannot be had (default "the registry"). */
  what?: string;
  /** Test seam: awaited between the lock's steps, so a test can interleave contenders at each. */
  step?: (name: LockStep) => Promise<void>;
  /**
   * Called once when the wait passes `noticeMs` (default 1 s), with who holds the lock: a command
   * that seems to hang says what it waits for.
   */
  onWait?: (holder: string) => void;
  noticeMs?: number;
}

export type LockStep = 'create-failed' | 'holder-read' | 'guard-taken' | 'lock-checked';

export interface HeldLock {
  path: string;
  owner: LockOwner;
  /** Still ours? Checked right before the registry is replaced. */
  verify(): Promise<boolean>;
  release(): Promise<void>;
}

const EMPTY_LOCK_STALE_MS = 2_000;
/**
 * How long a holder on another host may go without a sign of life (the lock's mtime, a change
 * set's journal's) before it is judged gone: its pid means nothing here.
 */
export const STALE_MS = 30_000;
const DEFAULTS = { timeoutMs: 10_000, staleMs: STALE_MS, retryMs: 25, noticeMs: 1_000 };

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
function isStale(info: Stats, owner: LockOwner | null, staleMs: number): boolean {
  if (owner && owner.host === hostname() && !processAlive(owner.pid)) return true;
  // A holder writes its name right after creating the file: an empty lock this old was abandoned.
  const limit = owner ? staleMs : Math.min(staleMs, EMPTY_LOCK_STALE_MS);
  return Date.now() - info.mtimeMs > limit;
}

/** A takeover takes milliseconds: a guard older than this was left by a process killed during one. */
const GUARD_STALE_MS = 2_000;

/**
 * Removes the stale lock `judged` (its inode and holder as seen), under the takeover guard, and
 * only if it is still that lock. Returns without removing anything when another takeover is
 * under way or the lock changed meanwhile: the caller simply tries to create the lock again.
 */
async function takeOver(lockPath: string, judged: { ino: number; token: string | null }, step: LockOptions['step']): Promise<void> {
  const guardPath = `${lockPath}.takeover`;
  let guard: FileHandle;
  try {
    guard = await open(guardPath, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') await removeAbandonedGuard(guardPath);
    return;
  }
  try {
    await step?.('guard-taken');
    const now = await stat(lockPath).catch(() => null);
    const owner = now ? await readOwner(lockPath) : null;
    await step?.('lock-checked');
    // Only a takeover removes a lock nobody releases, and takeovers run one at a time: the file
    // checked here is still the file unlinked next.
    if (now && now.ino === judged.ino && (owner?.token ?? null) === judged.token) await unlink(lockPath).catch(() => {});
  } finally {
    await guard.close();
    await unlink(guardPath).catch(() => {});
  }
}

async function removeAbandonedGuard(guardPath: string): Promise<void> {
  const info = await stat(guardPath).catch(() => null);
  if (!info || Date.now() - info.mtimeMs <= GUARD_STALE_MS) return;
  // Moved aside first, so of two contenders that judged it abandoned only one removes it.
  const aside = `${guardPath}-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await rename(guardPath, aside);
  } catch {
    return;
  }
  await unlink(aside).catch(() => {});
}

export async function acquireLock(file: string, options: LockOptions = {}): Promise<HeldLock> {
  const { timeoutMs, staleMs, retryMs, noticeMs } = { ...DEFAULTS, ...options };
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
  const started = Date.now();
  const deadline = started + timeoutMs;
  let lastHolder: LockOwner | null = null;
  let noticed = false;
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
    await options.step?.('create-failed');
    const info = await stat(lockPath).catch(() => null);
    if (!info) continue; // Released meanwhile: try again at once.
    const holder = await readOwner(lockPath);
    await options.step?.('holder-read');
    if (holder) lastHolder = holder;
    if (isStale(info, holder, staleMs)) {
      await takeOver(lockPath, { ino: info.ino, token: holder?.token ?? null }, options.step);
      continue;
    }
    const who = lastHolder ? describeHolder(lastHolder) : 'another process';
    if (Date.now() >= deadline) {
      throw new PortregError(
        `${options.what ?? 'the registry'} is locked by ${who}; waited ${+(timeoutMs / 1000).toFixed(1)} s: try again, or remove ${lockPath} if that process is gone`,
        ExitCode.LockTimeout,
        'lock-timeout',
        lastHolder ? { holder: lastHolder } : undefined,
      );
    }
    if (!noticed && options.onWait && Date.now() - started >= noticeMs) {
      noticed = true;
      options.onWait(who);
    }
    // Jitter keeps a crowd of waiters from retrying in lockstep.
    await new Promise((r) => setTimeout(r, retryMs + Math.floor(Math.random() * retryMs)));
  }
}

/** `process 1234 on host (portreg allocate ...) since 2026-...`: the holder as the messages name it. */
export function describeHolder(owner: LockOwner): string {
  return `process ${owner.pid} on ${owner.host} (${owner.command}) since ${owner.since}`;
}

function makeHeld(lockPath: string, owner: LockOwner, staleMs: number): HeldLock {
  // Refresh the lock's mtime so a slow but live holder is not judged stale by another host.
  const stopRefreshing = keepFresh(lockPath, staleMs);
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
      stopRefreshing();
      const current = await readOwner(lockPath);
      if (current?.token === owner.token) await unlink(lockPath).catch(() => {});
    },
  };
}
