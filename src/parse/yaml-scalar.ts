import { Scalar } from 'yaml';

/**
 * Maps positions in a YAML scalar's value back to offsets in the file, so that a port inside
 * `"127.0.0.1:5000:80"` can be edited in place. Plain and quoted scalars on one line map
 * character by character (escapes and '' are accounted for); a folded or multi-line scalar,
 * whose value no longer matches its text, maps to null.
 */
export function scalarOffsets(source: string, node: Scalar): number[] | null {
  const [start, valueEnd] = node.range ?? [0, 0, 0];
  const written = source.slice(start, valueEnd);
  const value = String(node.source ?? node.value);
  switch (node.type) {
    case Scalar.PLAIN:
      return written === value ? consecutive(start, value.length) : null;
    case Scalar.QUOTE_SINGLE:
      return mapQuoted(written, value, start, (s, i) => (s[i] === "'" && s[i + 1] === "'" ? 2 : 1));
    case Scalar.QUOTE_DOUBLE:
      return mapQuoted(written, value, start, (s, i) => (s[i] === '\\' ? escapeLength(s, i) : 1));
    default:
      return null;
  }
}

function consecutive(start: number, length: number): number[] {
  const offsets = new Array<number>(length);
  for (let i = 0; i < length; i++) offsets[i] = start + i;
  return offsets;
}

/** Walks the text inside the quotes, one value character per step of `width` source characters. */
function mapQuoted(written: string, value: string, start: number, width: (s: string, i: number) => number): number[] | null {
  if (written.includes('\n')) return null;
  const inner = written.slice(1, -1);
  const offsets: number[] = [];
  for (let i = 0; i < inner.length; ) {
    offsets.push(start + 1 + i);
    i += width(inner, i);
  }
  return offsets.length === value.length ? offsets : null;
}

function escapeLength(s: string, i: number): number {
  switch (s[i + 1]) {
    case 'x':
      return 4;
    case 'u':
      return 6;
    case 'U':
      return 10;
    default:
      return 2;
  }
}
