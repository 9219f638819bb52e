/**
 * Appends `items` to `target` one by one: `target.push(...items)` passes every item as an
 * argument, and an input with a few hundred thousand of them (ports, findings) overflows the stack.
 */
export function pushAll<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}

/** The largest value `of` gives an item, or `empty` for none; `Math.max(...list)` overflows on a long list. */
export function maxOf<T>(items: readonly T[], of: (item: T) => number, empty = 0): number {
  let max = items.length === 0 ? empty : Number.NEGATIVE_INFINITY;
  for (const item of items) max = Math.max(max, of(item));
  return max;
}

/**
 * An array that keeps its first `cap` items and counts the rest: the error list a parser fills
 * (jsonc-parser pushes one error per bad character, millions for a line of junk).
 */
export class CappedList<T> extends Array<T> {
  dropped = 0;

  constructor(private readonly cap: number) {
    super();
  }

  /** Arrays made from this one (map, filter) are plain arrays. */
  static override get [Symbol.species]() {
    return Array;
  }

  override push(...items: T[]): number {
    for (const item of items) {
      if (this.length < this.cap) super.push(item);
      else this.dropped++;
    }
    return this.length;
  }
}
