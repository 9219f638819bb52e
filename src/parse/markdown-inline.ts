/**
 * The inline content of a block that markdown-simple.ts reads: text, code spans, inline links,
 * emphasis and strong, as the nodes micromark gives (CommonMark's code-span and delimiter-run rules),
 * or null when the text holds inline syntax this module does not model, so that micromark reads it:
 * raw HTML and autolinks (`<`), entities (`&`), escapes (`\`), images, reference links and stray
 * brackets, pipes (a table may follow), a code span over a line ending, and a `*` or `_` run that
 * could open or close emphasis but ends unmatched (where implementations part ways).
 *
 * Positions are file offsets (line and column 0), as in markdown-simple.ts. Line endings inside a text
 * node are part of it; the blanks before a line ending that starts a text node, and the indentation
 * (or container prefix) after a line ending that a node follows, are in no node: where micromark puts them.
 */
import type { InlineCode, Link, PhrasingContent, Text } from 'mdast';

/** Characters this module leaves to micromark wherever they appear outside code spans. */
const UNMODELLED = /[<&\\|]/;
/**
 * An inline link on one line, `[label](destination)`: a label of plain text, a destination with no
 * blank, no parenthesis, bracket, angle bracket, quote, backtick, backslash or entity (so no title).
 * With no link reference definition in the file (markdown-mask.ts gives up on `]:`), nothing else
 * in brackets is a link.
 */
const LINK = /\[([^[\]`*_<>&\\|!\n]+)\]\(([^\s()<>"'`&\\[\]]*)\)/g;

/** Where one piece of inline content lies, and how its text values drop line prefixes. */
export interface InlineSpan {
  text: string;
  start: number;
  end: number;
  /** Matches a line ending with the blanks (and container prefix) around it; a value has `\n` there. */
  lineBreak: RegExp;
}

interface Atom {
  start: number;
  end: number;
  node: InlineCode | Link;
}

interface Delimiter {
  start: number;
  char: number;
  /** Characters left (micromark's rule of three uses what is left, not the run's first length). */
  size: number;
  /** How many of the run's first characters are used by closings so far (a closer is used from its left). */
  usedLeft: number;
  canOpen: boolean;
  canClose: boolean;
}

interface Span {
  start: number;
  end: number;
  /** Delimiter characters on each side. */
  use: number;
}

const position = (start: number, end: number) => ({ start: { line: 0, column: 0, offset: start }, end: { line: 0, column: 0, offset: end } });

export function inlineNodes(span: InlineSpan): PhrasingContent[] | null {
  const { text, start, end } = span;
  const atoms = codeSpans(text, start, end);
  if (!atoms) return null;
  // Links and the characters left to micromark, outside code spans.
  let at = start;
  for (const piece of [...atoms, { start: end, end }]) {
    const gap = text.slice(at, piece.start);
    for (const m of gap.matchAll(LINK)) {
      const linkStart = at + m.index;
      if (text[linkStart - 1] === '!') return null;
      const labelEnd = linkStart + 1 + m[1]!.length;
      const label: Text = { type: 'text', value: text.slice(linkStart + 1, labelEnd), position: position(linkStart + 1, labelEnd) };
      atoms.push({
        start: linkStart,
        end: linkStart + m[0].length,
        node: { type: 'link', url: m[2]!, title: null, children: [label], position: position(linkStart, linkStart + m[0].length) },
      });
    }
    if (/[[\]]/.test(gap.replace(LINK, '')) || UNMODELLED.test(gap)) return null;
    at = piece.end;
  }
  atoms.sort((a, b) => a.start - b.start);

  const delimiters = delimiterRuns(text, start, end, atoms);
  if (!delimiters) return null;
  const spans = matchEmphasis(delimiters);
  if (!spans) return null;
  return build(span, atoms, spans, start, end);
}

/** Code spans: a backtick run opens one when a run of the same length follows; otherwise it is text. */
function codeSpans(text: string, start: number, end: number): Atom[] | null {
  const runs: { start: number; length: number }[] = [];
  for (let i = text.indexOf('`', start); i !== -1 && i < end; i = text.indexOf('`', i)) {
    let j = i;
    while (j < end && text.charCodeAt(j) === 96) j++;
    runs.push({ start: i, length: j - i });
    i = j;
  }
  // For each run, the next run of the same length: linear over all runs.
  const nextSame = new Array<number>(runs.length).fill(-1);
  const lastOfLength = new Map<number, number>();
  for (let i = runs.length - 1; i >= 0; i--) {
    nextSame[i] = lastOfLength.get(runs[i]!.length) ?? -1;
    lastOfLength.set(runs[i]!.length, i);
  }
  const atoms: Atom[] = [];
  for (let i = 0; i < runs.length; i++) {
    const j = nextSame[i]!;
    if (j === -1) continue;
    const open = runs[i]!;
    const close = runs[j]!;
    const inner = text.slice(open.start + open.length, close.start);
    if (inner.includes('\n') || inner.includes('\r')) return null;
    // One space comes off each end when both have one and the content is not all spaces.
    const value = inner.length > 2 && inner.startsWith(' ') && inner.endsWith(' ') && /[^ ]/.test(inner) ? inner.slice(1, -1) : inner;
    const to = close.start + close.length;
    atoms.push({ start: open.start, end: to, node: { type: 'inlineCode', value, position: position(open.start, to) } });
    i = j;
  }
  return atoms;
}

const WHITESPACE = /\s/;
const PUNCTUATION = /[\p{P}\p{S}]/u;

