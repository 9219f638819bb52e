/**
 * The lint workflow, as `portreg lint`, the MCP `lint` tool and library callers run it: the
 * governed tree (registry, config, root), the scope of the report (scope.ts), one run of the
 * rules under the config's settings, then, on request, fixes until stable (fix-passes.ts), and
 * the baseline (given, or the config's "baseline"). Fixing and baselines load only when asked for,
 * so a plain lint (pre-commit) stays light.
 */
import path from 'node:path';
import { branchClaimsEnabled, checkRuleIds } from '../config/load-config.js';
import { usageError } from '../errors.js';
import { lintFinding } from '../findings.js';
import { generateSettings } from '../generate/settings.js';
import { openGovernedTree, type GovernedTree } from '../config/governed-tree.js';
import { loadRegistry, withSemanticChecks, type LoadedRegistry } from '../registry/load.js';
import { readBranchClaims } from '../registry/branch-claims.js';
import { isOff } from './severity.js';
import type { BaselineFile } from './baseline.js';
import type { FixedFile } from './fix-passes.js';
import { knownRuleIds, lint, type LintFinding, type LintResult } from './lint.js';
import type { ScanResult } from '../scan/scan.js';
import { reportsOnFile, resolveScope, type LintScope, type RegistryChangeSummary } from './scope.js';

export type { LintScope, RegistryChangeSummary } from './scope.js';
export type { FixedFile } from './fix-passes.js';

export interface RunLintOptions {
  /** Where relative paths (the registry, the paths given) are resolved. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** --registry; otherwise PORTREG_REGISTRY, the config file, or the nearest ports.registry.json. */
  registry?: string;
  now: Date;
  /** Report on these files or folders only (relative to cwd, or absolute); a deleted file may be named. */
  paths?: string[];
  /**
   * Every path must exist and lie inside the root (the MCP tool: a model's typo is an error, not
   * an empty report); otherwise a deleted file may be named, and paths outside are left out.
   */
  strictPaths?: boolean;
  /** Also report on the files changed since the merge base of this revision and HEAD. */
  changedSince?: string;
  /** Values for compose interpolation, over the env templates (--env-file). */
  extraEnv?: Record<string, string>;
  /** --code: also read TypeScript and JavaScript (otherwise the config's "code" decides). */
  code?: boolean;
  /** A baseline file (relative to cwd) whose findings are accepted; default: the config's "baseline"; false: none. */
  baseline?: string | false;
  /** Write the findings to the baseline instead of applying it (--update-baseline). */
  updateBaseline?: boolean;
  /** Keep the whole inventory for the result's `scan` (portreg map); otherwise the tree is read a group of projects at a time. */
  inventory?: boolean;
}

export interface PreparedLint {
  tree: GovernedTree;
  registry: LoadedRegistry;
  scope: LintScope;
  /** The baseline to apply, or with `update` (--update-baseline) to write. */
  baseline?: BaselineFile & { update: boolean };
  /** Lints (root-relative paths); `overlay` texts stand for files on disk. Needs a readable registry. */
  run(overlay?: ReadonlyMap<string, Buffer>): Promise<LintResult>;
  /** The findings with paths as the user sees them: from the git top folder. */
  present(findings: LintFinding[]): LintFinding[];
  /** When the registry cannot be read (not JSON, not the schema): what is wrong with it. */
  registryFindings(): LintFinding[];
}

export async function prepareLint(options: RunLintOptions): Promise<PreparedLint> {
  const tree = await openGovernedTree(options);
  if (tree.config) checkRuleIds(tree.config, new Set(knownRuleIds()), options.cwd);
  const loaded = await loadRegistry(tree.located.path, { now: options.now, cwd: options.cwd, semantics: false });
  const scope = await resolveScope(tree, loaded, options);
  // The registry's semantic checks report on the registry file alone: a lint whose report leaves
  // that file out (a pre-commit run on a few other files) would drop them, so they are not run.
  const registry = reportsOnFile(scope, tree.registryFile) ? withSemanticChecks(loaded, { now: options.now }) : loaded;
  const baseline = resolveBaseline(tree, options);
  const rules = tree.config?.config.rules;
  // Other branches' claims are on the registry's entries: read only when the report shows the registry.
  const branchClaims =
    reportsOnFile(scope, tree.registryFile) && !isOff('port-claimed-elsewhere', rules) && branchClaimsEnabled(tree.config)
      ? await readBranchClaims(tree.located.path, { now: options.now, cwd: options.cwd })
      : undefined;
  const shownFinding = (f: LintFinding): LintFinding => {
    const file = tree.shown(f.file);
    // Linted from the top folder, names are already as shown: the finding as it is (10,000 copies saved).
    if (file === f.file && (f.related ?? []).every((r) => tree.shown(r.file) === r.file)) return f;
    return lintFinding(
      f,
      f.ruleId,
      f.severity,
      f.fixable,
      file,
      f.related?.map((r) => ({ ...r, file: tree.shown(r.file) })),
    );
  };
  return {
    tree,
    registry,
    scope,
    ...(baseline ? { baseline } : {}),
    run: (overlay) =>
      lint({
        root: tree.root,
        registry,
        rules,
        scan: { ...tree.scanSettings, extraEnv: options.extraEnv, ...(scope.within ? { within: scope.within } : {}), ...(overlay ? { overlay } : {}) },
        ...(scope.report ? { only: scope.report.files, onlyFolders: scope.report.folders, onlyProjects: scope.report.projects } : {}),
        partial: scope.partial,
        ...(options.inventory ? { inventory: true } : {}),
        show: tree.shown,
        generate: generateSettings(tree.config, tree.root),
        ...(branchClaims ? { branchClaims } : {}),
      }),
    present: (findings) => findings.map(shownFinding),
    registryFindings: () => registry.findings.map((f) => ({ ...f, file: tree.shown(tree.registryFile), fixable: false })),
  };
}

