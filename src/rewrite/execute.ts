/**
 * Running a rewrite: scan, plan, preview (every file read and checked, nothing written); on
 * --write the edits are committed as one change set with the registry change (fix/commit.ts),
 * and a second scan must find every port where the plan put it.
 */
import path from 'node:path';
import { refusal } from '../errors.js';
import { previewPlan, type AppliedFile } from '../fix/apply.js';
import { changeOf, type FileChange } from '../fix/commit.js';
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

/** The files of the plan as the change set to commit. */
export function rewriteChanges(prepared: PreparedRewrite): FileChange[] {
  return prepared.applied.map(changeOf);
}

/**
 * The second scan: every port where the plan said, none of the old ones left. Throws, loudly, when not.
 * Only the folders of the files written are scanned again: every occurrence the plan knows of is in
 * one of them, and the files elsewhere were not touched (a migration of 500 projects out of 5,000
 * reads a tenth of the tree twice, not all of it). `regenerated`: files whose generated text was
 * refreshed in the same change set.
 */
export async function verifyCommitted(ws: Workspace, prepared: PreparedRewrite, regenerated: ReadonlySet<string> = new Set()): Promise<void> {
  const folders = [...new Set(prepared.applied.map((f) => path.posix.dirname(f.file)))];
  const rescan = await ws.scan(prepared.attribution, folders.includes('.') ? undefined : folders);
  const problems = verifyRewrite(prepared.rewrite, rescan, prepared.attribution, prepared.select, regenerated);
  if (problems.length === 0) return;
  throw refusal(
    'verify-failed',
    `the files were written, but scanning them again does not find the ports where the plan put them (${problems.length} problem${problems.length === 1 ? '' : 's'}); check them by hand:\n${problems.map((p) => `  ${p}`).join('\n')}`,
    { problems },
  );
}
