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
  // Lines counted from the previous match on: counting from the start at every match was quadratic.
  let line = 1;
  let lineStart = 0;
  let counted = 0;
  for (const m of text.matchAll(code ? CODE_DIRECTIVE : DIRECTIVE)) {
    for (let nl = text.indexOf('\n', counted); nl !== -1 && nl < m.index; nl = text.indexOf('\n', nl + 1)) {
      line++;
      lineStart = nl + 1;
    }
    counted = m.index;
    // ...and only a comment that starts its line: one quoted in inline code is prose.
    if (markdown && (m[1] !== '<!--' || !/^[ \t]*$/.test(text.slice(lineStart, m.index)))) continue;
    const column = m.index - lineStart + 1;
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