export interface LintRunResult {
  /** The folder the findings' paths start from (the git top folder, or the root outside git). */
  top: string;
  findings: LintFinding[];
  skipped: LintResult['skipped'];
  /** False when the registry cannot be read: the findings are what is wrong with it. */
  registryReadable: boolean;
  registryChanged: RegistryChangeSummary | null;
  /** How many files the report covers (0 when the registry cannot be read). */
  filesChecked: number;
}

export interface LintWorkflowOptions {
  /** Apply the fixes of fixable findings until nothing changes: 'write' writes them, 'dry-run' keeps them in memory. */
  fix?: 'write' | 'dry-run';
  /** Errors only: only errors are fixed and reported (the baseline is written with every finding). */
  quiet?: boolean;
}

export interface LintTreeResult extends LintRunResult {
  /** The files the fixes changed (with fix 'dry-run': would change), paths from `top`, sorted. */
  fixed: FixedFile[];
  /** With updateBaseline: the baseline written and how many findings it holds (`findings` are those findings). */
  baselineWritten?: { file: string; count: number };
  /** The inventory the findings come from (paths from the root; `tree.shown` names them as findings do); none when the registry is unreadable. */
  scan?: ScanResult;
}

/**
 * The workflow on a prepared lint: one run, fixes until stable when asked, the findings named
 * from the top folder, then the baseline applied (or written) and, with quiet, errors only.
 */
export async function lintPrepared(prepared: PreparedLint, options: LintWorkflowOptions = {}): Promise<LintTreeResult> {
  const base = { top: prepared.tree.top, registryChanged: prepared.scope.registryChanged, fixed: [] };
  if (!prepared.registry.data) return { ...base, findings: prepared.registryFindings(), skipped: [], registryReadable: false, filesChecked: 0 };
  let result = await prepared.run();
  let fixed: FixedFile[] = [];
  if (options.fix) {
    const { fixUntilStable } = await import('./fix-passes.js');
    const fixing = await fixUntilStable({
      root: prepared.tree.root,
      registryFile: prepared.tree.located.path,
      first: result,
      relint: (overlay) => prepared.run(overlay),
      dryRun: options.fix === 'dry-run',
      errorsOnly: Boolean(options.quiet),
    });
    result = fixing.result;
    fixed = fixing.changes.map((c) => ({ ...c, file: prepared.tree.shown(c.file) }));
  }
  let findings = prepared.present(result.findings);
  const done = { ...base, fixed, skipped: result.skipped, registryReadable: true, scan: result.scan, filesChecked: result.filesChecked };
  if (prepared.baseline) {
    const baselines = await import('./baseline.js');
    if (prepared.baseline.update) {
      await baselines.writeBaseline(prepared.baseline, findings);
      return { ...done, findings, baselineWritten: { file: prepared.baseline.name, count: findings.length } };
    }
    findings = await baselines.filterByBaseline(findings, prepared.baseline, prepared.tree.top, prepared.tree.config?.config.rules);
  }
  if (options.quiet) findings = findings.filter((f) => f.severity === 'error');
  return { ...done, findings };
}

export type LintTreeOptions = RunLintOptions & LintWorkflowOptions;

/** Lints a tree as `portreg lint` does (the config's baseline and rule settings included); with `fix`, fixes it first. */
export async function lintTree(options: LintTreeOptions): Promise<LintTreeResult> {
  return lintPrepared(await prepareLint(options), options);
}

/** Fixes a tree as `portreg lint --fix` does (`dryRun`: as --fix-dry-run), and reports what remains. */
export async function fixTree(options: RunLintOptions & { quiet?: boolean; dryRun?: boolean }): Promise<LintTreeResult> {
  const { dryRun, ...rest } = options;
  return lintTree({ ...rest, fix: dryRun ? 'dry-run' : 'write' });
}

/** lintTree without fixes: the findings as the user sees them. */
export async function runLint(options: RunLintOptions): Promise<LintRunResult> {
  const { fixed: _fixed, baselineWritten: _written, scan: _scan, ...run } = await lintTree(options);
  return run;
}

/** The baseline given (relative to cwd), else the config's (relative to the config file); none when false. */
function resolveBaseline(tree: GovernedTree, options: RunLintOptions): PreparedLint['baseline'] {
  const config = tree.config;
  const fromConfig = config?.config.baseline ? path.relative(options.cwd, path.resolve(path.dirname(config.file), config.config.baseline)) : undefined;
  const name = options.baseline === false ? undefined : (options.baseline ?? fromConfig);
  if (options.updateBaseline && !name) throw usageError('usage', '--update-baseline needs --baseline FILE (or "baseline" in portreg.config.json)');
  return name === undefined ? undefined : { name, file: path.resolve(options.cwd, name), update: Boolean(options.updateBaseline) };
}
