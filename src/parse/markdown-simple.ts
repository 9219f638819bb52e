/**
 * The mdast nodes of a Markdown chunk that is simple enough to read without micromark: paragraphs
 * (hard line breaks included), ATX headings, fenced code blocks, thematic breaks, pipe tables, block
 * quotes and lists of these. micromark is most of a scan's time, yet the chunks of a README that hold
 * ports are nearly always of these shapes.
 *
 * A chunk (see markdown-mask.ts) starts in column 1 after a blank line and parses the same alone as
 * in its file. This module accepts a chunk only when every line is one micromark reads in exactly
 * one way, and returns null otherwise, so that the chunk goes to micromark:
 * - inline content that markdown-inline.ts reads (text, code spans, inline links, emphasis, strong);
 * - no line in a paragraph that could start another block or make it a setext heading (`> - + = | < ~`,
 *   a digit, a table's delimiter row, or 4+ columns of indentation), except the blocks that end it
 *   in column 1 and are read next: a list item, a fence, an ATX heading, a thematic break of `*` or `_`;
 * - a paragraph indented 1-3 spaces, no other indented block start;
 * - fences in column 1 with an info string free of escapes and entities, closed inside the chunk;
 * - tables whose every line starts and ends with `|`, with as many cells in each row as in the
 *   header, header cells of plain text, body cells of inline content;
 * - LF line endings only (a line of a paragraph ending in two spaces is a hard break, as in micromark),
 *   nothing after a blank line but blank lines.
 *
 * The nodes carry file offsets only (line and column are 0): the walk in markdown.ts reads offsets,
 * and scan.ts computes lines and columns itself. The equivalence with micromark is a property test
 * (test/parse/markdown-mask.test.ts) over generated documents and real Markdown files.
 */
import type { Blockquote, Code, Heading, List, ListItem, Paragraph, PhrasingContent, RootContent, Table, TableCell, TableRow, Text } from 'mdast';
import { inlineNodes } from './markdown-inline.js';

/** Characters that may start inline syntax (or, for `|`, a table): a table cell holding one is not simple. */
const INLINE_SYNTAX = /[`*_[\]<&\\|]/;
/** A paragraph line's start that could start another block, or a setext underline. */
const BLOCK_START = /^(?:[#>\-+=|<~]|\d|\*[ \t]|\*$|`{3}|(?:\*[ \t]*){3,}$|(?:_[ \t]*){3,}$)/;
/**
 * Line endings and the blanks around them (and a block quote's `>`), which a text node's value holds as
 * one `\n`. A paragraph line whose content starts with `>` is not simple, so a `>` here is a prefix.
 */
