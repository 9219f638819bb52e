/**
 * Env templates (`.env`, `.env.example`, …) → entries with exact positions, and the ports in them.
 *
 * The values are exactly what `dotenv.parse` (v18, its default regular-expression parser) returns.
 * dotenv matches one regular expression over the whole text,
 *
 *   ^\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?$
 *
 * with the `m` and `g` flags, after turning `\r\n` and lone `\r` into `\n`. Instead of running that
 * expression (which backtracks, and loses positions), this file walks the text once and makes the
 * same decisions, in the expression's order. What follows from the expression, and what the
 * scanner below reproduces:
 *
 * - `\s` crosses line breaks, so `KEY\n=1` is KEY=1, `KEY:\nB=2` is KEY="B=2", and `KEY=` followed
 *   by a line that starts with a quote takes that quoted text as its value.
 * - The quoted alternatives are tried first. A quote closes at the first unescaped quote of its
 *   kind if only spaces or a `#` comment follow it on its line, else at the last escaped one
 *   (`\'`) before it that passes the same test. With no such quote the value is read unquoted
 *   (`'a' 'b'` → up to the end of the line, where a later step strips the outer quotes: `a' 'b`).
 * - An unquoted value runs to the first `#` or line feed and is trimmed.
 * - The value is trimmed; if it starts and ends with the same quote, the quotes go; if it started
 *   with `"`, `\n` and `\r` become a line feed and a carriage return. Other escapes stay as written
 *   (`"say \"hi\""` → `say \"hi\"`).
 * - JavaScript's `^`, `$` and `.` also treat U+2028 and U+2029 as line breaks, so they start a new
 *   line for keys and comments, though not for an unquoted value (`[^#\r\n]` crosses them).
 */
import type { Finding, Location } from '../findings.js';
import type { ParsedFile, RawPortFact, Span } from './types.js';
import { LineIndex, offsetAfterLines } from '../util/text-position.js';
import { formatLimit, formatSize, LIMITS } from '../limits.js';
import { pushAll } from '../util/arrays.js';
import { findHostPorts, isPortVariable } from './host-port.js';
import { inSlotBlock, slotBlocks } from './env-slot-block.js';

export type EnvQuote = '"' | "'" | '`';

export interface EnvEntry {
  key: string;
  /** The value exactly as `dotenv.parse` gives it. */
  value: string;
  /** 0-based UTF-16 offsets into the text, end exclusive. */
  keySpan: Span;
  /**
   * The value's text as written: inside the quotes if quoted (for a multi-line value, the whole
   * inside), the trimmed text if not. An empty unquoted value is an empty span right after the `=`.
   */
  valueSpan: Span;
  /** The quotes dotenv removed, or null. */
  quote: EnvQuote | null;
  /** Written with `export `. */
  exported: boolean;
}

export interface EnvParseResult extends ParsedFile {
  /** Every assignment, in file order, duplicates included. */
  entries: EnvEntry[];
  /** What `dotenv.parse` returns for the same text (the last duplicate wins). */
  values: Record<string, string>;
}

/**
 * Whether a key names a port: `PORT`, `*_PORT`, or a list in `PORTS` / `*_PORTS`. Any case
 * (`api_port` is as much a port as `API_PORT`); the same rule as a Compose service's environment.
 */
export function isPortKey(key: string): boolean {
  return isPortVariable(key);
}

