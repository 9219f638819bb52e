/**
 * Fixes until stable, on the model of ESLint's Linter#verifyAndFix: a fix that overlaps one
 * already taken stays an open finding and is applied in the next pass, on the text the first
 * pass left; passes stop when nothing changes, or after MAX_FIX_PASSES. A real file in a temp
 * folder; the "lint" is a small function of its text, so each pass sees what the last one wrote.
 */
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { LintFinding } from '../../src/findings.js';
import { fixUntilStable, MAX_FIX_PASSES } from '../../src/lint/fix-passes.js';
import type { LintResult } from '../../src/lint/lint.js';
import type { ScanResult } from '../../src/scan/scan.js';
import { scenario } from '../helpers/scenario.js';

type Check = (text: string) => { start: number; end: number; text: string }[];

/** Uppercases bytes 0-1 and, overlapping, bytes 1-2, each while it holds a lowercase letter. */
const overlapping: Check = (text) =>
  [
    [0, 2],
    [1, 3],
  ]
    .filter(([s, e]) => /[a-z]/.test(text.slice(s, e)))
    .map(([s, e]) => ({ start: s!, end: e!, text: text.slice(s, e).toUpperCase() }));

/** A fix that always finds more to do: appends one "!" on every pass. */
const endless: Check = (text) => [{ start: text.length, end: text.length, text: '!' }];

function finding(fix: { start: number; end: number; text: string }, severity: 'error' | 'warning'): LintFinding {
  return {
    ruleId: 'test-rule',
    severity,
    message: 'fix me',
    file: 'f.txt',
    line: 1,
    column: fix.start + 1,
    endLine: 1,
    endColumn: fix.end + 1,
    fixable: true,
    fix: { edits: [{ file: 'f.txt', ...fix }] },
  };
}

async function setup(text: string, check: Check, severity: 'error' | 'warning' = 'error') {
  const { root } = await scenario({ files: { 'f.txt': text } });
  const passes: string[] = [];
  const relint = async (overlay?: ReadonlyMap<string, Buffer>): Promise<LintResult> => {
    const current = (overlay?.get('f.txt') ?? (await readFile(path.join(root, 'f.txt')))).toString('utf8');
    passes.push(current);
    return { findings: check(current).map((f) => finding(f, severity)), skipped: [], scan: {} as ScanResult, filesChecked: 1 };
  };
  return { root, passes, relint, first: await relint() };
}

describe('fixUntilStable', () => {
  it('applies a fix that overlapped another in the next pass, then stops when nothing is left', async () => {
    const { root, passes, relint, first } = await setup('abc', overlapping);
    expect(first.findings.map((f) => f.fix!.edits[0]!.text)).toEqual(['AB', 'BC']);
    const { result, changes } = await fixUntilStable({
      root,
      registryFile: path.join(root, 'ports.registry.json'),
      first,
      relint,
      dryRun: false,
      errorsOnly: false,
    });
    // Pass 1 takes AB and leaves BC open; pass 2 fixes what is left of it on the new text.
    expect(passes).toEqual(['abc', 'ABc', 'ABC']);
    expect(result.findings).toEqual([]);
    expect(changes.map((c) => [c.file, c.before.toString(), c.after.toString()])).toEqual([['f.txt', 'abc', 'ABC']]);
    expect(await readFile(path.join(root, 'f.txt'), 'utf8')).toBe('ABC');
  });

  it('a dry run makes the same passes on an overlay and writes nothing', async () => {
    const { root, passes, relint, first } = await setup('abc', overlapping);
    const { result, changes } = await fixUntilStable({
      root,
      registryFile: path.join(root, 'ports.registry.json'),
      first,
      relint,
      dryRun: true,
      errorsOnly: false,
    });
    expect(passes).toEqual(['abc', 'ABc', 'ABC']);
    expect(result.findings).toEqual([]);
    expect(changes.map((c) => [c.file, c.before.toString(), c.after.toString()])).toEqual([['f.txt', 'abc', 'ABC']]);
    expect(await readFile(path.join(root, 'f.txt'), 'utf8')).toBe('abc');
  });

  it(`stops after ${MAX_FIX_PASSES} passes, leaving what the last lint found open`, async () => {
    const { root, passes, relint, first } = await setup('x', endless);
    const { result, changes } = await fixUntilStable({
      root,
      registryFile: path.join(root, 'ports.registry.json'),
      first,
      relint,
      dryRun: false,
      errorsOnly: false,
    });
    expect(MAX_FIX_PASSES).toBe(10);
    expect(passes).toHaveLength(11);
    expect(await readFile(path.join(root, 'f.txt'), 'utf8')).toBe(`x${'!'.repeat(10)}`);
    expect(result.findings).toHaveLength(1);
    expect(changes.map((c) => c.after.toString())).toEqual([`x${'!'.repeat(10)}`]);
  });

  it('with errorsOnly, the fixes of warnings are left', async () => {
    const { root, passes, relint, first } = await setup('abc', overlapping, 'warning');
    const { result, changes } = await fixUntilStable({
      root,
      registryFile: path.join(root, 'ports.registry.json'),
      first,
      relint,
      dryRun: false,
      errorsOnly: true,
    });
    expect(passes).toEqual(['abc']);
    expect(result).toBe(first);
    expect(changes).toEqual([]);
  });
});
