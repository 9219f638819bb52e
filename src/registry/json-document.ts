import { findNodeAtLocation, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { LineIndex } from '../util/text-position.js';

export type JsonPath = (string | number)[];

export interface JsonSyntaxProblem {
  message: string;
  start: number;
  end: number;
}

/**
 * A JSON text parsed with the position of every node, so that problems found
 * in the data can be reported at their line and column in the file.
 *
 * The position tree is built on first use: a clean registry is read with JSON.parse
 * (`cleanValue`), and a large one costs a tree only when a problem needs a place.
 */
export class JsonDocument {
  private tree: { root: Node | undefined; syntaxProblems: JsonSyntaxProblem[] } | undefined;
  private lineIndex: LineIndex | undefined;

  constructor(readonly text: string) {}

  get lines(): LineIndex {
    return (this.lineIndex ??= new LineIndex(this.text));
  }

  get root(): Node | undefined {
    return this.parsed().root;
  }

  get syntaxProblems(): JsonSyntaxProblem[] {
    return this.parsed().syntaxProblems;
  }

  /**
   * The value, when the text is strict JSON without duplicate keys (then `syntaxProblems` is empty
   * and `root` is set); undefined when only the position tree can tell what is wrong.
   */
  cleanValue(): { value: unknown } | undefined {
    let value: unknown;
    try {
      value = JSON.parse(this.text);
    } catch {
      return undefined;
    }
    // JSON.parse keeps the last of two equal keys: fewer keys in the value than in the text means a duplicate.
    try {
      return countKeysInText(this.text) === countKeysInValue(value) ? { value } : undefined;
    } catch {
      return undefined; // nested deeper than the stack: the tree will say what it says
    }
  }

  private parsed(): { root: Node | undefined; syntaxProblems: JsonSyntaxProblem[] } {
    if (this.tree) return this.tree;
    const errors: ParseError[] = [];
    const syntaxProblems: JsonSyntaxProblem[] = [];
    // Strict JSON: the file is read by other tools too (jq, editors, JSON.parse).
    const root = parseTree(this.text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    this.tree = { root, syntaxProblems };
    // One error at a place is enough: the parser's follow-up errors there only repeat it.
    const seenOffsets = new Set<number>();
    for (const e of errors) {
      if (seenOffsets.has(e.offset)) continue;
      seenOffsets.add(e.offset);
      const comma = this.trailingCommaBefore(e);
      if (comma !== undefined) {
        syntaxProblems.push({ message: 'JSON syntax error: trailing comma (JSON allows none before a closing bracket)', start: comma, end: comma + 1 });
      } else {
        syntaxProblems.push({ message: describeParseError(e), start: e.offset, end: e.offset + Math.max(e.length, 1) });
      }
    }
    if (root) this.findDuplicateKeys(root, syntaxProblems);
    return this.tree;
  }

  /** The most common hand-edit mistake gets its own words and points at the comma: its offset, if this is one. */
  private trailingCommaBefore(e: ParseError): number | undefined {
    const code = printParseErrorCode(e.error);
    if (code !== 'PropertyNameExpected' && code !== 'ValueExpected') return undefined;
    if (this.text[e.offset] !== '}' && this.text[e.offset] !== ']') return undefined;
    let i = e.offset - 1;
    while (i >= 0 && /\s/.test(this.text[i]!)) i--;
    return this.text[i] === ',' ? i : undefined;
  }

  /** The node at a path, or its nearest existing ancestor. */
  nodeAt(path: JsonPath): Node | undefined {
    if (!this.root) return undefined;
    for (let n = path.length; n >= 0; n--) {
      const node = findNodeAtLocation(this.root, path.slice(0, n));
      if (node) return node;
    }
    return this.root;
  }

  /**
   * The span of the value at a path. With `key: true` and a path that ends in an
   * object property, the span of the property's key (where "unknown property" points).
   */
  spanAt(path: JsonPath, options: { key?: boolean } = {}): { start: number; end: number } {
    const node = this.nodeAt(path);
    if (!node) return { start: 0, end: 0 };
    if (options.key && node.parent?.type === 'property' && node.parent.children?.[0]) {
      const keyNode = node.parent.children[0];
      return { start: keyNode.offset, end: keyNode.offset + keyNode.length };
    }
    return { start: node.offset, end: node.offset + node.length };
  }

  /** 1-based location of the value at a path (start and end). */
  locationAt(path: JsonPath, options: { key?: boolean } = {}) {
    const { start, end } = this.spanAt(path, options);
    // A multi-line object is pointed at by its first line only: that is where an editor jumps.
    const startPos = this.lines.position(start);
    const endPos = this.lines.position(end);
    return { start, end, line: startPos.line, column: startPos.column, endLine: endPos.line, endColumn: endPos.column };
  }

  /** JSON.parse would silently keep the last of two equal keys: report them instead. */
  private findDuplicateKeys(node: Node, problems: JsonSyntaxProblem[]): void {
    if (node.type === 'object' && node.children) {
      const seen = new Map<string, Node>();
      for (const prop of node.children) {
        const key = prop.children?.[0];
        if (!key || typeof key.value !== 'string') continue;
        const first = seen.get(key.value);
        if (first) {
          const firstPos = this.lines.position(first.offset);
          problems.push({
            message: `duplicate key "${key.value}" (first at line ${firstPos.line}, column ${firstPos.column}); JSON readers keep only one of them`,
            start: key.offset,
            end: key.offset + key.length,
          });
        } else {
          seen.set(key.value, key);
        }
      }
    }
    for (const child of node.children ?? []) this.findDuplicateKeys(child, problems);
  }
}

/** Property keys written in a JSON text already known to be valid: strings followed by a colon. */
function countKeysInText(text: string): number {
  let keys = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) !== 34 /* " */) continue;
    i++;
    while (i < text.length && text.charCodeAt(i) !== 34) i += text.charCodeAt(i) === 92 /* \\ */ ? 2 : 1;
    let j = i + 1;
    while (j < text.length && (text[j] === ' ' || text[j] === '\t' || text[j] === '\n' || text[j] === '\r')) j++;
    if (text[j] === ':') keys++;
  }
  return keys;
}

