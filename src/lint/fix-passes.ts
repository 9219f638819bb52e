/**
 * --fix and --fix-dry-run over a tree, on the model of ESLint's Linter#verifyAndFix: each pass
 * takes the fixes of the findings, plans them (a fix whose edits overlap one already taken waits
 * for the next pass, an open finding until then) and applies them; then the tree is linted
 * again. It stops when a pass changes nothing, or after MAX_FIX_PASSES passes. A dry run writes
 * nothing: each pass's texts go to an overlay that the next lint reads instead of the files.
 */
import { previewPlan, type AppliedFile } from '../fix/apply.js';
import { planFixes } from '../fix/plan.js';
import type { LintResult } from './lint.js';

export const MAX_FIX_PASSES = 10;

/** A file the fixes change: its bytes before the first pass and after the last. Root-relative. */
export interface FixedFile {
  file: string;
  before: Buffer;
  after: Buffer;
}

export interface FixPassesOptions {
  root: string;
  /** The registry the tree is governed by: where the change sets' journal lives (fix/journal.ts). */
  registryFile: string;
  /** The lint of the tree as it is (the first pass's findings). */
  first: LintResult;
  /** Lints the tree again; `overlay` texts stand for the files on disk. */
  relint(overlay?: ReadonlyMap<string, Buffer>): Promise<LintResult>;
  /** Keep the fixed texts in memory and write nothing. */
  dryRun: boolean;
  /** Apply the fixes of errors only (--quiet). */
  errorsOnly: boolean;
}

export interface FixPassesResult {
  /** The lint after the last pass: what remains. */
  result: LintResult;
  /** Every file changed, sorted by path. */
  changes: FixedFile[];
  /** How many passes changed files; MAX_FIX_PASSES means the fixes did not settle. */
  passes: number;
}

export async function fixUntilStable(options: FixPassesOptions): Promise<FixPassesResult> {
  const overlay = new Map<string, Buffer>();
  const before = new Map<string, Buffer>();
  const after = new Map<string, Buffer>();
  let result = options.first;
  let passes = 0;
  for (; passes < MAX_FIX_PASSES; passes++) {
    const fixes = result.findings.filter((f) => f.fix && (!options.errorsOnly || f.severity === 'error')).map((f) => f.fix!);
    if (fixes.length === 0) break;
    const preview = await previewPlan(options.root, planFixes(fixes), options.dryRun ? overlay : undefined);
    const changed = preview.filter((p) => !p.before.equals(p.after));
    if (changed.length === 0) break;
    if (options.dryRun) for (const p of changed) overlay.set(p.file, p.after);
    else await commitFixes(options.root, options.registryFile, changed);
    for (const p of changed) {
      if (!before.has(p.file)) before.set(p.file, p.before);
      after.set(p.file, p.after);
    }
    result = await options.relint(options.dryRun ? overlay : undefined);
  }
  const changes = [...before]
    .map(([file, was]) => ({ file, before: was, after: after.get(file)! }))
    .filter((c) => !c.before.equals(c.after))
    .sort((a, b) => a.file.localeCompare(b.file));
  return { result, changes, passes };
}

/** The one place where fixes reach the disk: all of a pass's files, or none. */
async function commitFixes(root: string, registryFile: string, files: AppliedFile[]): Promise<void> {
  // The one change-set commit every writer uses. Uncommitted changes are fixed as they are:
  // pre-commit hands lint the very files being committed.
  const { commitChangeSet, changeOf } = await import('../fix/commit.js');
  await commitChangeSet({ root, files: files.map(changeOf), uncommitted: { refuse: false }, journal: { command: 'lint --fix', registryFile } });
}