/** 1: whitespace (or a line's edge), 2: punctuation, 0: other; as micromark classifies characters. */
function classify(text: string, at: number, start: number, end: number): 0 | 1 | 2 {
  if (at < start || at >= end) return 1;
  const c = String.fromCodePoint(text.codePointAt(at)!);
  // A low surrogate: the character is the pair that ends here.
  const ch = c.length === 1 && at > start && /[\uDC00-\uDFFF]/.test(c) ? text.slice(at - 1, at + 1) : c;
  if (WHITESPACE.test(ch)) return 1;
  return PUNCTUATION.test(ch) ? 2 : 0;
}

/** The `*` and `_` runs outside code spans and links, with what each can do (CommonMark's flanking rules). */
function delimiterRuns(text: string, start: number, end: number, atoms: Atom[]): Delimiter[] | null {
  const out: Delimiter[] = [];
  let atom = 0;
  for (let i = start; i < end; i++) {
    while (atom < atoms.length && atoms[atom]!.end <= i) atom++;
    if (atom < atoms.length && atoms[atom]!.start <= i) {
      i = atoms[atom]!.end - 1;
      continue;
    }
    const c = text.charCodeAt(i);
    if (c !== 42 && c !== 95) continue;
    let j = i;
    while (j < end && text.charCodeAt(j) === c) j++;
    const before = classify(text, i - 1, start, end);
    const after = classify(text, j, start, end);
    const open = after === 0 || (after === 2 && before !== 0);
    const close = before === 0 || (before === 2 && after !== 0);
    out.push({
      start: i,
      char: c,
      size: j - i,
      usedLeft: 0,
      canOpen: c === 42 ? open : open && (before !== 0 || !close),
      canClose: c === 42 ? close : close && (after !== 0 || !open),
    });
    i = j - 1;
  }
  return out;
}

/**
 * Emphasis and strong spans, matched as micromark does: each closer, left to right, takes the nearest
 * opener before it of the same character that the rule of three allows (two characters when both have
 * two left, else one); delimiters between the two are then text. Null when a run that could open or
 * close is left with characters: those are the shapes where implementations differ, left to micromark.
 */
function matchEmphasis(delimiters: Delimiter[]): Span[] | null {
  const spans: Span[] = [];
  // The stack of delimiters that may still open, in order.
  const stack: Delimiter[] = [];
  for (const closer of delimiters) {
    while (closer.canClose && closer.size > 0) {
      let found = -1;
      for (let k = stack.length - 1; k >= 0; k--) {
        const opener = stack[k]!;
        if (opener.char !== closer.char) continue;
        const ruleOfThree = (opener.canClose || closer.canOpen) && closer.size % 3 !== 0 && (opener.size + closer.size) % 3 === 0;
        if (!ruleOfThree) {
          found = k;
          break;
        }
      }
      if (found === -1) break;
      const opener = stack[found]!;
      const use = opener.size > 1 && closer.size > 1 ? 2 : 1;
      const openEnd = opener.start + opener.usedLeft + opener.size;
      const closeStart = closer.start + closer.usedLeft;
      spans.push({ start: openEnd - use, end: closeStart + use, use });
      opener.size -= use;
      closer.size -= use;
      closer.usedLeft += use;
      // Delimiters between the two are inside the span: they can no longer pair with anything outside.
      for (const inside of stack.splice(found + 1)) if (inside.size > 0) return null;
      if (opener.size === 0) stack.pop();
    }
    if (closer.size > 0) {
      if (closer.canOpen) stack.push(closer);
      else if (closer.canClose) return null;
    }
  }
  if (stack.some((d) => d.size > 0)) return null;
  return spans;
}

/** The nodes of `[from, to)`: emphasis and strong spans with their children, atoms, and text between. */
function build(span: InlineSpan, atoms: Atom[], spans: Span[], from: number, to: number): PhrasingContent[] {
  // Outermost first: by start, then the longer one.
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  let nextSpan = 0;
  let nextAtom = 0;
  const fill = (start: number, end: number): PhrasingContent[] => {
    const children: PhrasingContent[] = [];
    let at = start;
    while (true) {
      while (nextAtom < atoms.length && atoms[nextAtom]!.start < at) nextAtom++;
      const s = nextSpan < sorted.length && sorted[nextSpan]!.start < end ? sorted[nextSpan]! : null;
      const a = nextAtom < atoms.length && atoms[nextAtom]!.start < end ? atoms[nextAtom]! : null;
      const first = s && (!a || s.start < a.start) ? s : a;
      if (!first) break;
      if (first.start > at) children.push(textBefore(span, at, first.start));
      if (first === s) {
        nextSpan++;
        const inner = fill(s.start + s.use, s.end - s.use);
        children.push({ type: s.use === 2 ? 'strong' : 'emphasis', children: inner, position: position(s.start, s.end) } as PhrasingContent);
        at = s.end;
      } else {
        nextAtom++;
        children.push(a!.node);
        at = a!.end;
      }
    }
    if (end > at) children.push(textNode(span, at, end));
    return children;
  };
  return fill(from, to);
}

/** Text up to a node: a trailing line prefix (after the last line ending) belongs to no node. */
function textBefore(span: InlineSpan, start: number, end: number): Text {
  const nl = span.text.lastIndexOf('\n', end - 1);
  const trimmed = nl >= start && /^[ \t>]*$/.test(span.text.slice(nl + 1, end)) ? nl + 1 : end;
  return textNode(span, start, trimmed);
}

function textNode(span: InlineSpan, from: number, end: number): Text {
  // Blanks before a line ending that a node precedes belong to no node either: the text starts at the line ending.
  const blanks = /^[ \t]+\n/.exec(span.text.slice(from, Math.min(end, from + 64)));
  const start = blanks ? from + blanks[0].length - 1 : from;
  span.lineBreak.lastIndex = 0;
  return { type: 'text', value: span.text.slice(start, end).replace(span.lineBreak, '\n'), position: position(start, end) };
}
