/**
 * Port mentions in Markdown (READMEs, docs), with exact positions.
 *
 * The document is read into mdast nodes so that structure decides where we look: the chunks of the
 * simple shapes by markdown-simple.ts, the rest by micromark (markdown-tree.ts, + GFM tables).
 * Regular expressions only run over the source text of text, inlineCode, code, table-cell and
 * link-destination nodes. HTML (comments included) is never read, nor anything between
 * `<!-- portreg:start -->` and `<!-- portreg:end -->` (regions portreg generates itself).
 *
 * Patterns always run over the RAW source slice of a node (not the node's decoded `value`), so a match
 * index plus the node's start offset is a file offset. Every pattern needs strong context (a known host,
 * a URL scheme, `-p`, `lsof`, a `*_PORT=` key, docker-ps arrows, a Port table column): a bare number or a
 * `name:number` pair (versions, image tags, times, `file.ts:120`) is never a port.
 *
 * Linear time: each pattern is a sequence of single character classes with no nested or overlapping
 * quantifiers, and patterns that could start anywhere inside a long run are anchored by a lookbehind,
 * so a failed attempt costs O(1) or O(length of a run that no other attempt re-reads).
 *
 * YAML and env code blocks are not read here: they go back to the caller in `embedded`, to be parsed with
 * the compose and env parsers.
 */
import type { Code, Nodes, Root, RootContent, Table } from 'mdast';
import type { ParsedFile, RawPortFact, Span } from './types.js';
import { isProtocol, type Protocol } from '../protocol.js';
import { fileOffset, joinChunks, relevantChunks, type Chunk, type RelevantBlocks } from './markdown-mask.js';
import { simpleBlocks } from './markdown-simple.js';
import { pushAll } from '../util/arrays.js';
import { offsetAfterLines } from '../util/text-position.js';
import { formatLimit, formatSize, LIMITS, tooManyPortsMessage } from '../limits.js';
import type { Finding } from '../findings.js';

export interface EmbeddedBlock {
  lang: 'yaml' | 'env';
  /**
   * The block's content, aligned with the file: `text[i]` is the file's character at `offset + i`.
   * It starts at the beginning of the first content line; container prefixes (list indentation,
   * blockquote `>` markers) are blanked to spaces so the lines keep their relative indentation.
   * Without a container (the usual case) this is exactly the file's text.
   */
  text: string;
  /** Offset of text[0] in the file. */
  offset: number;
}

export interface MarkdownParseResult extends ParsedFile {
  embedded: EmbeddedBlock[];
}

export type MentionContext = 'url' | 'host-port' | 'docker-publish' | 'env-assignment' | 'lsof' | 'client' | 'docker-ps' | 'prose-port' | 'table';

/** A Markdown parser with positions (markdown-tree.ts: micromark with GFM tables), for what markdown-simple.ts cannot read. */
export type TreeParser = (source: string) => Root;

const YAML_LANGS = new Set(['yaml', 'yml']);
const ENV_LANGS = new Set(['env', 'dotenv', '.env']);

// Building blocks. PORT has no leading zero (so `:0` and `:080` are not ports); END stops a port that
// goes on as a word, a range or a dotted/colon continuation (`localhost:5000abc`, `:5000-5010`, `:1.2`).
const PORT = String.raw`[1-9]\d{0,4}`;
const END = String.raw`(?![\w-]|[.:]\w)`;
const IPV4 = String.raw`\d{1,3}(?:\.\d{1,3}){3}`;
// Bracketed IPv6; the `:` split point is unambiguous because the first class has no `:`.
const IPV6 = String.raw`\[[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*\]`;
const PROTO = String.raw`(?:\/(?<proto>tcp|udp|sctp))?`;

type Groups = Record<string, string | undefined>;

/** What a pattern adds to a mention besides the port; null rejects the match. */
type Details = Pick<RawPortFact, 'host' | 'hostIp' | 'target' | 'protocol' | 'variable' | 'publishedEnd' | 'targetEnd'>;

