/**
 * package.json `scripts` -> port facts with exact positions (the digits inside the JSON string).
 *
 * Each script is split like a shell line (shell-words.ts) into simple commands; in each:
 * - `PORT=3001 cmd`, `cross-env PORT=3001 cmd`, `env PORT=3001 cmd`: `published` (the port the
 *   command's server binds, by the Node convention), variable PORT. Other port variables
 *   (`API_PORT=5000 cmd`) are `env` values: a port the command is told about, not one it binds.
 * - a dev server of the table below with its port flag (`vite --port 5173`, `--port=5173`,
 *   `next dev -p 3001`, `npx serve -l 4000`): `published`. Wrappers are looked through (`npx`,
 *   `bunx`, `pnpx`, `npm exec`, `pnpm exec|dlx`, `yarn exec|dlx`, `bun x`, `cross-env`, `env`).
 * - `docker run|create -p|--publish 8080:80` (the Compose short syntax, port-spec.ts): the host
 *   side `published`, with its container port, host IP and protocol.
 * - `--port N` / `--port=N` of any other tool: a `mention` (a port named, moved with the service
 *   it belongs to, never held to the registry as a binding): `psql --port`, `wait-on`, a script's
 *   own flags may as well name a port to connect to.
 * - a URL or local host:port anywhere in the line (`wait-on http://localhost:3000`): `url`.
 * A value is digits (1-65535), `$PORT` / `${PORT}` (the variable, unresolved: the shell's
 * environment gives it) or `${PORT:-3000}` / `${PORT-3000}` (the variable, and its default's
 * digits). Not read: `-p` of any tool not in the table (`tsc -p`, `mkdir -p`, `jest -p`),
 * positional ports (`python -m http.server 8000`), `$npm_package_config_*` values.
 */
import type { Node } from 'jsonc-parser';
import { findHostPorts, isPortVariable } from './host-port.js';
import { decodeString, longValueFinding, parseJsonTree, propertyOf, type DecodedString } from './json-text.js';
import { parsePortSpec, PortSpecError } from './port-spec.js';
import { splitCommands, type ShellWord } from './shell-words.js';
import type { ParsedFile, RawPortFact, Span } from './types.js';
import { pushAll } from '../util/arrays.js';
import { jsonTooDeepAt } from '../util/nesting.js';
import { LIMITS } from '../limits.js';

/**
 * Dev servers and the flags that set the port they bind. `listen` flags take a port or an
 * address with one (`serve -l tcp://0.0.0.0:4000`).
 */
export const DEV_SERVER_PORT_FLAGS: Readonly<Record<string, { port: readonly string[]; listen?: readonly string[] }>> = {
  vite: { port: ['--port'] },
  next: { port: ['--port', '-p'] },
  nuxt: { port: ['--port', '-p'] },
  nuxi: { port: ['--port', '-p'] },
  astro: { port: ['--port'] },
  webpack: { port: ['--port'] },
  'webpack-cli': { port: ['--port'] },
  'webpack-dev-server': { port: ['--port'] },
  'http-server': { port: ['--port', '-p'] },
  serve: { port: [], listen: ['--listen', '-l'] },
  vercel: { port: [], listen: ['--listen', '-l'] },
  'live-server': { port: ['--port'] },
  'json-server': { port: ['--port', '-p'] },
  storybook: { port: ['--port', '-p'] },
  'start-storybook': { port: ['--port', '-p'] },
  gatsby: { port: ['--port', '-p'] },
  ng: { port: ['--port'] },
  'vue-cli-service': { port: ['--port'] },
  docusaurus: { port: ['--port'] },
  vitepress: { port: ['--port'] },
  parcel: { port: ['--port', '-p'] },
  remix: { port: ['--port'] },
  'react-router': { port: ['--port'] },
  sirv: { port: ['--port', '-p'] },
  wrangler: { port: ['--port'] },
  netlify: { port: ['--port', '-p'] },
  expo: { port: ['--port', '-p'] },
  'browser-sync': { port: ['--port'] },
};

/** Commands that run the command after them (with their own options first). */
const RUNNERS = new Set(['npx', 'bunx', 'pnpx']);
const RUNNER_VERBS: Readonly<Record<string, readonly string[]>> = { npm: ['exec', 'x'], pnpm: ['exec', 'dlx'], yarn: ['exec', 'dlx'], bun: ['x'] };
/** Runner options that take a value (`npx -p pkg`, `--package=pkg`). */
const RUNNER_OPTIONS_WITH_VALUE = new Set(['-p', '--package', '-c', '--call']);
const ENV_SETTERS = new Set(['cross-env', 'cross-env-shell', 'env']);

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=/;
const DIGITS = /^[1-9]\d{0,4}$/;
const VARIABLE = /^\$(?:([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)(\d+))?\})$/;

