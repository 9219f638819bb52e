/**
 * Where a rewrite works: the registry, the config, the scanned root and the git top folder,
 * found the way `portreg lint` finds them, and a scan of that root with a given registry
 * (the registry that says who owned each port before the move).
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { findConfig, type LoadedConfig } from '../config/load-config.js';
import { locateRegistry, type LocatedRegistry } from '../registry/locate.js';
import type { Registry } from '../registry/types.js';
import { scan, type ScanResult } from '../scan/scan.js';
import { gitTopLevel } from '../util/git.js';

export interface Workspace {
  located: LocatedRegistry;
  config: LoadedConfig | undefined;
  /** The scanned folder: the registry's folder, or the project repository that names a central registry. */
  root: string;
  /** The git top folder (the root outside git): paths are shown relative to it. */
  top: string;
  /** The registry file relative to the root. */
  registryFile: string;
  /** A scan of the root; `within`: only below these folders (root-relative). */
  scan(registry: Registry, within?: string[]): Promise<ScanResult>;
  /** A root-relative path as the user sees it (relative to the git top folder). */
  shown(rootRelative: string): string;
}

export async function openWorkspace(options: { cwd: string; env: NodeJS.ProcessEnv; registry?: string }): Promise<Workspace> {
  const located = await locateRegistry({ cwd: options.cwd, explicit: options.registry, env: options.env });
  const config = located.config ?? (await findConfig(options.cwd));
  const projectRepo = located.source === 'config' && config?.config.project ? config.config.project : undefined;
  const root = projectRepo && config ? path.dirname(config.file) : path.dirname(located.path);
  const git = await gitTopLevel(root);
  const top = git ?? root;
  // git answers with the real path; a root reached through a symlink (macOS /tmp) must compare with it.
  const shownFrom = git ? await realpath(root).catch(() => root) : root;
  const posix = (p: string) => p.split(path.sep).join('/');
  return {
    located,
    config,
    root,
    top,
    registryFile: posix(path.relative(root, located.path)),
    scan: (registry, within) =>
      scan({
        root,
        registry,
        registryDir: path.dirname(located.path),
        include: config?.config.include,
        exclude: config?.config.exclude,
        docs: config?.config.docs,
        envFiles: config?.config.envFiles,
        ...(within ? { within } : {}),
        ...(projectRepo ? { project: projectRepo } : {}),
      }),
    shown: (rootRelative) => posix(path.relative(top, path.join(shownFrom, rootRelative))),
  };
}