interface Pattern {
  context: Exclude<MentionContext, 'table'>;
  /** Flags `gd`; a named group `port` holds the host port, and `range`, when it matched, the whole host range (the fact's span). */
  re: RegExp;
  details(g: Groups): Partial<Details> | null;
  /** Read in prose (text nodes) only: in code, `port 5001` is as often a tool's message as a port. */
  proseOnly?: boolean;
  /** Text that every match contains: a quick test that spares the pattern most text nodes. */
  needs: RegExp;
}

const re = (source: string, flags = '') => new RegExp(source, `gd${flags}`);

/**
 * In priority order: when two patterns find the same port digits (`http://localhost:5000` is also
 * `localhost:5000`), the first one wins.
 */
const PATTERNS: Pattern[] = [
  {
    // `docker run -p 5000:80`, `-p 127.0.0.1:5000:80/udp`, `--publish 5000:80`, `--publish=5000:80`.
    // A lone `-p 5000` publishes a container port on a random host port: not a host port, not matched.
    context: 'docker-publish',
    needs: /-p|--publish/,
    re: re(String.raw`(?<![\w-])(?:-p|--publish)(?:=|[ \t]*)(?<q>["']?)(?:(?<ip>${IPV4}|${IPV6}):)?(?<port>${PORT}):(?<target>${PORT})${PROTO}${END}\k<q>`),
    details: (g) => ({ hostIp: unbracket(g.ip), target: Number(g.target), protocol: protocol(g.proto) }),
  },
  {
    // `docker ps` PORTS column: `0.0.0.0:5000->80/tcp`, `:::5000->80/tcp`, `[::]:5000->80/tcp`, and
    // ranges `0.0.0.0:8081-8082->8081-8082/tcp` (one fact for the host range, so a move rewrites or reports it).
    context: 'docker-ps',
    needs: /->/,
    re: re(
      String.raw`(?<![\w.:\[\]-])(?<ip>${IPV4}|${IPV6}|::):(?<range>(?<port>${PORT})(?:-(?<portEnd>${PORT}))?)->(?<target>${PORT})(?:-(?<targetEnd>${PORT}))?\/(?<proto>tcp|udp|sctp)`,
    ),
    details: (g) => {
      const range = g.portEnd === undefined ? null : { end: Number(g.portEnd), targetEnd: g.targetEnd === undefined ? null : Number(g.targetEnd) };
      // A range that runs backwards or past the last port is not docker's output.
      if (range && (range.end <= Number(g.port) || range.end > 65535)) return null;
      return {
        hostIp: unbracket(g.ip),
        target: Number(g.target),
        protocol: protocol(g.proto),
        publishedEnd: range?.end ?? null,
        targetEnd: range?.targetEnd ?? null,
      };
    },
  },
  {
    // Any scheme and any host, service names included: `http://api:5000/x`, `postgres://u:p@db:5432/app`.
    // The optional userinfo is one class run ending in `@`, so it cannot be confused with host:port.
    context: 'url',
    needs: /:\/\//,
    re: re(String.raw`(?<![\w+.-])[A-Za-z][\w+.-]*:\/\/(?:[^\s\/@]*@)?(?<host>[\w.-]+|\[[0-9A-Fa-f:.]+\]):(?<port>${PORT})${END}`),
    details: (g) => ({ host: unbracket(g.host) }),
  },
  {
    // `lsof -i :5000`, `lsof -ti:5000`, `lsof -nP -iTCP:5000`, `kill $(lsof -ti:5000)`. The `-…i` flag must
    // follow `lsof` on the same command within a bounded window, which keeps repeated `lsof` linear.
    context: 'lsof',
    needs: /lsof/,
    re: re(String.raw`(?<![\w-])lsof\b[^\n|;&]{0,80}?[ \t]-[A-Za-z]{0,8}i[ \t]*(?<proto>[46]?(?:tcp|udp|TCP|UDP))?:(?<port>${PORT})${END}`),
    details: (g) => ({ protocol: g.proto ? protocol(g.proto.replace(/^[46]/, '').toLowerCase()) : null }),
  },
  {
    // Database clients' port flags: `psql -h localhost -p 5032`, `redis-cli -p 6380`, `pg_isready --port=5432`.
    // Only after the client's name on the same command (bounded window, as for lsof): for mysql `-p` is
    // the password, so its port flag is `-P`.
    context: 'client',
    needs: /psql|pg_|redis-cli|valkey-cli/,
    re: re(
      String.raw`(?<![\w-])(?:psql|pg_dump|pg_dumpall|pg_restore|pg_isready|redis-cli|valkey-cli)\b[^\n|;&]{0,80}?[ \t](?:-p[ \t]*|--port(?:=|[ \t]+))(?<port>${PORT})${END}`,
    ),
    details: () => ({}),
  },
  {
    context: 'client',
    needs: /mysql|mariadb|mongo/,
    re: re(
      String.raw`(?<![\w-])(?:mysql|mysqladmin|mysqldump|mariadb|mongosh|mongo)\b[^\n|;&]{0,80}?[ \t](?:-P[ \t]*|--port(?:=|[ \t]+))(?<port>${PORT})${END}`,
    ),
    details: () => ({}),
  },
  {
    // `PORT=5000`, `export API_PORT="5000"`. Only keys named PORT or *_PORT; the lookbehind keeps
    // `server.port=` (Java properties) and mid-identifier starts out.
    context: 'env-assignment',
    needs: /=/,
    re: re(String.raw`(?<![\w$.-])(?<variable>[A-Za-z_][A-Za-z0-9_]*)=(?<q>["']?)(?<port>${PORT})\k<q>${END}`),
    details: (g) => (/(?:^|_)PORT$/i.test(g.variable!) ? { variable: g.variable! } : null),
  },
  {
    // `localhost:5000`, `127.0.0.1:5000`, `0.0.0.0:5000`, `[::1]:5000`, `host.docker.internal:5000`.
    // Only hosts that are addresses: `name:number` in prose is far more often a tag or a line reference.
    context: 'host-port',
    needs: /:/,
    re: re(String.raw`(?<![\w.-])(?<host>localhost|host\.docker\.internal|${IPV4}|${IPV6}):(?<port>${PORT})${END}`, 'i'),
    details: (g) => (isIpv4Like(g.host!) && !validIpv4(g.host!) ? null : { host: unbracket(g.host) }),
  },
  {
    // Prose with port context: "listens on port 8000", "Port 5032 is the database". The word itself is
    // the context (a bare number in prose is not a port); `--port 5000` (a flag), `ports 5000-5099`
    // (a range: plural, and END refuses a `-`) and `port 1.2` (END refuses `.` before a digit) stay out.
    context: 'prose-port',
    needs: /port/i,
    re: re(String.raw`(?<![\w$.-])port[ \t]+(?<port>${PORT})${END}`, 'i'),
    details: () => ({}),
    proseOnly: true,
  },
];

