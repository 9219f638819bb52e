/** Text in the map's markup: every name and path from a registry or a tree is escaped here. */

/** Text or an attribute value in HTML or XML: `&`, `<`, `>`, `"` and `'` as entities. */
export function escapeXml(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * JSON inside `<script type="application/json">`: `<` (so no `</script>` or `<!--` can end or
 * bend the element), `>`, `&` and the two line separators as \u escapes. JSON.parse reads it back as it was.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
