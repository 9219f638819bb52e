import path from 'node:path';
import type { LoadedConfig } from '../config/load-config.js';
import type { GenerateSettings } from './plan.js';

/** The config's `generate` paths (relative to the config file) as root-relative paths. */
export function generateSettings(config: LoadedConfig | undefined, root: string): GenerateSettings {
  const g = config?.config.generate;
  if (!g || !config) return {};
  const rel = (p: string) =>
    path
      .relative(root, path.resolve(path.dirname(config.file), p))
      .split(path.sep)
      .join('/');
  return { ...(g.rootDocs ? { rootDocs: rel(g.rootDocs) } : {}), ...(g.ts ? { ts: rel(g.ts) } : {}) };
}
