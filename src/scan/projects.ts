/**
 * Which registry project owns a file: the project whose `path` contains it (deepest wins),
 * else the nearest folder named like a project; otherwise none.
 *
 * Looked up by folder, deepest first, in a map: a scan asks once per file, and a registry
 * may hold thousands of projects.
 */
import { normalizeProjectPath } from '../registry/checks.js';
import type { Registry } from '../registry/types.js';

export class ProjectMapper {
  /** Project paths relative to the scan root ('.' for the root itself). */
  private readonly byPath = new Map<string, string>();
  private readonly names: Set<string>;
  private readonly cache = new Map<string, string | null>();

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
    const projects = registry?.projects ?? {};
    const names = Object.keys(projects);
    this.names = new Set(names);
    const base = normalizeProjectPath(rootFromRegistry);
    for (const project of names) {
      const path = projects[project]!.path;
      if (path === undefined) continue;
      const full = normalizeProjectPath(path);
      const rel = base === '.' ? full : full === base ? '.' : full.startsWith(base + '/') ? full.slice(base.length + 1) : null;
      if (rel !== null && !this.byPath.has(rel)) this.byPath.set(rel, project);
    }
  }

  projectOf(file: string): string | null {
    if (this.only) return this.only;
    const folder = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '.';
    let project = this.cache.get(folder);
    if (project === undefined) {
      project = this.lookup(folder);
      this.cache.set(folder, project);
    }
    return project;
  }

  private lookup(folder: string): string | null {
    // A path may name the file's folder or any folder above it; the deepest wins.
    for (let f = folder; ; ) {
      const hit = this.byPath.get(f);
      if (hit !== undefined) return hit;
      if (f === '.') break;
      const slash = f.lastIndexOf('/');
      f = slash === -1 ? '.' : f.slice(0, slash);
    }
    if (folder === '.') return null;
    const parts = folder.split('/');
    for (let i = parts.length - 1; i >= 0; i--) if (this.names.has(parts[i]!)) return parts[i]!;
    return null;
  }
}
