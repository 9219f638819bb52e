/**
 * Every command that changes the registry brings the generated text along: the generated regions
 * (README tables, env templates, between their markers) and the generated files (.supervisor-specific,
 * the configured TypeScript module) that EXIST and that the change makes different. They join the
 * command's change set (fix/commit.ts), so files and registry are written all or nothing and
 * `portreg lint` finds nothing stale afterwards. A file without generated text is never created
 * here: that is `portreg generate --write`'s choice to make.
 *
 * What "exists" means is generated-stale's own (planGenerate in judge mode): a region file with
 * markers, a whole generated file that is there, the TypeScript module only when configured.
 * Only files whose generated text differs between the registry the text was written for and the
 * registry as it will be are touched: an unrelated stale file is lint's to report, not ours to
 * rewrite behind the user's back.
 */
import path from 'node:path';
import { openGovernedTree, type GovernedTree } from '../config/governed-tree.js';
import type { AppliedFile } from '../fix/apply.js';
import { changeOf, commitChangeSet, type FileChange } from '../fix/commit.js';
import { PortregError } from '../errors.js';
import { addProject, allocatePort, releaseService, type AddProjectRequest, type AllocationRequest } from '../registry/allocator.js';
import { loadRegistry } from '../registry/load.js';
import type { LockOptions } from '../registry/lock.js';
import type { BranchClaim } from '../registry/port-index.js';
import { allocationChange, projectAddChange, releaseChange, type Allocation, type RegistryChange, type Release } from '../registry/operations.js';
import { assertWritable } from '../registry/store.js';
import type { Registry } from '../registry/types.js';
import { FILE_TARGETS, planGenerate, type GeneratedFile, type GenerateInput } from './plan.js';
import { generateSettings } from './settings.js';

export interface RefreshInput {
  tree: GovernedTree;
  /** The registry the generated text was written for (before the change; migrate: the previous one). */
  before: Registry;
  /** The registry as the command will write it. */
  after: Registry;
  /** Files as the command's other edits leave them (root-relative): the regions are placed in those bytes. */
  contents?: ReadonlyMap<string, Buffer>;
}

export interface RefreshPlan {
  /** The files to write, `before` as read (or as `contents` gave them), `after` with the generated text of `after`. */
  files: GeneratedFile[];
  /** Files left alone: markers the generator cannot read (lint reports them). */
  notes: string[];
}

/** The generated files that exist and that the registry change makes different. Nothing is written. */
export async function planRefresh(input: RefreshInput): Promise<RefreshPlan> {
  const { tree } = input;
  const base: Omit<GenerateInput, 'registry'> = {
    root: tree.root,
    registryDir: path.dirname(tree.located.path),
    ...(tree.projectRepo ? { projectRepo: tree.projectRepo } : {}),
    targets: FILE_TARGETS,
    settings: generateSettings(tree.config, tree.root),
    mode: 'judge',
    ...(input.contents ? { contents: input.contents } : {}),
  };
  const [was, will] = await Promise.all([planGenerate({ ...base, registry: input.before }), planGenerate({ ...base, registry: input.after })]);
  // Both plans read the same bytes: where their results differ, the registry change made the difference.
  const previously = new Map(was.files.map((f) => [f.file, f.after]));
  const files = will.files.filter((f) => !f.before.equals(f.after) && !previously.get(f.file)?.equals(f.after));
  return { files, notes: will.problems.map((p) => `${p.message}; its generated text was not refreshed`) };
}

/**
 * The change set's files: the command's own edits, with the generated text placed over them (a
 * file both edit keeps its original `before`), then the generated files no edit touched.
 */
export function withRefreshed(changes: readonly AppliedFile[], refreshed: readonly GeneratedFile[]): AppliedFile[] {
  const generated = new Map(refreshed.map((f) => [f.file, f]));
  const merged = changes.map((c) => {
    const g = generated.get(c.file);
    return g ? { ...c, after: g.after } : c;
  });
  const edited = new Set(changes.map((c) => c.file));
  return [...merged, ...refreshed.filter((f) => !edited.has(f.file))];
}

/** The line every writer prints (stderr) when it refreshed generated text; none when it did not. */
export function refreshedLine(files: readonly string[]): string[] {
  return files.length ? [`refreshed generated text in ${files.join(', ')}`] : [];
}

