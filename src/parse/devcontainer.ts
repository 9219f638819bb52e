/**
 * Dev container configs (`.devcontainer/devcontainer.json`, `.devcontainer/<name>/devcontainer.json`,
 * `.devcontainer.json`; JSONC: comments and trailing commas) -> port facts with exact positions.
 *
 * - `forwardPorts`: a number, or a digits string, or `"localhost:3000"`, is a `published` port:
 *   the editor forwards the container's port to the same port on this machine. `"db:5432"` names
 *   a port of another container (a compose service): a `target` of that compose service, since
 *   the number is its container port, which the registry never moves.
 * - `appPort`: a number (or a list of them) is `published` on the same port; a string is a
 *   `docker run -p` value (`"8080:80"`, `"127.0.0.1:8080:80/udp"`, the Compose short syntax,
 *   port-spec.ts): its host side `published`, or a `target` when no host port is given.
 * - `runArgs`: `-p` / `--publish` values, read as appPort strings.
 * - `portsAttributes` keys (`"3000"`, `"3000-3010"`): a `mention` (labels for ports forwarded
 *   elsewhere; moved along with the service, never held to the registry as a binding). Keys that
 *   are not ports (a process name pattern) are not read.
 * Values the schema does not allow (`70000`, `"8080:80:x"`) are `parse-error` findings.
 */
import type { Node } from 'jsonc-parser';
import type { Finding } from '../findings.js';
import { LineIndex } from '../util/text-position.js';
import { decodeString, longValueFinding, parseJsonTree, propertyOf } from './json-text.js';
import { parsePortSpec, PortSpecError } from './port-spec.js';
import type { ParsedFile, RawPortFact, Span } from './types.js';

const DIGITS = /^[1-9]\d{0,4}$/;
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '0.0.0.0', '[::1]']);

export function parseDevcontainer(text: string, file: string): ParsedFile {
  const tree = parseJsonTree(text, file, true);
  const result: ParsedFile = { facts: [], findings: tree.findings };
  if (!tree.root) return result;
  const lines = new LineIndex(text);
  const problem = (span: Span, message: string) =>
    result.findings.push({
      ruleId: 'parse-error',
      severity: 'error',
      message,
      file,
      start: span.start,
      end: span.end,
      ...lines.span(span.start, span.end),
    } satisfies Finding);
  /** A string too long to read: said once per value, and skipped. */
  const tooLong = (node: Node, what: string) => {
    const finding = longValueFinding(text, file, node, what);
    if (finding) result.findings.push(finding);
    return finding !== null;
  };
  const add = (f: Omit<RawPortFact, 'source' | 'hostIp' | 'publishedEnd' | 'targetEnd' | 'variable' | 'resolved'> & Partial<RawPortFact>) =>
    result.facts.push({ source: 'devcontainer', hostIp: null, publishedEnd: null, targetEnd: null, variable: null, resolved: true, ...f });

  for (const node of listOf(propertyOf(tree.root, 'forwardPorts'))) {
    const span = { start: node.offset, end: node.offset + node.length };
    const raw = text.slice(span.start, span.end);
    if (node.type === 'number') {
      const port = portOf(raw);
      if (port === null) problem(span, `forwardPorts: ${raw} is not a port (1-65535)`);
      else add({ kind: 'published', span, composeService: null, published: port, target: port, protocol: null, raw, context: 'forwardPorts' });
      continue;
    }
    if (node.type !== 'string') {
      problem(span, 'forwardPorts: an entry must be a port number or a "host:port" string');
      continue;
    }
    if (tooLong(node, 'a forwardPorts entry')) continue;
    const value = decodeString(text, node);
    const colon = value.value.lastIndexOf(':');
    const host = colon === -1 ? null : value.value.slice(0, colon);
    const digits = value.value.slice(colon + 1);
    const port = portOf(digits);
    if (port === null || host === '') {
      problem(span, `forwardPorts: "${value.value}" is not a port or a "host:port"`);
      continue;
    }
    const at = { start: value.offsets[colon + 1]!, end: value.offsets[value.value.length - 1]! + 1 };
    if (host === null || LOCAL_HOSTS.has(host)) {
      add({ kind: 'published', span: at, composeService: null, published: port, target: port, protocol: null, raw, host, context: 'forwardPorts' });
    } else {
      add({ kind: 'target', span: at, composeService: host, published: null, target: port, protocol: null, raw, host, context: 'forwardPorts' });
    }
  }

  const appPort = propertyOf(tree.root, 'appPort');
  for (const node of appPort?.type === 'array' ? listOf(appPort) : appPort ? [appPort] : []) {
    const span = { start: node.offset, end: node.offset + node.length };
    const raw = text.slice(span.start, span.end);
    if (node.type === 'number') {
      const port = portOf(raw);
      if (port === null) problem(span, `appPort: ${raw} is not a port (1-65535)`);
      else add({ kind: 'published', span, composeService: null, published: port, target: port, protocol: null, raw, context: 'appPort' });
    } else if (node.type === 'string') {
      if (!tooLong(node, 'an appPort entry')) publishFacts(text, node, 0, 'appPort', add, problem);
    } else problem(span, 'appPort: an entry must be a port number or a "host:container" string');
  }

  const runArgs = listOf(propertyOf(tree.root, 'runArgs'));
  for (let i = 0; i < runArgs.length; i++) {
    const node = runArgs[i]!;
    if (node.type !== 'string') continue;
    const arg = String(node.value);
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    if (flag !== '-p' && flag !== '--publish') continue;
    if (tooLong(node, 'a runArgs entry')) continue;
    if (eq !== -1) publishFacts(text, node, eq + 1, 'runArgs', add, problem);
    else if (runArgs[i + 1]?.type === 'string' && !tooLong(runArgs[i + 1]!, 'a runArgs entry')) publishFacts(text, runArgs[++i]!, 0, 'runArgs', add, problem);
  }

  const attributes = propertyOf(tree.root, 'portsAttributes');
  for (const property of attributes?.type === 'object' ? (attributes.children ?? []) : []) {
    const key = property.children?.[0];
    if (key?.type !== 'string' || tooLong(key, 'a portsAttributes key')) continue;
    const value = decodeString(text, key);
    const m = /^(\d+)(?:-(\d+))?$/.exec(value.value);
    if (!m) continue;
    const from = portOf(m[1]!);
    const to = m[2] === undefined ? null : portOf(m[2]);
    if (from === null || (m[2] !== undefined && (to === null || to < from))) continue;
    const at = { start: value.offsets[0]!, end: value.offsets[value.value.length - 1]! + 1 };
    add({
      kind: 'mention',
      span: at,
      composeService: null,
      published: from,
      publishedEnd: to === from ? null : to,
      target: null,
      protocol: null,
      raw: text.slice(key.offset, key.offset + key.length),
      context: 'portsAttributes',
    });
  }

  result.facts.sort((a, b) => a.span.start - b.span.start);
  return result;
}

