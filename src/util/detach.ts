/**
 * A copy of a string that does not keep the text it was cut from alive.
 *
 * V8 represents a slice of 13 or more characters (`text.slice(a, b)`, a regex match, a YAML
 * scalar's source) as a view into the whole string. An inventory that keeps such slices keeps
 * every file it read: 15,000 files' texts for a scan of 5,000 projects. Shorter slices are
 * copied by V8 already. `(' ' + s).slice(1)` makes V8 flatten the concatenation into a new
 * string one character longer, of which the result is a view: the file's text is no longer
 * referenced, at the cost of one character and one small object per string kept.
 */
const SLICE_MIN_LENGTH = 13;

export function detach<T extends string | null>(s: T): T {
  if (s === null || s.length < SLICE_MIN_LENGTH) return s;
  return (' ' + s).slice(1) as T;
}
