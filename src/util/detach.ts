/**
 * A copy of a string that does not keep the text it was cut from alive.
 *
 * V8 represents a slice of 13 or more characters (`text.slice(a, b)`, a regex match, a YAML
 * scalar's source) as a view into the whole string. An inventory that keeps such slices keeps
 * every file it read: 15,000 files' texts for a scan of 5,000 projects. Shorter slices are
 * copied by V8 already. Concatenating and slicing again makes V8 flatten the string into a new
 * one of its own length.
 */
const SLICE_MIN_LENGTH = 13;

export function detach<T extends string | null>(s: T): T {
  if (s === null || s.length < SLICE_MIN_LENGTH) return s;
  return (' ' + s).slice(1) as T;
}
