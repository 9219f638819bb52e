import { describe, expect, it } from 'vitest';
import { JsonDocument } from '../../src/registry/json-document.js';

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
});
