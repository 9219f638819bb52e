/**
 * The `compose` target: a `ports:` entry for a registry service, `"${API_PORT:-5001}:8080"`,
 * inserted into its compose service with byte-exact edits (nothing else in the file moves), or
 * printed as a snippet when the project's compose files have no such service.
 *
 * - The entry: the host side is the service's variable with the registry port as its default
 *   (the bare port when the service has no variable); the container side is the registry's
 *   `containerPort`, else the host port itself. One entry per protocol (`/udp` when not tcp).
 * - A service that already publishes a port the scanner attributes to the registry service is
 *   left alone: a wrong number there is `port-mismatch`'s to report and `reassign`'s to move.
 * - Style: an existing `ports:` list gets one more item in the style of its last one (quotes,
 *   indentation, short or long syntax; a flow list `[...]` gets `, "..."`); a service without
 *   `ports:` gets the key after its last line, indented like its other keys, the item indented
 *   as the file's other lists are. The file's line breaks are kept.
 * - Where: the first of the project's compose files that defines the service, base files before
 *   overrides (`compose.override.yaml` appends to the base file's list).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isPair, isScalar, isSeq, parseDocument, type Node, type Pair, type YAMLMap, type YAMLSeq, type Scalar } from 'yaml';
import type { Registry } from '../registry/types.js';
import type { ScanResult } from '../scan/scan.js';
import type { TextEdit } from '../findings.js';
import { ByteOffsets } from '../util/byte-offsets.js';
import { applyStringEdits, lineBreakOf, type StringEdit } from './markers.js';
import { projectViews, type ServiceView } from './view.js';

export interface ComposeEntryPlan {
  project: string;
  service: string;
  composeService: string;
  /** The `ports:` items for the service, as they would be written. */
  entries: string[];
  /** present: already published; insert: an edit below; missing: no compose service of that name; manual: found, but not in a shape we edit. */
  status: 'present' | 'insert' | 'missing' | 'manual';
  /** The compose file the entry goes (or should go) into, root-relative; null when the project has none. */
  file: string | null;
  message: string;
  /** A snippet to paste, for missing and manual. */
  snippet: string | null;
}

export interface ComposeFileChange {
  file: string;
  before: Buffer;
  after: Buffer;
  edits: TextEdit[];
}

export interface ComposePlan {
  services: ComposeEntryPlan[];
  files: ComposeFileChange[];
}

/** The host side: `${API_PORT:-5001}`, or `5001` without a variable. */
export function composeEntries(s: ServiceView): string[] {
  const host = s.env ? `\${${s.env}:-${s.port}}` : String(s.port);
  const container = s.containerPort ?? s.port;
  return s.protocols.map((p) => `${host}:${container}${p === 'tcp' ? '' : `/${p}`}`);
}

export function composeSnippet(composeService: string, entries: string[]): string {
  return ['services:', `  ${composeService}:`, '    ports:', ...entries.map((e) => `      - "${e}"`)].join('\n') + '\n';
}

const isOverride = (file: string) => /override/i.test(path.posix.basename(file));

