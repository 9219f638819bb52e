import { findNodeAtLocation, parseTree, printParseErrorCode, visit, type Node, type ParseError } from 'jsonc-parser';
import { LineIndex } from '../util/text-position.js';
import { jsonTooDeepAt } from '../util/nesting.js';
import { CappedList, pushAll } from '../util/arrays.js';
import { formatLimit, LIMITS } from '../limits.js';

export type JsonPath = (string | number)[];

export interface JsonSyntaxProblem {
  message: string;
  start: number;
  end: number;
}

/**
 * A JSON text, checked strictly, with the position of every node for reporting problems at
 * their line and column.
 *
 * The position tree is built only when a position is asked for (or when the text has a syntax
 * problem or a duplicate key, whose positions are the answer): a valid registry of thousands of
 * services is read on every lint, and most runs report nothing inside it. Without problems, the
 * check is JSON.parse and one pass that counts the keys written.
 */
export class JsonDocument {
  private lineIndex: LineIndex | undefined;
  private tree: { root: Node | undefined } | undefined;
  private parsed: { value: unknown } | undefined;
  /** Whether the text holds a value (when it did not parse: the visitor met one). */
  private valueSeen = false;
  readonly syntaxProblems: JsonSyntaxProblem[] = [];

  constructor(readonly text: string) {
    let value: unknown;
    let parsed = false;
    try {
      value = JSON.parse(text);
      parsed = true;
    } catch {
      // Not JSON: the tree's parser says where and why.
    }
    // V8's JSON.parse does not recurse, so a valid text is parsed first and measured in one pass
    // with its keys; the tree's parser does recurse once per level: a text nested past the limit
    // is refused before it (and before countKeysParsed, which recurses too).
    const shape = parsed ? validJsonShape(text, LIMITS.nestingDepth) : { tooDeepAt: jsonTooDeepAt(text, LIMITS.nestingDepth), keys: 0 };
    if (shape.tooDeepAt !== -1) {
      this.tree = { root: undefined };
      this.syntaxProblems.push({
        message: `JSON nested deeper than ${formatLimit(LIMITS.nestingDepth)} levels (portreg's limit): not read`,
        start: shape.tooDeepAt,
        end: shape.tooDeepAt + 1,
      });
      return;
    }
    // JSON.parse keeps the last of two equal keys silently: a key count that differs says there are some.
    if (parsed && !inheritsEnumerable() && shape.keys === (value !== null && typeof value === 'object' ? countKeysParsed(value) : 0)) {
      this.parsed = { value };
      return;
    }
    this.findProblems();
  }

  /**
   * Syntax errors and keys written twice, in one pass of the parser's visitor: it holds the keys of
   * the objects open at a point, where a tree of the whole text took 40 times its size (a text of
   * half a million repeated keys took gigabytes). Each list is capped; the tree is built only if a
   * position is asked for later.
   */
  private findProblems(): void {
    const errors = new CappedList<ParseError>(LIMITS.syntaxErrors);
    const duplicates = new CappedList<JsonSyntaxProblem>(LIMITS.syntaxErrors);
    const open: Map<string, number>[] = [];
    visit(
      this.text,
      {
        onObjectBegin: () => {
          this.valueSeen = true;
          open.push(new Map());
        },
        onObjectEnd: () => {
          open.pop();
        },
        onArrayBegin: () => {
          this.valueSeen = true;
        },
        onLiteralValue: () => {
          this.valueSeen = true;
        },
        onObjectProperty: (name, offset, length) => {
          const keys = open[open.length - 1];
          if (!keys) return;
          const first = keys.get(name);
          if (first === undefined) keys.set(name, offset);
          else if (duplicates.length >= LIMITS.syntaxErrors) duplicates.dropped++;
          else {
            const firstPos = this.lines.position(first);
            duplicates.push({
              message: `duplicate key "${name}" (first at line ${firstPos.line}, column ${firstPos.column}); JSON readers keep only one of them`,
              start: offset,
              end: offset + length,
            });
          }
        },
        onError: (error, offset, length) => {
          errors.push({ error, offset, length });
        },
      },
      // Strict JSON: the file is read by other tools too (jq, editors, JSON.parse).
      { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false },
    );
    // One error at a place is enough: the parser's follow-up errors there only repeat it.
    const seenOffsets = new Set<number>();
    for (const e of errors) {
      if (seenOffsets.has(e.offset)) continue;
      seenOffsets.add(e.offset);
      const comma = this.trailingCommaBefore(e);
      if (comma !== undefined) {
        this.syntaxProblems.push({ message: 'JSON syntax error: trailing comma (JSON allows none before a closing bracket)', start: comma, end: comma + 1 });
      } else {
        this.syntaxProblems.push({ message: describeParseError(e), start: e.offset, end: e.offset + Math.max(e.length, 1) });
      }
    }
    if (errors.dropped > 0) {
      const last = errors[errors.length - 1]!.offset;
      const message = `and ${formatLimit(errors.dropped)} more JSON syntax errors after this one, not listed (the limit is ${formatLimit(LIMITS.syntaxErrors)})`;
      this.syntaxProblems.push({ message, start: last, end: last + 1 });
    }
    pushAll(this.syntaxProblems, duplicates);
    if (duplicates.dropped > 0) {
      const last = duplicates[duplicates.length - 1]!;
      const message = `and ${formatLimit(duplicates.dropped)} more duplicate keys after this one, not listed (the limit is ${formatLimit(LIMITS.syntaxErrors)})`;
      this.syntaxProblems.push({ message, start: last.start, end: last.end });
    }
  }

