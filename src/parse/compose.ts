/**
 * Compose files → port facts with exact positions.
 *
 * The YAML is parsed once (yaml v2, YAML 1.2, merge keys on) and walked as a node tree, so every
 * port keeps the range of its own text: a port in an anchor that several services inherit is
 * reported once per service, at the anchor's text. Values are interpolated like Compose before the
 * port grammar reads them, with each character traced back to the source.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments, type Document, type Node, type Pair, Scalar, type YAMLMap } from 'yaml';
import { LineIndex } from '../util/text-position.js';
import { yamlShape } from '../util/nesting.js';
import { formatLimit, formatSize, LIMITS } from '../limits.js';
import type { ParsedFile, RawPortFact, Span } from './types.js';
import { isProtocol, type Protocol } from '../protocol.js';
import { PortSpecError, parsePortSpec, type PortSpecEntry } from './port-spec.js';
import { InterpolationError, type TemplateEnv } from './interpolate.js';
import { interpolateTraced, traceSpan, type TracedValue } from './traced-interpolation.js';
import { scalarOffsets } from './yaml-scalar.js';
import { OUTSIDE, readBlockYaml, UNKNOWN_END } from './yaml-block.js';
import { findHostPorts, isPortVariable } from './host-port.js';

export interface ComposeServiceModel {
  name: string;
  keySpan: Span;
  /** Facts of the `ports` list (published, or target for container-only entries), in order. */
  ports: RawPortFact[];
  /** `ports: !override [...]` replaces the base file's list; `!reset` clears it. */
  portsTag: 'override' | 'reset' | null;
  /** Where `ports:` is written (for messages about the list as a whole). */
  portsSpan: Span | null;
  expose: RawPortFact[];
  networkModeHost: boolean;
  extends: { file: string | null; service: string; span: Span } | null;
  /** Where `container_name:` is written: a name global to the Docker daemon, so one per machine. */
  containerName: Span | null;
}

export interface ComposeReference {
  /** include, extends or env_file. */
  kind: 'include' | 'extends' | 'env_file';
  path: string;
  span: Span;
  remote: boolean;
  required: boolean;
}

export interface ComposeParseResult extends ParsedFile {
  services: ComposeServiceModel[];
  references: ComposeReference[];
  /** The top-level `name:` (Compose's project name), its value as written, and whether it interpolates a variable. */
  projectName: { span: Span; text: string; interpolated: boolean } | null;
}

export interface ComposeParseOptions {
  /** Values for interpolation (the env template next to the file, --env-file, maybe the process env). */
  env: TemplateEnv;
  /** false: every file is read with the yaml library, not the block reader first (tests compare the two). */
  blockReader?: boolean;
}

/** A key or flag that announces an address to clients outside the container (KAFKA_ADVERTISED_LISTENERS, --advertise-addr). */
const ADVERTISES = /advertis/i;

/** The top-level keys of the Compose file format besides services (and `x-` extensions). */
const TOP_LEVEL_KEYS = new Set(['version', 'name', 'include', 'networks', 'volumes', 'configs', 'secrets', 'models']);

/** Compose's own merge key and tags. */
const MERGE_KEY = '<<';

