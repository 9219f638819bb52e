/**
 * portreg's knowledge of its own package: found from wherever the code runs, and docs links taken
 * from package.json (homepage or a GitHub repository), never a guessed address.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { docsBase, docsBaseOf, packageRoot, packageVersion, schemaFile } from '../../src/package-info.js';
import { formatMarkdown } from '../../src/report/markdown.js';
import { formatSarif } from '../../src/report/sarif.js';
import { CONFLICT, CONTEXT } from '../report/fixtures.js';

const ROOT = path.join(import.meta.dirname, '../..');

describe('package info', () => {
  it("finds portreg's own package, version and schemas", () => {
    expect(packageRoot()).toBe(ROOT);
    expect(packageVersion()).toBe(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
    expect(schemaFile('ports.registry.schema.json')).toBe(path.join(ROOT, 'schemas/ports.registry.schema.json'));
  });

  it('takes the docs base from a GitHub repository or the homepage, and none otherwise', () => {
    expect(docsBaseOf({ repository: 'git+https://github.com/acme/portreg.git' })).toBe('https://github.com/acme/portreg/blob/HEAD/');
    expect(docsBaseOf({ repository: { url: 'git@github.com:acme/portreg.git' } })).toBe('https://github.com/acme/portreg/blob/HEAD/');
    expect(docsBaseOf({ repository: 'github.com/acme/portreg#main' })).toBe('https://github.com/acme/portreg/blob/HEAD/');
    expect(docsBaseOf({ homepage: 'https://portreg.example/docs' })).toBe('https://portreg.example/docs/');
    expect(docsBaseOf({ repository: 'https://gitlab.example/acme/portreg' })).toBeUndefined();
    expect(docsBaseOf({})).toBeUndefined();
    // This package names neither: its reports carry no links.
    expect(docsBase()).toBe(docsBaseOf(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'))));
  });

  it('reports without a docs base carry no links, rather than links to a guessed address', () => {
    const { docsBase: _, ...noDocs } = CONTEXT;
    const input = { findings: [CONFLICT], skipped: [] };
    const md = formatMarkdown(input, noDocs);
    expect(md).toContain('| port-conflict |');
    expect(md).not.toContain('](');
    const sarif = JSON.parse(formatSarif(input, noDocs));
    expect(sarif.runs[0].tool.driver.informationUri).toBeUndefined();
    const rule = sarif.runs[0].tool.driver.rules.find((r: { id: string }) => r.id === 'port-conflict');
    expect(rule.helpUri).toBeUndefined();
    expect(rule.help.text).not.toContain('Documentation');
  });
});
