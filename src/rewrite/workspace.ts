/**
 * Where a rewrite works: the governed tree (registry, config, root, git top folder, as
 * `portreg lint` finds them), and a scan of that root with a given registry (the registry that
 * says who owned each port before the move).
 */
import type { Registry } from '../registry/types.js';
import { scan, type ScanResult } from '../scan/scan.js';
import { openGovernedTree, type GovernedTree } from '../config/governed-tree.js';

export interface Workspace extends GovernedTree {
  scan(registry: Registry): Promise<ScanResult>;
}

export async function openWorkspace(options: { cwd: string; env: NodeJS.ProcessEnv; registry?: string; code?: boolean }): Promise<Workspace> {
  const tree = await openGovernedTree(options);
  return { ...tree, scan: (registry) => scan({ ...tree.scanSettings, root: tree.root, registry }) };
}
