/**
 * The inventory: discover files, parse each once, and attach projects, registry services and
 * stacks to every port found. Failures stay per file: a file that cannot be read or parsed
 * becomes a finding and the scan goes on.
 */
import path from 'node:path';
import type { Finding } from '../findings.js';
import { compareFindings } from '../findings.js';
import type { Registry } from '../registry/types.js';
import { serviceProtocols, type Service } from '../registry/types.js';
import { parseCompose, type ComposeParseResult } from '../parse/compose.js';
import { parseEnv } from '../parse/env.js';
import { parseMarkdown } from '../parse/markdown.js';
import { LineIndex } from '../util/text-position.js';
import { ByteOffsets } from '../util/byte-offsets.js';
import { discoverFiles, isEnvTemplate, kindOf, type DiscoveredFile, type FileKind } from './discover.js';
import { ProjectMapper } from './projects.js';
import { findDirectives, type Directive } from './directives.js';
import { readTextFile, DEFAULT_MAX_FILE_BYTES } from './read-file.js';
import { buildStacks, finishStack, type Stack } from './stacks.js';
import type { PortKind, PortSource, Protocol, RawPortFact, Span } from './types.js';

export const SCAN_FORMAT_VERSION = 1;

/** One port in the inventory: the contract of `portreg scan --format json` (schemas/scan.schema.json). */
export interface PortFact {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** UTF-8 byte offsets of the number's own text, end exclusive. */
  span: Span;
  source: PortSource;
  kind: PortKind;
  project: string | null;
  composeService: string | null;
  service: string | null;
  /** For a reference: the project whose service it points at. */
  referencedProject: string | null;
  stack: string | null;
  hostIp: string | null;
  published: number | null;
  publishedEnd: number | null;
  target: number | null;
  targetEnd: number | null;
  protocol: Protocol | null;
  variable: string | null;
  resolved: boolean;
  raw: string;
  /** The exact text at `span` (`5000`, or `${API_PORT}` when no digits are written). */
  text: string;
}

export interface ScannedFile {
  path: string;
  kind: FileKind;
  project: string | null;
  stack: string | null;
  /** Size in bytes, and whether the last line ends: where an appended line goes. */
  size: number;
  endsWithNewline: boolean;
  /** For an env file: every key it sets, port or not. */
  variables?: string[];
}

export interface ScanResult {
  version: number;
  root: string;
  files: ScannedFile[];
  ports: PortFact[];
  stacks: Stack[];
  findings: Finding[];
  /** Inline suppressions found in the files (`# portreg-disable-next-line rule -- reason`). */
  directives: Directive[];
}

export interface ScanOptions {
  root: string;
  registry?: Registry | null;
  /** The registry's folder: project paths are relative to it. Default: the root. */
  registryDir?: string;
  include?: string[];
  exclude?: string[];
  docs?: string[];
  envFiles?: string[];
  /** Values for interpolation in every compose file (--env-file), over the env templates. */
  extraEnv?: Record<string, string>;
  /** The process environment wins over everything, as in Compose; off unless asked for. */
  processEnv?: Record<string, string | undefined>;
  maxFileBytes?: number;
  onProgress?: (read: number, total: number) => void;
  /** Only these folders (relative to the root). */
  within?: string[];
  /** Every file belongs to this project: a project repository that names a central registry. */
  project?: string;
}

interface ParsedEntry {
  file: DiscoveredFile;
  text: string;
  lines: LineIndex;
  bytes: ByteOffsets;
  facts: RawPortFact[];
  compose?: ComposeParseResult;
  envValues?: Record<string, string>;
}

const READ_CONCURRENCY = 32;