export function parseEnv(text: string, file: string): EnvParseResult {
  const lines = new LineIndex(text);
  const result: EnvParseResult = { facts: [], findings: [], entries: [], values: {} };
  const locate = (span: Span): Location => ({ file, start: span.start, end: span.end, ...lines.span(span.start, span.end) });
  const report = (ruleId: string, span: Span, message: string, related?: Location[]) => {
    const finding: Finding = { ruleId, severity: 'warning', message, ...locate(span) };
    if (related) finding.related = related;
    result.findings.push(finding);
  };

  // Past the line limit the text is not read: its facts and findings would be the inventory's bulk.
  // Lines as dotenv counts them: a lone \r ends one too (a file of lone \r had no line for the limit).
  const whole = normalizeLineBreaks(text);
  const normalizedCut = offsetAfterLines(whole.normalized, LIMITS.envLines);
  const toSource = whole.toSource;
  const normalized = normalizedCut === -1 ? whole.normalized : whole.normalized.slice(0, normalizedCut);
  const cut = normalizedCut === -1 ? -1 : toSource(normalizedCut);
  const source = (span: Span): Span => ({ start: toSource(span.start), end: toSource(span.end) });
  const firstSet = new Map<string, Span>();
  // A checkout's slot ports (portreg env --write) are machine state: not facts to hold to the registry.
  const blocks = text.includes('portreg:slot-') ? slotBlocks(text) : [];

  scanDotenv(normalized, {
    entry(read) {
      const entry: EnvEntry = {
        key: read.key,
        value: read.value,
        keySpan: source(read.keySpan),
        valueSpan: source(read.valueSpan),
        quote: read.quote,
        exported: read.exported,
      };
      result.entries.push(entry);
      // A plain object assigned in order, like dotenv's: the last duplicate wins, and `__proto__`
      // goes to the prototype setter, which ignores a string, so it is missing from both.
      result.values[entry.key] = entry.value;

      const first = firstSet.get(entry.key);
      if (first === undefined) firstSet.set(entry.key, entry.keySpan);
      else {
        const firstLine = lines.position(first.start).line;
        report('env-duplicate-key', entry.keySpan, `${entry.key} is set again (first on line ${firstLine}); the last value wins`, [
          { ...locate(first), message: `${entry.key} first set here` },
        ]);
      }
      const length = entry.valueSpan.end - entry.valueSpan.start;
      if (inSlotBlock(blocks, entry.keySpan.start)) {
        // machine state: see above
      } else if (length > LIMITS.valueLength) {
        const limit = formatSize(LIMITS.valueLength);
        report('scan-degraded', entry.keySpan, `the value of ${entry.key} is ${formatSize(length)} long, over the ${limit} limit: not searched for ports`);
      } else pushAll(result.facts, portFacts(text, entry, report));
    },
    ignored(span, reason) {
      const where = source(span);
      const line = lines.position(where.start).line;
      report('parse-error', where, `line ${line} is not KEY=VALUE (${reason}), so dotenv ignores it`);
    },
  });
  if (cut !== -1) {
    const limit = formatLimit(LIMITS.envLines);
    report('scan-degraded', { start: cut, end: cut }, `${file} has over ${limit} lines (the limit): lines 1-${limit} read, the rest not`);
  }
  return result;
}

// ---- ports ---------------------------------------------------------------------------------------

type Report = (ruleId: string, span: Span, message: string) => void;

/**
 * A port key's value (`5000`, `5000,5001`, `5000-5010`) gives `env` facts; any value gives `url`
 * facts for the URLs and local host:port pairs in it (see host-port.ts for what counts).
 */
function portFacts(text: string, entry: EnvEntry, report: Report): RawPortFact[] {
  const at = entry.valueSpan.start;
  const raw = text.slice(at, entry.valueSpan.end);
  const facts: RawPortFact[] = [];

  // Offsets into `raw` are offsets into the value only while escapes and line breaks left it alone;
  // a port list has neither.
  const items = isPortKey(entry.key) && raw === entry.value ? portList(raw) : null;
  for (const item of items ?? []) {
    const span = { start: at + item.start, end: at + item.end };
    const written = raw.slice(item.start, item.end);
    const bad = [item.fromText, item.toText].find((digits) => !(Number(digits) >= 1 && Number(digits) <= 65535));
    if (bad !== undefined) report('env-invalid-port', span, `${entry.key}: ${bad} is not a port number (1-65535)`);
    else if (item.to < item.from) report('env-invalid-port', span, `${entry.key}: the range ${written} runs backwards`);
    else facts.push(envFact('env', entry.key, raw, span, item.from, item.to === item.from ? null : item.to, null));
  }

  let authorityEnd = -1;
  for (const hp of findHostPorts(raw)) {
    // findHostPorts can read `scheme://user:1234@db/app` (a URL without a port) as host `user`, port
    // 1234 (its userinfo part is optional and the port only has to be followed by a non-word). Digits
    // that an `@` follows before the authority ends are a password. The hits come in order, so the
    // scan for the end only moves forward.
    if (authorityEnd < hp.end) authorityEnd = hp.end;
    while (authorityEnd < raw.length && !AUTHORITY_END.test(raw[authorityEnd]!)) authorityEnd++;
    if (raw[authorityEnd] === '@') continue;
    facts.push(envFact('url', entry.key, raw, { start: at + hp.start, end: at + hp.end }, hp.port, null, hp.host));
  }
  return facts.length > 1 ? facts.sort((a, b) => a.span.start - b.span.start) : facts;
}