export function parsePackageScripts(text: string, file: string): ParsedFile {
  if (holdsNoPortCandidate(text)) return { facts: [], findings: [] };
  const tree = parseJsonTree(text, file, false);
  const facts: RawPortFact[] = [];
  const scripts = propertyOf(tree.root, 'scripts');
  for (const property of scripts?.type === 'object' ? (scripts.children ?? []) : []) {
    const [key, value] = property.children ?? [];
    if (value?.type !== 'string' || typeof key?.value !== 'string') continue;
    const tooLong = longValueFinding(text, file, value, `script "${key.value}"`);
    if (tooLong) tree.findings.push(tooLong);
    else pushAll(facts, scriptFacts(text, value, key.value));
  }
  facts.sort((a, b) => a.span.start - b.span.start);
  return { facts, findings: tree.findings };
}

/**
 * True when the text is plain JSON, not nested past the limit, whose scripts have neither a digit
 * nor a `$` and none of a length to be cut: no fact and no finding can come of it, and the
 * engine's JSON.parse says so for a fraction of the cost of the positioned tree. Most
 * package.json files are such; any other text takes the tree's path, which places what it finds.
 */
function holdsNoPortCandidate(text: string): boolean {
  if (jsonTooDeepAt(text, LIMITS.nestingDepth) !== -1) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return false;
  }
  const scripts = typeof parsed === 'object' && parsed !== null ? (parsed as { scripts?: unknown }).scripts : undefined;
  if (typeof scripts !== 'object' || scripts === null || Array.isArray(scripts)) return true;
  // An escape writes one character with up to 6 (`\u0035`): a value this short is short in the file too.
  const short = Math.floor((LIMITS.valueLength - 2) / 6);
  for (const value of Object.values(scripts)) {
    if (typeof value === 'string' && (value.length > short || /[\d$]/.test(value))) return false;
  }
  return true;
}

/** The facts of one script's command line. */
export function scriptFacts(text: string, node: Node, script: string): RawPortFact[] {
  const line = decodeString(text, node);
  const facts: RawPortFact[] = [];
  for (const words of splitCommands(line.value)) commandFacts(line, words, script, facts);
  const taken = new Set(facts.map((f) => f.span.start));
  for (const hp of findHostPorts(line.value)) {
    const span = inFile(line, hp.start, hp.end);
    if (taken.has(span.start)) continue;
    facts.push(fact({ kind: 'url', span, published: hp.port, variable: null, resolved: true, raw: hp.raw, host: hp.host, context: `scripts.${script}` }));
  }
  return facts;
}

function commandFacts(line: DecodedString, words: ShellWord[], script: string, facts: RawPortFact[]): void {
  const context = `scripts.${script}`;
  let i = 0;
  const assignments = () => {
    for (; i < words.length; i++) {
      const m = ASSIGNMENT.exec(words[i]!.value);
      if (!m) return;
      const name = m[1]!;
      if (name !== 'PORT' && !isPortVariable(name)) continue;
      const value = portValue(words[i]!, m[0].length);
      if (!value) continue;
      const raw = line.value.slice(words[i]!.start, words[i]!.end);
      facts.push(valueFact(line, words[i]!, value, { kind: name === 'PORT' ? 'published' : 'env', raw, context }, name));
    }
  };
  assignments();
  // Look through the commands that run another one.
  for (;;) {
    const tool = toolName(words[i]?.value);
    if (tool === undefined) return;
    if (ENV_SETTERS.has(tool)) {
      i++;
      while (i < words.length && words[i]!.value.startsWith('-')) i++;
      assignments();
    } else if (RUNNERS.has(tool) || RUNNER_VERBS[tool]?.includes(words[i + 1]?.value ?? '')) {
      i += RUNNERS.has(tool) ? 1 : 2;
      while (i < words.length && words[i]!.value.startsWith('-')) {
        const option = words[i]!.value;
        i += option === '--' ? 1 : RUNNER_OPTIONS_WITH_VALUE.has(option) ? 2 : 1;
        if (option === '--') break;
      }
    } else break;
  }
  const tool = toolName(words[i]?.value)!;
  const args = words.slice(i + 1);
  if (tool === 'docker') {
    dockerFacts(line, args, context, facts);
    return;
  }
  const known = DEV_SERVER_PORT_FLAGS[tool];
  for (let k = 0; k < args.length; k++) {
    const word = args[k]!;
    const eq = word.value.indexOf('=');
    const flag = word.value.startsWith('-') ? (eq === -1 ? word.value : word.value.slice(0, eq)) : null;
    if (flag === null) continue;
    const listen = known?.listen?.includes(flag) ?? false;
    const bind = listen || (known?.port.includes(flag) ?? false);
    // Any other tool's --port names a port; only the table says it is the one the tool binds.
    if (!bind && flag !== '--port') continue;
    const valueWord = eq === -1 ? args[k + 1] : word;
    if (!valueWord) continue;
    const value = portValue(valueWord, eq === -1 ? 0 : eq + 1, listen);
    if (!value) continue;
    const raw = line.value.slice(word.start, valueWord.end);
    facts.push(valueFact(line, valueWord, value, { kind: bind ? 'published' : 'mention', raw, context }, null));
    if (eq === -1) k++;
  }
}

