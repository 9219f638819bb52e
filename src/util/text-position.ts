/**
 * Turns 0-based string offsets into 1-based line and column numbers.
 * Lines end at \n (a \r before it belongs to the line ending, not to a column).
 */
export class LineIndex {
  private readonly lineStarts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    }
  }

  /** 1-based line and column of a 0-based offset. */
  position(offset: number): { line: number; column: number } {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= clamped) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: clamped - this.lineStarts[lo]! + 1 };
  }

  /** A location covering [start, end). */
  span(start: number, end: number): { line: number; column: number; endLine: number; endColumn: number } {
    const s = this.position(start);
    const e = this.position(end);
    return { line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
  }
}