/**
 * One fact of an env value, written as one literal: every env fact gets one hidden class. Spreading
 * a shared base object into each fact was most of this parser's time (5,000 env files: 30 ms).
 */
function envFact(kind: 'env' | 'url', key: string, raw: string, span: Span, published: number, publishedEnd: number | null, host: string | null): RawPortFact {
  return {
    source: 'env',
    kind,
    span,
    composeService: null,
    hostIp: null,
    published,
    publishedEnd,
    target: null,
    targetEnd: null,
    protocol: null,
    variable: key,
    resolved: true,
    raw,
    host,
    context: key,
  };
}

const AUTHORITY_END = /[\s@/?#]/;

interface PortItem {
  from: number;
  to: number;
  /** The digits as written, for messages. */
  fromText: string;
  toText: string;
  /** Offsets in the value of the item's digits (the whole `a-b` for a range). */
  start: number;
  end: number;
}

/** `5000`, `5000,5001` or `5000-5010` (spaces around items allowed); null for anything else. */
function portList(value: string): PortItem[] | null {
  const items: PortItem[] = [];
  let offset = 0;
  for (const part of value.split(',')) {
    const m = /^(\s*)(\d+)(?:-(\d+))?\s*$/.exec(part);
    if (!m) return null;
    const start = offset + m[1]!.length;
    const fromText = m[2]!;
    const toText = m[3] ?? fromText;
    const end = start + fromText.length + (m[3] === undefined ? 0 : toText.length + 1);
    items.push({ from: Number(fromText), to: Number(toText), fromText, toText, start, end });
    offset += part.length + 1;
  }
  return items;
}

// ---- the dotenv scanner --------------------------------------------------------------------------

interface ReadEntry {
  key: string;
  keySpan: Span;
  value: string;
  valueSpan: Span;
  quote: EnvQuote | null;
  exported: boolean;
}

interface ValueRead {
  span: Span;
  quote: EnvQuote | null;
  value: string;
  /** Where the value's line goes on (only spaces or a comment can follow). */
  next: number;
}

interface Assignment {
  keySpan: Span;
  exported: boolean;
  value: ValueRead;
}

interface ScanEvents {
  entry(read: ReadEntry): void;
  /** A line dotenv drops: the span of its text without surrounding spaces, and why. */
  ignored(span: Span, reason: string): void;
}

const LF = 10;
const HASH = 35;
const EQUALS = 61;
const COLON = 58;
const BACKSLASH = 92;

/** JavaScript's `\s` (and `String.prototype.trim`), which dotenv relies on; includes the BOM. */
function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  return (
    c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

/** Where the `m` flag's `^` and `$` see a line break (a `\r` is already gone). */
function isLineBreak(c: number): boolean {
  return c === LF || c === 0x2028 || c === 0x2029;
}

/** `[\w.-]` */
function isKeyChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46 || c === 45;
}

function isQuote(c: number): boolean {
  return c === 34 || c === 39 || c === 96;
}

/**
 * Walks `t` (line breaks already normalized) the way dotenv's expression does, in one pass:
 * every line start is tried as an assignment; a match continues at the line after its value.
 */
function scanDotenv(t: string, events: ScanEvents): void {
  const n = t.length;
  const at = (i: number) => (i < n ? t.charCodeAt(i) : -1);
  const skipSpace = (i: number) => {
    while (i < n && isSpace(t.charCodeAt(i))) i++;
    return i;
  };
  const lineEnd = (i: number) => {
    while (i < n && !isLineBreak(t.charCodeAt(i))) i++;
    return i;
  };
  const nextLine = (i: number) => Math.min(lineEnd(i) + 1, n);
  /** `\s*(?:#.*)?$` can follow: only spaces, then a comment or the end of the line. */
  const onlyCommentFollows = (i: number) => {
    while (i < n && isSpace(t.charCodeAt(i)) && !isLineBreak(t.charCodeAt(i))) i++;
    return i === n || isLineBreak(t.charCodeAt(i)) || t.charCodeAt(i) === HASH;
  };

  /**
   * `'(?:\\'|[^'])*'` then the end of the line: the backtracking tries the first quote not
   * preceded by a backslash, then each escaped quote before it, last first. -1 when none fits.
   */
  const closingQuote = (open: number): number => {
    const quote = t[open]!;
    const escaped: number[] = [];
    let close = t.indexOf(quote, open + 1);
    while (close !== -1 && t.charCodeAt(close - 1) === BACKSLASH) {
      escaped.push(close);
      close = t.indexOf(quote, close + 1);
    }
    if (close !== -1 && onlyCommentFollows(close + 1)) return close;
    for (let k = escaped.length - 1; k >= 0; k--) if (onlyCommentFollows(escaped[k]! + 1)) return escaped[k]!;
    return -1;
  };

  /** The value group, from just after the separator. It always matches (an empty value at worst). */
  const readValue = (from: number): ValueRead => {
    const open = skipSpace(from);
    if (open < n && isQuote(t.charCodeAt(open))) {
      const close = closingQuote(open);
      if (close !== -1) {
        const quote = t[open] as EnvQuote;
        const inner = t.slice(open + 1, close);
        return { span: { start: open + 1, end: close }, quote, value: quote === '"' ? expandEscapes(inner) : inner, next: close + 1 };
      }
    }
    let stop = from;
    while (stop < n && t.charCodeAt(stop) !== HASH && t.charCodeAt(stop) !== LF) stop++;
    let start = from;
    let end = stop;
    while (start < end && isSpace(t.charCodeAt(start))) start++;
    while (end > start && isSpace(t.charCodeAt(end - 1))) end--;
    if (start === end) return { span: { start: from, end: from }, quote: null, value: '', next: stop };
    const written = t.slice(start, end);
    const first = written.charCodeAt(0);
    const wholeQuoted = written.length >= 2 && isQuote(first) && written.charCodeAt(written.length - 1) === first;
    const unquoted = wholeQuoted ? written.slice(1, -1) : stripQuotedLines(written);
    return {
      span: wholeQuoted ? { start: start + 1, end: end - 1 } : { start, end },
      quote: wholeQuoted ? (written[0] as EnvQuote) : null,
      // dotenv looks at the first character of the trimmed text, quoted or not.
      value: first === 34 ? expandEscapes(unquoted) : unquoted,
      next: stop,
    };
  };

  /** Key, separator and value from `k`; null where the expression fails. */
  const readKeyAndValue = (k: number, exported: boolean): Assignment | null => {
    let end = k;
    while (end < n && isKeyChar(t.charCodeAt(end))) end++;
    if (end === k) return null;
    const keySpan = { start: k, end };
    // `\s*=\s*?`: spaces (even line breaks) before the `=`; the lazy spaces after it never need to grow.
    const eq = skipSpace(end);
    if (at(eq) === EQUALS) return { keySpan, exported, value: readValue(eq + 1) };
    // `:\s+?`: the colon touches the key, and exactly one space character (even a line feed) goes.
    if (at(end) === COLON && isSpace(at(end + 1))) return { keySpan, exported, value: readValue(end + 2) };
    return null;
  };

  /** `(?:export\s+)?` is tried first; when the rest then fails, the expression reads `export` as the key. */
  const readAssignment = (s: number): Assignment | null => {
    if (t.startsWith('export', s) && isSpace(at(s + 6))) {
      const read = readKeyAndValue(skipSpace(s + 6), true);
      if (read) return read;
    }
    return readKeyAndValue(s, false);
  };

  /** Why the line at `s` is not an assignment, for the finding. */
  const whyIgnored = (s: number, end: number): string => {
    let k = s;
    if (t.startsWith('export', s) && isSpace(at(s + 6)) && skipSpace(s + 6) < end) k = skipSpace(s + 6);
    let keyEnd = k;
    while (keyEnd < end && isKeyChar(t.charCodeAt(keyEnd))) keyEnd++;
    if (keyEnd === k) return 'it does not start with a key of letters, digits, "_", "." or "-"';
    const key = t.slice(k, keyEnd);
    if (at(keyEnd) === COLON) return `"${key}:" needs a space after the colon`;
    return `no "=" after "${key}"`;
  };

  let pos = 0;
  for (;;) {
    const s = skipSpace(pos);
    if (s >= n) break;
    if (t.charCodeAt(s) === HASH) {
      pos = nextLine(s);
      continue;
    }
    const read = readAssignment(s);
    if (read) {
      const { keySpan, exported, value } = read;
      events.entry({ key: t.slice(keySpan.start, keySpan.end), keySpan, value: value.value, valueSpan: value.span, quote: value.quote, exported });
      pos = nextLine(value.next);
    } else {
      let end = lineEnd(s);
      while (end > s && isSpace(t.charCodeAt(end - 1))) end--;
      events.ignored({ start: s, end }, whyIgnored(s, end));
      pos = nextLine(s);
    }
  }
}

/** dotenv's escapes, in its order: only `\n` and `\r`, only for values that start with `"`. */
function expandEscapes(value: string): string {
  return value.indexOf('\\') === -1 ? value : value.replace(/\\n/g, '\n').replace(/\\r/g, '\r');
}

/**
 * `value.replace(/^(['"`])([\s\S]*)\1$/mg, '$2')` for an unquoted value that is not one quoted
 * whole, without the expression's backtracking. Only U+2028/U+2029 inside the value can make it
 * do anything: each line that starts with a quote loses that quote and the last quote of the
 * same kind that ends a line.
 */
function stripQuotedLines(value: string): string {
  if (!/[\u2028\u2029]/.test(value)) return value;
  const lastCloser = new Map<number, number>();
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (isQuote(c) && (i + 1 === value.length || isLineBreak(value.charCodeAt(i + 1)))) lastCloser.set(c, i);
  }
  let out = '';
  let copied = 0;
  for (let p = 0; p < value.length; p++) {
    if (p > 0 && !isLineBreak(value.charCodeAt(p - 1))) continue;
    const close = lastCloser.get(value.charCodeAt(p)) ?? -1;
    if (close > p) {
      out += value.slice(copied, p) + value.slice(p + 1, close);
      copied = close + 1;
      p = close;
    }
  }
  return out + value.slice(copied);
}

/**
 * dotenv first replaces `\r\n` and lone `\r` with `\n`. The scanner reads that text; `toSource`
 * maps its offsets back to the file's (a line break maps to where it starts, so a value never
 * ends with a `\r`).
 */
function normalizeLineBreaks(text: string): { normalized: string; toSource: (offset: number) => number } {
  if (text.indexOf('\r') === -1) return { normalized: text, toSource: (offset) => offset };
  const normalized = text.replace(/\r\n?/g, '\n');
  const map = new Int32Array(normalized.length + 1);
  let j = 0;
  for (let i = 0; i < normalized.length; i++) {
    map[i] = j;
    j += text.charCodeAt(j) === 13 && text.charCodeAt(j + 1) === LF ? 2 : 1;
  }
  map[normalized.length] = text.length;
  return { normalized, toSource: (offset) => map[offset]! };
}