  get lines(): LineIndex {
    return (this.lineIndex ??= new LineIndex(this.text));
  }

  /** The root of the position tree (built on first use); undefined for an empty or unparsable text. */
  get root(): Node | undefined {
    this.tree ??= { root: parseTree(this.text, [], { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false }) };
    return this.tree.root;
  }

  /** Whether the text holds a JSON value at all (without building the tree when it parsed). */
  get hasValue(): boolean {
    return this.parsed !== undefined || this.valueSeen;
  }

  /** The parsed value; only for a text without syntax problems. */
  value(): unknown {
    this.parsed ??= { value: JSON.parse(this.text) as unknown };
    return this.parsed.value;
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
}

/**
 * One pass over a text JSON.parse accepted: the offset of the first `[` or `{` nested deeper than
 * `max` (-1 if none; what jsonTooDeepAt answers, since a valid text has no comments and no line
 * breaks in strings) and how many object keys it writes (the colons outside strings: in valid
 * JSON each follows one key). Strings are skipped by searching for their closing quote.
 */
export function validJsonShape(text: string, max: number): { tooDeepAt: number; keys: number } {
  let keys = 0;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // The closing quote is the first one after an even number of backslashes (each run is counted once).
      let close = text.indexOf('"', i + 1);
      while (close !== -1 && isEscaped(text, close, i + 1)) close = text.indexOf('"', close + 1);
      if (close === -1) break;
      i = close;
    } else if (c === 58) keys++;
    else if (c === 91 || c === 123) {
      if (++depth > max) return { tooDeepAt: i, keys };
    } else if (c === 93 || c === 125) depth--;
  }
  return { tooDeepAt: -1, keys };
}

/** Whether the character at `at` follows an odd number of backslashes (none before `from`). */
function isEscaped(text: string, at: number, from: number): boolean {
  let j = at - 1;
  while (j >= from && text.charCodeAt(j) === 92) j--;
  return (at - 1 - j) % 2 === 1;
}

/** Whether a plain object inherits an enumerable property (a polluted Object.prototype): then countKeysParsed would count it. */
function inheritsEnumerable(): boolean {
  for (const _ in {}) return true;
  return false;
}

/**
 * How many keys the parsed value kept (one for each pair of equal keys fewer). Recurses only into
 * objects and arrays: most values are not. for-in without hasOwn, which doubled its time: JSON.parse
 * makes own properties only, and the caller checks that Object.prototype has no enumerable one.
 */
function countKeysParsed(value: object): number {
  let n = 0;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (v !== null && typeof v === 'object') n += countKeysParsed(v);
    }
    return n;
  }
  for (const k in value) {
    n++;
    const v = (value as Record<string, unknown>)[k];
    if (v !== null && typeof v === 'object') n += countKeysParsed(v);
  }
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
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : /^[A-Za-z_$][\w$-]*$/.test(p) ? (i === 0 ? p : `.${p}`) : `["${p}"]`)).join('');
}