const ANY_PORT_DIGIT = /[1-9]/;

/** A table header that names the host port column: Port, Ports, Host port, Published port(s), Local port. */
const PORT_HEADER = /^(?:host|published|public|local)?ports?$/;
/** A table cell that is only a port, perhaps in backticks or bold, perhaps with a protocol. */
const PORT_CELL = new RegExp(String.raw`^[\s\x60*_]*(?<port>${PORT})${PROTO}[\s\x60*_]*$`, 'd');
const MARKER = /<!--\s*portreg:(start|end)\s*-->/g;

/**
 * The port mentions of a Markdown file. `tree` parses what markdown-simple.ts cannot read; without
 * it, a file that needs it gives null (the caller loads the parser and asks again), so that the
 * ~80 ms of loading micromark are paid only when a README needs more than the simple shapes.
 * `skipBlocks` false parses the whole file: the reference the skipping is tested against.
 */
export function readMarkdown(fileText: string, file: string, tree: TreeParser | null, skipBlocks = true): MarkdownParseResult | null {
  // micromark drops a leading BOM and counts its offsets from after it, which would put every
  // node-positioned fact (table cells, code blocks) one character early. A space in its place
  // keeps offsets 1:1 with the file and changes nothing else (a heading may start with a space).
  const limited = withinLimits(fileText.charCodeAt(0) === 0xfeff ? ' ' + fileText.slice(1) : fileText, file);
  const text = limited.text;
  const tooComplex = complexity(text);
  if (tooComplex) return withFindings(parseAsPlainText(text, file, tooComplex), limited.findings);
  const root = skipBlocks ? parseRelevant(text, tree) : text.length > LIMITS.markdownParsedChars ? TOO_LARGE : tree?.(text);
  if (root === TOO_LARGE) {
    const why = `over ${formatSize(LIMITS.markdownParsedChars)} of Markdown that needs the full parser (the limit)`;
    return withFindings(parseAsPlainText(text, file, why), limited.findings);
  }
  if (!root) return null;

  const candidates: Candidate[] = [];
  const embedded: EmbeddedBlock[] = [];
  const markers: { offset: number; end: number; kind: string }[] = [];

  // Pre-order walk with an explicit stack: deeply nested input must not overflow the call stack.
  const stack: Nodes[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const start = node.position?.start.offset;
    const end = node.position?.end.offset;
    if (start === undefined || end === undefined) continue;

    switch (node.type) {
      case 'html':
        // Raw HTML and comments are never read, except to find the generated-region markers.
        for (const m of text.slice(start, end).matchAll(MARKER)) {
          markers.push({ offset: start + m.index, end: start + m.index + m[0].length, kind: m[1]! });
        }
        continue;
      case 'code': {
        const content = codeContent(text, node);
        if (!content) continue;
        const lang = embeddedLang(node.lang);
        if (lang) embedded.push({ lang, ...content });
        else scan(content.text, content.offset, candidates);
        continue;
      }
      case 'text':
        scan(text.slice(start, end), start, candidates, true);
        continue;
      case 'inlineCode':
        scan(text.slice(start, end), start, candidates);
        continue;
      case 'link': {
        // The destination `](http://localhost:5000 "title")` is not a child node; read what follows the label.
        const from = node.children.at(-1)?.position?.end.offset ?? start;
        scan(text.slice(from, end), from, candidates);
        break;
      }
      case 'image':
      case 'definition':
        // No children: alt text / label and destination are read together.
        scan(text.slice(start, end), start, candidates);
        continue;
      case 'table':
        tableFacts(text, node, candidates);
        break; // the cells' own text is still read by the walk, for `localhost:5000`-style mentions
    }
    if ('children' in node) {
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
    }
  }

  const outside = outsideOf(generatedRegions(markers, text.length));
  return withFindings(
    {
      facts: capped(
        dedupe(candidates).filter((f) => outside(f.span.start)),
        candidates,
        text,
        file,
        limited.findings,
      ),
      findings: [],
      embedded: embedded.filter((b) => outside(b.offset)),
    },
    limited.findings,
  );
}

