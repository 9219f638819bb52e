/**
 * The tree a command works on, found the same way by lint, reassign, migrate and the MCP tools:
 * the registry, the config, the scanned root (the registry's folder, or the project repository
 * that names a central registry) and the git top folder that paths are shown from.
 * No scanner here: commands that only need the paths stay light.
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { findConfig, type LoadedConfig } from './load-config.js';
import { locateRegistry, type LocatedRegistry } from '../config/locate-registry.js';
import { gitTopLevel } from '../util/git.js';

export interface GovernedTree {
  located: LocatedRegistry;
  config: LoadedConfig | undefined;
  /** Set when the root is one project's repository naming a central registry. */
  projectRepo: string | undefined;
  /** The scanned folder. */
  root: string;
  /** The git top folder (the root outside git): paths are shown relative to it. */
  top: string;
  /** The registry file relative to the root (may start with `..` for a central registry). */
  registryFile: string;
  /** The config's scan settings, as the scanner takes them. */
  scanSettings: { registryDir: string; include?: string[]; exclude?: string[]; docs?: string[]; envFiles?: string[]; code?: boolean; project?: string };
  /** A root-relative path as the user sees it (relative to the git top folder). */
  shown(rootRelative: string): string;
}

export const toPosix = (p: string): string => p.split(path.sep).join('/');

/** `code`: --code on the command line; otherwise the config's "code" decides. */
export async function openGovernedTree(options: { cwd: string; env: NodeJS.ProcessEnv; registry?: string; code?: boolean }): Promise<GovernedTree> {
  const located = await locateRegistry({ cwd: options.cwd, explicit: options.registry, env: options.env });
  const config = located.config ?? (await findConfig(options.cwd));
  const projectRepo = located.source === 'config' && config?.config.project ? config.config.project : undefined;
  const root = projectRepo && config ? path.dirname(config.file) : path.dirname(located.path);
  const git = await gitTopLevel(root);
  const top = git ?? root;
  // git answers with the real path; a root reached through a symlink (macOS /tmp) must compare with it.
  const shownFrom = git ? await realpath(root).catch(() => root) : root;
  const shownPaths = new Map<string, string>();
  return {
    located,
    config,
    projectRepo,
    root,
    top,
    registryFile: toPosix(path.relative(root, located.path)),
    scanSettings: {
      registryDir: path.dirname(located.path),
      include: config?.config.include,
      exclude: config?.config.exclude,
      docs: config?.config.docs,
      envFiles: config?.config.envFiles,
      code: Boolean(options.code || config?.config.code),
      ...(projectRepo ? { project: projectRepo } : {}),
    },
    shown: (rootRelative) => {
      // Asked for every finding and message of a lint (tens of thousands in a large tree), of a few
      // thousand files: each worked out once.
      let named = shownPaths.get(rootRelative);
      if (named === undefined) {
        named = toPosix(path.relative(top, path.join(shownFrom, rootRelative)));
        shownPaths.set(rootRelative, named);
      }
      return named;
    },
  };
}
