/**
 * Which projects a registry change concerns: the ones whose entry differs (range, path,
 * services, their history, released records), so that a partial lint of a changed registry
 * also reads those projects' configs, which may now disagree with it. A change outside the
 * projects (reservations, the project space, the version) may concern any project.
 * Pure: no IO.
 */
import type { Registry } from './types.js';

export interface RegistryChange {
  /** Projects added, removed or changed, sorted. */
  projects: string[];
  /** Something every project is held to changed (reservations, settings): lint everything. */
  everything: boolean;
}

/** JSON with keys in order: a reordered object is not a change. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function changedProjects(before: Registry, after: Registry): RegistryChange {
  const { projects: oldProjects, released: oldReleased, ...oldRest } = before;
  const { projects: newProjects, released: newReleased, ...newRest } = after;
  // A description is prose: no config can disagree with it.
  const entry = (r: Registry, name: string) => {
    const p = r.projects[name];
    if (!p) return undefined;
    const { description: _prose, ...rest } = p;
    return canonical({ ...rest, released: (r.released ?? []).filter((x) => x.project === name) });
  };
  const names = new Set([
    ...Object.keys(oldProjects),
    ...Object.keys(newProjects),
    ...(oldReleased ?? []).map((r) => r.project),
    ...(newReleased ?? []).map((r) => r.project),
  ]);
  const projects = [...names].filter((name) => entry(before, name) !== entry(after, name)).sort();
  return { projects, everything: canonical(oldRest) !== canonical(newRest) };
}
