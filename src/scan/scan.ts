/**
 * The inventory: discover files, parse each once, and attach projects, registry services and
 * stacks to every port found. Failures stay per file: a file that cannot be read or parsed
 * becomes a finding and the scan goes on.
 */
import path from 'node:path';
import type { Finding, Location } from '../findings.js';
import { compareFindings } from '../findings.js';
import type { Registry, Service } from '../registry/types.js';
import { portIndexOf, type PortIndex } from '../registry/port-index.js';
import { parseCompose, type ComposeParseResult, type ComposeReference } from '../parse/compose.js';
import { parseEnv } from '../parse/env.js';
import { detach } from '../util/detach.js';
import { pushAll } from '../util/arrays.js';
import { discoverFiles, isEnvTemplate, type DiscoveredFile, type FileKind } from './discover.js';
import { ProjectMapper } from './projects.js';
import type { Directive } from './directives.js';
import { readTextFile, DEFAULT_MAX_FILE_BYTES } from './read-file.js';
import { buildStacks, finishStack, type Stack } from './stacks.js';
import type { ParsedFile, PortKind, PortSource, RawPortFact, Span } from '../parse/types.js';
import { locateFile, MarkdownReader, type LocatedFile, type Place } from './file-facts.js';
import { ParseWorker, useParseWorker, type ParseOutcome, type ParseWorkerMode, type WorkerFileKind } from './parallel-parse.js';
import type { Protocol } from '../protocol.js';

export const SCAN_FORMAT_VERSION = 1;

/** How many distinct texts are kept for sharing per port number: enough for its digits and the usual ways to write it. */
const KEPT_PER_PORT = 8;

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
  /** Compose: written unquoted inside a flow collection (parse/types.ts `plainInFlow`); true or undefined. */
  plainInFlow?: boolean;
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
  /** The file holds a `portreg:start` marker: `portreg generate` owns part of it (generated-stale judges it). */
  generated?: boolean;
  /** A compose file's top-level `name:` (the Compose project name) as written, and whether it interpolates a variable. */
  composeName?: Place & { text: string; interpolated: boolean };
  /** A compose file's `container_name:` keys, by service: names global to the Docker daemon. */
  containerNames?: (Place & { service: string })[];
}

export type { Place } from './file-facts.js';

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
  /** Also read TypeScript and JavaScript for port literals (loads the TypeScript parser). */
  code?: boolean;
  /** Texts to read instead of the files on disk, by root-relative path (lint --fix-dry-run: the fixed texts, unwritten). */
  overlay?: ReadonlyMap<string, Buffer>;
  /** Whether Markdown and package.json files are parsed on a second thread (parallel-parse.ts); default auto. */
  parseWorker?: ParseWorkerMode;
  /** Told, when a parse worker ran, for how many of how many files it answered. */
  onParseWorker?: (answered: number, files: number) => void;
}

/** Files read and parsed between two turns of the event loop (progress output, other requests of a server). */
const YIELD_EVERY = 64;

/** A file's entry before stacks are known; `stack` is added last, as the JSON contract orders it. */
type FileInfo = Omit<ScannedFile, 'stack'> & { stack?: string | null };

/** One file's share of the result, kept until the files are put in order at the end. */
interface FileResult {
  info: FileInfo;
  ports: PortFact[];
  /** A compose file's parser facts, parallel to `ports` (stacks refer to them); empty for other files. */
  raw: RawPortFact[];
}

/**
 * Each file is read, parsed and turned into port facts at once, and its text let go: a scan of
 * thousands of projects holds facts, not files.
 */
export async function scan(options: ScanOptions): Promise<ScanResult> {
  const session = await openScan(options);
  const worker = await session.startParseWorker();
  const answers = worker?.ask(session.workerFilesOf(session.files), true) ?? null;
  return (await session.read(session.files, { answers, withDiscovery: true }))!;
}

