/**
 * What portreg knows about its own package: where it is installed, its version, where its
 * schemas are, and where its docs live. One home, found by walking up from this module to the
 * package.json named "portreg", so it holds wherever the code runs from: `dist/` as tsc writes
 * it, the bundled CLI's chunks, or `src/` under the test runner.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PackageJson {
  name?: string;
  version?: string;
  homepage?: string;
  repository?: string | { url?: string; directory?: string };
}

let cached: { root: string; pkg: PackageJson } | undefined;

function packageInfo(): { root: string; pkg: PackageJson } {
  if (cached) return cached;
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as PackageJson;
      if (pkg.name === 'portreg') return (cached = { root: dir, pkg });
    } catch {
      // No package.json here, or not JSON: keep looking upward.
    }
    if (path.dirname(dir) === dir) throw new Error(`portreg's package.json was not found above ${fileURLToPath(import.meta.url)}`);
  }
}

/** The folder portreg is installed in (its package.json's folder). */
export function packageRoot(): string {
  return packageInfo().root;
}

export function packageVersion(): string {
  return packageInfo().pkg.version ?? '0.0.0';
}

/** A file of portreg's `schemas/` folder, as an absolute path. */
export function schemaFile(name: string): string {
  return path.join(packageRoot(), 'schemas', name);
}

/**
 * Where the docs are browsed (rule pages are `docs/rules/<id>.md` below it), from package.json's
 * `homepage` or a GitHub `repository`; undefined when it names neither: then reports carry no
 * links rather than links to a guessed address.
 */
export function docsBase(): string | undefined {
  return docsBaseOf(packageInfo().pkg);
}

/** docsBase for a given package.json's fields. */
export function docsBaseOf({ homepage, repository }: Pick<PackageJson, 'homepage' | 'repository'>): string | undefined {
  const repo = typeof repository === 'string' ? repository : repository?.url;
  const github = repo ? /github\.com[/:]([^/]+\/[^/#]+?)(?:\.git)?(?:[#/].*)?$/.exec(repo) : null;
  if (github) return `https://github.com/${github[1]}/blob/HEAD/`;
  if (homepage) return homepage.endsWith('/') ? homepage : `${homepage}/`;
  return undefined;
}