/** parseRelevant's answer for a file with more Markdown to parse than the limit allows. */
const TOO_LARGE = Symbol('too large');

/** A result with the warnings about the limits put first. */
function withFindings(result: MarkdownParseResult, findings: Finding[]): MarkdownParseResult {
  if (findings.length > 0) result.findings = [...findings, ...result.findings];
  return result;
}

/**
 * The text the parsers get: the lines past LIMITS.markdownLines cut off, lines longer than
 * LIMITS.lineLength blanked to spaces (offsets stay the file's), with a warning for each kind.
 */
function withinLimits(text: string, file: string): { text: string; findings: Finding[] } {
  const findings: Finding[] = [];
  const warn = (line: number, message: string) =>
    findings.push({ ruleId: 'scan-degraded', severity: 'warning', message, file, line, column: 1, endLine: line, endColumn: 1 });
  const cut = offsetAfterLines(text, LIMITS.markdownLines);
  let read = cut === -1 ? text : text.slice(0, cut);
  let long = 0;
  let firstLong = 0;
  let line = 1;
  const parts: string[] = [];
  let kept = 0;
  for (let start = 0; start < read.length; line++) {
    let end = read.indexOf('\n', start);
    if (end === -1) end = read.length;
    if (end - start > LIMITS.lineLength) {
      if (long++ === 0) firstLong = line;
      parts.push(read.slice(kept, start), ' '.repeat(end - start));
      kept = end;
    }
    start = end + 1;
  }
  if (long > 0) {
    parts.push(read.slice(kept));
    read = parts.join('');
    const which = long === 1 ? `line ${firstLong} is` : `${long} lines (the first: line ${firstLong}) are`;
    warn(firstLong, `${which} longer than ${formatSize(LIMITS.lineLength)} (the limit): not read`);
  }
  if (cut !== -1) {
    const limit = formatLimit(LIMITS.markdownLines);
    warn(LIMITS.markdownLines + 1, `${file} has over ${limit} lines (the limit): lines 1-${limit} read, the rest not`);
  }
  return { text: read, findings };
}

