import { describe, expect, it } from 'vitest';
import { JsonDocument, validJsonShape } from '../../src/registry/json-document.js';
import { jsonTooDeepAt } from '../../src/util/nesting.js';

describe('JsonDocument: strict checks without building the position tree up front', () => {
  it('a valid text has no problems, its value, and positions on demand', () => {
    const text = '{\n  "a": { "b:\\"c": 1 },\n  "list": [ { "x": "y:" }, 2 ]\n}\n';
    const doc = new JsonDocument(text);
    expect(doc.syntaxProblems).toEqual([]);
    expect(doc.hasValue).toBe(true);
    expect(doc.value()).toEqual({ a: { 'b:"c': 1 }, list: [{ x: 'y:' }, 2] });
    expect(doc.locationAt(['list', 0, 'x'])).toEqual({ start: 44, end: 48, line: 3, column: 20, endLine: 3, endColumn: 24 });
    expect(doc.locationAt(['a', 'b:"c'], { key: true })).toMatchObject({ line: 2, column: 10 });
  });

  it('finds duplicate keys that JSON.parse would keep silently, at any depth, with strings that look like keys', () => {
    const text = '{\n  "s": "x\\",\\":",\n  "o": { "k": 1, "k": 2 },\n  "__proto__": 1,\n  "__proto__": 2\n}\n';
    const doc = new JsonDocument(text);
    expect(doc.syntaxProblems).toEqual([
      // In the order they are written.
      { message: 'duplicate key "k" (first at line 3, column 10); JSON readers keep only one of them', start: 37, end: 40 },
      { message: 'duplicate key "__proto__" (first at line 4, column 3); JSON readers keep only one of them', start: 67, end: 78 },
    ]);
  });

  it('lists the first 100 duplicate keys of half a million, then says how many more, holding no tree of the text', () => {
    const text = `{\n  "version": 1,\n${'  "projects": {},\n'.repeat(500_000)}  "end": 1\n}\n`;
    const doc = new JsonDocument(text);
    expect(doc.syntaxProblems).toHaveLength(101);
    expect(doc.syntaxProblems[0]).toEqual({
      message: 'duplicate key "projects" (first at line 3, column 3); JSON readers keep only one of them',
      start: 38,
      end: 48,
    });
    expect(doc.syntaxProblems[100]).toEqual({
      message: 'and 499,899 more duplicate keys after this one, not listed (the limit is 100)',
      start: 1820,
      end: 1830,
    });
  });

  it('reports syntax errors with their place, as before', () => {
    const doc = new JsonDocument('{ "a": 1, }');
    expect(doc.syntaxProblems).toEqual([{ message: 'JSON syntax error: trailing comma (JSON allows none before a closing bracket)', start: 8, end: 9 }]);
    expect(new JsonDocument('').hasValue).toBe(false);
    expect(new JsonDocument('').syntaxProblems.map((p) => p.message)).toEqual(['JSON syntax error: value expected']);
  });

  it('finds a duplicate key whose name ends in an escaped backslash, and none where a quote is escaped', () => {
    const text = '{"a\\\\": 1, "b\\"": {"x": "\\\\"}, "a\\\\": 2}';
    expect(JSON.parse(text)).toEqual({ 'a\\': 2, 'b"': { x: '\\' } });
    const doc = new JsonDocument(text);
    expect(doc.syntaxProblems).toEqual([
      { message: 'duplicate key "a\\" (first at line 1, column 2); JSON readers keep only one of them', start: 31, end: 36 },
    ]);
  });

  it('finds duplicates, and only them, even with an enumerable property on Object.prototype', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.polluted = 1;
    try {
      expect(new JsonDocument('{"a": {"b": 1}, "c": [{"d": 2}]}').syntaxProblems).toEqual([]);
      expect(new JsonDocument('{"a": {"b": 1}, "c": [{"d": 2}]}').value()).toEqual({ a: { b: 1 }, c: [{ d: 2 }] });
      // Two keys written, one kept, one inherited: counted alike without the check.
      expect(new JsonDocument('{"b": 1, "b": 2}').syntaxProblems.map((p) => p.message)).toEqual([
        'duplicate key "b" (first at line 1, column 2); JSON readers keep only one of them',
      ]);
    } finally {
      delete proto.polluted;
    }
  });

  it('refuses a valid text nested past the limit at its first bracket too deep, as it refuses an invalid one', () => {
    const valid = `{"a": ${'['.repeat(200)}${']'.repeat(200)}}`;
    const invalid = `{"a": ${'['.repeat(200)}`;
    for (const text of [valid, invalid]) {
      const doc = new JsonDocument(text);
      expect(doc.syntaxProblems).toEqual([{ message: "JSON nested deeper than 128 levels (portreg's limit): not read", start: 133, end: 134 }]);
      expect(doc.root).toBeUndefined();
    }
  });
});

describe('validJsonShape: the depth and key count of a valid text in one pass', () => {
  const texts = [
    '{}',
    '[]',
    '"a:[{"',
    '{"a": {"b:\\"c": [1, {"d": "}]:"}]}, "e": []}',
    '{"\\\\": "\\\\\\"", "k": "\\u0022:"}',
    '[[[1]]]',
    '{"a": {"b": [1]}}',
    ` {\n  "x" : 1 ,\t"y":\r\n[ {"z" :{}} ]\n}`,
  ];
  it('answers what jsonTooDeepAt answers, and counts the keys JSON.parse reads (no duplicates here)', () => {
    const keysOf = (v: unknown): number =>
      Array.isArray(v)
        ? v.reduce((n: number, x) => n + keysOf(x), 0)
        : v && typeof v === 'object'
          ? Object.values(v).reduce((n: number, x) => n + 1 + keysOf(x), 0)
          : 0;
    for (const text of texts) {
      for (const max of [0, 1, 2, 3, 128]) expect({ text, max, at: validJsonShape(text, max).tooDeepAt }).toEqual({ text, max, at: jsonTooDeepAt(text, max) });
      expect({ text, keys: validJsonShape(text, 128).keys }).toEqual({ text, keys: keysOf(JSON.parse(text)) });
    }
  });

  it('stays linear on strings of escapes: half a million backslashes, half a million escaped quotes', () => {
    const backslashes = `{"k": "${'\\'.repeat(500_000)}"}`;
    const quotes = `{"k": "${'\\"'.repeat(500_000)}"}`;
    expect(validJsonShape(backslashes, 128)).toEqual({ tooDeepAt: -1, keys: 1 });
    expect(validJsonShape(quotes, 128)).toEqual({ tooDeepAt: -1, keys: 1 });
    expect(new JsonDocument(quotes).syntaxProblems).toEqual([]);
  }, 20_000);
});
