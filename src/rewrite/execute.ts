/**
 * Running a rewrite: scan, plan, preview (every file read and checked, nothing written), then on
 * --write: the files all or nothing, the registry, and a second scan that must find every port
 * where the plan put it.
 */
import path from 'node:path';
import { ExitCode, PortregError, refusal } from '../errors.js';
import { previewPlan, writeAll, type AppliedFile } from '../fix/apply.js';
import type { PortMove } from '../registry/moves.js';
import type { Registry } from '../registry/types.js';
import type { ScanResult } from '../scan/scan.js';
import { dirtyAmong } from '../util/git.js';
import type { SelectOptions } from './occurrences.js';
import { planRewrite, verifyRewrite, type RewritePlan } from './plan.js';
import type { Workspace } from './workspace.js';

export interface PreparedRewrite {
  scan: ScanResult;
  rewrite: RewritePlan;
  /** Every file of the plan with its bytes before and after (root-relative paths). */
  applied: AppliedFile[];
  /** Files of the plan with uncommitted changes (root-relative). */
  dirty: string[];
  /** The registry the scan attributed ports with: who owned each port before the move. */
  attribution: Registry;
  select: SelectOptions;
}

/** Scans with `attribution` (the registry before the move), plans the edits and reads every file they touch. */
export async function prepareRewrite(ws: Workspace, attribution: Registry, moves: readonly PortMove[], select: SelectOptions = {}): Promise<PreparedRewrite> {
  const scanned = await ws.scan(attribution);
  const rewrite = planRewrite(scanned, attribution, moves, select);
  if (rewrite.conflicts.length > 0) {
    throw refusal('rewrite-conflict', `the ports cannot be changed in one step; nothing was written:\n${rewrite.conflicts.map((c) => `  ${c}`).join('\n')}`);
  }
  const applied = await previewPlan(ws.root, rewrite.plan);
  const dirty = await dirtyAmong(
    ws.root,
    applied.filter((f) => !f.before.equals(f.after)).map((f) => f.file),
  );
  return { scan: scanned, rewrite, applied, dirty, attribution, select };
}

export function refuseDirty(ws: Workspace, prepared: PreparedRewrite): void {
  if (prepared.dirty.length === 0) return;
  throw refusal(
    'files-dirty',
    `${prepared.dirty.length === 1 ? 'a file' : `${prepared.dirty.length} files`} to rewrite ${prepared.dirty.length === 1 ? 'has' : 'have'} uncommitted changes; commit or stash them first (or pass --allow-dirty); nothing was written:\n${prepared.dirty.map((f) => `  ${ws.shown(f)}`).join('\n')}`,
    { files: prepared.dirty.map((f) => ws.shown(f)) },
  );
}

export interface CommitHooks {
  /** Between the preview and the write (tests change a file here). */
  beforeWrite?: () => Promise<void>;
}

export interface CommitResult {
  /** Files written (root-relative). */
  written: string[];
}

/**
 * Writes the files, then the registry; if the registry cannot be written, the files get their
 * `before` bytes back.
 *
 * Why files first: writing the files is the step that fails for ordinary reasons (a file edited
 * since the scan, a read-only folder, a symlink), and it fails whole, with nothing written. The
 * registry write comes second because it is the one that can be undone cleanly in memory: if it
 * fails (lock timeout, the registry changed so the port is no longer free, disk error), we hold
 * every file's previous bytes and put them back. The other order would leave a registry that
 * claims the new port while the configs still use the old one, and undoing it would take a second
 * locked write that can fail too, or clobber a change someone else made in between.
 */
export async function commitRewrite(
  ws: Workspace,
  prepared: PreparedRewrite,
  writeRegistry: (() => Promise<void>) | null,
  hooks: CommitHooks = {},
): Promise<CommitResult> {
  await hooks.beforeWrite?.();
  const written = await writeAll(ws.root, prepared.applied);
  if (writeRegistry) {
    try {
      await writeRegistry();
    } catch (err) {
      const changed = prepared.applied.filter((f) => !f.before.equals(f.after));
      const why = err instanceof Error ? err.message : String(err);
      try {
        await writeAll(
          ws.root,
          changed.map((f) => ({ file: f.file, before: f.after, after: f.before })),
        );
      } catch (restoreError) {
        throw new PortregError(
          `the registry could not be written (${why}), and restoring the ${changed.length} rewritten file${changed.length === 1 ? '' : 's'} failed too (${(restoreError as Error).message}): ` +
            `they hold the new ports while the registry holds the old ones; restore them with git (git checkout -- ${changed.map((f) => ws.shown(f.file)).join(' ')})`,
          ExitCode.Usage,
          'restore-failed',
        );
      }
      const code = err instanceof PortregError ? err.exitCode : ExitCode.Usage;
      throw new PortregError(
        `${why}\nthe ${changed.length} rewritten file${changed.length === 1 ? ' was' : 's were'} restored; nothing was changed`,
        code,
        err instanceof PortregError ? err.code : 'registry-unwritable',
      );
    }
  }
  return { written };
}

/**
 * The second scan: every port where the plan said, none of the old ones left. Throws, loudly, when not.
 * Only the folders of the files written are scanned again: every occurrence the plan knows of is in
 * one of them, and the files elsewhere were not touched (a migration of 500 projects out of 5,000
 * reads a tenth of the tree twice, not all of it).
 */
export async function verifyCommitted(ws: Workspace, prepared: PreparedRewrite): Promise<void> {
  const folders = [...new Set(prepared.applied.map((f) => path.posix.dirname(f.file)))];
  const rescan = await ws.scan(prepared.attribution, folders.includes('.') ? undefined : folders);
  const problems = verifyRewrite(prepared.rewrite, rescan, prepared.attribution, prepared.select);
  if (problems.length === 0) return;
  throw refusal(
    'verify-failed',
    `the files were written, but scanning them again does not find the ports where the plan put them (${problems.length} problem${problems.length === 1 ? '' : 's'}); check them by hand:\n${problems.map((p) => `  ${p}`).join('\n')}`,
    { problems },
  );
}
