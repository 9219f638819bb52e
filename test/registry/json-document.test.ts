import { describe, expect, it } from 'vitest';
import { JsonDocument } from '../../src/registry/json-document.js';

describe('JsonDocument.cleanValue', () => {
  it('reads strict JSON without building the position tree, keys with escaped quotes and colons included', () => {
    const text = '{ "a\\"b:": { "c": [1, {"d": "x\\\\"}] }, "e" : "f:g" }';
    expect(new JsonDocument(text).cleanValue()).toEqual({ value: { 'a"b:': { c: [1, { d: 'x\\' }] }, e: 'f:g' } });
  });

  it.each([
    ['a duplicate key', '{"a": 1, "b": {"c": 1, "c": 2}}', ['duplicate key "c" (first at line 1, column 16); JSON readers keep only one of them']],
    ['a trailing comma', '{"a": 1,}', ['JSON syntax error: trailing comma (JSON allows none before a closing bracket)']],
    ['an empty file', '', ['JSON syntax error: value expected']],
  ])('leaves %s to the position tree, which reports it', (_, text, messages) => {
    const doc = new JsonDocument(text);
    expect(doc.cleanValue()).toBeUndefined();
    expect(doc.syntaxProblems.map((p) => p.message)).toEqual(messages);
  });

  it('answers only for texts the position tree finds nothing wrong with', () => {
    for (const text of ['{"a": "x\u2028y"}', '[1, 2.5e3, -0, "\\u00e9"]', ' {"__proto__": {"a": 1}, "b": null}', '"just a string"']) {
      const doc = new JsonDocument(text);
      expect(doc.cleanValue(), text).toEqual({ value: JSON.parse(text) });
      expect(doc.syntaxProblems, text).toEqual([]);
      expect(doc.root, text).toBeDefined();
    }
  });
});