const LINE_BREAK = /[ \t]*\n[ \t]*(?:>[ \t]?)?[ \t]*/g;
/** A list item's marker, the 1-4 spaces after it, and content (more spaces: indented code in the item). */
const LIST_ITEM = /^(?:([-+*])|(\d{1,9})([.)]))( {1,4})(?=[^ \t])/;
/** A line that starts a list inside a paragraph: a bullet item, or an ordered item numbered 1. */
const LIST_INTERRUPT = /^(?:[-+*]|1[.)]) {1,4}[^ \t]/;
const THEMATIC_BREAK = /^(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$/;
const FENCE_OPEN = /^(`{3,}|~{3,})(.*)$/;
const FENCE_CLOSE = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;
const ATX_HEADING = /^(#{1,6})(?:[ \t]+(.*))?$/;
const DELIMITER_CELL = /^[ \t]*:?-+:?[ \t]*$/;
/** A line of dashes, colons, pipes and blanks: a table's delimiter row, even without a pipe. */
const DELIMITER_ROW = /^[ \t|:-]*-[ \t|:-]*$/;
const CODE_CELL = /^`([^`]+)`$/;

/** The chunk `text[start, end)` as mdast nodes, or null when micromark must read it. */
export function simpleBlocks(text: string, start: number, end: number): RootContent[] | null {
  // Looks at the chunk alone: a search to the end of the file per chunk would make a file of many chunks quadratic.
  if (text.slice(start, end).includes('\r')) return null;
  return blocks(text, splitLines(text, start, end));
}

/**
 * The blocks of a run of content lines: a chunk's lines, or a container's with its prefix left out.
 * Blank lines separate blocks; a block starts at the content's first column, but for a paragraph
 * indented 1-3 spaces (other indented starts are shapes this module does not model: indented code,
 * an indented fence, heading or list).
 */
function blocks(text: string, lines: Line[]): RootContent[] | null {
  const nodes: RootContent[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const content = text.slice(line.start, line.end);
    if (isBlank(content)) {
      i++;
      continue;
    }
    if (content[0] === ' ' || content[0] === '\t') {
      // A paragraph may be indented 1-3 spaces (it starts at its first character); any other indented
      // block, and 4 columns (indented code), is left to micromark.
      const rest = content.replace(/^ {1,3}/, '');
      if (rest[0] === ' ' || rest[0] === '\t' || BLOCK_START.test(rest) || listMarker(rest)) return null;
      const taken = paragraph(text, lines, i, content.length - rest.length);
      if (!taken) return null;
      nodes.push(taken.node);
      i += taken.lines;
      continue;
    }

    if (THEMATIC_BREAK.test(content)) {
      nodes.push({ type: 'thematicBreak', position: position(line.start, line.end) });
      i++;
      continue;
    }
    const fence = FENCE_OPEN.exec(content);
    const heading = ATX_HEADING.exec(content);
    let taken: { node: RootContent; lines: number } | null;
    if (fence) taken = fencedCode(text, lines, i, fence[1]!, fence[2]!);
    else if (heading) taken = atxHeading(text, line, heading[1]!.length);
    else if (content[0] === '|') taken = table(text, lines, i);
    else if (content[0] === '>') taken = blockquote(text, lines, i);
    else if (listMarker(content)) taken = list(text, lines, i);
    else taken = paragraph(text, lines, i);
    if (!taken) return null;
    nodes.push(taken.node);
    i += taken.lines;
  }
  return nodes;
}

interface Line {
  /** Offset of the line's first character. */
  start: number;
  /** Offset of its `\n` (or the chunk's end). */
  end: number;
}

function splitLines(text: string, start: number, end: number): Line[] {
  const lines: Line[] = [];
  let at = start;
  while (at < end) {
    const nl = text.indexOf('\n', at);
    const lineEnd = nl === -1 || nl >= end ? end : nl;
    lines.push({ start: at, end: lineEnd });
    at = lineEnd + 1;
  }
  return lines;
}

const isBlank = (s: string) => /^[ \t]*$/.test(s);

function position(start: number, end: number) {
  return { start: { line: 0, column: 0, offset: start }, end: { line: 0, column: 0, offset: end } };
}

function textNode(text: string, start: number, end: number): Text {
  return { type: 'text', value: text.slice(start, end), position: position(start, end) };
}

/** A run of plain lines up to a blank line or the chunk's end. */
function paragraph(text: string, lines: Line[], first: number, indent = 0): { node: Paragraph; lines: number } | null {
  let last = first;
  // Lines ending in two spaces or more: a hard line break, unless the line is the paragraph's last.
  const hardBreaks: number[] = [];
  for (let i = first; i < lines.length; i++) {
    const raw = text.slice(lines[i]!.start, lines[i]!.end);
    if (isBlank(raw)) break;
    // A bullet item, or an ordered one starting at 1, interrupts a paragraph; so do a fence and an ATX
    // heading in column 1 (the next block, read by blocks()).
    // A thematic break of `*` or `_` too (`---` under a paragraph makes it a setext heading instead).
    if (i > first && (LIST_INTERRUPT.test(raw) || FENCE_OPEN.test(raw) || ATX_HEADING.test(raw) || (THEMATIC_BREAK.test(raw) && raw[0] !== '-'))) break;
    const stripped = raw.replace(/^[ \t]+/, '');
    // 4+ columns of indentation continue a paragraph in CommonMark; rare, and not worth modelling.
    if (raw.length - stripped.length > 3 || raw.includes('\t')) return null;
    if (BLOCK_START.test(stripped)) return null;
    // A table's delimiter row (`:--`, no pipe needed) makes the line before it a table's header.
    if (i > first && DELIMITER_ROW.test(raw)) return null;
    if (/ {2}$/.test(raw)) hardBreaks.push(i);
    last = i;
  }
  const start = lines[first]!.start + indent;
  const lastLine = text.slice(lines[last]!.start, lines[last]!.end);
  // The text runs to the last non-blank character; the paragraph to the end of its last line.
  const end = lines[last]!.start + lastLine.replace(/[ \t]+$/, '').length;
  let children = inlineNodes({ text, start, end, lineBreak: LINE_BREAK });
  if (!children) return null;
  const breaks = hardBreaks.filter((i) => i < last).map((i) => hardBreak(text, lines[i]!, lines[i + 1]!));
  if (breaks.length > 0) children = withHardBreaks(text, children, breaks);
  const node: Paragraph = { type: 'paragraph', children, position: position(start, lines[last]!.end) };
  return { node, lines: last - first + 1 };
}

/** A hard line break: from the line's trailing spaces through its line ending; the next line's text starts after its indentation. */
interface HardBreak {
  start: number;
  newline: number;
  next: number;
}

function hardBreak(text: string, line: Line, nextLine: Line): HardBreak {
  const trailing = / +$/.exec(text.slice(line.start, line.end))![0].length;
  const indent = /^ */.exec(text.slice(nextLine.start, nextLine.end))![0].length;
  return { start: line.end - trailing, newline: line.end, next: nextLine.start + indent };
}

/**
 * The inline nodes with each hard break as micromark gives it: the text node that holds its line
 * ending (inline content reads every line ending as a soft one; no other node spans one, since code
 * spans and links over a line ending are left to micromark) is cut there, a `break` node between.
 */
function withHardBreaks(text: string, nodes: PhrasingContent[], breaks: HardBreak[]): PhrasingContent[] {
  const out: PhrasingContent[] = [];
  for (const node of nodes) {
    if (node.type === 'emphasis' || node.type === 'strong') {
      out.push({ ...node, children: withHardBreaks(text, node.children, breaks) });
      continue;
    }
    const from = node.position!.start.offset!;
    const to = node.position!.end.offset!;
    const inside = node.type === 'text' ? breaks.filter((b) => b.newline >= from && b.newline < to) : [];
    if (inside.length === 0) {
      out.push(node);
      continue;
    }
    let at = from;
    for (const b of inside) {
      if (b.start > at) out.push(plainText(text, at, b.start));
      out.push({ type: 'break', position: position(b.start, b.newline + 1) });
      at = b.next;
    }
    if (to > at) out.push(plainText(text, at, to));
  }
  return out;
}

function plainText(text: string, start: number, end: number): Text {
  LINE_BREAK.lastIndex = 0;
  return { type: 'text', value: text.slice(start, end).replace(LINE_BREAK, '\n'), position: position(start, end) };
}

/** `# Title`: one line; a heading holding `#` beyond its opening (a closing sequence) is not simple. */
function atxHeading(text: string, line: Line, depth: number): { node: Heading; lines: number } | null {
  const raw = text.slice(line.start, line.end);
  const contentStart = line.start + depth + (raw.slice(depth).length - raw.slice(depth).replace(/^[ \t]+/, '').length);
  const content = text.slice(contentStart, line.end).replace(/[ \t]+$/, '');
  if (content.includes('#')) return null;
  const children = content === '' ? [] : inlineNodes({ text, start: contentStart, end: contentStart + content.length, lineBreak: LINE_BREAK });
  if (!children) return null;
  return { node: { type: 'heading', depth: depth as Heading['depth'], children, position: position(line.start, line.end) }, lines: 1 };
}

/** A fence in column 1, closed inside the chunk. */
function fencedCode(text: string, lines: Line[], first: number, marker: string, info: string): { node: Code; lines: number } | null {
  if (/[\\&]/.test(info) || (marker[0] === '`' && info.includes('`'))) return null;
  for (let i = first + 1; i < lines.length; i++) {
    const close = FENCE_CLOSE.exec(text.slice(lines[i]!.start, lines[i]!.end));
    if (!close || close[1]![0] !== marker[0] || close[1]!.length < marker.length) continue;
    const words = info.trim().split(/[ \t]+/);
    // The content lines, each without its container prefix (at the top level: the source as it is).
    const value = lines
      .slice(first + 1, i)
      .map((l) => text.slice(l.start, l.end))
      .join('\n');
    const node: Code = {
      type: 'code',
      lang: words[0] || null,
      meta: words.length > 1 ? info.trim().slice(words[0]!.length).trim() : null,
      value,
      position: position(lines[first]!.start, lines[i]!.end),
    };
    return { node, lines: i - first + 1 };
  }
  return null;
}

/** A pipe table: header, delimiter row, then rows, every line between pipes. */
function table(text: string, lines: Line[], first: number): { node: Table; lines: number } | null {
  const header = row(text, lines[first]!, false);
  const delimiter = lines[first + 1] && cellsOf(text, lines[first + 1]!);
  if (!header || !delimiter || delimiter.length !== header.children.length) return null;
  if (!delimiter.every((c) => DELIMITER_CELL.test(text.slice(c.start, c.end)))) return null;
  const rows: TableRow[] = [header];
  let i = first + 2;
  for (; i < lines.length && !isBlank(text.slice(lines[i]!.start, lines[i]!.end)); i++) {
    const r = row(text, lines[i]!, true);
    if (!r || r.children.length !== header.children.length) return null;
    rows.push(r);
  }
  // The table ends with its last row, or with the delimiter row when it has no body.
  const delimiterLine = lines[first + 1]!;
  const end = rows.length > 1 ? rows.at(-1)!.position!.end.offset! : delimiterLine.end;
  return { node: { type: 'table', align: null, children: rows, position: position(lines[first]!.start, end) }, lines: i - first };
}

/** One row's cells; a cell is plain text or (in a body row) inline content: code spans, links, emphasis. */
function row(text: string, line: Line, allowCode: boolean): TableRow | null {
  const cells = cellsOf(text, line);
  if (!cells) return null;
  const children: TableCell[] = [];
  for (const [index, cell] of cells.entries()) {
    const raw = text.slice(cell.start, cell.end);
    // Spaces and tabs only: other white space (a no-break space) is content to micromark.
    const leading = raw.length - raw.replace(/^[ \t]+/, '').length;
    const trimmed = raw.slice(leading).replace(/[ \t]+$/, '');
    const from = cell.start + leading;
    const to = from + trimmed.length;
    let content: PhrasingContent[] = [];
    const code = allowCode ? CODE_CELL.exec(trimmed) : null;
    if (code) {
      const inner = code[1]!;
      if (/^[ \t]*$/.test(inner) || inner.includes('\\')) return null;
      // A code span's value drops one space at each end when both ends have one.
      const value = inner.length > 2 && inner.startsWith(' ') && inner.endsWith(' ') ? inner.slice(1, -1) : inner;
      content = [{ type: 'inlineCode', value, position: position(from, to) }];
    } else if (INLINE_SYNTAX.test(trimmed)) {
      // A body cell's inline content (`local` or `cloud`, a link, emphasis) as a paragraph's; a header's
      // stays plain, since a port column is told by its header's text.
      const inline = allowCode ? inlineNodes({ text, start: from, end: to, lineBreak: LINE_BREAK }) : null;
      if (!inline) return null;
      content = inline;
    } else if (trimmed !== '') content = [textNode(text, from, to)];
    // A cell runs from its opening pipe to just before the next one (the last one to the line's end).
    const cellStart = cell.start - 1;
    const cellEnd = index === cells.length - 1 ? line.end : cell.end;
    children.push({ type: 'tableCell', children: content, position: position(cellStart, cellEnd) });
  }
  return { type: 'tableRow', children, position: position(line.start, line.end) };
}

/** The spans between the pipes of `| a | b |`; null unless the line starts and ends with a pipe. */
function cellsOf(text: string, line: Line): { start: number; end: number }[] | null {
  const raw = text.slice(line.start, line.end).replace(/[ \t]+$/, '');
  if (raw.length < 2 || raw[0] !== '|' || raw.at(-1) !== '|' || raw.includes('\\')) return null;
  const cells: { start: number; end: number }[] = [];
  let from = 1;
  for (let at = raw.indexOf('|', 1); at !== -1; at = raw.indexOf('|', at + 1)) {
    cells.push({ start: line.start + from, end: line.start + at });
    from = at + 1;
  }
  return cells;
}

function listMarker(content: string): RegExpExecArray | null {
  return THEMATIC_BREAK.test(content) ? null : LIST_ITEM.exec(content);
}

/** `> ` lines up to a blank line; every line has the marker (a lazy line is not simple), none a nested quote. */
function blockquote(text: string, lines: Line[], first: number): { node: Blockquote; lines: number } | null {
  const inner: Line[] = [];
  let i = first;
  for (; i < lines.length; i++) {
    const content = text.slice(lines[i]!.start, lines[i]!.end);
    if (isBlank(content)) break;
    if (content[0] !== '>') return null;
    if (content.length > 1 && content[1] !== ' ') return null;
    const start = lines[i]!.start + Math.min(2, content.length);
    if (text[start] === '>') return null;
    inner.push({ start, end: lines[i]!.end });
  }
  // Paragraphs only, with no blank `>` line: what follows those inside a quote is left to micromark.
  if (inner.some((l) => l.start >= l.end)) return null;
  const children = blocks(text, inner);
  if (!children || children.some((c) => c.type !== 'paragraph')) return null;
  const node: Blockquote = { type: 'blockquote', children: children as Blockquote['children'], position: position(lines[first]!.start, lines[i - 1]!.end) };
  return { node, lines: i - first };
}

/**
 * A list: items of one kind (the same bullet, or numbers with the same delimiter), each its marker line
 * and the lines indented to its content column, blank lines between them. A line indented less, or
 * not at all without a blank line before it (a lazy line), is not simple.
 */
function list(text: string, lines: Line[], first: number): { node: List; lines: number } | null {
  const firstMarker = listMarker(text.slice(lines[first]!.start, lines[first]!.end))!;
  const kind = firstMarker[1] ?? firstMarker[3]!;
  const items: ListItem[] = [];
  let spread = false;
  let i = first;
  let end = first;
  while (i < lines.length) {
    const marker = listMarker(text.slice(lines[i]!.start, lines[i]!.end));
    if (!marker || (marker[1] ?? marker[3]) !== kind) break;
    const column = marker[0].length;
    const itemLines: Line[] = [{ start: lines[i]!.start + column, end: lines[i]!.end }];
    let k = i + 1;
    let last = i;
    for (; k < lines.length; k++) {
      const raw = text.slice(lines[k]!.start, lines[k]!.end);
      if (isBlank(raw)) {
        // Blanks past the content column stay content (a blank line of a code block keeps them).
        itemLines.push({ start: Math.min(lines[k]!.start + column, lines[k]!.end), end: lines[k]!.end });
        continue;
      }
      const indent = raw.length - raw.replace(/^ +/, '').length;
      if (indent >= column && raw[indent] !== '\t') {
        itemLines.push({ start: lines[k]!.start + column, end: lines[k]!.end });
        last = k;
        continue;
      }
      // Not a continuation: the next item (a marker in the first column), or the list's end after a blank line.
      const sibling = indent === 0 ? listMarker(raw) : null;
      if (sibling && (sibling[1] ?? sibling[3]) === kind) break;
      if (k > last + 1) break;
      return null;
    }
    const content = blocks(text, itemLines.slice(0, last - i + 1));
    if (!content || content.length === 0) return null;
    const itemSpread = last - i + 1 > content.length && hasBlankBetween(text, itemLines.slice(0, last - i + 1));
    items.push({
      type: 'listItem',
      spread: itemSpread,
      checked: null,
      children: content as ListItem['children'],
      position: position(lines[i]!.start, lines[last]!.end),
    });
    spread ||= itemSpread || (k > last + 1 && k < lines.length && listMarker(text.slice(lines[k]!.start, lines[k]!.end)) !== null);
    end = last;
    // Skip the blank lines to the next item, if one follows.
    i = last + 1;
    while (i < lines.length && isBlank(text.slice(lines[i]!.start, lines[i]!.end))) i++;
    if (i < lines.length && i > last + 1) {
      const next = listMarker(text.slice(lines[i]!.start, lines[i]!.end));
      if (!next || (next[1] ?? next[3]) !== kind) {
        i = last + 1;
        break;
      }
    }
  }
  const node: List = {
    type: 'list',
    ordered: firstMarker[2] !== undefined,
    start: firstMarker[2] !== undefined ? Number(firstMarker[2]) : null,
    spread,
    children: items,
    position: position(lines[first]!.start, lines[end]!.end),
  };
  return { node, lines: end - first + 1 };
}

function hasBlankBetween(text: string, lines: Line[]): boolean {
  return lines.some((l, i) => i > 0 && i < lines.length - 1 && isBlank(text.slice(l.start, l.end)));
}
