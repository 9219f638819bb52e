import { cp, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export const FIXTURES = path.join(import.meta.dirname, '../fixtures/rewrite');
export const BASIC = path.join(FIXTURES, 'basic');
/** A fixed clock, so the history entries in the golden registries are stable. */
export const NOW = '2025-06-01T12:00:00.000Z';

/** Copies a fixture tree into `dir`. */
export async function copyTree(from: string, dir: string): Promise<string> {
  await cp(from, dir, { recursive: true, verbatimSymlinks: true });
  return dir;
}

/** Every file under `dir` (relative, posix), with its bytes; `.git` left out. */
export async function readTree(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const walk = async (rel: string) => {
    for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
      if (e.name === '.git') continue;
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(child);
      else if (e.isFile()) out.set(child, await readFile(path.join(dir, child)));
    }
  };
  await walk('');
  return new Map([...out].sort(([a], [b]) => a.localeCompare(b)));
}

/** The tree as text, file by file, for readable comparisons. */
export async function treeText(dir: string): Promise<Record<string, string>> {
  return Object.fromEntries([...(await readTree(dir))].map(([k, v]) => [k, v.toString('utf8')]));
}
