/**
 * One lint as `portreg lint` and the MCP `lint` tool run it: the governed tree (registry, config,
 * root), the config's rule settings, and the scope of the report: the files or folders given,
 * the files changed since a revision, widened, when the registry itself is among them, to the
 * projects whose registry entries changed (their configs may now disagree with it).
 */
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { checkRuleIds } from '../config/load-config.js';
import { usageError } from '../errors.js';
import { generateSettings } from '../generate/settings.js';
import { openGovernedTree, toPosix, type GovernedTree } from '../config/governed-tree.js';
import { changedProjects } from '../registry/changed-projects.js';
import { loadRegistry, parseRegistryText, withSemanticChecks, type LoadedRegistry } from '../registry/load.js';
import type { Registry } from '../registry/types.js';
import { changedSince, fileAtRevision, gitTopLevel } from '../util/git.js';
import { knownRuleIds, lint, underAny, type LintFinding, type LintResult } from './lint.js';

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
}

export interface LintScope {
  /** Files given: the rules that compare the whole fleet do not run. */
  partial: boolean;
  /** What the report covers; undefined: everything. Paths relative to the root. */
  report?: { files: Set<string>; folders: string[]; projects: Set<string> };
  /** The folders scanned; undefined: the whole root. */
  within?: string[];
  /** When the registry is in scope and git knows its earlier version: the projects whose entries changed. */
  registryChanged: RegistryChangeSummary | null;
}

export interface RegistryChangeSummary {
  projects: string[];
  /** Something every project is held to changed, or the registry is new: everything is reported. */
  everything: boolean;
}

export interface PreparedLint {
  tree: GovernedTree;
  registry: LoadedRegistry;
  scope: LintScope;
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
  const rules = tree.config?.config.rules;
  const shownFinding = (f: LintFinding): LintFinding => ({
    ...f,
    file: tree.shown(f.file),
    related: f.related?.map((r) => ({ ...r, file: tree.shown(r.file) })),
  });
  return {
    tree,
    registry,
    scope,
    run: (overlay) =>
      lint({
        root: tree.root,
        registry,
        rules,
        scan: { ...tree.scanSettings, extraEnv: options.extraEnv, ...(scope.within ? { within: scope.within } : {}), ...(overlay ? { overlay } : {}) },
        ...(scope.report ? { only: scope.report.files, onlyFolders: scope.report.folders, onlyProjects: scope.report.projects } : {}),
        partial: scope.partial,
        show: tree.shown,
        generate: generateSettings(tree.config, tree.root),
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
}

/** prepareLint, then one run: the findings as the user sees them. */
export async function runLint(options: RunLintOptions): Promise<LintRunResult> {
  const prepared = await prepareLint(options);
  const base = { top: prepared.tree.top, registryChanged: prepared.scope.registryChanged };
  if (!prepared.registry.data) return { ...base, findings: prepared.registryFindings(), skipped: [], registryReadable: false };
  const result = await prepared.run();
  return { ...base, findings: prepared.present(result.findings), skipped: result.skipped, registryReadable: true };
}

// ---- scope --------------------------------------------------------------------------------

/** Whether the report covers this file (by name or folder; the registry file belongs to no project). */
function reportsOnFile(scope: LintScope, file: string): boolean {
  return !scope.report || scope.report.files.has(file) || underAny(file, scope.report.folders);
}

async function resolveScope(tree: GovernedTree, registry: LoadedRegistry, options: RunLintOptions): Promise<LintScope> {
  const given = options.paths ?? [];
  if (given.length === 0 && !options.changedSince) return { partial: Boolean(tree.projectRepo), registryChanged: null };
  const rootRelative = (absolute: string) => toPosix(path.relative(tree.root, absolute));
  const files = new Set<string>();
  const folders: string[] = [];
  for (const p of given) {
    const absolute = path.resolve(options.cwd, p);
    const info = await stat(absolute).catch(() => null);
    if (options.strictPaths) {
      if (!info) throw usageError('path-missing', `cannot lint ${p}: no such file or folder (relative to ${options.cwd}); omit path to lint everything`);
      if (rootRelative(absolute).startsWith('..'))
        throw usageError('path-outside', `${p} lies outside ${tree.root}, the folder the registry governs: lint a path inside it, or omit path`);
    }
    if (info?.isDirectory()) folders.push(rootRelative(absolute));
    else files.add(rootRelative(absolute));
  }
  let base = 'HEAD';
  if (options.changedSince) {
    const changed = await changedSince(options.changedSince, tree.root);
    base = changed.base;
    // git names files from its (real) top folder.
    const realRoot = await realpath(tree.root).catch(() => tree.root);
    for (const f of changed.files) files.add(toPosix(path.relative(realRoot, path.join(tree.top, f))));
  }

  const current = registry.data;
  const change = current && files.has(tree.registryFile) ? await registryChange(registry.path, current, base, options.cwd) : null;
  const projects = new Set(change?.projects ?? []);
  const everything = Boolean(change?.everything);

  // The folders to read: each given file's project folder (or its own folder), each folder
  // given, and the folders of the changed projects as the registry had them before and has now.
  let within: string[] | undefined;
  if (current && !everything && !folders.includes('')) {
    const registryDir = path.dirname(registry.path);
    const projectFolder = (p: { path?: string } | undefined) => (p?.path === undefined ? undefined : rootRelative(path.resolve(registryDir, p.path)));
    const projectFolders = Object.values(current.projects)
      .map(projectFolder)
      .filter((p): p is string => p !== undefined);
    const owner = (f: string) => projectFolders.filter((p) => p === '' || f === p || f.startsWith(p + '/')).sort((a, b) => b.length - a.length)[0];
    const read = new Set<string>();
    for (const f of files) if (f !== tree.registryFile) read.add(owner(f) ?? path.posix.dirname(f));
    for (const d of folders) read.add(owner(d) ?? d);
    let wholeTree = false;
    for (const name of projects) {
      for (const entry of [change!.before.projects[name], current.projects[name]]) {
        if (!entry) continue;
        const folder = projectFolder(entry);
        // Without a path, a project's files are found by folder name anywhere in the tree.
        if (folder === undefined) wholeTree = true;
        else if (!folder.startsWith('..')) read.add(folder);
      }
    }
    if (read.has('') || read.has('.')) wholeTree = true;
    within = wholeTree ? undefined : [...read].sort();
  }
  return {
    partial: true,
    ...(everything ? {} : { report: { files, folders, projects } }),
    ...(within ? { within } : {}),
    registryChanged: change ? { projects: change.projects, everything } : null,
  };
}

/**
 * How the registry differs from its version at `rev`: nothing is known outside git; a registry
 * git does not have at `rev` (new, or unreadable then) concerns everything.
 */
async function registryChange(
  file: string,
  current: Registry,
  rev: string,
  cwd: string,
): Promise<{ before: Registry; projects: string[]; everything: boolean } | null> {
  if (!(await gitTopLevel(path.dirname(file)))) return null;
  const text = await fileAtRevision(rev, file);
  const before = text === null ? null : parseRegistryText(text, file, { cwd }).data;
  if (!before) return { before: { version: current.version, projects: {} }, projects: [], everything: true };
  return { before, ...changedProjects(before, current) };
}
