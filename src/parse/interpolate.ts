/**
 * Compose variable interpolation, following compose-go's `template` package (v2):
 *
 * - `$$` is a literal `$`; a `$` not followed by `$`, a name or `{` stays as it is (`a $ b`, `$}`).
 * - `$NAME` and `${NAME}`; names are `[_A-Za-z][_A-Za-z0-9]*`.
 * - `${NAME<op>word}` with op one of `:-` `-` `:?` `?` `:+` `+`, which must follow the name directly.
 *   The word runs to the closing brace and is itself a template, expanded only when it is used.
 * - Anything else after `${` is an invalid template, and so is a `${` that is never closed.
 *
 * How the closing brace is found also follows compose-go: its regular expression first takes the
 * word up to the *last* `}` on the line (`.` does not cross a newline), then cuts it at the first
 * balanced `}` counted from the `${` (every `{` opens a level and, as in compose-go, the character
 * right after a `{` is skipped). If the braces never balance, the last `}` on the line closes it.
 */
import { formatLimit, LIMITS } from '../limits.js';

type Span = { start: number; end: number };

export type TemplateOperator = ':-' | '-' | ':?' | '?' | ':+' | '+';

/** Plain text. `value` has `$$` already turned into `$`; `span` covers the text as written. */
export interface LiteralPart {
  kind: 'literal';
  value: string;
  span: Span;
}

/** `$NAME` or `${NAME}` or `${NAME<op>word}`. */
export interface VariablePart {
  kind: 'variable';
  name: string;
  nameSpan: Span;
  /** The whole reference, from `$` to the closing `}` (or the end of the name). */
  span: Span;
  braced: boolean;
  operator: TemplateOperator | null;
  /** The default / alternative / error text after the operator; null when there is no operator. */
  operand: TemplateOperand | null;
}

export interface TemplateOperand {
  /** As written. */
  text: string;
  span: Span;
  /** `text` parsed as a template, with offsets into the original string. */
  parts: TemplatePart[];
}

/**
 * A `${` Compose cannot read. It is an error only when evaluated: compose-go never expands an unused
 * default, so `${SET:-${ }}` is fine as long as SET has a value.
 */
export interface InvalidPart {
  kind: 'invalid';
  /** The `${` that starts the unreadable reference. */
  span: Span;
  /** Set when the template nests `${` past the limit (LIMITS.nestingDepth): not read at all, never a stack overflow. */
  tooDeep?: true;
}

export type TemplatePart = LiteralPart | VariablePart | InvalidPart;

export type TemplateEnv = Record<string, string | undefined>;

export class InterpolationError extends Error {
  constructor(
    message: string,
    /** The template passed to interpolate/resolveTemplate. */
    readonly template: string,
    /** Offset into `template` of the reference at fault. */
    readonly offset: number,
    /** The variable a `:?` / `?` reference required; null for invalid syntax. */
    readonly variable: string | null = null,
  ) {
    super(message);
    this.name = 'InterpolationError';
  }
}

/**
 * Parses a template without evaluating it. Never throws: unreadable `${` show up as `invalid` parts
 * (see InvalidPart). All offsets are 0-based, end-exclusive UTF-16 offsets into `template`.
 */
export function parseTemplate(template: string): TemplatePart[] {
  // Each nested `${` is a level of recursion and a scan to the end of the line: refused past the limit.
  const tooDeep = tooDeepAt(template, LIMITS.nestingDepth);
  if (tooDeep !== -1) return [{ kind: 'invalid', span: { start: tooDeep, end: tooDeep + 2 }, tooDeep: true }];
  return parseRange(template, 0, template.length);
}

/** The offset of the first `${` nested deeper than `max` (counting `{` and `}` as the brace matching does), or -1. */
function tooDeepAt(s: string, max: number): number {
  let depth = 0;
  for (let i = s.indexOf('${'); i !== -1 && i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 36 /* $ */ && s.charCodeAt(i + 1) === 123) {
      if (++depth > max) return i;
      i++;
    } else if (c === 125 /* } */ && depth > 0) depth--;
  }
  return -1;
}