/** A `docker run -p` value, from `from` in a string node: the host side published, or the container port. */
function publishFacts(
  text: string,
  node: Node,
  from: number,
  context: string,
  add: (f: Omit<RawPortFact, 'source' | 'hostIp' | 'publishedEnd' | 'targetEnd' | 'variable' | 'resolved'> & Partial<RawPortFact>) => void,
  problem: (span: Span, message: string) => void,
): void {
  const value = decodeString(text, node);
  const spec = value.value.slice(from);
  const raw = text.slice(node.offset, node.offset + node.length);
  const inFile = (s: Span) => ({ start: value.offsets[from + s.start]!, end: value.offsets[from + s.end - 1]! + 1 });
  let entries: ReturnType<typeof parsePortSpec>;
  try {
    entries = parsePortSpec(spec);
  } catch (err) {
    if (!(err instanceof PortSpecError)) throw err;
    problem({ start: node.offset, end: node.offset + node.length }, `${context}: ${err.message}`);
    return;
  }
  for (const e of entries) {
    if (e.rangeIndex > 0) continue;
    // A range mapped port to port (`8000-8001:80-81`) comes out one entry per port: one fact for the range.
    const range = entries.filter((x) => x.targetSpan.start === e.targetSpan.start);
    const last = range[range.length - 1]!;
    const common = { hostIp: e.hostIp, target: e.target, targetEnd: range.length > 1 ? last.target : null, protocol: e.protocol, raw, context };
    if (e.published === null || e.published === 0 || e.publishedSpan === null)
      add({ ...common, kind: 'target', span: inFile(e.targetSpan), composeService: null, published: null });
    else
      add({
        ...common,
        kind: 'published',
        span: inFile(e.publishedSpan),
        composeService: null,
        published: e.published,
        publishedEnd: e.publishedEnd ?? (range.length > 1 ? last.published : null),
      });
  }
}

function listOf(node: Node | undefined): Node[] {
  return node?.type === 'array' ? (node.children ?? []) : [];
}

function portOf(digits: string): number | null {
  return DIGITS.test(digits) && Number(digits) <= 65535 ? Number(digits) : null;
}