export async function scan(options: ScanOptions): Promise<ScanResult> {
  const root = path.resolve(options.root);
  const registry = options.registry ?? null;
  const mapper = new ProjectMapper(registry, path.relative(options.registryDir ?? root, root).split(path.sep).join('/'), options.project);
  const findings: Finding[] = [];
  const fileFinding = (file: string, ruleId: string, message: string, line = 1, column = 1) =>
    findings.push({ ruleId, severity: 'error', message, file, line, column, endLine: line, endColumn: column });

  const discovered = await discoverFiles({
    root,
    include: options.include,
    exclude: options.exclude,
    docs: options.docs,
    envFiles: options.envFiles,
    within: options.within,
  });
  for (const p of discovered.problems) fileFinding(p.path, 'scan-skipped', `${p.path} ${p.message}`);

  const queue = [...discovered.files];
  const seen = new Set(queue.map((f) => f.path));
  const texts = new Map<string, { text: string }>();
  let read = 0;
  const readAll = async (files: DiscoveredFile[]) => {
    let next = 0;
    const worker = async () => {
      while (next < files.length) {
        const file = files[next++]!;
        const outcome = await readTextFile(path.join(root, file.path), options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES);
        read++;
        options.onProgress?.(read, seen.size);
        if (!outcome.ok) fileFinding(file.path, 'parse-error', `${file.path} ${outcome.message}`, outcome.line, outcome.column);
        else texts.set(file.path, { text: outcome.text });
      }
    };
    await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, files.length) }, worker));
  };
  await readAll(queue);

  // Env templates first: compose files next to them interpolate with their values.
  const parsed = new Map<string, ParsedEntry>();
  const entry = (file: DiscoveredFile, text: string): ParsedEntry => ({ file, text, lines: new LineIndex(text), bytes: new ByteOffsets(text), facts: [] });
  const envByFolder = new Map<string, Record<string, string>>();
  for (const file of discovered.files.filter((f) => f.kind === 'env')) {
    const t = texts.get(file.path);
    if (!t) continue;
    const e = entry(file, t.text);
    const result = parseEnv(t.text, file.path);
    e.facts = result.facts;
    e.envValues = result.values;
    findings.push(...inBytes(result.findings, e.bytes));
    parsed.set(file.path, e);
    if (isEnvTemplate(file.path)) {
      const folder = path.posix.dirname(file.path);
      if (!envByFolder.has(folder)) envByFolder.set(folder, result.values);
    }
  }

  // Compose files; the files they name (include, extends, env_file) join the scan.
  const composeQueue = discovered.files.filter((f) => f.kind === 'compose');
  for (let next = 0; next < composeQueue.length; next++) {
    const file = composeQueue[next]!;
    const t = texts.get(file.path);
    if (!t) continue;
    const folder = path.posix.dirname(file.path);
    const env = { ...(envByFolder.get(folder) ?? {}), ...(options.extraEnv ?? {}), ...(options.processEnv ?? {}) };
    const result = parseCompose(t.text, file.path, { env });
    const e = entry(file, t.text);
    e.facts = result.facts;
    e.compose = result;
    findings.push(...inBytes(result.findings, e.bytes));
    parsed.set(file.path, e);
    const added: DiscoveredFile[] = [];
    for (const ref of result.references) {
      const at = e.lines.span(ref.span.start, ref.span.end);
      if (ref.remote) {
        findings.push({ ruleId: 'scan-remote-include', severity: 'warning', message: `${ref.kind} "${ref.path}" is remote: not fetched, its ports are not checked`, file: file.path, ...at, start: e.bytes.at(ref.span.start), end: e.bytes.at(ref.span.end) });
        continue;
      }
      const target = path.posix.normalize(path.posix.join(folder, ref.path.split(path.sep).join('/')));
      if (target.startsWith('../') || path.posix.isAbsolute(target)) {
        findings.push({ ruleId: 'scan-skipped', severity: 'warning', message: `${ref.kind} "${ref.path}" lies outside the scanned root: not read`, file: file.path, ...at, start: e.bytes.at(ref.span.start), end: e.bytes.at(ref.span.end) });
        continue;
      }
      if (seen.has(target)) continue;
      const kind: FileKind = ref.kind === 'env_file' ? 'env' : kindOf(target) === 'compose' ? 'compose' : 'compose';
      seen.add(target);
      added.push({ path: target, kind });
    }
    if (added.length > 0) {
      await readAll(added);
      for (const a of added) {
        const at = texts.get(a.path);
        if (!at) continue;
        if (a.kind === 'compose') composeQueue.push(a);
        else {
          const r = parseEnv(at.text, a.path);
          const pe = entry(a, at.text);
          pe.facts = r.facts;
          pe.envValues = r.values;
          findings.push(...inBytes(r.findings, pe.bytes));
          parsed.set(a.path, pe);
        }
      }
    }
  }

  for (const file of discovered.files.filter((f) => f.kind === 'markdown')) {
    const t = texts.get(file.path);
    if (!t) continue;
    const e = entry(file, t.text);
    const result = parseMarkdown(t.text, file.path);
    e.facts = [...result.facts];
    // Snippets in docs are read for the ports they name; a fragment that is not a whole
    // compose file is normal there, so their parse errors are not reported.
    for (const block of result.embedded) {
      const inner = block.lang === 'yaml' ? parseCompose(block.text, file.path, { env: {} }).facts : parseEnv(block.text, file.path).facts;
      for (const f of inner) {
        e.facts.push({ ...f, source: 'markdown', span: { start: f.span.start + block.offset, end: f.span.end + block.offset }, context: `${block.lang} block` });
      }
    }
    e.facts.sort((a, b) => a.span.start - b.span.start);
    findings.push(...inBytes(result.findings, e.bytes));
    parsed.set(file.path, e);
  }

  const allFiles = [...parsed.values()].map((p) => p.file).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const stackDrafts = buildStacks(
    allFiles.filter((f) => f.kind === 'compose').map((f) => ({ path: f.path, compose: parsed.get(f.path)!.compose! })),
    (file) => mapper.projectOf(file),
  );
  const stackOfFile = new Map<string, string>();
  for (const s of stackDrafts) for (const f of s.files) stackOfFile.set(f, s.id);

  const ports: PortFact[] = [];
  const attribution = new ServiceAttribution(registry);
  for (const file of allFiles) {
    const p = parsed.get(file.path)!;
    const project = mapper.projectOf(file.path);
    for (const raw of p.facts) {
      const pos = p.lines.span(raw.span.start, raw.span.end);
      const who = attribution.attribute(raw, project);
      ports.push({
        file: file.path,
        ...pos,
        span: { start: p.bytes.at(raw.span.start), end: p.bytes.at(raw.span.end) },
        source: raw.source,
        kind: who.kind,
        project,
        composeService: raw.composeService,
        service: who.service,
        referencedProject: who.referencedProject,
        stack: file.kind === 'compose' ? (stackOfFile.get(file.path) ?? null) : null,
        hostIp: raw.hostIp,
        published: raw.published,
        publishedEnd: raw.publishedEnd,
        target: raw.target,
        targetEnd: raw.targetEnd,
        protocol: raw.protocol,
        variable: raw.variable,
        resolved: raw.resolved,
        raw: raw.raw,
        text: p.text.slice(raw.span.start, raw.span.end),
      });
    }
  }
  // Stacks refer to ports by their index in `ports`.
  const indexOf = new Map<string, number>();
  ports.forEach((p, i) => indexOf.set(`${p.file}|${p.span.start}|${p.composeService}`, i));
  const stacks = stackDrafts.map((draft) =>
    finishStack(draft, (ref) => indexOf.get(`${ref.file}|${parsed.get(ref.file)!.bytes.at(ref.start)}|${ref.composeService}`) ?? -1),
  );

  findings.sort(compareFindings);
  return {
    version: SCAN_FORMAT_VERSION,
    root,
    files: allFiles.map((f) => {
      const text = parsed.get(f.path)!.text;
      return {
        path: f.path,
        kind: f.kind,
        project: mapper.projectOf(f.path),
        stack: stackOfFile.get(f.path) ?? null,
        size: parsed.get(f.path)!.bytes.at(text.length),
        endsWithNewline: text.length === 0 || text.endsWith('\n'),
        ...(parsed.get(f.path)!.envValues ? { variables: Object.keys(parsed.get(f.path)!.envValues!) } : {}),
      };
    }),
    ports,
    stacks,
    findings,
    directives: allFiles.flatMap((f) => findDirectives(parsed.get(f.path)!.text, f.path)),
  };
}

