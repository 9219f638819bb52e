/**
 * Which registry project owns a file: the project whose `path` contains it (deepest wins),
 * else the nearest folder named like a project; otherwise none.
 */
import { normalizeProjectPath } from '../registry/checks.js';
import type { Registry } from '../registry/types.js';

export class ProjectMapper {
  /** Project paths relative to the scan root, longest first. */
  private readonly byPath: { prefix: string; project: string }[];
  private readonly names: Set<string>;

  /**
   * @param rootFromRegistry the scan root relative to the registry's folder ('' when the same),
   *   so that project paths (relative to the registry) can be compared with scanned paths.
   */
  constructor(
    registry: Registry | null,
    rootFromRegistry: string,
    /** Set when the whole root is one project (a project repository naming a central registry). */
    private readonly only?: string,
  ) {
    this.names = new Set(Object.keys(registry?.projects ?? {}));
    const base = normalizeProjectPath(rootFromRegistry);
    this.byPath = [];
    for (const [project, p] of Object.entries(registry?.projects ?? {})) {
      if (p.path === undefined) continue;
      const full = normalizeProjectPath(p.path);
      const rel = base === '.' ? full : full === base ? '.' : full.startsWith(base + '/') ? full.slice(base.length + 1) : null;
      if (rel !== null) this.byPath.push({ prefix: rel, project });
    }
    const depth = (prefix: string) => (prefix === '.' ? 0 : prefix.length);
    this.byPath.sort((a, b) => depth(b.prefix) - depth(a.prefix));
  }

  projectOf(file: string): string | null {
    if (this.only) return this.only;
    for (const { prefix, project } of this.byPath) {
      if (prefix === '.' || file === prefix || file.startsWith(prefix + '/')) return project;
    }
    const folders = file.split('/').slice(0, -1);
    for (let i = folders.length - 1; i >= 0; i--) {
      if (this.names.has(folders[i]!)) return folders[i]!;
    }
    return null;
  }
}
