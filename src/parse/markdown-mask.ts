/**
 * Leaves out the top-level blocks of a Markdown file that cannot hold a port, so that only the blocks
 * that matter are read: each kept chunk by markdown-simple.ts when it can, the others by micromark,
 * one after the other (`joinChunks`), with `fileOffset` taking the parser's offsets back to the file's.
 *
 * A file is cut into chunks at a blank line followed by a line that starts in column 1. Outside a
 * fenced code block or an HTML block, such a line closes every open block (lists, quotes, paragraphs,
 * tables, indented code: no lazy continuation after a blank line), so a chunk parses the same alone
 * as in its file; with no link reference definitions in the file, nothing in one chunk refers to
 * another. A chunk that no pattern could match (see worthParsing) is left out: the chunk before it ends with a
 * blank line, so the chunk after it still follows a blank line.
 *
 * Whatever this module cannot follow exactly makes it give up and return null (the whole file is
 * parsed): definitions (`]:`), HTML blocks that run to an end marker across blank lines (`<pre>`,
 * `<script>`, `<style>`, `<textarea>`, `<?`, `<!X`, `<![CDATA[`, and comments not in column 1), a fence
 * indented 1-3 spaces that may be at the top level (not inside the list item that opens its chunk),
 * a fence-like line or an unclosed comment inside an HTML block, a backtick fence whose info string has a backtick, lone
 * CR line endings, a BOM after the start. Other HTML blocks (`<details>`, `<p align>`, a lone tag)
 * end at a blank line, as paragraphs do, so they need nothing.
 */

/**
 * What a chunk must contain to be parsed: text that one of markdown-facts.ts's patterns could match
 * in some node of it, a fence (code blocks go to the compose and env parsers), or an HTML comment
 * (generated-region markers). Each alternative is a pattern of markdown-facts.ts without its look-
 * behind and end guard (at a node's edge those see nothing, so dropping them only widens the test),
 * case-insensitive, over the raw chunk text, in which every node's source is a contiguous substring:
 * a chunk this misses holds no mention. In order: URL, `localhost:`/address (IPv4 ends in a digit,
 * IPv6 in `]`), docker ps arrows, `-p`/`--publish` specs, the commands whose flags carry ports,
 * `*_PORT=`, `port 5000` in prose, and a table header cell naming a port column (Port, Host port,
 * HostPort, Published ports: not `reports` or `imports`) on a line with a pipe or before a delimiter row.
 * Numeric character references (`&#80;`) are the one way a cell's text differs from its source: kept.
 */
