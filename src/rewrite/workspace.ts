/**
 * Where a rewrite works: the governed tree (registry, config, root, git top folder, as
 * `portreg lint` finds them), and a scan of that root with a given registry (the registry that
 * says who owned each port before the move).
 */
import type { Registry } from '../registry/types.js';
import { scan, type ScanResult } from '../scan/scan.js';
import { openGovernedTree, type GovernedTree } from '../config/governed-tree.js';

export interface Workspace extends GovernedTree {
  /** A scan of the root; `within`: only below these folders (root-relative). */
  scan(registry: Registry, within?: string[]): Promise<ScanResult>;
}

export async function openWorkspace(options: { cwd: string; env: NodeJS.ProcessEnv; registry?: string; code?: boolean }): Promise<Workspace> {
  const tree = await openGovernedTree(options);
  return { ...tree, scan: (registry, within) => scan({ ...tree.scanSettings, root: tree.root, registry, ...(within ? { within } : {}) }) };
}
