/**
 * Turns 0-based string offsets into 1-based line and column numbers.
 * Lines end at \n (a \r before it belongs to the line ending, not to a column).
 */
export class LineIndex {
  /** Built on the first lookup: most files a scan reads place no finding, and many no port either. */
  private starts: number[] | undefined;

  constructor(readonly text: string) {}

  private get lineStarts(): number[] {
    if (this.starts) return this.starts;
    const starts = [0];
    for (let nl = this.text.indexOf('\n'); nl !== -1; nl = this.text.indexOf('\n', nl + 1)) starts.push(nl + 1);
    return (this.starts = starts);
  }

  /** 1-based line and column of a 0-based offset. */
  position(offset: number): { line: number; column: number } {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= clamped) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: clamped - starts[lo]! + 1 };
  }

  /** A location covering [start, end). */
  span(start: number, end: number): { line: number; column: number; endLine: number; endColumn: number } {
    const s = this.position(start);
    const e = this.position(end);
    return { line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
  }
}

/** The offset where line `count + 1` starts (the text after the first `count` lines), or -1 when the text has no more lines. */
export function offsetAfterLines(text: string, count: number): number {
  let at = 0;
  for (let n = 0; n < count; n++) {
    const nl = text.indexOf('\n', at);
    if (nl === -1) return -1;
    at = nl + 1;
  }
  return at < text.length ? at : -1;
}