// Each test behind a literal that V8 finds fast (one regex of them all tries every alternative at
// every position): the colon-and-digit of URLs, addresses and docker ps arrows; the publish flag;
// the commands; the word "port".
const COLON_DIGIT = /:[1-9]/;
const AFTER_COLON = [/:\/\/[^\s/]*:[1-9]/, /(?:localhost|internal|\d|\]):[1-9]/i, /:[1-9]\d{0,4}(?:-[1-9]\d{0,4})?->/];
const PUBLISH = /(?:-p|--publish)(?:=|[ \t]*)["']?[\d[]/;
/** Searched as plain strings: one regex of them all tries each at every position, several times slower. */
const COMMANDS = ['lsof', 'psql', 'pg_', 'redis-cli', 'valkey-cli', 'mysql', 'mariadb', 'mongo'];
const PORT_WORD = /port/i;
const PORT_VALUE = /port(?:=["']?|[ \t]+)[1-9]/i;
const ALWAYS = ['```', '~~~', '<!--', '&#'];
/** A table header cell's word for a port column (tested line by line, on lines with a pipe). */
const PORT_HEADER_WORD = /(?<![a-z])(?:host|published|public|local)?[^a-z|\n]{0,16}ports?(?![a-z])/i;
/** A table's delimiter row: dashes, colons, pipes and blanks (a table needs no pipe when a colon or pipe says so). */
const DELIMITER_ROW = /^[ \t|:]*-[ \t|:-]*$/;

/** Whether the chunk `text[start, end)` is worth parsing (see worthParsing). Linear: no pattern scans to a line's end. */
function worthParsing(text: string, start: number, end: number): boolean {
  const chunk = text.slice(start, end);
  if (ALWAYS.some((s) => chunk.includes(s))) return true;
  if (COLON_DIGIT.test(chunk) && AFTER_COLON.some((re) => re.test(chunk))) return true;
  if (chunk.includes('-p') && PUBLISH.test(chunk)) return true;
  if (COMMANDS.some((command) => chunk.includes(command))) return true;
  if (!PORT_WORD.test(chunk)) return false;
  if (PORT_VALUE.test(chunk)) return true;
  // A header row naming a port column: the line before a delimiter row, or any line with a pipe.
  const lines = chunk.split('\n');
  // Cheapest test first: the header pattern backtracks at every position of a line.
  return lines.some((line, i) => PORT_WORD.test(line) && (line.includes('|') || DELIMITER_ROW.test(lines[i + 1] ?? '')) && PORT_HEADER_WORD.test(line));
}

const FENCE_OPEN = /^(`{3,}|~{3,})(.*)$/;
const FENCE_CLOSE = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;
const INDENTED_FENCE = /^ {1,3}(?:`{3}|~{3})/;
/** Container markers and indentation before a line's content: a `<` after them may open an HTML block. */
const CONTAINER_PREFIX = /^(?:[ \t>*+-]|\d{1,9}[.)])*/;
const BLANK = /^[ \t]*\r?$/;
/**
 * HTML blocks that run to an end marker, over blank lines (CommonMark's kinds 1-5): `<script>`,
 * `<pre>`, `<style>`, `<textarea>`, comments, `<?`, `<!X`, `<![CDATA[`. The others end at a blank line.
 */
const HTML_TO_END_MARKER = /^<(?:(?:script|pre|style|textarea)(?:[\s>]|$)|!--|\?|![A-Za-z]|!\[CDATA\[)/i;
/** A list item's marker at the start of a line, and the spaces after it (1-4: more is indented code in the item). */
const LIST_MARKER = /^(?:[-+*]|\d{1,9}[.)])( {1,4})(?=\S)/;

const THEMATIC_BREAK = /^(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$/;

/** The content column of a list item that starts `line` in column 1, or null. */
function listItemColumn(line: string): number | null {
  if (THEMATIC_BREAK.test(line)) return null;
  const m = LIST_MARKER.exec(line);
  return m ? m[0].length : null;
}

export interface RelevantBlocks {
  /** The kept chunks, one after the other. */
  source: string;
  /** Where each run of kept chunks lies in the file, in order. */
  segments: Segment[];
}

/** The chunks worth parsing, one after the other, or null when the whole file must be parsed. */
export function relevantBlocks(text: string): RelevantBlocks | null {
  const chunks = relevantChunks(text);
  return chunks && joinChunks(text, chunks);
}

/** `text[start, end)`: a chunk, or the lines before the first chunk. */
export interface Chunk {
  start: number;
  end: number;
}

/** The chunks worth parsing, in file order, or null when the whole file must be parsed. */
export function relevantChunks(text: string): Chunk[] | null {
  if (text.includes(']:') || /\r(?!\n)/.test(text) || text.indexOf('\uFEFF', 1) !== -1) return null;

  let state: { kind: 'normal' } | { kind: 'fence'; char: string; length: number } | { kind: 'comment' } = { kind: 'normal' };
  const chunkStarts: number[] = [];
  let previousBlank = true;
  // Inside an HTML block that ends at the next blank line (or inline HTML at a line's start: the two
  // cannot be told apart here); a fence-like line there may or may not open a fence.
  let inHtml = false;
  // The content column of the list item that opens the current chunk while every line since has
  // stayed inside it: an indented fence there closes, at the latest, with the item at the chunk's end.
  let itemColumn: number | null = null;
  // A fence opened inside a container (a list item, a quote): it ends with its container at the
  // latest, but a chunk cut while it is open would parse differently alone.
  let containedFence: { char: string; length: number } | null = null;
  let lineStart = 0;
  while (lineStart < text.length) {
    const nl = text.indexOf('\n', lineStart);
    const lineEnd = nl === -1 ? text.length : nl;
    const line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
    const blank = BLANK.test(line);

    if (state.kind === 'fence') {
      const close = FENCE_CLOSE.exec(line);
      if (close && close[1]![0] === state.char && close[1]!.length >= state.length) state = { kind: 'normal' };
    } else if (state.kind === 'comment') {
      if (line.includes('-->')) state = { kind: 'normal' };
    } else if (blank) {
      inHtml = false;
    } else {
      const first = line.charCodeAt(0);
      const indent = line.length - line.replace(/^[ \t]+/, '').length;
      const prefixLength = CONTAINER_PREFIX.exec(line)![0].length;
      const content = line.slice(prefixLength);
      if (indent === 0) {
        if (previousBlank) {
          if (containedFence) return null;
          chunkStarts.push(lineStart);
        }
        // Without a blank line before, a line in column 1 ends the container and its fence.
        containedFence = null;
        // An item opening the chunk, or a next item of its list; anything else in column 1 (a lazy
        // line, a new block, an ordered item that is only paragraph text) ends what is followed.
        itemColumn = previousBlank || itemColumn !== null ? listItemColumn(line) : null;
      } else if (itemColumn !== null && (first === 9 || indent < itemColumn)) {
        itemColumn = null;
      }
      const fence = FENCE_OPEN.exec(line);
      if (containedFence) {
        const close = FENCE_CLOSE.exec(content);
        if (close && close[1]![0] === containedFence.char && close[1]!.length >= containedFence.length) containedFence = null;
      } else if (prefixLength > 0) {
        const open = /^(`{3,}|~{3,})/.exec(content);
        if (open) containedFence = { char: open[1]![0]!, length: open[1]!.length };
      }
      if (fence) {
        if (inHtml || (fence[1]![0] === '`' && fence[2]!.includes('`'))) return null;
        state = { kind: 'fence', char: fence[1]![0]!, length: fence[1]!.length };
        itemColumn = null;
      } else if (line.startsWith('<!--')) {
        if (/^<!---?>/.test(line)) return null;
        if (!line.includes('-->', 4)) {
          // Inside an HTML block that ends at a blank line, the line is that block's; after inline HTML
          // in a paragraph, it opens a comment running to `-->`. Not told apart here.
          if (inHtml) return null;
          state = { kind: 'comment' };
        }
      } else if (INDENTED_FENCE.test(line)) {
        if (inHtml || itemColumn === null || indent < itemColumn) return null;
      } else if (content.startsWith('<')) {
        if (HTML_TO_END_MARKER.test(content)) return null;
        inHtml = true;
      }
    }
    previousBlank = blank;
    lineStart = lineEnd + 1;
  }

  const chunks: Chunk[] = [];
  if ((chunkStarts[0] ?? text.length) > 0) chunks.push({ start: 0, end: chunkStarts[0] ?? text.length });
  for (let i = 0; i < chunkStarts.length; i++) {
    const start = chunkStarts[i]!;
    const end = chunkStarts[i + 1] ?? text.length;
    if (worthParsing(text, start, end)) chunks.push({ start, end });
  }
  return chunks;
}

/** The given chunks of `text` (in file order) one after the other, with the map back to the file. */
export function joinChunks(text: string, chunks: readonly Chunk[]): RelevantBlocks {
  const pieces: string[] = [];
  const segments: Segment[] = [];
  let length = 0;
  for (const { start: from, end: to } of chunks) {
    const last = segments.at(-1);
    if (last && last.fileStart + (length - last.start) === from) {
      // Adjacent to the previous kept piece: one segment.
    } else segments.push({ start: length, fileStart: from });
    pieces.push(text.slice(from, to));
    length += to - from;
  }
  return { source: pieces.join(''), segments };
}

/** A run of kept text: `source[start...]` is `text[fileStart...]` up to the next segment. */
interface Segment {
  start: number;
  fileStart: number;
}

/**
 * A `source` offset as a file offset. An offset where one segment ends and the next starts is read as
 * the start of the next one, or, for the end of a node (`end` true), as the end of the previous one.
 */
export function fileOffset(segments: readonly Segment[], offset: number, end: boolean): number {
  let lo = 0;
  let hi = segments.length - 1;
  // The last segment whose start is before the offset (end) or at or before it (start).
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    const s = segments[mid]!.start;
    if (end ? s < offset : s <= offset) lo = mid;
    else hi = mid - 1;
  }
  const seg = segments[lo]!;
  return seg.fileStart + (offset - seg.start);
}
