/**
 * From fixes to a plan: each file's edits sorted, identical edits merged (a port in a YAML
 * anchor that several services inherit is one edit), and a fix whose edits overlap one already
 * taken left out whole, to stay an open finding for the next pass.
 */
import type { TextEdit } from '../findings.js';

export interface Fix {
  edits: TextEdit[];
}

export interface Plan {
  /** Accepted edits by file, sorted by start. */
  byFile: Map<string, TextEdit[]>;
  /** How many fixes were taken and how many left for a later pass. */
  taken: number;
  deferred: number;
}

function sameEdit(a: TextEdit, b: TextEdit): boolean {
  return a.file === b.file && a.start === b.start && a.end === b.end && a.text === b.text;
}

/** Two edits collide when their ranges overlap, or both insert at one point with different text. */
function collide(a: TextEdit, b: TextEdit): boolean {
  if (a.file !== b.file || sameEdit(a, b)) return false;
  if (a.start === a.end && b.start === b.end) return a.start === b.start;
  return a.start < b.end && b.start < a.end;
}

export function planFixes(fixes: Fix[]): Plan {
  // Accepted edits by file: a fix is checked against its own files' edits only, so a plan of
  // thousands of files stays linear in the number of files.
  const acceptedIn = new Map<string, TextEdit[]>();
  const accepted = (file: string) => acceptedIn.get(file) ?? [];
  let taken = 0;
  let deferred = 0;
  for (const fix of fixes) {
    if (fix.edits.some((e) => accepted(e.file).some((a) => collide(a, e)))) {
      deferred++;
      continue;
    }
    taken++;
    for (const e of fix.edits) {
      let list = acceptedIn.get(e.file);
      if (!list) acceptedIn.set(e.file, (list = []));
      if (!list.some((a) => sameEdit(a, e))) list.push(e);
    }
  }
  const byFile = new Map<string, TextEdit[]>();
  for (const [file, list] of acceptedIn)
    byFile.set(
      file,
      [...list].sort((a, b) => a.start - b.start || a.end - b.end),
    );
  return { byFile, taken, deferred };
}

/** Applies sorted, non-overlapping edits to a file's bytes, from the end backwards. */
export function applyToBuffer(bytes: Buffer, edits: TextEdit[]): Buffer {
  let out = bytes;
  for (let i = edits.length - 1; i >= 0; i--) {
    const e = edits[i]!;
    out = Buffer.concat([out.subarray(0, e.start), Buffer.from(e.text, 'utf8'), out.subarray(e.end)]);
  }
  return out;
}
