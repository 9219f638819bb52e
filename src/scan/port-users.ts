/**
 * Which configs of the governed tree use a host port: what `portreg who` and the MCP `check_port`
 * add to the registry's answer, so "free in the registry" never hides two compose files that
 * publish the port.
 */
import type { Registry } from '../registry/types.js';
import type { GovernedTree } from '../config/governed-tree.js';
import type { PortSource } from '../parse/types.js';
import { protocolOf } from '../protocol.js';
import { isHostPort } from './facts.js';
import type { ScanResult } from './scan.js';

export interface ConfigUse {
  /** As the user sees it: relative to the git top folder. */
  file: string;
  line: number;
  column: number;
  source: PortSource;
  project: string | null;
  /** The compose service that publishes it, or null. */
  composeService: string | null;
  /** The variable that carries it (`API_PORT`), or null. */
  variable: string | null;
  protocol: string;
}

/** The host-port facts of a scan that cover `port` (a published range covers each of its ports). */
export function configUsesOf(scan: ScanResult, port: number, shown: (file: string) => string = (f) => f): ConfigUse[] {
  const uses: ConfigUse[] = [];
  for (const p of scan.ports) {
    if (!isHostPort(p) || p.published === null) continue;
    if (port < p.published || port > (p.publishedEnd ?? p.published)) continue;
    uses.push({
      file: shown(p.file),
      line: p.line,
      column: p.column,
      source: p.source,
      project: p.project,
      composeService: p.composeService,
      variable: p.variable,
      protocol: protocolOf(p.protocol),
    });
  }
  return uses;
}

/** Scans the governed tree (with its config's settings) and answers which configs use `port`. */
export async function configUsesInTree(tree: GovernedTree, registry: Registry, port: number): Promise<ConfigUse[]> {
  const { scan } = await import('./scan.js');
  const scanned = await scan({ ...tree.scanSettings, root: tree.root, registry });
  return configUsesOf(scanned, port, tree.shown);
}

/** One line per use, for people: `5001: published by billing/docker-compose.yml:4:10 (compose service "api")`. */
export function describeConfigUses(port: number, uses: readonly ConfigUse[]): string[] {
  return uses.map((u) => {
    const place = `${u.file}:${u.line}:${u.column}`;
    const what =
      u.source === 'compose'
        ? `published by ${place}${u.composeService ? ` (compose service "${u.composeService}")` : ''}`
        : u.source === 'env'
          ? `set in ${place}${u.variable ? ` (${u.variable})` : ''}`
          : u.source === 'package-json'
            ? `bound by a script in ${place}`
            : u.source === 'devcontainer'
              ? `forwarded by ${place}`
              : `listened on in ${place}`;
    return `${port}/${u.protocol}: ${what}${u.project ? `, project "${u.project}"` : ', in no project'}`;
  });
}