/** The message of an invalid part: Compose's, or the limit's. */
export function invalidMessage(part: InvalidPart, template: string): string {
  if (part.tooDeep) return `a \${...} reference nested deeper than ${formatLimit(LIMITS.nestingDepth)} levels (the limit): not read`;
  return `Invalid template: ${JSON.stringify(template)}`;
}

/**
 * Interpolates like Compose: an unset variable without a default becomes "" (Compose only warns).
 * Throws InterpolationError for invalid templates and for `:?` / `?` on a missing value, with
 * compose-go's messages (`Invalid template: "…"`, `required variable X is missing a value: why`).
 */
export function interpolate(template: string, env: TemplateEnv): string {
  return evaluate(parseTemplate(template), { template, env, missing: [] });
}

/**
 * The result of resolveTemplate.
 * - `value`: what Compose would produce, or null when `resolved` is false.
 * - `resolved`: false when a `$VAR` / `${VAR}` that was actually evaluated is unset (Compose would
 *   silently put "" there), or when interpolation fails (`error` is then set).
 *   An operator makes the reference resolved: `${VAR:-}` and `${VAR:+x}` deliberately give "".
 *   A variable set to "" counts as a value.
 * - `variables`: every variable named anywhere in the template, unused defaults included, in order
 *   of first appearance.
 * - `missing`: the evaluated variables that were unset with no operator, in order of first use.
 * - `error`: the InterpolationError Compose would raise, else null.
 */
export interface TemplateResolution {
  value: string | null;
  resolved: boolean;
  variables: string[];
  missing: string[];
  error: InterpolationError | null;
}

/** Like interpolate, but reports unresolved variables and errors instead of defaulting or throwing. */
export function resolveTemplate(template: string, env: TemplateEnv): TemplateResolution {
  const parts = parseTemplate(template);
  const variables = [...new Set(collectNames(parts))];
  const state: EvalState = { template, env, missing: [] };
  try {
    const value = evaluate(parts, state);
    const missing = [...new Set(state.missing)];
    const resolved = missing.length === 0;
    return { value: resolved ? value : null, resolved, variables, missing, error: null };
  } catch (error) {
    if (!(error instanceof InterpolationError)) throw error;
    return { value: null, resolved: false, variables, missing: [...new Set(state.missing)], error };
  }
}

// ---------------------------------------------------------------------------------------------

function parseRange(s: string, from: number, to: number): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = '';
  let literalStart = from;
  const flush = (end: number): void => {
    if (end > literalStart) {
      parts.push({ kind: 'literal', value: literal, span: { start: literalStart, end } });
    }
    literal = '';
  };

  let i = from;
  while (i < to) {
    const dollar = s.indexOf('$', i);
    if (dollar < 0 || dollar >= to) {
      literal += s.slice(i, to);
      break;
    }
    literal += s.slice(i, dollar);
    const next = dollar + 1 < to ? s[dollar + 1] : undefined;
    if (next === '$') {
      literal += '$';
      i = dollar + 2;
      continue;
    }
    let part: VariablePart | InvalidPart;
    if (next !== undefined && isNameStart(next)) {
      const nameEnd = scanName(s, dollar + 1, to);
      part = {
        kind: 'variable',
        name: s.slice(dollar + 1, nameEnd),
        nameSpan: { start: dollar + 1, end: nameEnd },
        span: { start: dollar, end: nameEnd },
        braced: false,
        operator: null,
        operand: null,
      };
    } else if (next === '{') {
      part = parseBraced(s, dollar, to);
    } else {
      literal += '$'; // compose-go's pattern does not match here, so the `$` is kept
      i = dollar + 1;
      continue;
    }
    flush(dollar);
    parts.push(part);
    i = literalStart = part.span.end;
  }
  flush(to);
  return parts;
}

