/**
 * isPlainRelativePath: a path it accepts comes back unchanged from resolve-then-relative against
 * any folder, which is what its callers skip (lint's scope, generate's project folders).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPlainRelativePath } from '../../src/util/plain-path.js';

describe('isPlainRelativePath', () => {
  it('accepts plain paths and refuses everything node:path would rewrite', () => {
    const cases: [string, boolean][] = [
      ['projects/api', true],
      ['api', true],
      ['a.b/c-d/.hidden', true],
      ['', false],
      ['.', false],
      ['./api', false],
      ['api/', false],
      ['a//b', false],
      ['a/./b', false],
      ['a/../b', false],
      ['../api', false],
      ['/abs/api', false],
      ['a\\b', false],
    ];
    expect(cases.map(([p]) => [p, isPlainRelativePath(p)])).toEqual(cases);
  });

  it('a plain path is its own resolve-then-relative; the paths it refuses come back rewritten, or lead out of the folder', () => {
    const root = '/work/tree';
    for (const p of ['projects/api', 'a.b/c-d/.hidden', 'x']) expect(path.relative(root, path.resolve(root, p))).toBe(p);
    for (const p of ['./api', 'api/', 'a//b', 'a/./b', 'a/../b', '/abs/api']) expect(path.relative(root, path.resolve(root, p))).not.toBe(p);
    // Unchanged, but outside: the callers' own checks decide about it.
    expect(path.relative(root, path.resolve(root, '../api'))).toBe('../api');
  });

  it('agrees with the definition (no backslash, every segment a name) on every path of up to five characters of a, ., / and \\', () => {
    const byDefinition = (p: string) => !p.includes('\\') && p.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
    const alphabet = ['a', '.', '/', '\\'];
    let paths = [''];
    const all: string[] = [''];
    for (let n = 1; n <= 5; n++) {
      paths = paths.flatMap((p) => alphabet.map((c) => p + c));
      all.push(...paths);
    }
    expect(all.length).toBe(1365);
    expect(all.filter((p) => isPlainRelativePath(p) !== byDefinition(p))).toEqual([]);
    expect(['...', 'a/..b/c.', 'a/.../b', 'x y/z'].filter((p) => !isPlainRelativePath(p))).toEqual([]);
  });
});