export async function planCompose(input: { root: string; registry: Registry; scan: ScanResult; project: string; services?: string[] }): Promise<ComposePlan> {
  const view = projectViews(input.registry).find((p) => p.name === input.project);
  if (!view) return { services: [], files: [] };
  const wanted = view.services.filter((s) => !input.services || input.services.includes(s.name));
  const composeFiles = input.scan.files
    .filter((f) => f.kind === 'compose' && f.project === input.project)
    .map((f) => f.path)
    .sort((a, b) => Number(isOverride(a)) - Number(isOverride(b)) || (a < b ? -1 : a > b ? 1 : 0));
  const texts = new Map<string, string>();
  for (const f of composeFiles) texts.set(f, await readFile(path.join(input.root, f), 'utf8'));

  const plans: ComposeEntryPlan[] = [];
  const byTarget = new Map<string, { file: string; composeService: string; services: ServiceView[] }>();
  for (const s of wanted) {
    const entries = composeEntries(s);
    const base = { project: input.project, service: s.name, composeService: s.composeService, entries };
    const published = input.scan.ports.some((p) => p.source === 'compose' && p.project === input.project && p.service === s.name && p.kind === 'published');
    const file = composeFiles.find((f) => findService(texts.get(f)!, s.composeService) !== null) ?? null;
    if (published) {
      plans.push({
        ...base,
        status: 'present',
        file,
        message: `${s.composeService} publishes port ${s.port} already${file ? ` (${file})` : ''}`,
        snippet: null,
      });
      continue;
    }
    if (!file) {
      const into = composeFiles[0] ?? `a compose.yaml in the folder of project "${input.project}"`;
      plans.push({
        ...base,
        status: 'missing',
        file: composeFiles[0] ?? null,
        message: `no compose service "${s.composeService}" in ${composeFiles.length ? composeFiles.join(', ') : `project "${input.project}" (it has no compose file)`}: add it to ${into} with:`,
        snippet: composeSnippet(s.composeService, entries),
      });
      continue;
    }
    const key = `${file}|${s.composeService}`;
    const group = byTarget.get(key) ?? { file, composeService: s.composeService, services: [] };
    group.services.push(s);
    byTarget.set(key, group);
    plans.push({
      ...base,
      status: 'insert',
      file,
      message: `add ${entries.map((e) => `"${e}"`).join(', ')} to the ports of ${s.composeService} in ${file}`,
      snippet: null,
    });
  }

  const editsByFile = new Map<string, StringEdit[]>();
  for (const group of byTarget.values()) {
    const text = texts.get(group.file)!;
    const entries = group.services.flatMap(composeEntries);
    const edit = insertPorts(text, group.composeService, entries);
    if (typeof edit === 'string') {
      for (const p of plans) {
        if (p.status === 'insert' && p.file === group.file && p.composeService === group.composeService) {
          Object.assign(p, {
            status: 'manual',
            message: `${group.composeService} in ${group.file}: ${edit}; add by hand:`,
            snippet: composeSnippet(group.composeService, p.entries),
          });
        }
      }
      continue;
    }
    editsByFile.set(group.file, [...(editsByFile.get(group.file) ?? []), edit]);
  }
  const files: ComposeFileChange[] = [];
  for (const [file, edits] of [...editsByFile].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const text = texts.get(file)!;
    const bytes = new ByteOffsets(text);
    files.push({
      file,
      before: Buffer.from(text, 'utf8'),
      after: Buffer.from(applyStringEdits(text, edits), 'utf8'),
      edits: edits.map((e) => ({ file, start: bytes.at(e.start), end: bytes.at(e.end), text: e.text, expected: text.slice(e.start, e.end) })),
    });
  }
  return { services: plans, files };
}

function findService(text: string, name: string): { pair: Pair; doc: ReturnType<typeof parseDocument> } | null {
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0 || !isMap(doc.contents)) return null;
  const services = (doc.contents as YAMLMap).items.find((p) => isScalar(p.key) && p.key.value === 'services')?.value;
  if (!isMap(services)) return null;
  const pair = (services as YAMLMap).items.find((p) => isScalar(p.key) && String(p.key.value) === name);
  return pair ? { pair, doc } : null;
}

/** Start of the line holding `offset`, and its indentation. */
function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Where the next line starts after `offset` (the end of the file when there is none). */
function nextLine(text: string, offset: number): number {
  if (offset > 0 && text[offset - 1] === '\n') return offset;
  const nl = text.indexOf('\n', offset);
  return nl === -1 ? text.length : nl + 1;
}

/** How far the file indents a block list under its key (`ports:\n  - x` → 2, `ports:\n- x` → 0). */
function sequenceIndent(text: string, fallback: number): number {
  const m = /^([ \t]*)[A-Za-z_][\w.-]*:[ \t]*\r?\n([ \t]*)- /m.exec(text);
  return m ? m[2]!.length - m[1]!.length : fallback;
}