/** `${...}` starting at `dollar`, within s[..to). */
function parseBraced(s: string, dollar: number, to: number): VariablePart | InvalidPart {
  const invalid: InvalidPart = { kind: 'invalid', span: { start: dollar, end: dollar + 2 } };
  const nameStart = dollar + 2;
  if (nameStart >= to || !isNameStart(s[nameStart]!)) return invalid;
  const nameEnd = scanName(s, nameStart, to);
  const variable = (end: number, operator: TemplateOperator | null, operand: TemplateOperand | null): VariablePart => ({
    kind: 'variable',
    name: s.slice(nameStart, nameEnd),
    nameSpan: { start: nameStart, end: nameEnd },
    span: { start: dollar, end },
    braced: true,
    operator,
    operand,
  });
  if (nameEnd < to && s[nameEnd] === '}') return variable(nameEnd + 1, null, null);

  let opEnd = nameEnd < to && s[nameEnd] === ':' ? nameEnd + 1 : nameEnd;
  if (opEnd >= to || !'-+?'.includes(s[opEnd]!)) return invalid;
  opEnd++;
  const operator = s.slice(nameEnd, opEnd) as TemplateOperator;

  const newline = s.indexOf('\n', opEnd);
  const lineEnd = newline < 0 || newline > to ? to : newline;
  const lastBrace = s.lastIndexOf('}', lineEnd - 1);
  if (lastBrace < opEnd) return invalid; // unterminated
  const close = balancedClose(s, dollar, lastBrace + 1) ?? lastBrace;
  return variable(close + 1, operator, {
    text: s.slice(opEnd, close),
    span: { start: opEnd, end: close },
    parts: parseRange(s, opEnd, close),
  });
}

/** compose-go's getFirstBraceClosingIndex over s[from..end), quirks included. */
function balancedClose(s: string, from: number, end: number): number | null {
  let depth = 0;
  for (let i = from; i < end; i++) {
    if (s[i] === '}') {
      if (--depth === 0) return i;
    } else if (s[i] === '{') {
      depth++;
      i++; // compose-go skips the character after every `{`
    }
  }
  return null;
}

function isNameStart(c: string): boolean {
  return c === '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

function scanName(s: string, start: number, to: number): number {
  let i = start + 1;
  while (i < to && (isNameStart(s[i]!) || (s[i]! >= '0' && s[i]! <= '9'))) i++;
  return i;
}

function collectNames(parts: TemplatePart[]): string[] {
  return parts.flatMap((p) => {
    if (p.kind !== 'variable') return [];
    return p.operand ? [p.name, ...collectNames(p.operand.parts)] : [p.name];
  });
}

type EvalState = { template: string; env: TemplateEnv; missing: string[] };

function evaluate(parts: TemplatePart[], state: EvalState): string {
  let out = '';
  for (const part of parts) {
    if (part.kind === 'literal') out += part.value;
    else if (part.kind === 'variable') out += evaluateVariable(part, state);
    else {
      const { template } = state;
      throw new InterpolationError(invalidMessage(part, template), template, part.span.start);
    }
  }
  return out;
}

function evaluateVariable(part: VariablePart, state: EvalState): string {
  // Own properties only, so a variable named `constructor` is not found on Object.prototype.
  const value = Object.hasOwn(state.env, part.name) ? state.env[part.name] : undefined;
  const isSet = value !== undefined;
  const word = (): string => (part.operand ? evaluate(part.operand.parts, state) : '');
  const required = (): never => {
    const reason = word();
    const message = `required variable ${part.name} is missing a value${reason === '' ? '' : `: ${reason}`}`;
    throw new InterpolationError(message, state.template, part.span.start, part.name);
  };
  switch (part.operator) {
    case null:
      if (!isSet) state.missing.push(part.name);
      return value ?? '';
    case ':-':
      return value ? value : word();
    case '-':
      return isSet ? value : word();
    case ':?':
      return value ? value : required();
    case '?':
      return isSet ? value : required();
    case ':+':
      return value ? word() : '';
    case '+':
      return isSet ? word() : '';
  }
}
