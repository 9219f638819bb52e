/**
 * A reader for the block YAML nearly every compose file is written in: block mappings and
 * sequences, one-line plain and quoted scalars, one-line flow sequences of scalars, and block
 * scalars (`|`, `>`). It builds the yaml library's own node classes with the values, types,
 * sources and ranges the library gives them, so the compose walker reads either tree the same
 * way, at a fraction of the cost: in a short process the library's lexer, CST and composer were
 * a third of a lint.
 *
 * Anything outside that subset returns OUTSIDE and the caller parses the text with the library:
 * anchors, aliases, tags, merge keys, multi-line plain or quoted scalars, flow mappings, document
 * markers and directives, tabs, CR, control characters, duplicate keys, complex keys, and every
 * shape the library would call an error. So the subset decides speed, never results;
 * test/parse/yaml-block.test.ts holds it to the library node for node.
 *
 * Ranges: [start, value end, node end] as the library gives them, where a collection's value end
 * is its last value's node end. Node ends depend on where the library hangs the comment lines
 * that follow a value; where the reader is not sure of that, it writes UNKNOWN_END, and a
 * collection ending in such a value gets UNKNOWN_END as its value end too. The compose walker
 * reads a collection's value end only in a few messages; where it meets UNKNOWN_END it reads the
 * file with the library instead.
 */
import { Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';

/** The text steps outside the subset: parse it with the library. */
export const OUTSIDE: unique symbol = Symbol('outside the block-YAML subset');

type BlockNode = Scalar | YAMLMap | YAMLSeq;

/** A range end the reader does not know (see the header). */
export const UNKNOWN_END = -1;

/** Characters the reader never handles: tabs, CR, controls, BOM, and the line breaks YAML 1.1 knew. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
const UNSUPPORTED_CHARACTER = /[\t\r\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x85\u2028\u2029\ufeff]/;
/** Document markers and directives. */
const DOCUMENT_MARKER = /^(?:---|\.\.\.)(?:[ \n]|$)|^%/m;
/** A plain scalar may not start with an indicator (`-`, `?`, `:` only when a space follows). */
const PLAIN_START = /^(?:[^-?:,[\]{}#&*!|>'"%@` ]|[-?:][^ ,[\]{}])/;
/** Core-schema resolution of plain scalars (yaml/dist/schema/core), in the library's order. */
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;
/** The library's limit on an implicit key. */
const MAX_KEY_LENGTH = 1024;

/** Thrown from deep in the reader when the text leaves the subset; says where and why (for tests). */
class Outside {
  constructor(
    readonly offset: number,
    readonly why: string,
  ) {}
}

/** The document's root node (null for a file of comments only), or OUTSIDE. */
export function readBlockYaml(text: string): YAMLMap | YAMLSeq | Scalar | null | typeof OUTSIDE {
  const read = attempt(text);
  return read instanceof Outside ? OUTSIDE : read;
}

/** Why the reader leaves a text to the library ("offset: reason"), or null when it reads it. */
export function whyOutside(text: string): string | null {
  const read = attempt(text);
  return read instanceof Outside ? `${read.offset}: ${read.why}` : null;
}

function attempt(text: string): YAMLMap | YAMLSeq | Scalar | null | Outside {
  const unsupported = UNSUPPORTED_CHARACTER.exec(text) ?? DOCUMENT_MARKER.exec(text);
  if (unsupported) return new Outside(unsupported.index, 'a character, marker or directive the reader leaves to the library');
  try {
    return new BlockReader(text).document();
  } catch (err) {
    if (err instanceof Outside) return err;
    throw err;
  }
}

class BlockReader {
  /** Per line: start offset, end offset (the `\n` or the text's end), leading spaces, -1 when blank or a comment. */
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly indents: number[] = [];
  /** Whether a line holds only a comment. */
  private readonly comments: boolean[] = [];

  constructor(private readonly text: string) {
    for (let start = 0; start <= text.length; ) {
      let end = text.indexOf('\n', start);
      if (end === -1) end = text.length;
      let i = start;
      while (i < end && text.charCodeAt(i) === 32) i++;
      this.starts.push(start);
      this.ends.push(end);
      const blank = i === end;
      const comment = !blank && text.charCodeAt(i) === 35;
      this.indents.push(blank || comment ? -1 : i - start);
      this.comments.push(comment);
      if (end === text.length) break;
      start = end + 1;
    }
  }

  document(): BlockNode | null {
    const first = this.nextContent(0);
    if (first === -1) return null;
    const { node, next } = this.block(first, this.starts[first]! + this.indents[first]!, -1);
    const left = this.nextContent(next);
    if (left !== -1) throw new Outside(this.starts[left]!, 'a line less indented than the first one');
    return node;
  }

  /** The first line at or after `line` with content, or -1. */
  private nextContent(line: number): number {
    for (let l = line; l < this.indents.length; l++) if (this.indents[l]! >= 0) return l;
    return -1;
  }

  /** After the end of line `line`: the library's end of a node whose text stops on that line. */
  private afterLine(line: number): number {
    const end = this.ends[line]!;
    return end < this.text.length ? end + 1 : end;
  }

  /**
   * A block node starting at `pos` on `line` (a mapping, a sequence) whose parent is at column
   * `parent`. Returns the node and the first line after it.
   */
  private block(line: number, pos: number, parent: number): { node: YAMLMap | YAMLSeq; next: number } {
    const column = pos - this.starts[line]!;
    if (column <= parent) throw new Outside(pos, 'a node not indented past its parent');
    if (this.isSequenceEntry(pos)) return this.sequence(line, pos);
    return this.mapping(line, pos);
  }

  private isSequenceEntry(pos: number): boolean {
    if (this.text.charCodeAt(pos) !== 45 /* - */) return false;
    const next = this.text.charCodeAt(pos + 1);
    return next === 32 || next === 10 || Number.isNaN(next);
  }

  /** `compact`: written at its key's column (`ports:` then `- ...` below it, not indented). */
  private sequence(firstLine: number, firstPos: number, compact = false): { node: YAMLSeq; next: number } {
    const seq = new YAMLSeq();
    const column = firstPos - this.starts[firstLine]!;
    let line = firstLine;
    let pos = firstPos;
    for (;;) {
      const lineEnd = this.ends[line]!;
      let v = pos + 1;
      while (v < lineEnd && this.text.charCodeAt(v) === 32) v++;
      let item: BlockNode;
      let next: number;
      if (v === lineEnd || this.text.charCodeAt(v) === 35) {
        ({ node: item, next } = this.valueBelow(line, v, column, false));
      } else if (this.isSequenceEntry(v)) {
        throw new Outside(v, 'a compact nested sequence (`- - x`)');
      } else if (this.keyAt(v, lineEnd) !== null) {
        ({ node: item, next } = this.mapping(line, v, column));
      } else {
        ({ node: item, next } = this.inlineValue(line, v, column));
      }
      seq.items.push(item);
      const end = item.range![2];
      const following = this.nextContent(next);
      // A line at the sequence's column that is no entry: the key after a sequence written at its key's column.
      if (following === -1 || this.indents[following]! < column || !this.isSequenceEntry(this.starts[following]! + column)) {
        seq.range = [firstPos, end, this.collectionEnd(next, column, end, compact ? 'compact' : null)];
        return { node: seq, next };
      }
      if (this.indents[following]! > column) throw new Outside(this.starts[following]!, 'a line indented past its collection');
      line = following;
      pos = this.starts[line]! + column;
    }
  }

  /** `itemColumn`: the column of the `- ` this mapping starts after, which comments after it are measured from. */
  private mapping(firstLine: number, firstPos: number, itemColumn = -1): { node: YAMLMap; next: number } {
    const map = new YAMLMap();
    const column = firstPos - this.starts[firstLine]!;
    const seen = new Set<unknown>();
    let line = firstLine;
    let pos = firstPos;
    for (;;) {
      const lineEnd = this.ends[line]!;
      const key = this.keyAt(pos, lineEnd);
      if (key === null) throw new Outside(pos, 'a mapping line that is not `key: value`');
      if (seen.has(key.scalar.value)) throw new Outside(pos, 'a duplicate key (the library reports it)');
      seen.add(key.scalar.value);
      let v = key.colon + 1;
      while (v < lineEnd && this.text.charCodeAt(v) === 32) v++;
      let value: BlockNode;
      let next: number;
      if (v === lineEnd || this.text.charCodeAt(v) === 35) ({ node: value, next } = this.valueBelow(line, v, column, true));
      else ({ node: value, next } = this.inlineValue(line, v, column));
      map.items.push(new Pair(key.scalar, value));
      const end = value.range![2];
      const following = this.nextContent(next);
      if (following === -1 || this.indents[following]! < column) {
        map.range = [
          firstPos,
          end,
          itemColumn === -1 ? this.collectionEnd(next, column, end, null) : this.collectionEnd(next, column, end, 'item', itemColumn),
        ];
        return { node: map, next };
      }
      if (this.indents[following]! > column) throw new Outside(this.starts[following]!, 'a line indented past its collection');
      line = following;
      pos = this.starts[line]! + column;
    }
  }

  /**
   * The node end of a collection whose value end is `end`, the lines after it starting at `line`.
   * Comment lines before the next content hang on the collection when one is indented at least
   * to its column, and its end then runs to the next content. A sequence at its key's column and
   * a mapping opened on a `- ` line (measured from the dash) share a column with another
   * collection: there the reader knows only that comments less indented than both stay outside.
   */
  private collectionEnd(line: number, column: number, end: number, shared: 'compact' | 'item' | null, sharedColumn = column): number {
    if (end === UNKNOWN_END) return UNKNOWN_END;
    const deepest = this.deepestCommentAfter(line);
    if (deepest === -1) return end;
    if (shared === 'compact') return deepest <= column ? end : UNKNOWN_END;
    if (deepest < Math.min(column, sharedColumn)) return end;
    if (shared === 'item') return UNKNOWN_END;
    const following = this.nextContent(line);
    return following === -1 ? this.text.length : this.starts[following]! + this.indents[following]!;
  }

  /** Whether a comment line comes before `line`, blank lines between. */
  private commentBefore(line: number): boolean {
    for (let l = line - 1; l >= 0 && this.indents[l]! < 0; l--) if (this.comments[l]) return true;
    return false;
  }

  /** The largest indent of the comment lines between `line` and the next content, or -1. */
  private deepestCommentAfter(line: number): number {
    let deepest = -1;
    for (let l = line; l < this.indents.length && this.indents[l]! < 0; l++) {
      if (!this.comments[l]) continue;
      let i = this.starts[l]!;
      while (this.text.charCodeAt(i) === 32) i++;
      deepest = Math.max(deepest, i - this.starts[l]!);
    }
    return deepest;
  }

  /**
   * The node end of a value whose text ends on `line` (`end` just past it), owned by a
   * collection at `column`: comment lines below indented past the column may hang on the value,
   * in ways the reader does not follow.
   */
  private valueEnd(line: number, end: number, column: number): number {
    return this.deepestCommentAfter(line + 1) > column ? UNKNOWN_END : end;
  }

  /** `key:` at `pos`, or null when the line is not a mapping entry. */
  private keyAt(pos: number, lineEnd: number): { scalar: Scalar; colon: number } | null {
    const c = this.text.charCodeAt(pos);
    if (c === 34 || c === 39) {
      const quoted = this.quoted(pos, lineEnd);
      if (quoted === null || this.text.charCodeAt(quoted.end) !== 58) return null;
      const after = this.text.charCodeAt(quoted.end + 1);
      if (!(after === 32 || quoted.end + 1 === lineEnd)) return null;
      if (quoted.end - pos > MAX_KEY_LENGTH) throw new Outside(pos, 'a key over 1024 characters');
      const scalar = new Scalar(quoted.value);
      scalar.range = [pos, quoted.end, quoted.end];
      scalar.source = quoted.value;
      scalar.type = c === 34 ? Scalar.QUOTE_DOUBLE : Scalar.QUOTE_SINGLE;
      return { scalar, colon: quoted.end };
    }
    // Searched within the line: a search to the text's end per line would be quadratic.
    const rest = this.text.slice(pos, lineEnd);
    let at = rest.indexOf(':');
    while (at !== -1 && !(at + 1 === rest.length || rest.charCodeAt(at + 1) === 32)) at = rest.indexOf(':', at + 1);
    if (at === -1) return null;
    const colon = pos + at;
    let keyEnd = colon;
    while (keyEnd > pos && this.text.charCodeAt(keyEnd - 1) === 32) keyEnd--;
    const source = this.text.slice(pos, keyEnd);
    if (source === '' || !PLAIN_START.test(source) || source.includes(' #')) return null;
    if (source === '<<') throw new Outside(pos, 'a merge key');
    if (keyEnd - pos > MAX_KEY_LENGTH) throw new Outside(pos, 'a key over 1024 characters');
    const scalar = plainScalar(source);
    scalar.range = [pos, keyEnd, keyEnd];
    return { scalar, colon };
  }

  /**
   * The value of an entry whose line ends after its indicator (`key:`, `-`, maybe a comment):
   * a block node on the lines below, or null. A mapping's sequence may sit at the key's column.
   */
  private valueBelow(line: number, v: number, column: number, mayBeCompactSequence: boolean): { node: BlockNode; next: number } {
    const following = this.nextContent(line + 1);
    if (following !== -1) {
      const indent = this.indents[following]!;
      const pos = this.starts[following]! + indent;
      if (indent > column) {
        if (!this.isSequenceEntry(pos) && this.keyAt(pos, this.ends[following]!) === null) throw new Outside(pos, 'a scalar on its own line');
        return this.block(following, pos, column);
      }
      if (indent === column && mayBeCompactSequence && this.isSequenceEntry(pos)) return this.sequence(following, pos, true);
    }
    const scalar = new Scalar(null);
    // Comments around an empty value, or the text's end, hang on it in ways the reader does not follow.
    const unsure = following === -1 || v < this.ends[line]! || this.deepestCommentAfter(line + 1) !== -1 || this.commentBefore(line);
    scalar.range = [v, v, unsure ? UNKNOWN_END : v];
    scalar.source = '';
    scalar.type = Scalar.PLAIN;
    return { node: scalar, next: line + 1 };
  }

  /** A value written on its entry's line: a scalar, a flow sequence, or a block scalar's header. */
  private inlineValue(line: number, v: number, column: number): { node: BlockNode; next: number } {
    const lineEnd = this.ends[line]!;
    const c = this.text.charCodeAt(v);
    if (c === 124 || c === 62) return this.blockScalar(line, v, column);
    let node: BlockNode;
    let valueEnd: number;
    if (c === 34 || c === 39) {
      const quoted = this.quoted(v, lineEnd);
      if (quoted === null) throw new Outside(v, 'a quoted scalar not closed on its line');
      const scalar = new Scalar(quoted.value);
      scalar.source = quoted.value;
      scalar.type = c === 34 ? Scalar.QUOTE_DOUBLE : Scalar.QUOTE_SINGLE;
      node = scalar;
      valueEnd = quoted.end;
    } else if (c === 91 || c === 123) {
      const flow = this.flowSequence(v, lineEnd);
      node = flow.node;
      valueEnd = flow.end;
    } else {
      const comment = this.text.slice(v, lineEnd).indexOf(' #');
      let end = comment === -1 ? lineEnd : v + comment;
      while (end > v && this.text.charCodeAt(end - 1) === 32) end--;
      const source = this.text.slice(v, end);
      if (!PLAIN_START.test(source) || source.includes(': ') || source.endsWith(':'))
        throw new Outside(v, 'a plain scalar the reader does not take (indicator, `: ` or a trailing `:`)');
      node = plainScalar(source);
      valueEnd = end;
    }
    this.onlyCommentAfter(valueEnd, lineEnd);
    node.range = [v, valueEnd, this.valueEnd(line, this.afterLine(line), column)];
    const following = this.nextContent(line + 1);
    if (following !== -1 && this.indents[following]! > column) throw new Outside(this.starts[following]!, 'a continuation line');
    return { node, next: line + 1 };
  }

  /** After a value: spaces, then a comment or the line's end. */
  private onlyCommentAfter(pos: number, lineEnd: number): void {
    let i = pos;
    while (i < lineEnd && this.text.charCodeAt(i) === 32) i++;
    if (i === lineEnd) return;
    if (this.text.charCodeAt(i) !== 35 || i === pos) throw new Outside(i, 'text after a value');
  }

  /** A quoted scalar closed on its line: its value and the offset after the closing quote. */
  private quoted(pos: number, lineEnd: number): { value: string; end: number } | null {
    const quote = this.text.charCodeAt(pos);
    if (quote === 39) {
      const rest = this.text.slice(pos, lineEnd);
      for (let i = 1; ; ) {
        const close = rest.indexOf("'", i);
        if (close === -1) return null;
        if (rest.charCodeAt(close + 1) === 39) i = close + 2;
        else return { value: rest.slice(1, close).replaceAll("''", "'"), end: pos + close + 1 };
      }
    }
    let value = '';
    let from = pos + 1;
    for (let i = pos + 1; i < lineEnd; i++) {
      const c = this.text.charCodeAt(i);
      if (c === 34) return { value: value + this.text.slice(from, i), end: i + 1 };
      if (c !== 92) continue;
      const simple = ESCAPES[this.text[i + 1] ?? ''];
      let decoded: string;
      let width = 2;
      if (simple !== undefined) decoded = simple;
      else {
        const digits = HEX_ESCAPE_DIGITS[this.text[i + 1] ?? ''];
        const hex = digits ? this.text.slice(i + 2, i + 2 + digits) : '';
        if (!digits || !/^[0-9a-fA-F]+$/.test(hex) || hex.length !== digits) throw new Outside(i, 'an escape the reader does not take');
        const code = Number.parseInt(hex, 16);
        if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) throw new Outside(i, 'an escape of no character');
        decoded = String.fromCodePoint(code);
        width = 2 + digits;
      }
      value += this.text.slice(from, i) + decoded;
      i += width - 1;
      from = i + 1;
    }
    return null;
  }

  /** `[a, "b", 3]` on one line (or `{}`): scalars only. */
  private flowSequence(pos: number, lineEnd: number): { node: YAMLSeq | YAMLMap; end: number } {
    if (this.text.charCodeAt(pos) === 123) {
      let i = pos + 1;
      while (i < lineEnd && this.text.charCodeAt(i) === 32) i++;
      if (this.text.charCodeAt(i) !== 125) throw new Outside(pos, 'a flow mapping');
      const map = new YAMLMap();
      map.flow = true;
      return { node: map, end: i + 1 };
    }
    const seq = new YAMLSeq();
    seq.flow = true;
    let i = pos + 1;
    for (;;) {
      while (i < lineEnd && this.text.charCodeAt(i) === 32) i++;
      if (i >= lineEnd) throw new Outside(pos, 'a flow sequence not closed on its line');
      const c = this.text.charCodeAt(i);
      if (c === 93 && seq.items.length === 0) return { node: seq, end: i + 1 };
      let item: Scalar;
      let valueEnd: number;
      if (c === 34 || c === 39) {
        const quoted = this.quoted(i, lineEnd);
        if (quoted === null) throw new Outside(i, 'a quoted scalar not closed on its line');
        item = new Scalar(quoted.value);
        item.source = quoted.value;
        item.type = c === 34 ? Scalar.QUOTE_DOUBLE : Scalar.QUOTE_SINGLE;
        valueEnd = quoted.end;
      } else {
        let end = i;
        while (end < lineEnd) {
          const d = this.text.charCodeAt(end);
          if (d === 44 || d === 91 || d === 93 || d === 123 || d === 125) break;
          if (d === 35 && this.text.charCodeAt(end - 1) === 32) throw new Outside(end, 'a comment inside a flow sequence');
          end++;
        }
        let trimmed = end;
        while (trimmed > i && this.text.charCodeAt(trimmed - 1) === 32) trimmed--;
        const source = this.text.slice(i, trimmed);
        if (source === '' || !PLAIN_START.test(source) || source.includes(':')) throw new Outside(i, 'a flow item the reader does not take');
        item = plainScalar(source);
        valueEnd = trimmed;
      }
      let after = valueEnd;
      while (after < lineEnd && this.text.charCodeAt(after) === 32) after++;
      item.range = [i, valueEnd, after];
      seq.items.push(item);
      const d = this.text.charCodeAt(after);
      if (d === 93) return { node: seq, end: after + 1 };
      if (d !== 44) throw new Outside(after, 'a flow sequence the reader does not take');
      i = after + 1;
      // `[a, ]`: a trailing comma, left to the library.
      let peek = i;
      while (peek < lineEnd && this.text.charCodeAt(peek) === 32) peek++;
      if (this.text.charCodeAt(peek) === 93) throw new Outside(peek, 'a trailing comma in a flow sequence');
    }
  }

  /** `|` or `>` with an optional chomping indicator, and the more-indented lines below it. */
  private blockScalar(line: number, v: number, column: number): { node: Scalar; next: number } {
    const lineEnd = this.ends[line]!;
    const folded = this.text.charCodeAt(v) === 62;
    let i = v + 1;
    let chomp: 'clip' | 'strip' | 'keep' = 'clip';
    const indicator = this.text.charCodeAt(i);
    if (indicator === 45 || indicator === 43) {
      chomp = indicator === 45 ? 'strip' : 'keep';
      i++;
    }
    this.onlyCommentAfter(i, lineEnd);
    // The content: every following line more indented than the first non-blank one's parent.
    let indent = -1;
    const texts: string[] = [];
    let lastContentLine = line;
    let trailingBlanks = 0;
    let l = line + 1;
    for (; l < this.starts.length; l++) {
      const start = this.starts[l]!;
      const end = this.ends[l]!;
      let spaces = 0;
      while (start + spaces < end && this.text.charCodeAt(start + spaces) === 32) spaces++;
      if (start + spaces === end) {
        if (indent !== -1 && spaces > indent) throw new Outside(start, 'a blank line holding spaces past the indent');
        trailingBlanks++;
        texts.push('');
        continue;
      }
      if (indent === -1) {
        if (spaces <= column) break;
        if (texts.length > 0) throw new Outside(start, 'blank lines before the first text line of a block scalar');
        indent = spaces;
      } else if (spaces < indent) break;
      if (folded && spaces > indent) throw new Outside(start, 'a more-indented line in a folded scalar');
      texts.push(this.text.slice(start + indent, end));
      trailingBlanks = 0;
      lastContentLine = l;
    }
    if (indent === -1) throw new Outside(v, 'an empty block scalar');
    const lines = texts.slice(0, texts.length - trailingBlanks);
    let value: string;
    if (folded) {
      value = foldBlankRuns(lines);
    } else value = lines.join('\n');
    if (chomp === 'clip') value += '\n';
    else if (chomp === 'keep') value += '\n'.repeat(1 + trailingBlanks);
    const scalar = new Scalar(value);
    scalar.source = value;
    scalar.type = folded ? Scalar.BLOCK_FOLDED : Scalar.BLOCK_LITERAL;
    // Kept trailing blank lines are the scalar's text, and so within its range.
    const lastLine = chomp === 'keep' ? lastContentLine + trailingBlanks : lastContentLine;
    const end = this.afterLine(lastLine);
    scalar.range = [v, end, this.valueEnd(lastLine, end, column)];
    return { node: scalar, next: lastContentLine + 1 };
  }
}

/** Folded lines: a break between two text lines is a space; each blank line between them is a break. */
function foldBlankRuns(lines: string[]): string {
  let value = lines[0] ?? '';
  let blanks = 0;
  for (let k = 1; k < lines.length; k++) {
    const text = lines[k]!;
    if (text === '') {
      blanks++;
      continue;
    }
    value += blanks > 0 ? '\n'.repeat(blanks) + text : ` ${text}`;
    blanks = 0;
  }
  return value;
}

/** A plain scalar resolved by the core schema, as the library resolves it. */
function plainScalar(source: string): Scalar {
  let scalar: Scalar;
  const c = source.charCodeAt(0);
  // Most plain scalars start with a letter that no core tag's pattern allows: strings at once.
  const maybeTagged = !(c >= 97 && c <= 122 && c !== 102 && c !== 110 && c !== 116) && !(c >= 65 && c <= 90 && c !== 70 && c !== 78 && c !== 84);
  if (!maybeTagged) scalar = new Scalar(source);
  else if (NULL.test(source)) scalar = new Scalar(null);
  else if (BOOL.test(source)) scalar = new Scalar(c === 116 || c === 84);
  else if (INT_OCT.test(source)) {
    scalar = new Scalar(Number.parseInt(source.slice(2), 8));
    scalar.format = 'OCT';
  } else if (INT.test(source)) scalar = new Scalar(Number.parseInt(source, 10));
  else if (INT_HEX.test(source)) {
    scalar = new Scalar(Number.parseInt(source.slice(2), 16));
    scalar.format = 'HEX';
  } else if (FLOAT_NAN.test(source)) {
    scalar = new Scalar(source.slice(-3).toLowerCase() === 'nan' ? Number.NaN : source[0] === '-' ? -Infinity : Infinity);
  } else if (FLOAT_EXP.test(source)) {
    scalar = new Scalar(Number.parseFloat(source));
    scalar.format = 'EXP';
  } else if (FLOAT.test(source)) {
    scalar = new Scalar(Number.parseFloat(source));
    const dot = source.indexOf('.');
    if (dot !== -1 && source[source.length - 1] === '0') scalar.minFractionDigits = source.length - dot - 1;
  } else scalar = new Scalar(source);
  scalar.source = source;
  scalar.type = Scalar.PLAIN;
  return scalar;
}

/** Double-quoted escapes with a fixed meaning (YAML 1.2, 5.7); `\x`, `\u`, `\U` take hex digits. */
const ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
};
const HEX_ESCAPE_DIGITS: Record<string, number> = { x: 2, u: 4, U: 8 };
