/**
 * What the inventory takes from one file's text alone: every port with its line, column, byte span
 * and text as written, the parser's findings in bytes, the suppression comments, the file's size.
 * Pure, and plain data: the scanner builds it on its own thread or has a parse worker build it on
 * another (parse-worker.ts), then adds what needs the registry (the project, the service).
 */
import type { Finding } from '../findings.js';
import { parseCompose } from '../parse/compose.js';
import { parseEnv } from '../parse/env.js';
import { readMarkdown, type TreeParser } from '../parse/markdown-facts.js';
import type { ParsedFile, RawPortFact } from '../parse/types.js';
import { LIMITS, tooManyPortsMessage } from '../limits.js';
import { ByteOffsets } from '../util/byte-offsets.js';
import { LineIndex } from '../util/text-position.js';
import { findDirectives, type Directive } from './directives.js';

/** Where something is written: 1-based line and column (end exclusive), and UTF-8 byte offsets (end exclusive). */
export interface Place {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  start: number;
  end: number;
}

/** A parser's fact with its place in the file. */
export interface LocatedFact extends Place {
  raw: RawPortFact;
  /** The file's text at the fact's span. */
  text: string;
}

export interface LocatedFile {
  facts: LocatedFact[];
  /** A dropped-ports warning first, if any, then the parser's findings, with byte offsets. */
  findings: Finding[];
  directives: Directive[];
  /** Bytes. */
  size: number;
  endsWithNewline: boolean;
  /** The file holds a `portreg:start` marker. */
  generated: boolean;
}

/**
 * Places one parsed file's facts and findings. `byteLength` is the file's size when the caller read
 * the bytes (an ASCII text then needs no byte table). The inventory holds a bounded number of ports
 * per file: past the limit, the rest are dropped with a warning.
 */
export function locateFile(
  file: string,
  text: string,
  byteLength: number | undefined,
  parsed: ParsedFile,
): { located: LocatedFile; lines: LineIndex; bytes: ByteOffsets } {
  const lines = new LineIndex(text);
  const bytes = new ByteOffsets(text, byteLength);
  const all = parsed.facts;
  const kept = all.length > LIMITS.portsPerFile ? all.slice(0, LIMITS.portsPerFile) : all;
  const findings: Finding[] = [];
  if (kept !== all) {
    const first = all[LIMITS.portsPerFile]!.span.start;
    findings.push({
      ruleId: 'scan-degraded',
      severity: 'warning',
      message: tooManyPortsMessage(file, lines.position(first).line),
      file,
      ...lines.span(first, first),
    });
  }
  const facts: LocatedFact[] = [];
  for (const raw of kept) {
    const at = lines.span(raw.span.start, raw.span.end);
    facts.push({
      raw,
      line: at.line,
      column: at.column,
      endLine: at.endLine,
      endColumn: at.endColumn,
      start: bytes.at(raw.span.start),
      end: bytes.at(raw.span.end),
      text: text.slice(raw.span.start, raw.span.end),
    });
  }
  // Parsers place findings by string offsets; reports and fixes count bytes.
  for (const f of parsed.findings) findings.push(f.start === undefined ? f : { ...f, start: bytes.at(f.start), end: bytes.at(f.end ?? f.start) });
  return {
    located: {
      facts,
      findings,
      directives: findDirectives(text, file),
      size: bytes.at(text.length),
      endsWithNewline: text.length === 0 || text.endsWith('\n'),
      generated: text.includes('portreg:start'),
    },
    lines,
    bytes,
  };
}

/**
 * A Markdown file's facts, the ports of its yaml and env code blocks among them, in document order;
 * null when the file needs the tree parser and none is given (markdown-tree.ts loads on demand).
 */
function markdownFileFacts(text: string, file: string, tree: TreeParser | null): ParsedFile | null {
  const result = readMarkdown(text, file, tree);
  if (!result) return null;
  const facts = [...result.facts];
  // Snippets in docs are read for the ports they name; a fragment that is not a whole compose file
  // is normal there, so their parse errors are not reported.
  for (const block of result.embedded) {
    const inner = block.lang === 'yaml' ? parseCompose(block.text, file, { env: {} }).facts : parseEnv(block.text, file).facts;
    for (const f of inner) {
      facts.push({ ...f, source: 'markdown', span: { start: f.span.start + block.offset, end: f.span.end + block.offset }, context: `${block.lang} block` });
    }
  }
  facts.sort((a, b) => a.span.start - b.span.start);
  return { facts, findings: result.findings };
}

/**
 * Markdown files read one after the other: markdownFileFacts, with micromark (markdown-tree.ts)
 * loaded the first time a file needs more than the simple shapes; synchronous until then, so most
 * scans never load it and never wait.
 */
export class MarkdownReader {
  private tree: TreeParser | null = null;

  facts(text: string, file: string): ParsedFile | Promise<ParsedFile> {
    const parsed = markdownFileFacts(text, file, this.tree);
    if (parsed) return parsed;
    return import('../parse/markdown-tree.js').then((loaded) => {
      this.tree = loaded.markdownTree;
      return markdownFileFacts(text, file, this.tree)!;
    });
  }
}
