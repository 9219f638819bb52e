/**
 * The linear looks at a text's shape made before the JSON and YAML parsers (util/nesting.ts):
 * deep input is caught at its place, and what real files hold (block scalars, brackets in
 * quotes or comments, plain text with brackets) is not mistaken for nesting.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { jsonTooDeepAt, yamlShape } from '../../src/util/nesting.js';
import { REPO_ROOT } from '../helpers/cli.js';

describe('jsonTooDeepAt', () => {
  it('gives the offset of the first bracket past the depth, and -1 within it', () => {
    expect(jsonTooDeepAt('[[[1]]]', 3)).toBe(-1);
    expect(jsonTooDeepAt('[[[1]]]', 2)).toBe(2);
    expect(jsonTooDeepAt('{"a": {"b": [1]}}', 2)).toBe(12);
  });

  it('does not count brackets in strings (escapes included) or in comments', () => {
    expect(jsonTooDeepAt('{"a": "[[[[\\"[[["}', 1)).toBe(-1);
    expect(jsonTooDeepAt('{\n// [[[[\n/* {{{{ */ "a": 1}', 1)).toBe(-1);
  });
});

describe('yamlShape', () => {
  const depthOf = (text: string, max: number) => yamlShape(text, max, 1_000).tooDeepAt;

  it('catches block, compact and flow nesting at the first place past the depth', () => {
    expect(depthOf('a:\n  b:\n    c: 1\n', 3)).toBe(-1);
    expect(depthOf('a:\n  b:\n    c: 1\n', 2)).toBe(12);
    expect(depthOf('- - - 1\n', 2)).toBe(2);
    expect(depthOf('a: [[1]]\n', 2)).toBe(4);
    expect(depthOf('a: [\n  [\n    [1]]]\n', 3)).toBe(13);
  });

  it('skips block scalars, and brackets inside quotes, comments and plain text', () => {
    const text = [
      'services:',
      '  web:',
      '    command: |',
      '      if [ -f x ]; then',
      '              deeply: indented: text',
      '      fi',
      "    image: 'a[b{c'",
      '    labels: ["x]y", "{"]  # [[[[ not nesting',
      '    entrypoint: run[1]',
      '    healthcheck: >-',
      '                 more text',
    ].join('\n');
    // services > web > labels > its list: four levels, the most there is.
    expect(depthOf(text, 4)).toBe(-1);
    expect(depthOf(text, 3)).toBe(text.indexOf('["x]y"'));
  });

  it('counts lines with content and flow entries, and finds the first long line', () => {
    expect(yamlShape('a: 1\n\n# c\nb: [1, 2, 3]\n', 10, 100)).toEqual({ tooDeepAt: -1, items: 5, longLineAt: -1 });
    expect(yamlShape(`a: 1\nb: ${'x'.repeat(20)}\n`, 10, 10).longLineAt).toBe(5);
  });

  it('passes every compose file of the example tree and the fixtures well within the limits', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.ya?ml$/.test(e.name)) files.push(p);
      }
    };
    walk(path.join(REPO_ROOT, 'example'));
    walk(path.join(REPO_ROOT, 'test/fixtures'));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) expect({ file, at: yamlShape(readFileSync(file, 'utf8'), 8, 4096).tooDeepAt }).toEqual({ file, at: -1 });
  });
});
