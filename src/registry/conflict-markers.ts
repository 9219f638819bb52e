/**
 * Git's conflict markers in a registry file: a merge or rebase that both sides changed near the
 * same lines leaves `<<<<<<<` / `|||||||` / `=======` / `>>>>>>>` lines in it. Such a file is no
 * JSON, and its syntax errors say nothing useful; what the user needs is "this is a merge
 * conflict, here are the two sides, here is what to do".
 */
export interface ConflictBlock {
  /** 1-based lines of the markers; `base` only in diff3 style (`|||||||`). */
  start: number;
  base: number | null;
  middle: number;
  end: number;
  /** Offsets (UTF-16) of the `<<<<<<<` line, for the finding's place. */
  startOffset: number;
  startEndOffset: number;
}

/** Every complete conflict block of the text, in order; an unpaired marker line is left to the JSON reader. */
export function findConflictBlocks(text: string): ConflictBlock[] {
  const blocks: ConflictBlock[] = [];
  let open: { start: number; startOffset: number; startEndOffset: number; base: number | null; middle: number | null } | null = null;
  let line = 0;
  // A line scan, no regular expression over the whole text: linear in the file's size.
  for (let at = 0; at <= text.length; ) {
    const nl = text.indexOf('\n', at);
    const end = nl === -1 ? text.length : nl;
    line++;
    const marker =
      text.charCodeAt(at) === 0x3c || text.charCodeAt(at) === 0x7c || text.charCodeAt(at) === 0x3d || text.charCodeAt(at) === 0x3e
        ? markerOf(text, at, end)
        : null;
    if (marker === '<') open = { start: line, startOffset: at, startEndOffset: end, base: null, middle: null };
    else if (marker === '|' && open && open.middle === null) open.base = line;
    else if (marker === '=' && open && open.middle === null) open.middle = line;
    else if (marker === '>' && open && open.middle !== null) {
      blocks.push({ start: open.start, base: open.base, middle: open.middle, end: line, startOffset: open.startOffset, startEndOffset: open.startEndOffset });
      open = null;
    }
    if (nl === -1) break;
    at = nl + 1;
  }
  return blocks;
}

/** `<`, `|`, `=` or `>` when the line is a conflict marker (seven of the character, then the end, a space or a CR). */
function markerOf(text: string, start: number, end: number): '<' | '|' | '=' | '>' | null {
  const c = text[start]!;
  if (end - start < 7) return null;
  for (let i = 1; i < 7; i++) if (text[start + i] !== c) return null;
  const next = start + 7 < end ? text[start + 7] : '';
  if (c === '=') return next === '' || next === '\r' ? '=' : null;
  return next === '' || next === ' ' || next === '\r' ? (c as '<' | '|' | '>') : null;
}

const lines = (from: number, to: number) => (to < from ? 'no lines' : from === to ? `line ${from}` : `lines ${from}-${to}`);

export function describeConflict(b: ConflictBlock): string {
  const ours = `ours at ${lines(b.start + 1, (b.base ?? b.middle) - 1)}`;
  const theirs = `theirs at ${lines(b.middle + 1, b.end - 1)}`;
  return `merge conflict (lines ${b.start}-${b.end}: ${ours}, ${theirs}): run "portreg registry resolve" to merge both sides entry by entry (or by hand: keep the entries of both sides, remove the markers, give any port both took to one service only, then "portreg registry check")`;
}
