/**
 * The ports other branches give away: the registry at the tip of every remote-tracking branch that
 * HEAD has not merged, read by one `git cat-file --batch` (no checkout, no fetch: what the last
 * fetch brought). Only reads. Outside git, or without remotes, there are none; a branch whose
 * registry does not parse (a conflict committed by mistake) is passed over, as lint of that
 * branch will say.
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { gitTopLevel, readObjects, remoteBranchTips } from '../util/git.js';
import { parseRegistryText } from './load.js';
import type { BranchClaim } from './port-index.js';
import { serviceProtocols } from './types.js';

export type { BranchClaim } from './port-index.js';

export async function readBranchClaims(registryFile: string, options: { now: Date; cwd?: string }): Promise<BranchClaim[]> {
  const dir = await realpath(path.dirname(registryFile)).catch(() => null);
  if (!dir) return [];
  const top = await gitTopLevel(dir);
  if (!top) return [];
  const rel = path
    .relative(top, path.join(dir, path.basename(registryFile)))
    .split(path.sep)
    .join('/');
  if (rel.startsWith('..')) return [];
  const tips = await remoteBranchTips(top);
  const blobs = await readObjects(
    top,
    tips.map((t) => `${t.commit}:${rel}`),
  );
  const claims: BranchClaim[] = [];
  tips.forEach((tip, i) => {
    const blob = blobs[i];
    if (!blob) return;
    const loaded = parseRegistryText(blob.toString('utf8'), registryFile, options);
    if (!loaded.data) return;
    for (const [project, p] of Object.entries(loaded.data.projects ?? {}))
      for (const [service, s] of Object.entries(p.services ?? {}))
        claims.push({ branch: tip.branch, project, service, port: s.port, protocols: serviceProtocols(s.protocol) });
  });
  return claims;
}
