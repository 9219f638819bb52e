/**
 * Which checkout, registry and project a slot command is about: the git checkout of --worktree
 * (else the working folder), the registry that checkout sees (as every command locates it), and
 * the project: --project, else the config's "project", else the project whose folder holds the
 * working folder, else the one project with slots.
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { usageError } from '../errors.js';
import { locateRegistry } from '../config/locate-registry.js';
import type { LoadedConfig } from '../config/load-config.js';
import { readRegistry } from '../registry/operations.js';
import { normalizeProjectPath } from '../registry/checks.js';
import { requireSlottedProject } from '../registry/slots.js';
import type { Registry } from '../registry/types.js';
import { checkoutOf, type Checkout } from '../util/git.js';

export interface SlotTarget {
  checkout: Checkout;
  registryPath: string;
  registry: Registry;
  project: string;
  /** The project's folder in this checkout: where its compose file and `.env` are. */
  projectDir: string;
  config?: LoadedConfig;
}

export interface TargetOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** --worktree: a folder of the checkout (default cwd). */
  worktree?: string;
  project?: string;
  /** --registry */
  registry?: string;
  now: Date;
}

export async function resolveTarget(options: TargetOptions): Promise<SlotTarget> {
  const given = path.resolve(options.cwd, options.worktree ?? '.');
  // Real paths, as git gives them: a checkout reached through a symbolic link is the same checkout.
  const start = await realpath(given).catch(() => {
    throw usageError('worktree-missing', `${given} does not exist: name a folder of the checkout with --worktree PATH`);
  });
  const checkout = await checkoutOf(start);
  if (!checkout) {
    throw usageError(
      'not-a-checkout',
      `${start} is not in a git checkout: slots are leased per checkout (a clone or a git worktree); run the command inside one, or name one with --worktree PATH`,
    );
  }
  const located = await locateRegistry({ cwd: start, explicit: options.registry, env: options.env });
  const registry = await readRegistry(located.path, { now: options.now, cwd: options.cwd });
  const registryDir = path.dirname(located.path);
  const project = options.project ?? located.project ?? projectHolding(registry, registryDir, start) ?? onlySlotted(registry);
  requireSlottedProject(registry, project);
  return {
    checkout,
    registryPath: located.path,
    registry,
    project,
    projectDir: projectDir(registry, project, registryDir, checkout, located.config),
    config: located.config,
  };
}

/** The project whose folder (relative to the registry's) holds `folder`, the deepest one. */
function projectHolding(registry: Registry, registryDir: string, folder: string): string | undefined {
  let best: { name: string; depth: number } | undefined;
  for (const [name, p] of Object.entries(registry.projects)) {
    if (p.path === undefined) continue;
    const dir = path.resolve(registryDir, normalizeProjectPath(p.path));
    const rel = path.relative(dir, folder);
    if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
    const depth = dir.split(path.sep).length;
    if (!best || depth > best.depth) best = { name, depth };
  }
  return best?.name;
}

function onlySlotted(registry: Registry): string {
  const slotted = Object.keys(registry.projects).filter((p) => registry.projects[p]!.slots);
  if (slotted.length === 1) return slotted[0]!;
  throw usageError(
    'project-required',
    slotted.length === 0
      ? 'no project of the registry has slots: add "slots": { "width": N } to one (see docs/parallel-checkouts.md)'
      : `which project? name it with --project (projects with slots: ${slotted.join(', ')}), or set "project" in portreg.config.json`,
  );
}

/**
 * The project's folder in this checkout: beside the registry when the checkout holds the
 * registry (a monorepo), else the folder of the config that names the project (a project
 * repository with a central registry), else the checkout's top folder.
 */
function projectDir(registry: Registry, project: string, registryDir: string, checkout: Checkout, config: LoadedConfig | undefined): string {
  const rel = path.relative(checkout.worktree, registryDir);
  if (!rel.startsWith('..') && !path.isAbsolute(rel)) return path.resolve(registryDir, normalizeProjectPath(registry.projects[project]!.path ?? '.'));
  if (config) return path.dirname(config.file);
  return checkout.worktree;
}

/** The projects with slots of the registry the checkout at `options.worktree` (or cwd) sees. */
export async function slottedProjects(options: TargetOptions): Promise<string[]> {
  const start = path.resolve(options.cwd, options.worktree ?? '.');
  const located = await locateRegistry({ cwd: start, explicit: options.registry, env: options.env });
  const registry = await readRegistry(located.path, { now: options.now, cwd: options.cwd });
  return Object.keys(registry.projects).filter((p) => registry.projects[p]!.slots);
}