export function parseCompose(text: string, file: string, options: ComposeParseOptions): ComposeParseResult {
  const lines = new LineIndex(text);
  let result: ComposeParseResult = { facts: [], findings: [], services: [], references: [], projectName: null };
  let said = new Set<string>();
  const finding = (ruleId: string, severity: 'error' | 'warning', span: Span, message: string) => {
    // A node reached through several aliases is one problem, said once.
    const key = `${ruleId}|${span.start}|${span.end}|${message}`;
    if (said.has(key)) return;
    said.add(key);
    result.findings.push({ ruleId, severity, message, file, start: span.start, end: span.end, ...lines.span(span.start, span.end) });
  };

  // The YAML library recurses once per level and holds a node per item: past the limits, not parsed at all.
  const shape = yamlShape(text, LIMITS.nestingDepth, LIMITS.lineLength);
  if (shape.longLineAt !== -1) {
    const at = { start: shape.longLineAt, end: shape.longLineAt };
    finding('scan-degraded', 'warning', at, `${file} has a line longer than ${formatSize(LIMITS.lineLength)} (the limit): not read, its ports are not checked`);
    return result;
  }
  if (shape.tooDeepAt !== -1) {
    const at = { start: shape.tooDeepAt, end: shape.tooDeepAt + 1 };
    finding(
      'scan-degraded',
      'warning',
      at,
      `${file} nests deeper than ${formatLimit(LIMITS.nestingDepth)} levels (the limit): not read, its ports are not checked`,
    );
    return result;
  }
  if (shape.items > LIMITS.yamlItems) {
    const message = `${file} has over ${formatLimit(LIMITS.yamlItems)} YAML items (lines and flow entries, the limit): not read, its ports are not checked`;
    finding('scan-degraded', 'warning', { start: 0, end: 0 }, message);
    return result;
  }

  // Most compose files are plain block YAML: read without the library's lexer, CST and composer.
  const block = options.blockReader === false ? OUTSIDE : readBlockYaml(text);
  let walked = false;
  if (block !== OUTSIDE) {
    try {
      new ComposeWalker(text, block, null, options.env, result, finding).walk();
      walked = true;
    } catch (err) {
      if (err !== needsLibrary) throw err;
      // A message needs a range the block reader does not know: the library's walk, from the start.
      result = { facts: [], findings: [], services: [], references: [], projectName: null };
      said = new Set<string>();
    }
  }
  if (!walked) walkWithLibrary(text, options, result, finding);
  // Document order, whatever order the walker found them in.
  result.facts.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  return result;
}

/** The general path: the yaml library's documents, its errors and duplicate keys as findings, then the walk. */
function walkWithLibrary(text: string, options: ComposeParseOptions, result: ComposeParseResult, finding: Report): void {
  let docs: Document.Parsed[];
  try {
    // Duplicate keys are found below: the library's own check compares each key with every earlier one.
    docs = parseAllDocuments(text, { merge: true, uniqueKeys: false, prettyErrors: false }) as Document.Parsed[];
  } catch (err) {
    finding('parse-error', 'error', { start: 0, end: 0 }, `cannot parse YAML: ${(err as Error).message}`);
    return;
  }
  if (!Array.isArray(docs)) docs = [docs as unknown as Document.Parsed];

  for (const doc of docs) {
    const errors = doc.errors.map((e) => ({ start: e.pos[0], end: Math.max(e.pos[1], e.pos[0] + 1), message: firstLine(e.message) }));
    if (errors.length === 0) for (const e of duplicateKeys(doc)) errors.push(e);
    for (const e of errors) finding('parse-error', 'error', { start: e.start, end: e.end }, `YAML: ${e.message}`);
    if (errors.length > 0) continue;
    new ComposeWalker(text, doc.contents, doc, options.env, result, finding).walk();
  }
}

/**
 * Keys written twice in one mapping, as the YAML library's `uniqueKeys` reports them (same
 * message and place), in one pass with a set per mapping. `<<` merge keys may repeat.
 */