/** Parsers place findings by string offsets; reports and fixes count bytes. */
function inBytes(list: Finding[], bytes: ByteOffsets): Finding[] {
  return list.map((f) => (f.start === undefined ? f : { ...f, start: bytes.at(f.start), end: bytes.at(f.end ?? f.start) }));
}

/**
 * Which registry service a port belongs to. Compose ports by compose service (told apart by
 * container port, then by variable); env values by variable; a URL or mention by its port,
 * which makes it a reference when the port belongs to another project.
 */
class ServiceAttribution {
  private readonly owners = new Map<string, { project: string; service: string }>();
  private readonly servicesOf = new Map<string, [string, Service][]>();

  constructor(private readonly registry: Registry | null) {
    for (const [project, p] of Object.entries(registry?.projects ?? {})) {
      for (const [service, s] of Object.entries(p.services ?? {})) {
        for (const protocol of serviceProtocols(s.protocol)) this.owners.set(`${s.port}/${protocol}`, { project, service });
      }
    }
  }

  attribute(fact: RawPortFact, project: string | null): { kind: PortKind; service: string | null; referencedProject: string | null } {
    const none = { kind: fact.kind, service: null, referencedProject: null };
    if (!this.registry) return none;
    let services: [string, Service][] = [];
    if (project) {
      services = this.servicesOf.get(project) ?? Object.entries(this.registry.projects[project]?.services ?? {});
      this.servicesOf.set(project, services);
    }
    if (fact.composeService && (fact.kind === 'published' || fact.kind === 'target' || fact.kind === 'expose')) {
      const candidates = services.filter(([name, s]) => (s.composeService ?? name) === fact.composeService);
      const byTarget = candidates.filter(([, s]) => s.containerPort !== undefined && s.containerPort === fact.target);
      const byVariable = candidates.filter(([, s]) => s.env !== undefined && s.env === fact.variable);
      // A lone entry whose containerPort names another port is not this port's service.
      const lone = candidates.length === 1 && (candidates[0]![1].containerPort === undefined || candidates[0]![1].containerPort === fact.target) ? candidates[0] : undefined;
      const pick = byTarget.length === 1 ? byTarget[0] : byVariable.length === 1 ? byVariable[0] : lone;
      return { kind: fact.kind, service: pick?.[0] ?? null, referencedProject: null };
    }
    if (fact.kind === 'env' && fact.variable) {
      const pick = services.find(([, s]) => s.env === fact.variable);
      if (pick) return { kind: 'env', service: pick[0], referencedProject: null };
    }
    if (fact.published !== null && (fact.kind === 'env' || fact.kind === 'url' || fact.kind === 'mention')) {
      const owner = this.owners.get(`${fact.published}/${fact.protocol ?? 'tcp'}`);
      if (owner && owner.project !== project) return { kind: 'reference', service: owner.service, referencedProject: owner.project };
      if (owner) return { kind: fact.kind, service: owner.service, referencedProject: null };
    }
    return none;
  }
}