/**
 * Files read together in a grouped scan (lint, the scan's table): a few projects. A group's facts,
 * and the parse worker's answers for the next group, then die young, in the young generation,
 * instead of being promoted to the old one, which V8 lets grow to 2-3 times what is live. At 5,000
 * projects (5 runs each): groups of 60 files lint in the same time as groups of 300 with 200
 * instead of 240 MiB at the peak; groups of 30 took 5% longer (bench/README.md).
 */
export const GROUP_FILES = 60;

/** How a grouped scan ended: every group read, or stopped at a compose file that names a file of another group. */
export type GroupedScanEnd = 'complete' | 'crossed';

/**
 * The same scan, read a group of whole projects at a time (the files outside any project are one
 * group): each group's inventory is handed to `onGroup` and let go, so a run over thousands of
 * projects holds one group's facts, not the tree's. A group is what `scan` gives for its files
 * (files, ports, stacks, findings and directives in the same order); the discovery's findings come
 * with the first. A parse worker, when the tree is large enough for one, is asked for each group's
 * Markdown and package.json files a group ahead. A compose file that includes, extends or names a
 * file of another group stops the scan ('crossed'): a stack spans groups only in the whole scan.
 */
export async function scanInGroups(
  options: ScanOptions & { groupFiles: number },
  onGroup: (group: ScanResult) => void | Promise<void>,
): Promise<GroupedScanEnd> {
  const session = await openScan(options);
  const groups = [...session.groups(options.groupFiles)];
  if (groups.length === 0) {
    await onGroup((await session.read([], { answers: null, withDiscovery: true }))!);
    return 'complete';
  }
  const worker = await session.startParseWorker();
  const ask = (k: number) => worker?.ask(session.workerFilesOf(groups[k]!), k === groups.length - 1) ?? null;
  let answers = ask(0);
  for (let k = 0; k < groups.length; k++) {
    const files = groups[k]!;
    // The worker reads the next group while this thread reads this one's env and compose files.
    const next = k + 1 < groups.length ? ask(k + 1) : null;
    const keys = new Set(files.map((f) => session.groupKeyOf(f.path)));
    const group = await session.read(files, { answers, withDiscovery: k === 0, belongs: (file) => keys.has(session.groupKeyOf(file)) });
    if (group === null) {
      await worker?.stop();
      return 'crossed';
    }
    await onGroup(group);
    answers = next;
  }
  return 'complete';
}

interface ReadOptions {
  /** A parse worker's answers for this part's Markdown and package.json files, when one was asked. */
  answers: Promise<ReadonlyMap<string, ParseOutcome>> | null;
  /** Add the discovery's findings (files that could not be listed) to this part's. */
  withDiscovery: boolean;
  /** Whether a file is of this part: a compose file that names any other makes the read give null. */
  belongs?: (file: string) => boolean;
}

