/**
 * Linear, constant-memory looks at a JSON or YAML text's shape, made before a parser that
 * recurses once per nesting level (jsonc-parser, the yaml library's composer) or holds a node
 * per item sees it: how deep it nests and how many items it has. Estimates that err on the
 * high side, so a text they pass is safe to parse; no policy here (the limits are in limits.ts).
 */

/** The offset of the first `[` or `{` nested deeper than `max` in a JSON (or JSONC) text, or -1. */
export function jsonTooDeepAt(text: string, max: number): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) i++;
        else if (d === 34 || d === 10) break; // an unterminated string ends at its line, as the parser's does
      }
    } else if (c === 47 /* / */ && text.charCodeAt(i + 1) === 47) {
      const nl = text.indexOf('\n', i);
      i = nl === -1 ? text.length : nl;
    } else if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const close = text.indexOf('*/', i + 2);
      i = close === -1 ? text.length : close + 1;
    } else if (c === 91 || c === 123) {
      if (++depth > max) return i;
    } else if (c === 93 || c === 125) {
      if (depth > 0) depth--;
    }
  }
  return -1;
}

export interface YamlShape {
  /** The offset of the first line or bracket past the depth asked about, or -1. */
  tooDeepAt: number;
  /** Lines with content plus flow items (`[`, `{`, `,` outside quotes): at least the nodes a parser makes, about. */
  items: number;
  /** The offset of the first line longer than the length asked about, or -1. */
  longLineAt: number;
}

/**
 * How deep a YAML text nests (block indentation levels, compact `- ` entries, flow brackets)
 * and how many items it has. Block scalars (`|`, `>`) are skipped; quotes and comments are
 * followed well enough for an upper bound. Stops counting at `maxDepth`.
 */
export function yamlShape(text: string, maxDepth: number, maxLineLength: number): YamlShape {
  let items = 0;
  /** Indents of the open block levels, innermost last. */
  const indents: number[] = [];
  let flow = 0;
  /** Inside a quoted scalar that spans lines: its quote character. */
  let quote = 0;
  /** A block scalar's header line indent: deeper lines are its text. */
  let blockScalarIndent = -1;
  let longLineAt = -1;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    if (end - start > maxLineLength && longLineAt === -1) longLineAt = start;
    let i = start;
    while (i < end && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
    const indent = i - start;
    const blank = i === end || text.charCodeAt(i) === 13 || (text.charCodeAt(i) === 35 && quote === 0);
    if (blockScalarIndent >= 0) {
      if (blank || indent > blockScalarIndent) {
        start = end + 1;
        continue;
      }
      blockScalarIndent = -1;
    }
    if (blank) {
      start = end + 1;
      continue;
    }
    items++;
    if (quote === 0 && flow === 0) {
      while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
      indents.push(indent);
      if (indents.length > maxDepth) return { tooDeepAt: i, items, longLineAt };
    }
    let compact = 0;
    /** Where a value may begin: a flow bracket there opens a collection; elsewhere it is text. */
    let valueStart = true;
    let last = 0;
    for (; i < end; i++) {
      const c = text.charCodeAt(i);
      if (quote !== 0) {
        if (c === 92 && quote === 34) i++;
        else if (c === quote) {
          if (quote === 39 && text.charCodeAt(i + 1) === 39) i++;
          else quote = 0;
        }
        continue;
      }
      if (c === 32 || c === 9 || c === 13) continue;
      if (c === 35 /* # */ && (i === start || text.charCodeAt(i - 1) === 32 || text.charCodeAt(i - 1) === 9)) break;
      last = c;
      if ((c === 34 || c === 39) && valueStart) {
        quote = c;
        valueStart = false;
        continue;
      }
      if ((c === 45 || c === 63 || c === 58) && isSpace(text.charCodeAt(i + 1), i + 1 >= end)) {
        // `- `, `? `, `: `: a compact entry or a value follows.
        if (c !== 58 && flow === 0 && ++compact + indents.length > maxDepth) return { tooDeepAt: i, items, longLineAt };
        valueStart = true;
        continue;
      }
      if ((c === 91 || c === 123) && (valueStart || flow > 0)) {
        items++;
        if (++flow + compact + indents.length > maxDepth) return { tooDeepAt: i, items, longLineAt };
        valueStart = true;
        continue;
      }
      if (flow > 0 && (c === 93 || c === 125)) {
        flow--;
        valueStart = false;
        continue;
      }
      if (flow > 0 && c === 44) {
        items++;
        valueStart = true;
        continue;
      }
      valueStart = false;
    }
    // `key: |` or `- >-`: the deeper lines after it are the scalar's text.
    if (
      quote === 0 &&
      flow === 0 &&
      (last === 124 || last === 62 || ((last === 45 || last === 43 || (last >= 49 && last <= 57)) && isBlockHeaderEnd(text, start, i)))
    )
      blockScalarIndent = indent;
    start = end + 1;
  }
  return { tooDeepAt: -1, items, longLineAt };
}

function isSpace(c: number, atEnd: boolean): boolean {
  return atEnd || c === 32 || c === 9 || c === 10 || c === 13;
}

/** A block scalar header with indicators (`|-`, `>+2`) ends the line's content. No regular expression: a line of spaces made one quadratic. */
function isBlockHeaderEnd(text: string, lineStart: number, contentEnd: number): boolean {
  let i = contentEnd - 1;
  while (i >= lineStart && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9 || text.charCodeAt(i) === 13)) i--;
  let indicators = 0;
  while (i >= lineStart && indicators < 2 && /[-+1-9]/.test(text[i]!)) {
    i--;
    indicators++;
  }
  if (indicators === 0 || i < lineStart || (text[i] !== '|' && text[i] !== '>')) return false;
  const before = i > lineStart ? text[i - 1]! : ' ';
  return before === ' ' || before === '\t' || before === ':' || before === '-';
}
