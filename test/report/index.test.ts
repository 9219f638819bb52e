import { describe, expect, it } from 'vitest';
import { isReporterName, REPORTERS, type ReporterName } from '../../src/report/index.js';
import { formatStylish } from '../../src/report/stylish.js';
import type { ReportInput } from '../../src/report/types.js';
import { CONTEXT, EMPTY, INPUT } from './fixtures.js';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

describe('reporters', () => {
  it('are all there, by name', () => {
    const names: ReporterName[] = ['stylish', 'json', 'sarif', 'github', 'markdown'];
    expect(Object.keys(REPORTERS).sort()).toEqual([...names].sort());
    expect(isReporterName('sarif')).toBe(true);
    expect(isReporterName('toString')).toBe(false);
  });

  it('stylish is formatStylish over the findings, with the color setting', () => {
    expect(REPORTERS.stylish(INPUT, CONTEXT)).toBe(formatStylish(INPUT.findings, { color: false }));
    expect(REPORTERS.stylish(INPUT, { ...CONTEXT, color: true })).toBe(formatStylish(INPUT.findings, { color: true }));
  });

  it('are pure: the input is left alone and the output is the same every time', () => {
    const frozen: ReportInput = deepFreeze(structuredClone(INPUT));
    const context = deepFreeze(structuredClone(CONTEXT));
    for (const [name, report] of Object.entries(REPORTERS)) {
      const first = report(frozen, context);
      expect(report(structuredClone(INPUT), structuredClone(CONTEXT)), name).toBe(first);
      expect(typeof report(EMPTY, CONTEXT), name).toBe('string');
    }
    expect(frozen).toEqual(INPUT);
  });
});