/** A scan's discovery, and what all its parts share: projects, services, files already named, kept strings, progress. */
async function openScan(options: ScanOptions) {
  const root = path.resolve(options.root);
  const registry = options.registry ?? null;
  const mapper = new ProjectMapper(
    registry,
    path
      .relative(options.registryDir ?? root, root)
      .split(path.sep)
      .join('/'),
    options.project,
  );
  const attribution = new ServiceAttribution(registry);
  const fileFinding = (findings: Finding[], file: string, ruleId: string, severity: 'error' | 'warning', message: string, line = 1, column = 1) =>
    findings.push({ ruleId, severity, message, file, line, column, endLine: line, endColumn: column });

  const discovered = await discoverFiles({
    root,
    include: options.include,
    exclude: options.exclude,
    docs: options.docs,
    envFiles: options.envFiles,
    within: options.within,
    code: options.code,
  });
  const discoveryFindings: Finding[] = [];
  for (const p of discovered.problems) fileFinding(discoveryFindings, p.path, 'scan-skipped', 'warning', `${p.path} ${p.message}`);

  const seen = new Set(discovered.files.map((f) => f.path));

  /** The files compose files name (include, extends, env_file), by the first reference to each. */
  const referencedBy = new Map<string, { ref: ComposeReference; target: string; at: Location & { start: number; end: number } }>();
  let read = 0;

  /**
   * One copy of each string many facts write alike: a port's digits (tens of thousands of facts,
   * a few thousand numbers) and the texts around it (`postgres://app:app@postgres:5432` in every
   * project). Found among the few strings kept for the same port number: a map of all strings
   * hashed each one and cost more than the facts themselves (240,000 lookups at 5,000 projects).
   */
  const keptByPort = new Map<number, string[]>();
  const kept = (text: string, port: number | null): string => {
    if (port === null) return detach(text);
    let known = keptByPort.get(port);
    if (!known) keptByPort.set(port, (known = []));
    for (const k of known) if (k === text) return k;
    const own = detach(text);
    if (known.length < KEPT_PER_PORT) known.push(own);
    return own;
  };

  /** Projects' files together, for groups of whole projects: the project, or '' for files outside any. */
  const groupKeyOf = (file: string) => mapper.projectOf(file) ?? '';

  /** Markdown and package.json need nothing from the other files: a worker can read them. */
  const workerFilesOf = (files: readonly DiscoveredFile[]) =>
    files.filter((f) => f.kind === 'markdown' || f.kind === 'package-json').map((f) => ({ path: f.path, kind: f.kind as WorkerFileKind }));

  return {
    files: discovered.files,
    groupKeyOf,
    workerFilesOf,
    /**
     * A parse worker for this scan, or null: not for texts given instead of the files, and only for
     * enough Markdown files (Markdown is the larger part: a tree of a few hundred projects never pays
     * for a worker's start). Started once the files are known, its start overlaps the first env and
     * compose files.
     */
    async startParseWorker(): Promise<ParseWorker | null> {
      const markdown = discovered.files.filter((f) => f.kind === 'markdown').length;
      if (options.overlay || !useParseWorker(options.parseWorker ?? 'auto', markdown)) return null;
      return ParseWorker.start({ root, maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES });
    },
    /** The files in groups of whole projects, about `size` files each, in the order of their first file. */
    *groups(size: number): Generator<DiscoveredFile[]> {
      const byKey = new Map<string, DiscoveredFile[]>();
      for (const file of discovered.files) {
        const key = groupKeyOf(file.path);
        const list = byKey.get(key);
        if (list) list.push(file);
        else byKey.set(key, [file]);
      }
      let group: DiscoveredFile[] = [];
      for (const files of byKey.values()) {
        pushAll(group, files);
        if (group.length >= size) {
          yield group;
          group = [];
        }
      }
      if (group.length > 0) yield group;
    },
    /** One part's inventory: these files, and the files their compose files name. */
    async read(files: DiscoveredFile[], how: ReadOptions): Promise<ScanResult | null> {
      // A part is whole projects: what the parts before it looked up is not needed again.
      attribution.forgetProjects();
      const findings: Finding[] = how.withDiscovery ? [...discoveryFindings] : [];
      const directives: Directive[] = [];
      const results = new Map<string, FileResult>();
      const composeResults: { path: string; compose: ComposeParseResult }[] = [];
      /** A compose file named a file of another part. */
      let crossed = false;
      const packageFiles = files.filter((f) => f.kind === 'package-json');
      const markdownFiles = files.filter((f) => f.kind === 'markdown');
      /**
       * A named file that is not there: said where it is named. An env_file is often made by each
       * checkout (a .env copied from .env.example, never committed): its values are unknown, which is
       * a warning, or nothing when the reference says `required: false`. A missing include or extends
       * file stops Compose itself.
       */
      const unmade = ({ ref, target, at }: { ref: ComposeReference; target: string; at: Location & { start: number; end: number } }) => {
        if (ref.kind !== 'env_file')
          findings.push({ ruleId: 'parse-error', severity: 'error', message: `${ref.kind} "${ref.path}" names ${target}, which does not exist`, ...at });
        else if (ref.required)
          findings.push({
            ruleId: 'scan-skipped',
            severity: 'warning',
            message: `env_file "${ref.path}" (${target}) does not exist: not read, so the values it would set are unknown (a file each checkout makes? then \`required: false\` says so)`,
            ...at,
          });
      };
      /** The byte length of the file `record` is about to see: tells an ASCII text without reading it again. */
      let byteLength: number | undefined;
      /**
       * Reads each file and hands its text to `use`, letting the event loop run between batches. A file
       * a parse worker answered for (`answered`) is recorded from its answer instead, in the same order.
       */
      const readEach = async (
        files: DiscoveredFile[],
        use: (file: DiscoveredFile, text: string) => void | Promise<void>,
        answered?: ReadonlyMap<string, ParseOutcome> | null,
      ) => {
        for (let i = 0; i < files.length; i++) {
          if (read > 0 && read % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
          const file = files[i]!;
          const answer = answered?.get(file.path);
          if (answer) {
            read++;
            options.onProgress?.(read, seen.size);
            if (answer.ok) record(file, answer.located);
            else fileFinding(findings, file.path, 'parse-error', 'error', `${file.path} ${answer.message}`, answer.line, answer.column);
            continue;
          }
          const instead = options.overlay?.get(file.path);
          const outcome = instead
            ? ({ ok: true, text: instead.toString('utf8'), byteLength: instead.length } as const)
            : readTextFile(path.join(root, file.path), options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES);
          read++;
          options.onProgress?.(read, seen.size);
          const namedBy = outcome.ok || !outcome.missing ? undefined : referencedBy.get(file.path);
          if (namedBy) unmade(namedBy);
          else if (!outcome.ok) fileFinding(findings, file.path, 'parse-error', 'error', `${file.path} ${outcome.message}`, outcome.line, outcome.column);
          else {
            // Asynchronous only when a parser loads on first use (micromark, TypeScript).
            byteLength = outcome.byteLength;
            const pending = use(file, outcome.text);
            if (pending) await pending;
          }
        }
      };

      /** The facts of one value (an env value holding many addresses) come one after another: its text is looked up once. */
      let lastRaw: string | undefined;
      let lastRawKept = '';
      const keptRaw = (raw: string, port: number | null): string => {
        if (raw !== lastRaw) {
          lastRaw = raw;
          lastRawKept = kept(raw, port);
        }
        return lastRawKept;
      };

      /** Turns one file's located facts into port facts (the project and service added), findings and directives. */
      const record = (file: DiscoveredFile, located: LocatedFile, variables?: string[]) => {
        const project = mapper.projectOf(file.path);
        const ports: PortFact[] = [];
        for (const f of located.facts) {
          const raw = f.raw;
          const who = attribution.attribute(raw, project);
          // One literal, no spread: every fact gets the same hidden class, its fields in the object itself.
          ports.push({
            file: file.path,
            line: f.line,
            column: f.column,
            endLine: f.endLine,
            endColumn: f.endColumn,
            span: { start: f.start, end: f.end },
            source: raw.source,
            kind: who.kind,
            project,
            composeService: detach(raw.composeService),
            service: who.service,
            referencedProject: who.referencedProject,
            stack: null,
            hostIp: detach(raw.hostIp),
            published: raw.published,
            publishedEnd: raw.publishedEnd,
            target: raw.target,
            targetEnd: raw.targetEnd,
            protocol: raw.protocol,
            variable: detach(raw.variable),
            resolved: raw.resolved,
            // The inventory outlives the file's text: strings cut from it must not hold on to it.
            raw: keptRaw(raw.raw, raw.published),
            text: kept(f.text, raw.published),
            // Always set, so the hidden class stays one; undefined when false, so JSON output is as before.
            plainInFlow: raw.plainInFlow ? true : undefined,
          });
        }
        pushAll(findings, located.findings);
        pushAll(directives, located.directives);
        // Optional fields are assigned, not spread in: every file's entry then shares one hidden class
        // (15,000 spread-built objects had one each, megabytes of the inventory).
        const info: FileInfo = { path: file.path, kind: file.kind, project, size: located.size, endsWithNewline: located.endsWithNewline };
        if (variables) info.variables = variables;
        if (located.generated) info.generated = true;
        results.set(file.path, {
          info,
          ports,
          // Only stacks refer to the parser's facts, and only to compose ones: the others are let go.
          raw: file.kind === 'compose' ? located.facts.map((f) => f.raw) : [],
        });
      };
      /** Places a file read on this thread, then records it. */
      const recordText = (file: DiscoveredFile, text: string, parsed: ParsedFile, variables?: string[]) => {
        const placed = locateFile(file.path, text, byteLength, parsed);
        record(file, placed.located, variables);
        return placed;
      };

      // Env templates first: compose files next to them interpolate with their values.
      const envByFolder = new Map<string, Record<string, string>>();
      const envFiles = files.filter((f) => f.kind === 'env');
      const templateValues = new Map<string, Record<string, string>>();
      await readEach(envFiles, (file, text) => {
        const result = parseEnv(text, file.path);
        recordText(file, text, result, Object.keys(result.values));
        if (isEnvTemplate(file.path)) templateValues.set(file.path, result.values);
      });
      // The first template of a folder, in name order, whatever order the reads finished in.
      for (const file of envFiles) {
        const values = templateValues.get(file.path);
        const folder = path.posix.dirname(file.path);
        if (values && !envByFolder.has(folder)) envByFolder.set(folder, values);
      }

      // Compose files; the files they name (include, extends, env_file) join the scan.
      let pending = files.filter((f) => f.kind === 'compose');
      while (pending.length > 0) {
        const added: DiscoveredFile[] = [];
        await readEach(pending, (file, text) => {
          const folder = path.posix.dirname(file.path);
          const env = { ...(envByFolder.get(folder) ?? {}), ...(options.extraEnv ?? {}), ...(options.processEnv ?? {}) };
          const result = parseCompose(text, file.path, { env });
          const { lines, bytes } = recordText(file, text, result);
          composeResults.push({ path: file.path, compose: result });
          // What makes two checkouts of one project collide besides ports: the Compose project name and container names.
          const place = (span: { start: number; end: number }): Place => ({
            ...lines.span(span.start, span.end),
            start: bytes.at(span.start),
            end: bytes.at(span.end),
          });
          const info = results.get(file.path)?.info;
          if (info && result.projectName)
            info.composeName = { ...place(result.projectName.span), text: result.projectName.text, interpolated: result.projectName.interpolated };
          const named = result.services.filter((sv) => sv.containerName);
          if (info && named.length) info.containerNames = named.map((sv) => ({ service: sv.name, ...place(sv.containerName!) }));
          for (const ref of result.references) {
            const at = { file: file.path, ...lines.span(ref.span.start, ref.span.end), start: bytes.at(ref.span.start), end: bytes.at(ref.span.end) };
            if (ref.remote) {
              findings.push({
                ruleId: 'scan-remote-include',
                severity: 'warning',
                message: `${ref.kind} "${ref.path}" is remote: not fetched, its ports are not checked`,
                ...at,
              });
              continue;
            }
            const target = path.posix.normalize(path.posix.join(folder, ref.path.split(path.sep).join('/')));
            if (target.startsWith('../') || path.posix.isAbsolute(target)) {
              findings.push({
                ruleId: 'scan-skipped',
                severity: 'warning',
                message: `${ref.kind} "${ref.path}" lies outside the scanned root: not read`,
                ...at,
              });
              continue;
            }
            if (how.belongs && !how.belongs(target)) crossed = true;
            if (seen.has(target)) continue;
            seen.add(target);
            referencedBy.set(target, { ref, target, at });
            added.push({ path: target, kind: ref.kind === 'env_file' ? 'env' : 'compose' });
          }
        });
        const moreEnv = added.filter((f) => f.kind === 'env');
        await readEach(moreEnv, (file, text) => {
          const result = parseEnv(text, file.path);
          recordText(file, text, result, Object.keys(result.values));
        });
        pending = added.filter((f) => f.kind === 'compose');
      }
      if (crossed) return null;

      // Markdown (then package.json, below): the parse worker's answers, in file order, as if read
      // here; any file it did not answer for is read here.
      const answered = how.answers ? await how.answers : null;
      if (answered) options.onParseWorker?.(answered.size, markdownFiles.length + packageFiles.length);
      const markdown = new MarkdownReader();
      await readEach(
        markdownFiles,
        (file, text) => {
          const parsed = markdown.facts(text, file.path);
          if (!(parsed instanceof Promise)) {
            recordText(file, text, parsed);
            return;
          }
          return parsed.then((loaded) => {
            recordText(file, text, loaded);
          });
        },
        answered,
      );

      // package.json scripts and dev container configs: their parsers load only when such files exist.
      if (packageFiles.length > 0) {
        const { parsePackageScripts } = await import('../parse/package-scripts.js');
        await readEach(
          packageFiles,
          (file, text) => {
            const result = parsePackageScripts(text, file.path);
            recordText(file, text, result);
          },
          answered,
        );
      }
      const devcontainerFiles = files.filter((f) => f.kind === 'devcontainer');
      if (devcontainerFiles.length > 0) {
        const { parseDevcontainer } = await import('../parse/devcontainer.js');
        await readEach(devcontainerFiles, (file, text) => {
          const result = parseDevcontainer(text, file.path);
          recordText(file, text, result);
        });
      }

      const codeFiles = files.filter((f) => f.kind === 'code');
      if (codeFiles.length > 0) {
        // The TypeScript parser is heavy: loaded only when there is code to read.
        const { loadTypeScript, parseCode } = await import('../parse/code.js');
        const ts = await loadTypeScript();
        await readEach(codeFiles, (file, text) => {
          const result = parseCode(ts, text, file.path);
          recordText(file, text, result);
        });
      }

      // Files in path order, their ports in document order; stacks refer to ports by index.
      const ordered = [...results.values()].sort((a, b) => (a.info.path < b.info.path ? -1 : a.info.path > b.info.path ? 1 : 0));
      const ports: PortFact[] = [];
      const indexOf = new Map<RawPortFact, number>();
      for (const r of ordered) {
        r.raw.forEach((raw, i) => {
          indexOf.set(raw, ports.length + i);
        });
        pushAll(ports, r.ports);
      }
      composeResults.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      const drafts = buildStacks(composeResults, (file) => mapper.projectOf(file));
      const stackOfFile = new Map<string, string>();
      for (const d of drafts) for (const f of d.files) stackOfFile.set(f, d.id);
      for (const p of ports) if (p.source === 'compose') p.stack = stackOfFile.get(p.file) ?? null;
      const stacks = drafts.map((d) => finishStack(d, (ref) => indexOf.get(ref.fact) ?? -1));

      findings.sort(compareFindings);
      return {
        version: SCAN_FORMAT_VERSION,
        root,
        files: ordered.map((r) => {
          r.info.stack = stackOfFile.get(r.info.path) ?? null;
          return r.info as ScannedFile;
        }),
        ports,
        stacks,
        findings,
        directives,
      };
    },
  };
}

/**
 * Which registry service a port belongs to. Compose ports by compose service (told apart by
 * container port, then by variable); env values by variable; a port code listens on by its
 * variable, then by its port within the project; a URL or mention by its port,
 * which makes it a reference when the port belongs to another project; an address a compose service
 * advertises (parse/types.ts `advertised`) by that service, when no one holds its port.
 */
class ServiceAttribution {
  private readonly servicesOf = new Map<string, [string, Service][]>();
  private readonly ports: PortIndex | null;

  constructor(private readonly registry: Registry | null) {
    this.ports = registry ? portIndexOf(registry) : null;
  }

  private readonly composeServicesOf = new Map<string, Map<string, [string, Service][]>>();

  /** Lets go of what was looked up for the projects read so far (a grouped scan never reads them again). */
  forgetProjects(): void {
    this.servicesOf.clear();
    this.composeServicesOf.clear();
  }

  /** A project's registry services by the compose service they run as (their own name unless `composeService` says). */
  private byComposeService(project: string, services: [string, Service][]): Map<string, [string, Service][]> {
    let byName = this.composeServicesOf.get(project);
    if (!byName) {
      byName = new Map();
      for (const entry of services) {
        const name = entry[1].composeService ?? entry[0];
        const list = byName.get(name);
        if (list) list.push(entry);
        else byName.set(name, [entry]);
      }
      this.composeServicesOf.set(project, byName);
    }
    return byName;
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
      const candidates = (project && this.byComposeService(project, services).get(fact.composeService)) || [];
      // One pass: the one candidate with this container port, else the one with this variable.
      let byTarget: [string, Service] | undefined;
      let targets = 0;
      let byVariable: [string, Service] | undefined;
      let variables = 0;
      for (const candidate of candidates) {
        const s = candidate[1];
        if (s.containerPort !== undefined && s.containerPort === fact.target) {
          byTarget = candidate;
          targets++;
        }
        if (s.env !== undefined && s.env === fact.variable) {
          byVariable = candidate;
          variables++;
        }
      }
      // A lone entry whose containerPort names another port is not this port's service.
      const lone =
        candidates.length === 1 && (candidates[0]![1].containerPort === undefined || candidates[0]![1].containerPort === fact.target)
          ? candidates[0]
          : undefined;
      const pick = targets === 1 ? byTarget : variables === 1 ? byVariable : lone;
      return { kind: fact.kind, service: pick?.[0] ?? null, referencedProject: null };
    }
    if (fact.source === 'code' && fact.kind === 'published' && fact.published !== null) {
      // A port the code listens on: the service registered with its variable, else the project's
      // service on that port. Another project's port stays unattributed (port-foreign says so).
      const pick = (fact.variable ? services.find(([, s]) => s.env === fact.variable) : undefined) ?? services.find(([, s]) => s.port === fact.published);
      return { kind: 'published', service: pick?.[0] ?? null, referencedProject: null };
    }
    if ((fact.source === 'package-json' || fact.source === 'devcontainer') && fact.kind === 'published' && fact.published !== null) {
      return { kind: 'published', service: this.configService(fact, project, services), referencedProject: null };
    }
    if (fact.kind === 'env' && fact.variable) {
      const pick = services.find(([, s]) => s.env === fact.variable);
      if (pick) return { kind: 'env', service: pick[0], referencedProject: null };
    }
    if (fact.published !== null && (fact.kind === 'env' || fact.kind === 'url' || fact.kind === 'mention')) {
      const owner = this.ports!.ownerOf(fact.published, fact.protocol);
      if (owner && owner.project !== project) return { kind: 'reference', service: owner.service, referencedProject: owner.project };
      if (owner) return { kind: fact.kind, service: owner.service, referencedProject: null };
      // An address a compose service advertises is that service's own, whatever port it names
      // (port-unowned then knows whose port a stale one should be).
      if (fact.advertised && fact.composeService) {
        const own = services.filter(([name, s]) => (s.composeService ?? name) === fact.composeService);
        if (own.length === 1) return { kind: fact.kind, service: own[0]![0], referencedProject: null };
      }
    }
    return none;
  }

  /**
   * The service a dev server's or a dev container's port belongs to: the one registered with its
   * variable (`PORT=3001`), else the project's service on that port, else the project's service
   * that had it before it moved (so port-mismatch and --fix bring the script along).
   */
  private configService(fact: RawPortFact, project: string | null, services: [string, Service][]): string | null {
    const pick =
      (fact.variable ? services.find(([, s]) => s.env === fact.variable) : undefined) ??
      services.find(([, s]) => s.port === fact.published) ??
      this.ports!.previousOwnersOf(fact.published!).find((o) => o.project === project && o.currentPort !== undefined);
    if (!pick) return null;
    return Array.isArray(pick) ? pick[0] : pick.service;
  }
}