/**
 * The registry change, refused under the lock unless the registry is still the text the generated
 * files were planned from: otherwise they would describe a registry that is not the one written.
 */
export function plannedFrom<T>(change: RegistryChange<T>, registryText: string): RegistryChange<T> {
  return {
    ...change,
    replan: (fresh, loaded) =>
      loaded.text === registryText ? change.replan(fresh, loaded) : { differs: `${loaded.displayPath} changed while the generated files were planned` },
  };
}

export interface RegistryWriteOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** --registry; otherwise found as every command finds it. */
  registry?: string;
  now: Date;
  lock?: LockOptions;
}

interface Planned<T> {
  /** The registry as it will be (the one read when nothing changes). */
  next: Registry;
  change: RegistryChange<T>;
}

/** Another writer between the plan and the lock makes the plan stale: planned again this many times. */
const ATTEMPTS = 5;

/**
 * A registry change with the generated files it makes different, committed as one change set.
 * Generated files are portreg's own text: written even with uncommitted changes, as
 * `generate --write` writes them.
 */
async function writeWithRefresh<T>(
  command: string,
  options: RegistryWriteOptions,
  plan: (registry: Registry, file: string) => Planned<T>,
): Promise<{ result: T; refreshed: string[]; notes: string[] }> {
  const tree = await openGovernedTree({ cwd: options.cwd, env: options.env, registry: options.registry });
  for (let attempt = 1; ; attempt++) {
    const loaded = await loadRegistry(tree.located.path, { now: options.now, cwd: options.cwd });
    const registry = assertWritable(loaded);
    const planned = plan(registry, tree.located.path);
    const refresh = planned.next === registry ? { files: [], notes: [] } : await planRefresh({ tree, before: registry, after: planned.next });
    try {
      const committed = await commitChangeSet({
        root: tree.root,
        files: refresh.files.map(changeOf) satisfies FileChange[],
        registry: refresh.files.length ? plannedFrom(planned.change, loaded.text) : planned.change,
        uncommitted: { refuse: false },
        shown: tree.shown,
        journal: { command, registryFile: tree.located.path },
      });
      // A change set with a registry change always has its result.
      return { result: committed.registry!, refreshed: committed.written.map(tree.shown), notes: refresh.notes };
    } catch (err) {
      if (err instanceof PortregError && err.code === 'registry-changed' && attempt < ATTEMPTS) continue;
      throw err;
    }
  }
}

/** `portreg allocate` and `allocate_port` without update: the allocation, and the generated text it changes. */
export async function allocateAndRefresh(
  request: AllocationRequest,
  options: RegistryWriteOptions & { livePorts?: ReadonlySet<string>; claims?: readonly BranchClaim[] },
): Promise<{ allocation: Allocation; refreshed: string[]; notes: string[] }> {
  const { result, refreshed, notes } = await writeWithRefresh('allocate', options, (registry, file) => {
    const dry = allocatePort(registry, request, { now: options.now, livePorts: options.livePorts, claims: options.claims });
    return {
      next: dry.created ? dry.registry : registry,
      change: allocationChange(file, request, { now: options.now, cwd: options.cwd, lock: options.lock, livePorts: options.livePorts, claims: options.claims }),
    };
  });
  return { allocation: result, refreshed, notes };
}

/** `portreg release` and `release_port`: the release, and the generated text it changes. */
export async function releaseAndRefresh(
  project: string,
  service: string,
  options: RegistryWriteOptions,
): Promise<{ release: Release; refreshed: string[]; notes: string[] }> {
  const { result, refreshed, notes } = await writeWithRefresh('release', options, (registry, file) => {
    const dry = releaseService(registry, project, service, { now: options.now });
    return { next: dry.released ? dry.registry : registry, change: releaseChange(file, project, service, options) };
  });
  return { release: result, refreshed, notes };
}

/** `portreg project add`: the new project, and the generated text it changes (the root table of projects). */
export async function addProjectAndRefresh(request: AddProjectRequest, options: RegistryWriteOptions) {
  const { result, refreshed, notes } = await writeWithRefresh('project add', options, (registry, file) => {
    const dry = addProject(registry, request, { now: options.now });
    return { next: dry.created ? dry.registry : registry, change: projectAddChange(file, request, options) };
  });
  return { project: result, refreshed, notes };
}
