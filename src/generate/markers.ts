/**
 * Generated regions: the text between `<!-- portreg:start -->` and `<!-- portreg:end -->`
 * (Markdown) or `# portreg:start` and `# portreg:end` (env files), each marker alone on its line.
 * Everything outside a region is the user's and is never touched; the marker lines themselves are
 * kept byte for byte (a marker may carry a note after it in an env file).
 *
 * Offsets here are UTF-16 string offsets of the decoded text; callers turn them into bytes.
 */

export type MarkerSyntax = 'markdown' | 'env';

/** A text change in string offsets: replace [start, end) with text. */
export interface StringEdit {
  start: number;
  end: number;
  text: string;
}

export interface Region {
  /** Where the start marker's line begins, and where the end marker's line ends (after its line break, if any). */
  outerStart: number;
  outerEnd: number;
  /** The generated content: from after the start marker's line break to the start of the end marker's line. */
  contentStart: number;
  contentEnd: number;
}

export type RegionLookup = { kind: 'none' } | { kind: 'found'; region: Region } | { kind: 'unclosed'; at: number } | { kind: 'stray-end'; at: number };

const MARKDOWN_MARKER = /^ {0,3}<!--[ \t]*portreg:(start|end)[ \t]*-->[ \t]*$/;
const ENV_MARKER = /^[ \t]*#[ \t]*portreg:(start|end)(?![\w:-])/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/**
 * Follows fenced code blocks line by line, so that markers, headings and tables written inside
 * a code sample are not taken for the real thing. A closing fence is the opening's character,
 * at least as long, with nothing after it.
 */
export class FenceTracker {
  private fence: string | null = null;

  /** True for a fence line or a line inside a fenced block. Call once per line, in order. */
  inCode(line: string): boolean {
    const f = FENCE.exec(line);
    if (this.fence !== null) {
      if (f && f[1]![0] === this.fence[0] && f[1]!.length >= this.fence.length && /^\s*$/.test(line.slice(f[0].length))) this.fence = null;
      return true;
    }
    if (f) {
      this.fence = f[1]!;
      return true;
    }
    return false;
  }
}

export const MARKERS: Record<MarkerSyntax, { start: string; end: string }> = {
  markdown: { start: '<!-- portreg:start -->', end: '<!-- portreg:end -->' },
  env: { start: '# portreg:start', end: '# portreg:end' },
};

interface Line {
  start: number;
  /** End of the content, before the line break. */
  contentEnd: number;
  /** After the line break (= contentEnd on the last line without one). */
  end: number;
  text: string;
}

export function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl + 1;
    const contentEnd = nl === -1 ? text.length : nl > start && text[nl - 1] === '\r' ? nl - 1 : nl;
    lines.push({ start, contentEnd, end, text: text.slice(start, contentEnd) });
    start = end;
  }
  return lines;
}

/** The file's line break: the first one it uses, else \n. */
export function lineBreakOf(text: string): '\n' | '\r\n' {
  const nl = text.indexOf('\n');
  return nl > 0 && text[nl - 1] === '\r' ? '\r\n' : '\n';
}

/**
 * Marker lines in document order. In Markdown, lines inside fenced code blocks are examples, not
 * markers (a README that documents the markers shows them in a code block).
 */
function markerLines(text: string, syntax: MarkerSyntax): { kind: 'start' | 'end'; line: Line }[] {
  const out: { kind: 'start' | 'end'; line: Line }[] = [];
  const fences = new FenceTracker();
  for (const line of splitLines(text)) {
    const body = line.start === 0 ? line.text.replace(/^\uFEFF/, '') : line.text;
    if (syntax === 'markdown' && fences.inCode(body)) continue;
    const m = (syntax === 'markdown' ? MARKDOWN_MARKER : ENV_MARKER).exec(body);
    if (m) out.push({ kind: m[1] as 'start' | 'end', line });
  }
  return out;
}

/** The first region of the file; a start without an end (or an end before any start) is reported, not guessed at. */
export function findRegion(text: string, syntax: MarkerSyntax): RegionLookup {
  const markers = markerLines(text, syntax);
  if (markers.length === 0) return { kind: 'none' };
  const first = markers[0]!;
  if (first.kind === 'end') return { kind: 'stray-end', at: first.line.start };
  const end = markers.find((m, i) => i > 0 && m.kind === 'end');
  if (!end) return { kind: 'unclosed', at: first.line.start };
  return {
    kind: 'found',
    region: { outerStart: first.line.start, outerEnd: end.line.end, contentStart: first.line.end, contentEnd: end.line.start },
  };
}

/** Does the file hold a marker at all (so a generator owns part of it)? */
export function hasMarkers(text: string, syntax: MarkerSyntax): boolean {
  return markerLines(text, syntax).length > 0;
}

/** The lines of a whole region (markers and content), each ending with the file's line break. */
export function regionText(syntax: MarkerSyntax, body: string[], eol: string): string {
  return [MARKERS[syntax].start, ...body, MARKERS[syntax].end].map((l) => l + eol).join('');
}

/** Applies non-overlapping string edits. */
export function applyStringEdits(text: string, edits: StringEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let at = 0;
  for (const e of sorted) {
    out += text.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + text.slice(at);
}

/**
 * Text appended at the end of a file: after a line break if the last line lacks one, after a
 * blank line if the file has content; and a file that did not end with a line break still does not.
 */
export function appendAtEnd(text: string, block: string, eol: string): StringEdit {
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') return { start: text.length, end: text.length, text: block };
  const endsWithBreak = text.endsWith('\n');
  const lastBlank = /(?:^|\n)[ \t]*\r?\n$/.test(text) || /\n[ \t]*\r?\n[ \t]*$/.test(text);
  let insert = (endsWithBreak ? '' : eol) + (lastBlank ? '' : eol) + block;
  if (!endsWithBreak) insert = insert.slice(0, insert.length - eol.length);
  return { start: text.length, end: text.length, text: insert };
}