function quoteLike(style: Scalar['type'] | undefined, entry: string): string {
  if (style === 'QUOTE_SINGLE') return `'${entry}'`;
  // Plain only where the file uses plain items and YAML 1.1 could not read it as a number (5001:30 is base 60 there).
  if (style === 'PLAIN' && !/^\d+:[0-5]?\d$/.test(entry)) return entry;
  return `"${entry}"`;
}

/** The long syntax for an entry, as lines after the `- ` (target, published, protocol). */
function longSyntax(entry: string): string[] {
  const m = /^(.*):(\d+)(?:\/(udp|sctp))?$/.exec(entry)!;
  return [`target: ${m[2]}`, `published: "${m[1]}"`, ...(m[3] ? [`protocol: ${m[3]}`] : [])];
}

/** The edit that adds `entries` to the service's ports, or why it cannot be made safely. */
function insertPorts(text: string, composeService: string, entries: string[]): StringEdit | string {
  const eol = lineBreakOf(text);
  const found = findService(text, composeService)!;
  const body = found.pair.value as Node | null;
  if (!isMap(body) || (body as YAMLMap).flow) return 'the service is empty or written as a flow mapping';
  const map = body as YAMLMap;
  const networkMode = map.items.find((p) => isScalar(p.key) && p.key.value === 'network_mode')?.value;
  if (isScalar(networkMode) && networkMode.value === 'host') return 'it uses network_mode: host, where ports are not published';
  const keyIndent = map.range![0] - lineStart(text, map.range![0]);
  const portsPair = map.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === 'ports');
  if (!portsPair) {
    const unit = sequenceIndent(text, 2);
    const at = nextLine(text, map.range![1]);
    const pad = ' '.repeat(keyIndent);
    const lines = [`${pad}ports:`, ...entries.map((e) => `${pad}${' '.repeat(unit)}- ${quoteLike('QUOTE_DOUBLE', e)}`)];
    const lead = at === text.length && !text.endsWith('\n') ? eol : '';
    return { start: at, end: at, text: lead + lines.map((l) => l + eol).join('') };
  }
  const seq = portsPair.value as Node | null;
  if (!isSeq(seq)) return 'its ports: is not a list';
  const list = seq as YAMLSeq;
  if (list.flow) {
    const close = text.lastIndexOf(']', list.range![1]);
    if (close === -1) return 'its ports: list could not be read';
    const last = list.items.at(-1) as Node | undefined;
    const style = isScalar(last) ? last.type : 'QUOTE_DOUBLE';
    const items = entries.map((e) => quoteLike(style, e)).join(', ');
    if (!last) return { start: close, end: close, text: items };
    const after = last.range![1];
    return { start: after, end: after, text: `, ${items}` };
  }
  const last = list.items.at(-1) as Node | undefined;
  if (!last) return 'its ports: list is empty';
  const dash = text.lastIndexOf('-', last.range![0]);
  const prefix = text.slice(lineStart(text, dash), dash);
  if (!/^[ \t]*$/.test(prefix)) return 'its ports: list could not be read';
  const at = nextLine(text, last.range![1]);
  const lead = at === text.length && !text.endsWith('\n') ? eol : '';
  let lines: string[];
  if (isMap(last)) {
    const inner = ' '.repeat((last as YAMLMap).range![0] - lineStart(text, (last as YAMLMap).range![0]));
    lines = entries.flatMap((e) => longSyntax(e).map((l, i) => (i === 0 ? `${prefix}- ${l}` : `${inner}${l}`)));
  } else {
    const style = isScalar(last) ? (last as Scalar).type : 'QUOTE_DOUBLE';
    lines = entries.map((e) => `${prefix}- ${quoteLike(style, e)}`);
  }
  return { start: at, end: at, text: lead + lines.map((l) => l + eol).join('') };
}
