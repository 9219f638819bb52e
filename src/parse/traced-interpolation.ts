/**
 * Compose interpolation that remembers where every character of the result came from,
 * so that a port found in the interpolated text can be pointed at in the source:
 * `"${API_PORT:-5000}:3000"` → the published 5000 stands at the default's digits.
 */
import { InterpolationError, invalidMessage, parseTemplate, type TemplateEnv, type TemplatePart, type VariablePart } from './interpolate.js';

export interface CharOrigin {
  /** Offset of the character in the template, when it was written there literally. */
  offset: number | null;
  /** The outermost variable reference that produced the character, if any. */
  variable: VariablePart | null;
}

export interface TracedValue {
  text: string;
  /** Empty when `verbatim`: then character i came from offset i, with no variable. */
  origins: CharOrigin[];
  /** The template had no `$`: the text is the template itself, and no origins were built. */
  verbatim?: boolean;
  /** Variables evaluated with no value and no operator (Compose would put ""), or required (`:?`, `?`) with none. */
  missing: string[];
}

export function interpolateTraced(template: string, env: TemplateEnv): TracedValue {
  // Without a `$` there is nothing to interpolate (most values): no parse, no per-character origins.
  if (!template.includes('$')) return { text: template, origins: [], missing: [], verbatim: true };
  const out: TracedValue = { text: '', origins: [], missing: [] };
  evaluate(parseTemplate(template), template, env, null, out);
  return out;
}

function evaluate(parts: TemplatePart[], template: string, env: TemplateEnv, outer: VariablePart | null, out: TracedValue): void {
  for (const part of parts) {
    if (part.kind === 'invalid') throw new InterpolationError(invalidMessage(part, template), template, part.span.start);
    if (part.kind === 'literal') {
      // A literal's value may be shorter than its text ($$ → $): map character by character.
      let src = part.span.start;
      for (let i = 0; i < part.value.length; i++) {
        if (part.value[i] === '$' && template[src] === '$' && template[src + 1] === '$') {
          out.origins.push({ offset: src, variable: outer });
          src += 2;
        } else {
          out.origins.push({ offset: src, variable: outer });
          src += 1;
        }
      }
      out.text += part.value;
      continue;
    }
    const variable = outer ?? part;
    const value = Object.hasOwn(env, part.name) ? env[part.name] : undefined;
    const set = value !== undefined;
    const nonEmpty = set && value !== '';
    const useValue = () => {
      out.text += value ?? '';
      for (let i = 0; i < (value ?? '').length; i++) out.origins.push({ offset: null, variable });
    };
    const useOperand = () => evaluate(part.operand!.parts, template, env, variable, out);
    switch (part.operator) {
      case null:
        if (!set) out.missing.push(part.name);
        useValue();
        break;
      case ':-':
        if (nonEmpty) useValue();
        else useOperand();
        break;
      case '-':
        if (set) useValue();
        else useOperand();
        break;
      case ':?':
      case '?':
        if (part.operator === ':?' ? nonEmpty : set) useValue();
        else {
          // Compose refuses to start without it, but a scan reads the files as committed: a variable
          // the user must set (a secret, a .env each checkout makes) has no value here, like ${VAR}
          // unset. Its message is not evaluated (it may itself name unset variables).
          out.missing.push(part.name);
          useValue();
        }
        break;
      case ':+':
        if (nonEmpty) useOperand();
        break;
      case '+':
        if (set) useOperand();
        break;
    }
  }
}

/**
 * Where a piece [start, end) of the interpolated text stands in the template: the literal
 * characters when it was written there, else the default digits of the variable that produced
 * it, else the whole variable reference.
 */
export function traceSpan(
  traced: TracedValue,
  start: number,
  end: number,
): { span: { start: number; end: number }; variable: VariablePart | null; literal: boolean } {
  if (traced.verbatim) {
    // What the general case below gives for origins { offset: i, variable: null }, clamped like slice().
    const length = traced.text.length;
    const s = start < 0 ? Math.max(length + start, 0) : Math.min(start, length);
    const e = end < 0 ? Math.max(length + end, 0) : Math.min(end, length);
    return e > s ? { span: { start: s, end: e }, variable: null, literal: true } : { span: { start: 0, end: 0 }, variable: null, literal: false };
  }
  const origins = traced.origins.slice(start, end);
  const variable = origins.find((o) => o.variable)?.variable ?? null;
  const offsets = origins.map((o) => o.offset);
  const contiguous = offsets.every((o, i) => o !== null && (i === 0 || o === offsets[i - 1]! + 1));
  if (origins.length > 0 && contiguous) {
    return { span: { start: offsets[0]!, end: offsets[offsets.length - 1]! + 1 }, variable, literal: true };
  }
  if (variable) {
    const digits = defaultDigits(variable);
    return { span: digits ?? variable.span, variable, literal: false };
  }
  return { span: { start: 0, end: 0 }, variable: null, literal: false };
}

/** The literal digits of a variable's default (`${API_PORT:-5000}` → 5000), following nested defaults. */
function defaultDigits(part: VariablePart): { start: number; end: number } | null {
  if (!part.operand || (part.operator !== ':-' && part.operator !== '-')) return null;
  for (const p of part.operand.parts) {
    if (p.kind === 'literal') {
      const m = /\d+(?:-\d+)?/.exec(p.value);
      if (m && !p.value.includes('$')) return { start: p.span.start + m.index, end: p.span.start + m.index + m[0].length };
    } else if (p.kind === 'variable') {
      const nested = defaultDigits(p);
      if (nested) return nested;
    }
  }
  return null;
}
