import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { compareFindings, type Finding } from '../findings.js';
import { usageError } from '../errors.js';
import { checkRegistrySemantics } from './checks.js';
import { describeConflict, findConflictBlocks } from './conflict-markers.js';
import { formatJsonPath, JsonDocument } from './json-document.js';
import { validateRegistrySchema } from './schema.js';
import { upgradeRegistryData } from './upgrade.js';
import { ByteOffsets } from '../util/byte-offsets.js';
import { CURRENT_REGISTRY_VERSION, withNullPrototypeMaps, type Registry } from './types.js';

export interface LoadedRegistry {
  /** Absolute path of the file. */
  path: string;
  /** The name used in messages (relative to the working directory when inside it). */
  displayPath: string;
  /** The exact text that was read: the store compares it before writing. */
  text: string;
  doc: JsonDocument;
  /** The data, upgraded in memory to the current format; undefined when the file is not valid JSON. */
  data: Registry | undefined;
  /** The version written in the file (before any in-memory upgrade). */
  fileVersion: number | undefined;
  findings: Finding[];
}

export interface LoadOptions {
  /** Clock for quarantine checks (tests pin it). */
  now?: Date;
  cwd?: string;
  /**
   * Run the semantic checks (overlapping ranges, a port twice, ...); default true. A partial lint
   * that does not report on the registry file leaves them out, and withSemanticChecks adds them
   * when it does.
   */
  semantics?: boolean;
  /** How messages name the text when it is not a file on disk (a registry read from git: `origin/main:ports.registry.json`). */
  displayPath?: string;
}

export function displayPathFor(absolute: string, cwd = process.cwd()): string {
  const rel = path.relative(cwd, absolute);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : absolute;
}

/**
 * Reads and checks a registry file. Problems in the file become findings with
 * line and column; only a file that cannot be read at all, or one written by a
 * newer portreg, throws (exit 2).
 */
export async function loadRegistry(file: string, options: LoadOptions = {}): Promise<LoadedRegistry> {
  const absolute = path.resolve(options.cwd ?? process.cwd(), file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw usageError('registry-missing', `no registry at ${absolute}: create one with "portreg init", or name it with --registry`);
    }
    if (code === 'EISDIR') throw usageError('registry-unreadable', `${absolute} is a folder, not a registry file`);
    throw usageError('registry-unreadable', `cannot read registry ${absolute}: ${(err as Error).message}`);
  }
  return parseRegistryText(text, absolute, options);
}

/** The checks of loadRegistry on text already in memory. */
export function parseRegistryText(text: string, absolutePath: string, options: LoadOptions = {}): LoadedRegistry {
  const displayPath = options.displayPath ?? displayPathFor(absolutePath, options.cwd);
  // A BOM is legal in a file but not in JSON: skip it without shifting columns of line 1 by surprise.
  const doc = new JsonDocument(text.charCodeAt(0) === 0xfeff ? ' ' + text.slice(1) : text);
  const result: LoadedRegistry = { path: absolutePath, displayPath, text, doc, data: undefined, fileVersion: undefined, findings: [] };
  // Byte offsets only for findings: the table of a text that is not ASCII is four bytes a character.
  let bytes: ByteOffsets | undefined;
  const byteAt = (offset: number) => (bytes ??= new ByteOffsets(text)).at(offset);
  const loc = (start: number, end: number) => ({ file: displayPath, start: byteAt(start), end: byteAt(end), ...doc.lines.span(start, end) });

  // A merge left git's conflict markers: say so, not what the JSON reader makes of them.
  const conflicts = text.includes('=======') ? findConflictBlocks(text) : [];
  for (const b of conflicts) {
    result.findings.push({ ruleId: 'registry-merge-conflict', severity: 'error', message: describeConflict(b), ...loc(b.startOffset, b.startEndOffset) });
  }
  if (conflicts.length > 0) return result;
  for (const p of doc.syntaxProblems) {
    result.findings.push({ ruleId: 'registry-parse', severity: 'error', message: p.message, ...loc(p.start, p.end) });
  }
  if (result.findings.length > 0 || !doc.hasValue) {
    if (!doc.hasValue && result.findings.length === 0) {
      result.findings.push({ ruleId: 'registry-parse', severity: 'error', message: 'the registry is empty', ...loc(0, 0) });
    }
    return result;
  }

  const raw = doc.value();
  const version = typeof raw === 'object' && raw !== null ? (raw as { version?: unknown }).version : undefined;
  if (typeof version === 'number' && Number.isInteger(version)) {
    result.fileVersion = version;
    if (version > CURRENT_REGISTRY_VERSION) {
      const at = doc.locationAt(['version']);
      throw usageError(
        'registry-too-new',
        `${displayPath}:${at.line}:${at.column}: the registry has format version ${version}, newer than this portreg knows (${CURRENT_REGISTRY_VERSION}): upgrade portreg`,
      );
    }
  }
  const data = upgradeRegistryData(raw);

  for (const problem of validateRegistrySchema(data)) {
    const at = doc.locationAt(problem.path, { key: problem.atKey });
    result.findings.push({
      ruleId: 'registry-schema',
      severity: 'error',
      message: `${formatJsonPath(problem.path)}: ${problem.message}`,
      file: displayPath,
      ...at,
      start: byteAt(at.start),
      end: byteAt(at.end),
    });
  }
  if (result.findings.length > 0) {
    result.findings.sort(compareFindings);
    return result;
  }

  result.data = withNullPrototypeMaps(data as Registry);
  if (options.semantics === false) return result;
  return withSemanticChecks(result, options);
}

/** A registry that passed the schema, with the findings of the semantic checks added (in order). */
export function withSemanticChecks(loaded: LoadedRegistry, options: Pick<LoadOptions, 'now'> = {}): LoadedRegistry {
  if (!loaded.data) return loaded;
  let bytes: ByteOffsets | undefined;
  const byteAt = (offset: number) => (bytes ??= new ByteOffsets(loaded.text)).at(offset);
  const semantic = checkRegistrySemantics(loaded.data, { file: loaded.displayPath, doc: loaded.doc, now: options.now ?? new Date() }).map((f) => ({
    ...f,
    start: byteAt(f.start!),
    end: byteAt(f.end!),
    related: f.related?.map((r) => ({ ...r, start: byteAt(r.start!), end: byteAt(r.end!) })),
  }));
  return { ...loaded, findings: [...loaded.findings, ...semantic].sort(compareFindings) };
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}