/** Candidates gathered before the walk stops: two patterns may find the same digits, so twice the ports kept. */
const CANDIDATE_CAP = LIMITS.portsPerFile * 2;

/** The facts within LIMITS.portsPerFile; past it (or when the walk stopped early), a warning in `findings`. */
function capped(facts: RawPortFact[], candidates: Candidate[], text: string, file: string, findings: Finding[]): RawPortFact[] {
  if (facts.length <= LIMITS.portsPerFile && candidates.length < CANDIDATE_CAP) return facts;
  const kept = facts.slice(0, LIMITS.portsPerFile);
  // The first fact not kept; when the walk stopped gathering before it, the line after the last one kept.
  const next = facts[LIMITS.portsPerFile]?.span.start;
  const line = next !== undefined ? lineOf(text, next) : lineOf(text, kept.at(-1)?.span.end ?? 0) + 1;
  findings.push({ ruleId: 'scan-degraded', severity: 'warning', message: tooManyPortsMessage(file, line), file, line, column: 1, endLine: line, endColumn: 1 });
  return kept;
}

/** Whether an offset lies outside every generated region (sorted, apart): a binary search per fact. */
function outsideOf(regions: Span[]): (offset: number) => boolean {
  return (offset) => {
    let lo = 0;
    let hi = regions.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = regions[mid]!;
      if (offset < r.start) hi = mid - 1;
      else if (offset >= r.end) lo = mid + 1;
      else return false;
    }
    return true;
  };
}

/**
 * The tree of the chunks that could hold a port: simple chunks read directly (markdown-simple.ts),
 * the others parsed together by micromark, their offsets taken back to the file's. Children are in
 * file order, as in a whole-file tree. The whole file is parsed when the chunks cannot be told apart.
 */
function parseRelevant(text: string, tree: TreeParser | null): Root | null | typeof TOO_LARGE {
  const chunks = relevantChunks(text);
  if (!chunks) {
    if (text.length > LIMITS.markdownParsedChars) return TOO_LARGE;
    return tree ? tree(text) : null;
  }
  const read: RootContent[] = [];
  const rest: Chunk[] = [];
  for (const chunk of chunks) {
    const nodes = simpleBlocks(text, chunk.start, chunk.end);
    if (nodes) pushAll(read, nodes);
    else rest.push(chunk);
  }
  // The walk reads only offsets (lines and columns come from scan.ts).
  const position = { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: text.length } };
  if (rest.length === 0) return { type: 'root', children: read, position };
  const blocks = joinChunks(text, rest);
  if (blocks.source.length > LIMITS.markdownParsedChars) return TOO_LARGE;
  if (!tree) return null;
  const parsed = tree(blocks.source);
  toFileOffsets(parsed, blocks.segments);
  if (read.length === 0) return parsed;
  const children = [...read, ...parsed.children].sort((a, b) => a.position!.start.offset! - b.position!.start.offset!);
  return { type: 'root', children, position };
}

