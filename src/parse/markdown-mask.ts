/**
 * Leaves out the top-level blocks of a Markdown file that cannot hold a port, so that only the blocks
 * that matter are read: each kept chunk by markdown-simple.ts when it can, the others by micromark,
 * one after the other (`joinChunks`), with `fileOffset` taking the parser's offsets back to the file's.
 *
 * A file is cut into chunks at a blank line followed by a line that starts in column 1. Outside a
 * fenced code block or an HTML block, such a line closes every open block (lists, quotes, paragraphs,
 * tables, indented code: no lazy continuation after a blank line), so a chunk parses the same alone
 * as in its file; with no link reference definitions in the file, nothing in one chunk refers to
 * another. A chunk that no pattern could match (see KEEP) is left out: the chunk before it ends with a
 * blank line, so the chunk after it still follows a blank line.
 *
 * Whatever this module cannot follow exactly makes it give up and return null (the whole file is
 * parsed): definitions (`]:`), HTML blocks other than a comment starting in column 1,
 * fences indented 1-3 spaces (top level or inside a list item: cannot tell without parsing), a
 * backtick fence whose info string has a backtick, lone CR line endings, a BOM after the start.
 */

/**
 * What a chunk must contain to be parsed: a port digit after a character that one of the patterns
 * puts before it (`:` of host:port, URL and publish specs, `=` of assignments and `--port=`, a space,
 * quote or `p`/`P` of client flags, table cell decoration and pipes), a fence (code blocks go to the
 * compose and env parsers), or an HTML comment (generated-region markers).
 */
const KEEP = /[\s:="'`*_|pP][1-9]|`{3}|~{3}|<!--/;

const FENCE_OPEN = /^(`{3,}|~{3,})(.*)$/;
const FENCE_CLOSE = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;
const INDENTED_FENCE = /^ {1,3}(?:`{3}|~{3})/;
/** Container markers and indentation before a line's content: a `<` after them may open an HTML block. */
const CONTAINER_PREFIX = /^(?:[ \t>*+-]|\d{1,9}[.)])*/;
const BLANK = /^[ \t]*\r?$/;

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
    } else if (!blank) {
      const first = line.charCodeAt(0);
      if (previousBlank && first !== 32 && first !== 9) chunkStarts.push(lineStart);
      const fence = FENCE_OPEN.exec(line);
      if (fence) {
        if (fence[1]![0] === '`' && fence[2]!.includes('`')) return null;
        state = { kind: 'fence', char: fence[1]![0]!, length: fence[1]!.length };
      } else if (line.startsWith('<!--')) {
        if (/^<!---?>/.test(line)) return null;
        if (!line.includes('-->', 4)) state = { kind: 'comment' };
      } else if (INDENTED_FENCE.test(line) || line.slice(CONTAINER_PREFIX.exec(line)![0].length).startsWith('<')) {
        return null;
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
    if (KEEP.test(text.slice(start, end))) chunks.push({ start, end });
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