function countKeysInValue(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + countKeysInValue(v), 0);
  if (typeof value !== 'object' || value === null) return 0;
  let n = 0;
  for (const v of Object.values(value)) n += 1 + countKeysInValue(v);
  return n;
}

function describeParseError(e: ParseError): string {
  const code = printParseErrorCode(e.error);
  const words: Record<string, string> = {
    InvalidSymbol: 'invalid symbol',
    InvalidNumberFormat: 'invalid number',
    PropertyNameExpected: 'property name expected',
    ValueExpected: 'value expected',
    ColonExpected: 'colon expected',
    CommaExpected: 'comma expected',
    CloseBraceExpected: "'}' expected",
    CloseBracketExpected: "']' expected",
    EndOfFileExpected: 'end of file expected',
    InvalidCommentToken: 'comments are not allowed in JSON',
    UnexpectedEndOfComment: 'unexpected end of comment',
    UnexpectedEndOfString: 'unterminated string',
    UnexpectedEndOfNumber: 'unexpected end of number',
    InvalidUnicode: 'invalid unicode escape',
    InvalidEscapeCharacter: 'invalid escape character',
    InvalidCharacter: 'invalid character',
  };
  return `JSON syntax error: ${words[code] ?? code}`;
}

/** Formats a path as a JSON pointer-like string for messages: projects.billing.services.api.port */
export function formatJsonPath(path: JsonPath): string {
  if (path.length === 0) return '(root)';
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : /^[A-Za-z_$][\w$-]*$/.test(p) ? (i === 0 ? p : `.${p}`) : `["${p}"]`))
    .join('');
}