function duplicateKeys(doc: Document.Parsed): { start: number; end: number; message: string }[] {
  const found: { start: number; end: number; message: string }[] = [];
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const item of node.items) {
        const key = item.key;
        if (isScalar(key) && key.value !== MERGE_KEY && typeof key.value !== 'symbol') {
          if (seen.has(key.value)) {
            const start = spanOf(key).start;
            found.push({ start, end: start + 1, message: 'Map keys must be unique' });
          }
          seen.add(key.value);
        }
        stack.push(item.key, item.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

/** An interpolated scalar; `offsets` (value index → file offset, see scalarOffsets) is filled on first use. */
type Traced = { value: TracedValue; offsets?: number[] | null };

type Report = (ruleId: string, severity: 'error' | 'warning', span: Span, message: string) => void;

class ComposeWalker {
  private aliasBudget = 10_000;
  private aliasBudgetReported = false;

  constructor(
    private readonly text: string,
    private readonly root: Node | null,
    /** The library's document, to resolve aliases in; null for the block reader's tree, which has none. */
    private readonly doc: Document.Parsed | null,
    /** Looked up with Object.hasOwn (traced-interpolation.ts): a plain object, never copied per scalar. */
    private readonly env: TemplateEnv,
    private readonly result: ComposeParseResult,
    private readonly report: Report,
  ) {}

  walk(): void {
    const root = this.root;
    if (root === null || (isScalar(root) && root.value === null)) return; // an empty file: nothing to say
    if (!isMap(root)) {
      this.report('parse-error', 'error', spanOf(root), 'the top level of a compose file must be a mapping');
      return;
    }
    const top = this.entries(root);
    this.collectIncludes(top.get('include'));
    const nameNode = this.deref((top.get('name')?.value ?? null) as Node | null);
    if (nameNode && isScalar(nameNode) && nameNode.range) {
      const span = spanOf(nameNode);
      const written = this.text.slice(span.start, span.end);
      this.result.projectName = { span, text: written, interpolated: written.includes('$') };
    }
    if (!top.has('services')) this.reportVersionOne(top);
    const services = this.deref((top.get('services')?.value ?? null) as Node | null);
    if (!isMap(services)) return;
    const names = new Set<string>();
    for (const name of this.entries(services).keys()) names.add(name);
    for (const [name, pair] of this.entries(services)) {
      const body = this.deref(pair.value as Node | null);
      const key = pair.key as Node;
      const model: ComposeServiceModel = {
        name,
        keySpan: spanOf(key),
        ports: [],
        portsTag: null,
        portsSpan: null,
        expose: [],
        networkModeHost: false,
        extends: null,
        containerName: null,
      };
      this.result.services.push(model);
      if (!isMap(body)) continue;
      this.readService(model, this.entries(body), names);
    }
  }

  /**
   * Services written at the top level, without `services:`: the version 1 format, which Compose v2 no
   * longer reads (docker-compose 1.x did), so nothing in the file runs as written and no port is read.
   */
  private reportVersionOne(top: Map<string, Pair>): void {
    for (const [name, pair] of top) {
      if (TOP_LEVEL_KEYS.has(name) || name.startsWith('x-')) continue;
      const body = this.deref(pair.value as Node | null);
      if (!isMap(body) || !(body.has('image') || body.has('build'))) continue;
      this.report(
        'parse-error',
        'error',
        spanOf(pair.key as Node),
        `service "${name}" is written at the top level, in the version 1 format that Compose v2 does not read: move the services under "services:" (their ports are not checked)`,
      );
      return;
    }
  }

  /** A map's pairs by key, with `<<` merge keys resolved as Compose does (own keys win, earlier sources win). */
  private entries(map: YAMLMap, depth = 0): Map<string, Pair> {
    const own = new Map<string, Pair>();
    // Merge keys whose sources merge others: a chain as long as the file would recurse as deep.
    if (depth > LIMITS.nestingDepth) {
      this.report(
        'scan-degraded',
        'warning',
        spanOf(map),
        `merge keys (<<) chained deeper than ${formatLimit(LIMITS.nestingDepth)} levels (the limit): the deeper ones are not followed`,
      );
      return own;
    }
    const merged: YAMLMap[] = [];
    for (const item of map.items) {
      if (!isPair(item)) continue;
      const key = item.key;
      const keyText = isScalar(key) ? String((key as Scalar).source ?? (key as Scalar).value) : null;
      if (keyText === MERGE_KEY || (isScalar(key) && typeof (key as Scalar).value === 'symbol')) {
        const value = item.value as Node | null;
        const sources = isSeq(value) ? value.items.map((v) => this.deref(v as Node)) : [this.deref(value)];
        for (const s of sources) if (isMap(s)) merged.push(s);
        continue;
      }
      if (keyText !== null) own.set(keyText, item as Pair);
    }
    for (const source of merged) {
      for (const [k, p] of this.entries(source, depth + 1)) if (!own.has(k)) own.set(k, p);
    }
    return own;
  }

  /** Follows an alias to its anchored node; a budget stops alias bombs. */
  private deref(node: Node | null | undefined): Node | null {
    let current = node ?? null;
    for (let hops = 0; current && isAlias(current); hops++) {
      if (--this.aliasBudget < 0 || hops > 100) {
        if (!this.aliasBudgetReported) {
          this.aliasBudgetReported = true;
          this.report('parse-error', 'error', spanOf(current), 'too many YAML aliases (an alias bomb?): aliases from here on are not followed');
        }
        return null;
      }
      current = this.doc ? (current.resolve(this.doc) ?? null) : null;
    }
    return current;
  }

  private readService(model: ComposeServiceModel, body: Map<string, Pair>, serviceNames: Set<string>): void {
    const networkMode = this.scalarString(body.get('network_mode')?.value as Node | undefined);
    model.networkModeHost = networkMode === 'host';
    const containerName = body.get('container_name');
    if (containerName) model.containerName = spanOf(containerName.key as Node);

    const portsPair = body.get('ports');
    if (portsPair) {
      const portsNode = portsPair.value as Node | null;
      model.portsSpan = spanOf(portsPair.key as Node);
      const tag = (portsNode as { tag?: string } | null)?.tag;
      if (tag === '!override') model.portsTag = 'override';
      if (tag === '!reset') model.portsTag = 'reset';
      const list = this.deref(portsNode);
      if (isSeq(list)) {
        for (const item of list.items) this.readPort(model, this.deref(item as Node), list.flow === true);
      } else if (list && !(isScalar(list) && list.value === null)) {
        this.report('parse-error', 'error', spanOf(list), `service "${model.name}": "ports" must be a list`);
      }
    }

    const exposeNode = this.deref(body.get('expose')?.value as Node | undefined);
    if (isSeq(exposeNode)) {
      for (const item of exposeNode.items) this.readExpose(model, this.deref(item as Node));
    }

    const ext = body.get('extends');
    if (ext) this.readExtends(model, this.deref(ext.value as Node));

    const envFile = body.get('env_file');
    if (envFile) this.collectEnvFiles(this.deref(envFile.value as Node));

    const environment = this.deref(body.get('environment')?.value as Node | undefined);
    if (environment) this.readEnvironment(model, environment, serviceNames);

    const command = this.deref(body.get('command')?.value as Node | undefined);
    if (command) this.readCommand(model, command, serviceNames);

    for (const fact of model.ports) this.result.facts.push(fact);
    for (const fact of model.expose) this.result.facts.push(fact);
  }

  // ---- ports -------------------------------------------------------------------------------

  private readPort(model: ComposeServiceModel, node: Node | null, inFlow: boolean): void {
    if (!node) return;
    if (isMap(node)) {
      this.readLongPort(model, node, inFlow || node.flow === true);
      return;
    }
    if (!isScalar(node)) {
      this.report('parse-error', 'error', spanOf(node), `service "${model.name}": a port entry must be a string, a number or a mapping`);
      return;
    }
    this.checkBase60(node);
    let traced = this.traceScalar(node);
    if (!traced) return;
    const missing = traced.value.missing;
    if (missing.length > 0) {
      // `${API_PORT}` with no value anywhere: Compose would put "" there and publish a random port.
      // Read the spec with a stand-in port to learn which field the variable fills; where a port
      // does not fit (a host IP), keep Compose's empty value.
      const standIn = this.traceScalar(node, Object.fromEntries(missing.map((name) => [name, '1'])));
      if (standIn && tryParseSpec(standIn.value.text)) traced = standIn;
    }
    let entries: PortSpecEntry[];
    try {
      entries = parsePortSpec(traced.value.text);
    } catch (err) {
      if (!(err instanceof PortSpecError)) throw err;
      const at = err.offset !== null ? this.sourceSpan(node, traced, err.offset, err.offset + 1).span : spanOf(node);
      this.report('parse-error', 'error', at, `service "${model.name}": ${err.message}`);
      return;
    }
    for (const fact of this.factsFromSpec(model, node, traced, entries)) {
      if (inFlow && node.type === Scalar.PLAIN) fact.plainInFlow = true;
      if (fact.variable && missing.includes(fact.variable) && fact.kind === 'published') {
        fact.published = null;
        fact.publishedEnd = null;
        fact.resolved = false;
      }
      if (model.networkModeHost) this.reportHostModePort(model, fact);
      else model.ports.push(fact);
    }
  }

  /** Entries of one spec that came from one range collapse into one fact with its end. */
  private factsFromSpec(model: ComposeServiceModel, node: Scalar, traced: Traced, entries: PortSpecEntry[]): RawPortFact[] {
    const facts: RawPortFact[] = [];
    const first = entries[0];
    if (!first) return facts;
    const last = entries[entries.length - 1]!;
    const isRange = entries.length > 1;
    const published = first.published;
    // Under network_mode: host the container side is what binds on the host: point there.
    const where = (model.networkModeHost ? null : first.publishedSpan) ?? first.targetSpan;
    const located = this.sourceSpan(node, traced, where.start, where.end);
    facts.push({
      source: 'compose',
      kind: published === null ? 'target' : 'published',
      span: located.span,
      composeService: model.name,
      hostIp: first.hostIp,
      published,
      publishedEnd: isRange && published !== null ? last.published : first.publishedEnd,
      target: first.target,
      targetEnd: isRange ? last.target : null,
      protocol: first.protocol,
      variable: located.variable,
      resolved: true,
      raw: writtenValue(node),
    });
    // A mapping whose container side comes from a variable ("5004:${ADMIN_TARGET:-9000}"): that
    // variable is a port variable of the project too (env-undocumented checks it), so it gets a
    // container-side fact of its own, never a host port.
    if (published !== null && !model.networkModeHost) {
      const container = this.sourceSpan(node, traced, first.targetSpan.start, first.targetSpan.end);
      if (container.variable && container.variable !== located.variable) {
        facts.push({
          source: 'compose',
          kind: 'target',
          span: container.span,
          composeService: model.name,
          hostIp: first.hostIp,
          published: null,
          publishedEnd: null,
          target: first.target,
          targetEnd: isRange ? last.target : null,
          protocol: first.protocol,
          variable: container.variable,
          resolved: true,
          raw: writtenValue(node),
        });
      }
    }
    return facts;
  }

  private readLongPort(model: ComposeServiceModel, node: YAMLMap, inFlow: boolean): void {
    const fields = this.entries(node);
    const targetNode = this.deref(fields.get('target')?.value as Node | undefined);
    const publishedNode = this.deref(fields.get('published')?.value as Node | undefined);
    const hostIp = this.scalarString(fields.get('host_ip')?.value as Node | undefined);
    const protocolText = this.scalarString(fields.get('protocol')?.value as Node | undefined) ?? 'tcp';
    const protocol = isProtocol(protocolText) ? protocolText : null;
    if (!protocol) {
      this.report('parse-error', 'error', spanOf(fields.get('protocol')!.value as Node), `service "${model.name}": unknown protocol "${protocolText}"`);
      return;
    }
    if (!isScalar(targetNode)) {
      this.report('parse-error', 'error', spanOf(node), `service "${model.name}": a long-syntax port needs "target"`);
      return;
    }
    const target = this.tracedNumberOrRange(model, targetNode, 'target');
    if (!target) return;
    let published: { from: number; to: number; span: Span; variable: string | null; resolved: boolean; raw: string } | null = null;
    if (isScalar(publishedNode) && publishedNode.value !== null && publishedNode.value !== '') {
      published = this.tracedNumberOrRange(model, publishedNode, 'published');
      if (!published) return;
    }
    const fact: RawPortFact = {
      source: 'compose',
      kind: published ? 'published' : 'target',
      span: published ? published.span : target.span,
      composeService: model.name,
      hostIp: hostIp ?? null,
      published: published ? published.from : null,
      publishedEnd: published && published.to !== published.from ? published.to : null,
      target: target.from,
      targetEnd: target.to !== target.from ? target.to : null,
      protocol,
      variable: published?.variable ?? null,
      resolved: published ? published.resolved : true,
      raw: published?.raw ?? target.raw,
      context: 'long-syntax',
      ...(inFlow && isScalar(publishedNode) && publishedNode.type === Scalar.PLAIN ? { plainInFlow: true } : {}),
    };
    if (model.networkModeHost) this.reportHostModePort(model, fact);
    else model.ports.push(fact);
  }

  /** A long-syntax `published`/`target`: a number, or a string that interpolates to a port or a range. */
  private tracedNumberOrRange(model: ComposeServiceModel, node: Scalar, field: string) {
    const traced = this.traceScalar(node);
    if (!traced) return null;
    const text = traced.value.text.trim();
    if (traced.value.missing.length > 0 && text === '') {
      // ${VAR} with no value anywhere: still a port of this service, just not a known one.
      const variable = traceSpan(traced.value, 0, 0).variable;
      const span = spanOf(node);
      return { from: 0, to: 0, span, variable: traced.value.missing[0] ?? variable?.name ?? null, resolved: false, raw: String(node.source ?? node.value) };
    }
    const m = /^(\d+)(?:-(\d+))?$/.exec(text);
    const from = m ? Number(m[1]) : NaN;
    const to = m?.[2] ? Number(m[2]) : from;
    if (!m || from < 1 || to > 65535 || to < from) {
      this.report('parse-error', 'error', spanOf(node), `service "${model.name}": invalid ${field} port "${text}"`);
      return null;
    }
    const lead = traced.value.text.indexOf(text);
    const located = this.sourceSpan(node, traced, lead, lead + text.length);
    return { from, to, span: located.span, variable: located.variable, resolved: true, raw: writtenValue(node) };
  }

  /** Under network_mode: host a container binds the host's ports directly. */
  private reportHostModePort(model: ComposeServiceModel, fact: RawPortFact): void {
    model.ports.push({ ...fact, kind: 'published', published: fact.target, publishedEnd: fact.targetEnd, context: 'network_mode: host' });
  }

  private readExpose(model: ComposeServiceModel, node: Node | null): void {
    if (!isScalar(node)) return;
    const traced = this.traceScalar(node);
    if (!traced) return;
    const text = traced.value.text;
    const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/.exec(text);
    if (!m) {
      const why = text.includes(':') ? '"expose" takes container ports only; a host:container mapping belongs under "ports"' : 'not a port or range';
      this.report('parse-error', 'error', spanOf(node), `service "${model.name}": invalid expose entry "${text}": ${why}`);
      return;
    }
    const from = Number(m[1]);
    const to = m[2] ? Number(m[2]) : from;
    const digitsEnd = m[1]!.length + (m[2] ? m[2].length + 1 : 0);
    const located = this.sourceSpan(node, traced, 0, digitsEnd);
    // Compose refuses a port above 65535 or a range that runs backwards: a finding, never a fact
    // the scan's JSON contract (0-65535) cannot hold.
    if (to > 65535 || to < from) {
      const why = to > 65535 ? `port ${to} is above 65535` : `the range ${from}-${to} runs backwards`;
      this.report('parse-error', 'error', located.span, `service "${model.name}": invalid expose entry "${text}": ${why}`);
      return;
    }
    const fact: RawPortFact = {
      source: 'compose',
      kind: model.networkModeHost ? 'published' : 'expose',
      span: located.span,
      composeService: model.name,
      hostIp: null,
      published: model.networkModeHost ? from : null,
      publishedEnd: model.networkModeHost && to !== from ? to : null,
      target: from,
      targetEnd: to !== from ? to : null,
      protocol: (m[3] as Protocol | undefined) ?? 'tcp',
      variable: located.variable,
      resolved: true,
      raw: writtenValue(node),
      ...(model.networkModeHost ? { context: 'network_mode: host' } : {}),
    };
    model.expose.push(fact);
  }

  // ---- environment ---------------------------------------------------------------------------

  private readEnvironment(model: ComposeServiceModel, node: Node, serviceNames: Set<string>): void {
    const pairs: { key: string; valueNode: Scalar; valueOffset: number }[] = [];
    if (isMap(node)) {
      for (const [key, pair] of this.entries(node)) {
        const v = this.deref(pair.value as Node);
        if (isScalar(v) && v.value !== null) pairs.push({ key, valueNode: v, valueOffset: 0 });
      }
    } else if (isSeq(node)) {
      for (const item of node.items) {
        const v = this.deref(item as Node);
        if (!isScalar(v) || typeof v.value !== 'string') continue;
        const eq = v.value.indexOf('=');
        if (eq <= 0) continue;
        pairs.push({ key: v.value.slice(0, eq), valueNode: v, valueOffset: eq + 1 });
      }
    }
    for (const { key, valueNode, valueOffset } of pairs) {
      // Without a digit or a `$`, interpolation leaves the value as it is and it holds no port: not traced.
      if (!/[\d$]/.test(typeof valueNode.value === 'string' ? valueNode.value : String(valueNode.source ?? valueNode.value))) continue;
      const traced = this.traceScalar(valueNode);
      if (!traced) continue;
      const value = traced.value.text.slice(valueOffset);
      if (isPortVariable(key) && /^\d{1,5}$/.test(value.trim())) {
        const port = Number(value.trim());
        if (port < 1 || port > 65535) continue;
        const lead = valueOffset + value.indexOf(value.trim());
        const located = this.sourceSpan(valueNode, traced, lead, lead + value.trim().length);
        // A service's own PORT is the port it listens on inside the container.
        this.result.facts.push(envFact(model.name, key, 'env', located.span, null, port, located.variable ?? key, value));
        continue;
      }
      for (const hp of findHostPorts(value)) {
        const located = this.sourceSpan(valueNode, traced, valueOffset + hp.start, valueOffset + hp.end);
        // A host that is a service of this file is reached on the container network: a container port.
        const containerSide = serviceNames.has(hp.host);
        const fact = envFact(model.name, key, 'url', located.span, containerSide ? null : hp.port, containerSide ? hp.port : null, located.variable, hp.raw);
        fact.host = hp.host;
        if (ADVERTISES.test(key)) fact.advertised = true;
        this.result.facts.push(fact);
      }
    }
  }

  /**
   * The addresses a service's `command` advertises (`--advertise-addr localhost:8082`, as one string
   * or as list items, `--flag=value` or `--flag value`). Other addresses in a command are what the
   * process binds inside its container (`--bind 0.0.0.0:8082`): container ports, not read.
   */
  private readCommand(model: ComposeServiceModel, node: Node, serviceNames: Set<string>): void {
    const items = isSeq(node) ? node.items.map((i) => this.deref(i as Node)) : [node];
    let previous = '';
    for (const item of items) {
      if (!isScalar(item) || item.value === null) continue;
      const written = writtenValue(item);
      const flagBefore = previous;
      previous = written;
      if (!written.includes(':') || !/advertis/i.test(flagBefore + written)) continue;
      const traced = this.traceScalar(item);
      if (!traced) continue;
      const value = traced.value.text;
      for (const hp of findHostPorts(value)) {
        // The flag is the token before the address: in this item (`--advertise-addr=…`, `… --advertise-addr …`) or the item before.
        // A window before the address, not all of it: a flag is short, and a slice per address was quadratic.
        const before = value.slice(Math.max(0, hp.end - hp.raw.length - 256), hp.end - hp.raw.length);
        const flag = /(\S*)[\s=]*$/.exec(before)![1]! || flagBefore;
        if (!ADVERTISES.test(flag)) continue;
        const located = this.sourceSpan(item, traced, hp.start, hp.end);
        const containerSide = serviceNames.has(hp.host);
        const fact = envFact(model.name, flag, 'url', located.span, containerSide ? null : hp.port, containerSide ? hp.port : null, located.variable, hp.raw);
        fact.host = hp.host;
        fact.advertised = true;
        this.result.facts.push(fact);
      }
    }
  }

  // ---- references to other files ------------------------------------------------------------

  private collectIncludes(pair: Pair | undefined): void {
    if (!pair) return;
    const node = this.deref(pair.value as Node);
    const items = isSeq(node) ? node.items.map((i) => this.deref(i as Node)) : [node];
    for (const item of items) {
      if (isScalar(item)) this.addReference('include', item, true);
      else if (isMap(item)) {
        const fields = this.entries(item);
        const p = this.deref(fields.get('path')?.value as Node | undefined);
        const paths = isSeq(p) ? p.items.map((i) => this.deref(i as Node)) : [p];
        for (const one of paths) if (isScalar(one)) this.addReference('include', one, true);
        const envFile = this.deref(fields.get('env_file')?.value as Node | undefined);
        if (envFile) this.collectEnvFiles(envFile);
      }
    }
  }

  private collectEnvFiles(node: Node | null): void {
    const items = isSeq(node) ? node.items.map((i) => this.deref(i as Node)) : [node];
    for (const item of items) {
      if (isScalar(item)) this.addReference('env_file', item, true);
      else if (isMap(item)) {
        const fields = this.entries(item);
        const p = this.deref(fields.get('path')?.value as Node | undefined);
        const required = this.deref(fields.get('required')?.value as Node | undefined);
        if (isScalar(p)) this.addReference('env_file', p, !(isScalar(required) && required.value === false));
      }
    }
  }

  private readExtends(model: ComposeServiceModel, node: Node | null): void {
    if (isScalar(node)) {
      model.extends = { file: null, service: String(node.value), span: spanOf(node) };
      return;
    }
    if (!isMap(node)) return;
    const fields = this.entries(node);
    const service = this.scalarString(fields.get('service')?.value as Node | undefined);
    const fileNode = this.deref(fields.get('file')?.value as Node | undefined);
    if (!service) return;
    model.extends = { file: isScalar(fileNode) ? String(fileNode.value) : null, service, span: spanOf(node) };
    if (isScalar(fileNode)) this.addReference('extends', fileNode, true);
  }

  private addReference(kind: ComposeReference['kind'], node: Scalar, required: boolean): void {
    const traced = this.traceScalar(node);
    const path = traced ? traced.value.text : String(node.value);
    const remote = /^(?:[a-z][a-z0-9+.-]*:\/\/|git@|oci:)/i.test(path);
    this.result.references.push({ kind, path, span: spanOf(node), remote, required });
  }

  // ---- helpers ------------------------------------------------------------------------------

  private scalarString(node: Node | undefined | null): string | null {
    const n = this.deref(node);
    if (!isScalar(n) || n.value === null || n.value === undefined) return null;
    const traced = this.traceScalar(n);
    return traced ? traced.value.text : String(n.value);
  }

  /** Interpolates a scalar like Compose; an invalid template becomes a finding. */
  private traceScalar(node: Scalar, standIns?: TemplateEnv): Traced | null {
    const raw = typeof node.value === 'string' ? node.value : String(node.source ?? node.value);
    if (raw.length > LIMITS.valueLength) {
      // Interpolating and searching megabytes of one value cost far more than the file's size.
      const size = `${formatSize(raw.length)} long, over the ${formatSize(LIMITS.valueLength)} limit`;
      this.report('scan-degraded', 'warning', spanOf(node), `a YAML value ${size}: not searched for ports`);
      return null;
    }
    try {
      return { value: interpolateTraced(raw, standIns ? { ...this.env, ...standIns } : this.env) };
    } catch (err) {
      if (!(err instanceof InterpolationError)) throw err;
      const offsets = scalarOffsets(this.text, node);
      const at = offsets?.[err.offset] ?? spanOf(node).start;
      this.report('parse-error', 'error', { start: at, end: at + 1 }, err.message);
      return null;
    }
  }

  /** The source span of [start, end) of an interpolated scalar value. */
  private sourceSpan(node: Scalar, traced: Traced, start: number, end: number) {
    const located = traceSpan(traced.value, start, end);
    if (located.span.end === 0) return { span: spanOf(node), variable: located.variable?.name ?? null };
    // Mapped on first use: most traced scalars (network_mode, protocol, env values without a port) never need it.
    if (traced.offsets === undefined) traced.offsets = scalarOffsets(this.text, node);
    const offsets = traced.offsets;
    if (!offsets) return { span: spanOf(node), variable: located.variable?.name ?? null };
    const s = offsets[located.span.start];
    const e = offsets[located.span.end - 1];
    if (s === undefined || e === undefined) return { span: spanOf(node), variable: located.variable?.name ?? null };
    return { span: { start: s, end: e + 1 }, variable: located.variable?.name ?? null };
  }

  /** `22:22` unquoted is 1342 to a YAML 1.1 parser (PyYAML, docker-compose v1): say so. */
  private checkBase60(node: Scalar): void {
    if (node.type !== Scalar.PLAIN || String(node.source ?? '').length > LIMITS.valueLength) return;
    const source = String(node.source ?? node.value);
    if (/^[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+$/.test(source)) {
      const value = source
        .replace(/_/g, '')
        .split(':')
        .reduce((acc, part) => acc * 60 + Number(part), 0);
      this.report('yaml-base60', 'warning', spanOf(node), `unquoted "${source}" is the number ${value} to a YAML 1.1 parser (base 60): quote it ("${source}")`);
    }
  }
}

/**
 * A fact of an `environment` value, written out in full: an object spread per fact (`{ ...base, ... }`)
 * was the parser's costliest line. The key order is the one the spread gave, so JSON output is unchanged.
 */
function envFact(
  service: string,
  key: string,
  kind: 'env' | 'url',
  span: Span,
  published: number | null,
  target: number | null,
  variable: string | null,
  raw: string,
): RawPortFact {
  return {
    source: 'compose',
    composeService: service,
    hostIp: null,
    publishedEnd: null,
    targetEnd: null,
    protocol: null,
    resolved: true,
    context: key,
    kind,
    span,
    published,
    target,
    variable,
    raw,
  };
}

function tryParseSpec(text: string): boolean {
  try {
    parsePortSpec(text);
    return true;
  } catch {
    return false;
  }
}

/** A scalar's value before interpolation: the text as written, without quotes. */
function writtenValue(node: Scalar): string {
  return typeof node.value === 'string' ? node.value : String(node.source ?? node.value);
}

/** Thrown by spanOf when the block reader does not know a node's end: parseCompose walks again with the library. */
const needsLibrary = new Error('the block reader does not know this range');

function spanOf(node: Node): Span {
  const range = (node as { range?: [number, number, number] }).range;
  if (range && range[1] === UNKNOWN_END) throw needsLibrary;
  return range ? { start: range[0], end: range[1] } : { start: 0, end: 0 };
}