/** Moves the offsets of a tree parsed from the relevant blocks alone to the file's (lines and columns are not used). */
function toFileOffsets(tree: Nodes, segments: RelevantBlocks['segments']): void {
  if (segments.length === 0) return;
  const stack: Nodes[] = 'children' in tree ? [...tree.children] : [];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const p = node.position;
    if (p) {
      node.position = {
        start: { ...p.start, offset: fileOffset(segments, p.start.offset!, false) },
        end: { ...p.end, offset: fileOffset(segments, p.end.offset!, true) },
      };
    }
    if ('children' in node) pushAll(stack, node.children);
  }
}

/**
 * micromark's time grows faster than the input on some shapes: emphasis and link delimiters in
 * one paragraph (`*a` repeated), deeply nested lists or quotes, thousands of setext headings.
 * No real README comes near these limits; a file past one is read as plain text, with a
 * warning, so a scan never stalls on it. The checks are one linear pass.
 */
const COMPLEXITY = LIMITS.markdown;

/** The characters that open or close emphasis, links, code spans and HTML. */
const DELIMITER = /[*_[\]`<]/g;
/** A line start that may nest (blanks, `>`, list markers) or underline a heading (`=`, `-`): the only lines examined. */
const NESTING_LINE_START = /\n[ \t>*+\-=\d]/g;

export function complexity(text: string): string | null {
  // Native searches, not a loop over every character: this runs cold on each README once.
  let delimiters = 0;
  DELIMITER.lastIndex = 0;
  while (DELIMITER.test(text)) {
    if (++delimiters > COMPLEXITY.delimiters) return `over ${COMPLEXITY.delimiters} emphasis and link delimiters (* _ [ ] \` <)`;
  }
  const setext = { count: 0 };
  const first = lineComplexity(text, 0, setext);
  if (first) return first;
  NESTING_LINE_START.lastIndex = 0;
  for (let m = NESTING_LINE_START.exec(text); m; m = NESTING_LINE_START.exec(text)) {
    const found = lineComplexity(text, m.index + 1, setext);
    if (found) return found;
  }
  return null;
}

/** What makes the line at `start` too complex, if anything; counts heading underlines in `setext`. */
function lineComplexity(text: string, start: number, setext: { count: number }): string | null {
  let end = text.indexOf('\n', start);
  if (end === -1) end = text.length;
  let i = start;
  let indent = 0;
  let markers = 0;
  // Leading whitespace, quote markers and list markers: how deep the line nests.
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 32) indent++;
    else if (c === 9) indent += 4;
    else if (c === 62 /* > */ || ((c === 45 || c === 43 || c === 42) && text.charCodeAt(i + 1) === 32)) markers++;
    else if (c >= 48 && c <= 57) {
      let j = i;
      while (j < end && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
      if ((text[j] === '.' || text[j] === ')') && text.charCodeAt(j + 1) === 32) {
        markers++;
        i = j;
      } else break;
    } else break;
  }
  // A line of spaces alone is blank, however many (a line too long to read is blanked so).
  const blank = markers === 0 && (i === end || (i === end - 1 && text.charCodeAt(i) === 13));
  if (markers > COMPLEXITY.nesting) return `a line nested over ${COMPLEXITY.nesting} lists or quotes deep (line ${lineOf(text, start)})`;
  if (indent > COMPLEXITY.indentation && !blank) return `a line indented over ${COMPLEXITY.indentation} columns (line ${lineOf(text, start)})`;
  // An underline starts with = or -: only such lines are sliced and matched.
  const first = text.charCodeAt(i);
  if (i < end && (first === 61 || first === 45) && /^[=-]+[ \t\r]*$/.test(text.slice(i, end)) && ++setext.count > COMPLEXITY.setextLines)
    return `over ${COMPLEXITY.setextLines} heading underlines`;
  return null;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function parseAsPlainText(text: string, file: string, why: string): MarkdownParseResult {
  const candidates: Candidate[] = [];
  scan(text, 0, candidates);
  const markers = [...text.matchAll(MARKER)].map((m) => ({ offset: m.index, end: m.index + m[0].length, kind: m[1]! }));
  const outside = outsideOf(generatedRegions(markers, text.length));
  const findings: Finding[] = [];
  const facts = capped(
    dedupe(candidates).filter((f) => outside(f.span.start)),
    candidates,
    text,
    file,
    findings,
  );
  return {
    facts,
    findings: [
      ...findings,
      {
        ruleId: 'scan-degraded',
        severity: 'warning',
        message: `${file} has ${why}: read as plain text, so tables and code blocks are not recognised`,
        file,
        line: 1,
        column: 1,
        endLine: 1,
        endColumn: 1,
      },
    ],
    embedded: [],
  };
}