/** `docker run -p 8080:80`, `docker container create --publish=127.0.0.1:8080:80/udp`. */
function dockerFacts(line: DecodedString, args: ShellWord[], context: string, facts: RawPortFact[]): void {
  const verb = args[0]?.value === 'container' ? args[1]?.value : args[0]?.value;
  if (verb !== 'run' && verb !== 'create') return;
  for (let k = 0; k < args.length; k++) {
    const word = args[k]!;
    const eq = word.value.indexOf('=');
    const flag = eq === -1 ? word.value : word.value.slice(0, eq);
    if (flag !== '-p' && flag !== '--publish') continue;
    const valueWord = eq === -1 ? args[k + 1] : word;
    if (eq === -1) k++;
    if (!valueWord) continue;
    const from = eq === -1 ? 0 : eq + 1;
    let entries: ReturnType<typeof parsePortSpec>;
    try {
      entries = parsePortSpec(valueWord.value.slice(from));
    } catch (err) {
      if (err instanceof PortSpecError) continue;
      throw err;
    }
    for (const e of entries) {
      if (e.published === null || e.publishedSpan === null || e.rangeIndex > 0 || e.published === 0) continue;
      // A range mapped port to port (`8000-8001:80-81`) comes out one entry per port: one fact for the range.
      const range = entries.filter((x) => x.publishedSpan?.start === e.publishedSpan!.start);
      const span = inFile(line, valueWord.at[from + e.publishedSpan.start]!, valueWord.at[from + e.publishedSpan.end - 1]! + 1);
      facts.push({
        ...fact({
          kind: 'published',
          span,
          published: e.published,
          variable: null,
          resolved: true,
          raw: line.value.slice(word.start, valueWord.end),
          context,
        }),
        hostIp: e.hostIp,
        publishedEnd: e.publishedEnd ?? (range.length > 1 ? range[range.length - 1]!.published : null),
        target: e.target,
        targetEnd: range.length > 1 ? range[range.length - 1]!.target : null,
        protocol: e.protocol,
      });
    }
  }
}

/** `./node_modules/.bin/vite` -> `vite`; `vite.cmd` -> `vite`. */
function toolName(word: string | undefined): string | undefined {
  if (word === undefined) return undefined;
  return word
    .slice(word.lastIndexOf('/') + 1)
    .replace(/\.(?:cmd|exe|js|mjs|cjs)$/i, '')
    .toLowerCase();
}

interface PortValue {
  port: number | null;
  variable: string | null;
  /** Indices in the word's value of the digits, or of the whole `$VAR` when there are none. */
  start: number;
  end: number;
}

/** A port value from `from` on in a word: digits, `$VAR`, `${VAR}`, `${VAR:-digits}`; with `listen`, also an address ending in `:digits`. */
function portValue(word: ShellWord, from: number, listen = false): PortValue | null {
  let text = word.value.slice(from);
  let offset = from;
  if (listen && !DIGITS.test(text)) {
    const m = /^(?:tcp:\/\/)?[^\s:/]*:(\d+)$/.exec(text);
    if (!m) return null;
    offset += text.length - m[1]!.length;
    text = m[1]!;
  }
  if (DIGITS.test(text)) {
    const port = Number(text);
    return port <= 65535 ? { port, variable: null, start: offset, end: offset + text.length } : null;
  }
  const m = VARIABLE.exec(text);
  if (!m) return null;
  const variable = m[1] ?? m[2]!;
  const fallback = m[4];
  if (fallback === undefined) return { port: null, variable, start: offset, end: offset + text.length };
  if (!DIGITS.test(fallback) || Number(fallback) > 65535) return null;
  const start = offset + text.length - 1 - fallback.length;
  return { port: Number(fallback), variable, start, end: start + fallback.length };
}

function valueFact(
  line: DecodedString,
  word: ShellWord,
  value: PortValue,
  what: Pick<RawPortFact, 'kind' | 'raw' | 'context'>,
  assigned: string | null,
): RawPortFact {
  return fact({
    ...what,
    span: inFile(line, word.at[value.start]!, word.at[value.end - 1]! + 1),
    published: value.port,
    variable: assigned ?? value.variable,
    resolved: value.port !== null,
  });
}

function fact(partial: Pick<RawPortFact, 'kind' | 'span' | 'published' | 'variable' | 'resolved' | 'raw' | 'context'> & { host?: string | null }): RawPortFact {
  return {
    source: 'package-json',
    composeService: null,
    hostIp: null,
    publishedEnd: null,
    target: null,
    targetEnd: null,
    protocol: null,
    host: null,
    ...partial,
  };
}

/** Line indices [start, end) to file offsets. */
function inFile(line: DecodedString, start: number, end: number): Span {
  return { start: line.offsets[start]!, end: line.offsets[end - 1]! + 1 };
}
