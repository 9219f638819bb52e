/**
 * Inline suppressions, written where the finding is:
 *   # portreg-disable-next-line port-legacy -- kept for the old client      (YAML, env)
 *   <!-- portreg-disable-next-line docs-stale -->                            (Markdown)
 *   // portreg-disable-next-line port-unregistered -- a throwaway mock       (TypeScript, JavaScript)
 *   /* portreg-disable-line port-legacy *\/                                   (TypeScript, JavaScript)
 * `portreg-disable-line` covers the line the comment ends. No rule list means every rule.
 */
export interface Directive {
  file: string;
  /** Where the comment is. */
  line: number;
  column: number;
  /** The line it covers. */
  targetLine: number;
  rules: string[];
  reason: string | null;
}

const DIRECTIVE = /(#|<!--)[ \t]*portreg-disable-(next-line|line)\b([^\n]*)/g;
// In code '#' is a private field or a string's character: only // and /* */ comments count.
const CODE_DIRECTIVE = /(\/\/|\/\*)[ \t]*portreg-disable-(next-line|line)\b([^\n]*)/g;
const CODE_FILE = /\.(?:ts|tsx|mts|cts|js|jsx|mjs|cjs)$/i;

export function findDirectives(text: string, file: string): Directive[] {
  if (!text.includes('portreg-disable')) return [];
  // In Markdown a '#' starts a heading or sits in a code sample: only HTML comments are directives there.
  const markdown = /\.(?:md|markdown)$/i.test(file);
  const out: Directive[] = [];
  const code = CODE_FILE.test(file);
  for (const m of text.matchAll(code ? CODE_DIRECTIVE : DIRECTIVE)) {
    // ...and only a comment that starts its line: one quoted in inline code is prose.
    if (markdown && (m[1] !== '<!--' || !/^[ \t]*$/.test(text.slice(text.lastIndexOf('\n', m.index) + 1, m.index)))) continue;
    const before = text.slice(0, m.index);
    const line = before.split('\n').length;
    const column = m.index - before.lastIndexOf('\n');
    let body = m[3]!.replace(/\r$/, '');
    if (m[1] === '<!--') body = body.replace(/-->.*$/, '');
    if (m[1] === '/*') body = body.replace(/\*\/.*$/, '');
    const [list, ...reasonParts] = body.split(/\s--\s/);
    const reason = reasonParts.join(' -- ').trim() || null;
    const rules = (list ?? '')
      .split(/[\s,]+/)
      .map((r) => r.trim())
      .filter(Boolean);
    out.push({ file, line, column, targetLine: m[2] === 'next-line' ? line + 1 : line, rules, reason });
  }
  return out;
}
