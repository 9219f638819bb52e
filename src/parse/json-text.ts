/**
 * What the JSON parsers of config files (package.json, devcontainer.json) share: the tree with its
 * syntax errors as findings, and string values decoded with the file offset of each character,
 * so a port inside `"vite --port 5173"` (escapes and all) is placed on its own digits.
 */
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { Finding } from '../findings.js';
import { LineIndex } from '../util/text-position.js';
import { jsonTooDeepAt } from '../util/nesting.js';
import { CappedList } from '../util/arrays.js';
import { formatLimit, formatSize, LIMITS } from '../limits.js';

export interface JsonTree {
  root: Node | undefined;
  findings: Finding[];
}

/** The tree of a JSON text; `jsonc` allows comments and trailing commas (devcontainer.json is JSONC). */
export function parseJsonTree(text: string, file: string, jsonc: boolean): JsonTree {
  const lines = new LineIndex(text);
  // The tree's parser recurses once per level: a text nested past the limit is not parsed.
  const tooDeep = jsonTooDeepAt(text, LIMITS.nestingDepth);
  if (tooDeep !== -1) {
    const message = `${file} nests deeper than ${formatLimit(LIMITS.nestingDepth)} levels (the limit): not read, its ports are not checked`;
    return {
      root: undefined,
      findings: [{ ruleId: 'scan-degraded', severity: 'warning', message, file, start: tooDeep, end: tooDeep + 1, ...lines.span(tooDeep, tooDeep + 1) }],
    };
  }
  const errors = new CappedList<ParseError>(LIMITS.syntaxErrors);
  const root = parseTree(text, errors, { disallowComments: !jsonc, allowTrailingComma: jsonc, allowEmptyContent: false });
  // The parser may say two things about one character (`property name expected`, `value expected`): the first is enough.
  const first = errors.filter((e, i) => i === 0 || errors[i - 1]!.offset !== e.offset);
  const findings: Finding[] = first.map((e) => ({
    ruleId: 'parse-error',
    severity: 'error',
    message: `invalid ${jsonc ? 'JSONC' : 'JSON'}: ${describe(printParseErrorCode(e.error))}`,
    file,
    start: e.offset,
    end: e.offset + Math.max(e.length, 1),
    ...lines.span(e.offset, e.offset + Math.max(e.length, 1)),
  }));
  if (errors.dropped > 0) {
    const at = errors[errors.length - 1]!.offset;
    const message = `and ${formatLimit(errors.dropped)} more ${jsonc ? 'JSONC' : 'JSON'} syntax errors after this one, not listed (the limit is ${formatLimit(LIMITS.syntaxErrors)})`;
    findings.push({ ruleId: 'parse-error', severity: 'error', message, file, start: at, end: at + 1, ...lines.span(at, at + 1) });
  }
  return { root: errors.length === 0 ? root : undefined, findings };
}

/**
 * A string value too long to read for ports (over LIMITS.valueLength): the warning that says so,
 * or null for a string of a normal length. Decoding and splitting megabytes of one value cost
 * far more than the file's size.
 */
export function longValueFinding(text: string, file: string, node: Node, what: string): Finding | null {
  if (node.length <= LIMITS.valueLength) return null;
  const lines = new LineIndex(text);
  const message = `${what} is ${formatSize(node.length)} long, over the ${formatSize(LIMITS.valueLength)} limit: not searched for ports`;
  return { ruleId: 'scan-degraded', severity: 'warning', message, file, start: node.offset, end: node.offset + 1, ...lines.span(node.offset, node.offset + 1) };
}

/** `CommaExpected` -> `comma expected`. */
function describe(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** A property's value in an object node, or undefined. */
export function propertyOf(node: Node | undefined, key: string): Node | undefined {
  if (node?.type !== 'object') return undefined;
  let found: Node | undefined;
  // The last of two equal keys wins, as in JSON.parse.
  for (const p of node.children ?? []) if (p.children?.[0]?.value === key) found = p.children[1];
  return found;
}

export interface DecodedString {
  value: string;
  /** offsets[i]: the file offset where the value's character i is written; offsets[value.length]: the closing quote. */
  offsets: number[];
}

/** A string node's value, each character with its place in the file (escapes counted as written). */
export function decodeString(text: string, node: Node): DecodedString {
  let value = '';
  const offsets: number[] = [];
  const end = node.offset + node.length - 1;
  for (let i = node.offset + 1; i < end; ) {
    offsets.push(i);
    if (text[i] !== '\\') {
      value += text[i];
      i++;
      continue;
    }
    const c = text[i + 1];
    if (c === 'u') {
      value += String.fromCharCode(Number.parseInt(text.slice(i + 2, i + 6), 16));
      i += 6;
      continue;
    }
    value += c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c === 'b' ? '\b' : c === 'f' ? '\f' : (c ?? '');
    i += 2;
  }
  offsets.push(end);
  return { value, offsets };
}
