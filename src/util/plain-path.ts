/**
 * A relative path written plainly (`projects/api`): no empty, `.` or `..` segment, no backslash,
 * not absolute. Resolved against a folder and taken relative to that same folder, it comes back
 * unchanged, so callers that do this for thousands of registry paths can skip `node:path`.
 */
export function isPlainRelativePath(p: string): boolean {
  return !NOT_PLAIN.test(p);
}

/** A backslash, or a segment that is empty (the whole path, a leading or trailing slash, `//`), `.` or `..`: one test, where a split of each path made garbage. */
const NOT_PLAIN = /\\|(?:^|\/)\.{0,2}(?:\/|$)/;
