/**
 * The scope of a lint report: the files or folders given, the files changed since a revision,
 * widened, when the registry itself is among them, to the projects whose registry entries
 * changed (their configs may now disagree with it); and the folders the scan must read for it.
 */
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { toPosix, type GovernedTree } from '../config/governed-tree.js';
import { usageError } from '../errors.js';
import { changedProjects } from '../registry/changed-projects.js';
import { parseRegistryText, type LoadedRegistry } from '../registry/load.js';
import type { Registry } from '../registry/types.js';
import { changedSince, existsAtRevision, fileAtRevision, gitTopLevel } from '../util/git.js';
import { isPlainRelativePath } from '../util/plain-path.js';
import { underAny } from './lint.js';

/** What the caller asked to be reported on. */
export interface ScopeRequest {
  /** Where relative paths are resolved. */
  cwd: string;
  /**
   * Report on these files or folders only (relative to cwd, or absolute). A path that does not
   * exist is refused, unless git has it at HEAD (a deletion being committed, as pre-commit passes it).
   */
  paths?: string[];
  /** Every path must exist and lie inside the root; otherwise a file deleted since HEAD may be named, and paths outside are left out. */
  strictPaths?: boolean;
  /** Also report on the files changed since the merge base of this revision and HEAD. */
  changedSince?: string;
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

/** Whether the report covers this file (by name or folder; the registry file belongs to no project). */
export function reportsOnFile(scope: LintScope, file: string): boolean {
  return !scope.report || scope.report.files.has(file) || underAny(file, scope.report.folders);
}

export async function resolveScope(tree: GovernedTree, registry: LoadedRegistry, options: ScopeRequest): Promise<LintScope> {
  const given = options.paths ?? [];
  if (given.length === 0 && !options.changedSince) return { partial: Boolean(tree.projectRepo), registryChanged: null };
  const rootRelative = (absolute: string) => toPosix(path.relative(tree.root, absolute));
  const files = new Set<string>();
  const folders: string[] = [];
  for (const p of given) {
    const absolute = path.resolve(options.cwd, p);
    // Outside the root is judged before existence: the answer must not tell whether a file out
    // there exists (the MCP server answers any local process).
    const outside = rootRelative(absolute).startsWith('..') || path.isAbsolute(rootRelative(absolute));
    if (outside && options.strictPaths) {
      throw usageError('path-outside', `${p} lies outside ${tree.root}, the folder the registry governs: lint a path inside it, or omit path`);
    }
    if (outside) continue; // Left out of the report, as documented.
    const info = await stat(absolute).catch(() => null);
    if (options.strictPaths) {
      if (!info) throw usageError('path-missing', `cannot lint ${p}: no such file or folder (relative to ${options.cwd}); omit path to lint everything`);
    } else if (!info && !(await existsAtRevision('HEAD', tree.top, absolute))) {
      // A file git has at HEAD and that is gone now is a deletion being committed (pre-commit
      // passes it): nothing to report on it. A name git never knew is a typo, not a clean file.
      throw usageError(
        'path-missing',
        `cannot lint ${p}: no such file or folder (relative to ${options.cwd}), and git has no such file at HEAD; name an existing file, or give no files to lint everything`,
      );
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
    // A plain relative path beside a registry at the root is its own answer: resolving thousands of
    // them was a tenth of a lint of a few files against a registry of 5,000 projects.
    const atRoot = registryDir === tree.root;
    const projectFolder = (p: { path?: string } | undefined) =>
      p?.path === undefined ? undefined : atRoot && isPlainRelativePath(p.path) ? p.path : rootRelative(path.resolve(registryDir, p.path));
    // A path's project folder is the deepest of its folders (itself included) that is one: the
    // projects are compared once with the few folders the paths given lie in.
    const candidates = new Set<string>();
    for (const f of [...files, ...folders]) for (let a: string | undefined = f; a !== undefined; a = parentFolder(a)) candidates.add(a);
    const projectFolders = new Set<string>();
    for (const name of Object.keys(current.projects)) {
      const folder = projectFolder(current.projects[name]);
      if (folder !== undefined && candidates.has(folder)) projectFolders.add(folder);
    }
    const owner = (f: string) => {
      for (let a: string | undefined = f; a !== undefined; a = parentFolder(a)) if (projectFolders.has(a)) return a;
      return undefined;
    };
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

/** The folder holding a root-relative path ('' for the root's entries); undefined for the root itself. */
function parentFolder(p: string): string | undefined {
  if (p === '') return undefined;
  const slash = p.lastIndexOf('/');
  return slash === -1 ? '' : p.slice(0, slash);
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
