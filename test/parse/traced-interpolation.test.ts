import { describe, expect, it } from 'vitest';
import { interpolateTraced, traceSpan, type TracedValue } from '../../src/parse/traced-interpolation.js';

describe('interpolateTraced', () => {
  it('keeps a template without "$" as it is, without building origins', () => {
    expect(interpolateTraced('127.0.0.1:5000:80', {})).toEqual({ text: '127.0.0.1:5000:80', origins: [], missing: [], verbatim: true });
    expect(interpolateTraced('', {})).toEqual({ text: '', origins: [], missing: [], verbatim: true });
  });

  it('traces a template with "$" character by character', () => {
    const traced = interpolateTraced('$$5:${P:-7}', {});
    expect(traced.text).toBe('$5:7');
    expect(traced.verbatim).toBeUndefined();
    expect(traced.origins.map((o) => o.offset)).toEqual([0, 2, 3, 9]);
    expect(traceSpan(traced, 3, 4)).toMatchObject({ span: { start: 9, end: 10 }, literal: true });
    expect(traceSpan(traced, 3, 4).variable?.name).toBe('P');
  });
});

describe('traceSpan of a verbatim value', () => {
  // The shortcut must answer exactly what the per-character origins { offset: i, variable: null } would.
  const text = '5000:80';
  const verbatim = interpolateTraced(text, {});
  const general: TracedValue = { text, origins: [...text].map((_, i) => ({ offset: i, variable: null })), missing: [] };
  const bounds = [-9, -7, -3, -1, 0, 1, 4, 6, 7, 8, 20];
  it.each(bounds.flatMap((start) => bounds.map((end) => [start, end] as const)))('[%i, %i)', (start, end) => {
    expect(traceSpan(verbatim, start, end)).toEqual(traceSpan(general, start, end));
  });

  it('locates the digits as written', () => {
    expect(traceSpan(verbatim, 0, 4)).toEqual({ span: { start: 0, end: 4 }, variable: null, literal: true });
    expect(traceSpan(verbatim, 2, 2)).toEqual({ span: { start: 0, end: 0 }, variable: null, literal: false });
  });
});
