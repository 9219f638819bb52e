/**
 * A relative path written plainly (`projects/api`): no empty, `.` or `..` segment, no backslash,
 * not absolute. Resolved against a folder and taken relative to that same folder, it comes back
 * unchanged, so callers that do this for thousands of registry paths can skip `node:path`.
 */
export function isPlainRelativePath(p: string): boolean {
  return p !== '' && !p.includes('\\') && p.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}