/** A fact and the rank of the pattern that found it (lower wins when two find the same digits). */
interface Candidate {
  fact: RawPortFact;
  rank: number;
}

/** Runs every pattern over `source`, which stands at `base` in the file. */
function scan(source: string, base: number, out: Candidate[], prose = false): void {
  // Every pattern ends in a port, whose first digit is 1-9. Past the cap, nothing more is gathered (capped() says so).
  if (out.length >= CANDIDATE_CAP || !ANY_PORT_DIGIT.test(source)) return;
  for (const [rank, pattern] of PATTERNS.entries()) {
    if ((pattern.proseOnly && !prose) || !pattern.needs.test(source)) continue;
    pattern.re.lastIndex = 0;
    for (let m = pattern.re.exec(source); m; m = pattern.re.exec(source)) {
      const groups = m.groups!;
      const details = pattern.details(groups);
      const published = Number(groups.port);
      if (!details || published > 65535) continue;
      if (out.length >= CANDIDATE_CAP) return;
      const [s, e] = (m.indices!.groups!.range ?? m.indices!.groups!.port)!;
      out.push({ fact: mention(pattern.context, { start: base + s, end: base + e }, published, m[0], details), rank });
    }
  }
}

/** One fact per port occurrence, in file order: the highest-priority pattern that found those digits wins. */
function dedupe(candidates: Candidate[]): RawPortFact[] {
  const byStart = new Map<number, Candidate>();
  for (const c of candidates) {
    const seen = byStart.get(c.fact.span.start);
    if (!seen || c.rank < seen.rank) byStart.set(c.fact.span.start, c);
  }
  return [...byStart.values()].map((c) => c.fact).sort((a, b) => a.span.start - b.span.start);
}

function mention(context: MentionContext, span: Span, published: number, raw: string, details: Partial<Details>): RawPortFact {
  return {
    source: 'markdown',
    kind: 'mention',
    span,
    composeService: null,
    hostIp: details.hostIp ?? null,
    published,
    publishedEnd: details.publishedEnd ?? null,
    target: details.target ?? null,
    targetEnd: details.targetEnd ?? null,
    protocol: details.protocol ?? null,
    variable: details.variable ?? null,
    resolved: true,
    raw,
    host: details.host ?? null,
    context,
  };
}

/**
 * Port cells of a GFM table: columns whose header reads Port / Ports / Host port (any case, any
 * spacing or punctuation), in rows after the header, when the cell is just a port number.
 */
function tableFacts(text: string, table: Table, out: Candidate[]): void {
  const [header, ...rows] = table.children;
  if (!header) return;
  const columns = new Set<number>();
  header.children.forEach((cell, i) => {
    if (
      PORT_HEADER.test(
        plainText(cell)
          .toLowerCase()
          .replace(/[^a-z]/g, ''),
      )
    )
      columns.add(i);
  });
  for (const row of rows) {
    for (const i of columns) {
      const cell = row.children[i];
      const from = cell?.children[0]?.position?.start.offset;
      const to = cell?.children.at(-1)?.position?.end.offset;
      if (from === undefined || to === undefined) continue;
      const raw = text.slice(from, to);
      const m = PORT_CELL.exec(raw);
      if (!m || Number(m.groups!.port) > 65535) continue;
      const [s, e] = m.indices!.groups!.port!;
      const details = { protocol: protocol(m.groups!.proto) };
      const fact = mention('table', { start: from + s, end: from + e }, Number(m.groups!.port), raw, details);
      out.push({ fact, rank: PATTERNS.length });
    }
  }
}

/** The text of a phrasing subtree (enough for a header cell). */
function plainText(node: Nodes): string {
  if ('value' in node && (node.type === 'text' || node.type === 'inlineCode')) return node.value;
  return 'children' in node ? node.children.map((c) => plainText(c)).join('') : '';
}

/**
 * A code block's content as a file-aligned string. Content lines start on the line after the opening
 * fence (fenced) or on the node's own line (indented). The node's `value` has each line's container
 * prefix and fence indentation removed; we take the source lines instead and blank exactly that prefix,
 * so offsets stay 1:1 with the file and YAML indentation stays consistent. Null for an empty block.
 */
function codeContent(text: string, node: Code): { text: string; offset: number } | null {
  if (node.value === '') return null;
  const start = node.position!.start.offset!;
  const fenced = text[start] === '`' || text[start] === '~';
  let lineStart = fenced ? text.indexOf('\n', start) + 1 : text.lastIndexOf('\n', start - 1) + 1;
  if (fenced && lineStart === 0) return null;

  const offset = lineStart;
  const parts: string[] = [];
  const lines = node.value.split('\n');
  lines.forEach((valueLine, i) => {
    const nl = text.indexOf('\n', lineStart);
    const lineEnd = nl === -1 ? text.length : nl;
    // Compare without the \r of a CRLF ending (the value keeps \r on all but its last line).
    const sourceLine = text.slice(lineStart, lineEnd).replace(/\r$/, '');
    const wanted = valueLine.replace(/\r$/, '');
    // A tab partly eaten by indentation shows up as spaces in `value`; then keep the line as written.
    const prefix = sourceLine.endsWith(wanted) ? sourceLine.length - wanted.length : 0;
    const isLast = i === lines.length - 1;
    const through = isLast ? lineStart + sourceLine.length : Math.min(lineEnd + 1, text.length);
    parts.push(' '.repeat(prefix) + text.slice(lineStart + prefix, through));
    lineStart = through;
  });
  return { text: parts.join(''), offset };
}

function embeddedLang(lang: string | null | undefined): EmbeddedBlock['lang'] | null {
  // `yaml title="compose.yaml"` puts the title in `meta`; `yaml:compose.yaml` or `yaml{3}` stay in `lang`.
  const name = (lang ?? '').toLowerCase().split(/[:{,]/)[0]!;
  if (YAML_LANGS.has(name)) return 'yaml';
  if (ENV_LANGS.has(name)) return 'env';
  return null;
}

/**
 * Spans between a start marker's end and the next end marker's start. A start without an end runs to
 * the end of the file: half a generated region is still generated text.
 */
function generatedRegions(markers: { offset: number; end: number; kind: string }[], length: number): Span[] {
  const regions: Span[] = [];
  let open: number | null = null;
  for (const m of [...markers].sort((a, b) => a.offset - b.offset)) {
    if (m.kind === 'start' && open === null) open = m.end;
    else if (m.kind === 'end' && open !== null) {
      regions.push({ start: open, end: m.offset });
      open = null;
    }
  }
  if (open !== null) regions.push({ start: open, end: length });
  return regions;
}

function protocol(p: string | undefined): Protocol | null {
  return p !== undefined && isProtocol(p) ? p : null;
}

function unbracket(host: string | undefined): string | null {
  if (host === undefined) return null;
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

function isIpv4Like(host: string): boolean {
  return /^\d/.test(host);
}

function validIpv4(host: string): boolean {
  return host.split('.').every((octet) => Number(octet) <= 255);
}
