/**
 * Port literals in TypeScript and JavaScript (opt-in: `--code`, or `code: true` in config).
 *
 * The TypeScript parser comes from ts-morph, which bundles the compiler. It is heavy (about a
 * second to load), so nothing imports this module statically: the scanner imports it only when
 * code scanning is on, and the compiler itself is loaded by `loadTypeScript()`. Each file is
 * parsed alone with `ts.createSourceFile` (syntax only; no Project, no type checking): on the
 * 109 TypeScript files of src/, this module took 288 ms and a ts-morph Project on an in-memory
 * file system 1,837 ms for the same syntax trees (`node bench/run.mjs --code`, a busy machine).
 *
 * What counts as a port, and its kind (how the lint rules see it):
 * - `published`: a port the program listens on or is configured to serve on: the first argument
 *   of a `.listen(...)` call or of a bare `listen(...)` (`app.listen(5000)`, `server.listen({ port:
 *   5000 })`, `listen(5000)`), each element of a port list (`ports: [5000, 5001]`), a property or
 *   variable named like a port (`port: 5000`, `PORT: 5000`, `apiPort = 5000`, `const API_PORT =
 *   5000`, `server: { port }` and `devServer: { port }` in bundler configs), a parameter default
 *   (`function start(port = 5000)`), and the fallback of a port variable (`process.env.PORT ??
 *   5000`, `|| 5000`, `Number(process.env.API_PORT) || 5000`, `parseInt(process.env.X ?? '5000')`,
 *   with the variable recorded). These are host ports of the project, as a compose `ports:`
 *   entry is: port-unregistered, port-out-of-range, port-foreign, port-reserved, ... apply, the
 *   registry's `env` variable ties them to a service (env-drift compares the fallback with it),
 *   and `portreg reassign` moves their digits.
 * - `url`: a host and port the code connects to: a URL or local host:port written in a string
 *   or in the literal text of a template string (`new URL('http://localhost:5000')`,
 *   `` `http://localhost:5000/api` ``; `` `http://localhost:${port}` `` has no literal port), and
 *   a `port` property next to a string `host`/`hostname` other than a bind-all address
 *   (`'0.0.0.0'`, `'::'`), outside a listen call or a server block (`{ host: 'db', port: 5432 }`,
 *   a client's settings). Like URLs in env files: a reference when the port belongs to
 *   another project, moved along with the service when it is this project's.
 * Everything else is not a port and yields nothing: array indices, `setTimeout(fn, 5000)`,
 * `timeout: 5000`, `delay`, `maxAge`, versions (`'5.0.0'`), arithmetic (`5000 * 2`), sizes,
 * hexadecimal or separated digits (`0x1388`, `5_000`), and numbers outside 1-65535.
 *
 * Parse errors are not reported: the parser recovers, and a file it cannot read fully is not a
 * config the registry governs. Minified files (very long lines) are skipped.
 */
import type { ts as TS } from 'ts-morph';
import { findHostPorts } from './host-port.js';
import type { ParsedFile, RawPortFact } from './types.js';
import { pushAll } from '../util/arrays.js';

export type TypeScriptApi = typeof TS;

let loading: Promise<TypeScriptApi> | undefined;

/** The compiler bundled with ts-morph, loaded once, on first use. */
export function loadTypeScript(): Promise<TypeScriptApi> {
  loading ??= import('ts-morph').then((m) => m.ts as unknown as TypeScriptApi);
  return loading;
}

/** A line this long is generated or minified code, not something a person wrote a port into. */
const MINIFIED_LINE = 2000;

const PORT_NAME = /^(?:port|PORT|Port|[A-Za-z0-9$]*[a-z0-9]Port|[A-Za-z0-9$]*_(?:PORT|port))$/;
/** The name of a list of ports (`ports: [5000, 5001]`, `API_PORTS`, `extraPorts`): its elements are ports. */
const PORTS_NAME = /^(?:ports?|PORTS?|Ports?|[A-Za-z0-9$]*[a-z0-9]Ports?|[A-Za-z0-9$]*_(?:PORTS?|ports?))$/;
/** Objects whose `port` is where a dev server or test server listens. */
const SERVER_KEYS = new Set(['server', 'devServer', 'preview', 'webServer', 'listen']);
/** A `host` that binds every address says where to listen, not whom to call. */
const BIND_ALL = new Set(['0.0.0.0', '::', '']);

export function isMinified(text: string): boolean {
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    if (end - start > MINIFIED_LINE) return true;
    start = end + 1;
  }
  return false;
}

function scriptKind(ts: TypeScriptApi, file: string): TS.ScriptKind {
  const ext = file.slice(file.lastIndexOf('.') + 1).toLowerCase();
  if (ext === 'tsx') return ts.ScriptKind.TSX;
  if (ext === 'ts' || ext === 'mts' || ext === 'cts') return ts.ScriptKind.TS;
  // Plain .js files often hold JSX (React projects); the JSX parser reads plain JS too.
  if (ext === 'js' || ext === 'jsx') return ts.ScriptKind.JSX;
  return ts.ScriptKind.JS;
}

export function parseCode(ts: TypeScriptApi, text: string, file: string): ParsedFile {
  if (isMinified(text)) return { facts: [], findings: [] };
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, scriptKind(ts, file));
  const facts: RawPortFact[] = [];
  const visit = (node: TS.Node): void => {
    if (ts.isNumericLiteral(node) || (ts.isStringLiteral(node) && /^\d+$/.test(node.text))) {
      const fact = literalPort(ts, sf, node);
      if (fact) facts.push(fact);
    }
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node)) {
      pushAll(facts, stringPorts(ts, sf, node));
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  facts.sort((a, b) => a.span.start - b.span.start);
  return { facts, findings: [] };
}

function fact(partial: Pick<RawPortFact, 'kind' | 'span' | 'published' | 'variable' | 'raw' | 'context'> & { host?: string | null }): RawPortFact {
  return {
    source: 'code',
    composeService: null,
    hostIp: null,
    publishedEnd: null,
    target: null,
    targetEnd: null,
    // Not written in code; rules read an unknown protocol as tcp.
    protocol: null,
    resolved: true,
    host: null,
    ...partial,
  };
}

/** A numeric literal (or a digits-only string) in a place where a port goes. */
function literalPort(ts: TypeScriptApi, sf: TS.SourceFile, literal: TS.NumericLiteral | TS.StringLiteral): RawPortFact | null {
  const written = literal.getText(sf);
  const digits = ts.isStringLiteral(literal) ? literal.text : written;
  if (!/^[1-9]\d{0,4}$/.test(digits)) return null;
  const port = Number(digits);
  if (port > 65535) return null;
  const start = literal.getStart(sf) + (ts.isStringLiteral(literal) ? 1 : 0);
  const span = { start, end: start + digits.length };

  // An element of an array literal is a port only where the array is a port list (`ports: [5000, 5001]`).
  let element: TS.Expression = literal;
  while (ts.isParenthesizedExpression(element.parent) || ts.isAsExpression(element.parent)) element = element.parent;
  if (ts.isArrayLiteralExpression(element.parent)) return portListElement(ts, sf, element, element.parent, port, span);

  // Climb through what leaves the value a port: parentheses and casts, the fallback of a
  // `??`/`||`/`?:`, and a conversion (`Number(...)`, `parseInt(...)`).
  let value: TS.Expression = literal;
  let variable: string | null = null;
  for (;;) {
    const parent: TS.Node = value.parent;
    if (
      ts.isParenthesizedExpression(parent) ||
      ts.isAsExpression(parent) ||
      ts.isSatisfiesExpression(parent) ||
      ts.isNonNullExpression(parent) ||
      ts.isTypeAssertionExpression(parent)
    ) {
      value = parent;
    } else if (
      ts.isBinaryExpression(parent) &&
      parent.right === value &&
      (parent.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || parent.operatorToken.kind === ts.SyntaxKind.BarBarToken)
    ) {
      variable ??= envVariableIn(ts, parent.left);
      value = parent;
    } else if (ts.isConditionalExpression(parent) && (parent.whenFalse === value || parent.whenTrue === value)) {
      variable ??= envVariableIn(ts, parent.condition);
      value = parent;
    } else if (
      ts.isCallExpression(parent) &&
      parent.arguments[0] === value &&
      ts.isIdentifier(parent.expression) &&
      ['Number', 'parseInt', 'parseFloat'].includes(parent.expression.text)
    ) {
      value = parent;
    } else {
      break;
    }
  }
  const raw = value.getText(sf);
  const published = (context: string) => fact({ kind: 'published', span, published: port, variable, raw, context });
  const parent = value.parent;

  // app.listen(5000), server.listen(process.env.PORT ?? 5000)
  if (isListenCall(ts, parent) && parent.arguments[0] === value) return published('listen()');
  // { port: 5000 }
  if (ts.isPropertyAssignment(parent) && parent.initializer === value) {
    const name = propertyName(ts, parent.name);
    if (name === null || !PORT_NAME.test(name)) return null;
    const object = parent.parent;
    if (!ts.isObjectLiteralExpression(object)) return null;
    const owner = objectOwner(ts, object);
    if (owner === 'listen()') return published('listen({ port })');
    const host = owner !== null && SERVER_KEYS.has(owner) ? null : connectionHost(ts, object);
    if (host !== null) return fact({ kind: 'url', span, published: port, variable, raw, context: `${name} with host`, host });
    return published(owner !== null ? `${owner}.${name}` : name);
  }
  // const PORT = 5000; function start(port = 5000); class S { port = 5000 }
  if ((ts.isVariableDeclaration(parent) || ts.isParameter(parent) || ts.isPropertyDeclaration(parent)) && parent.initializer === value) {
    const name = ts.isIdentifier(parent.name) ? parent.name.text : null;
    if (name !== null && PORT_NAME.test(name)) return published(name);
  }
  // Anything else holding a port variable's fallback: `const listenOn = process.env.PORT || 5000`.
  if (variable !== null && /PORT/i.test(variable)) return published('env fallback');
  return null;
}

/**
 * `[5000, 5001]` as the value of a port-named property or variable (`ports: [...]`, `const
 * API_PORTS = [...] as const`, `server: { ports: [...] }`): each element is a port the program
 * serves on. Arrays anywhere else (`retries: [5000]`, `listen([5000])`) are not port lists.
 */
function portListElement(
  ts: TypeScriptApi,
  sf: TS.SourceFile,
  element: TS.Expression,
  array: TS.ArrayLiteralExpression,
  port: number,
  span: RawPortFact['span'],
): RawPortFact | null {
  let list: TS.Expression = array;
  while (ts.isParenthesizedExpression(list.parent) || ts.isAsExpression(list.parent) || ts.isSatisfiesExpression(list.parent)) list = list.parent;
  const holder = list.parent;
  const raw = element.getText(sf);
  if (ts.isPropertyAssignment(holder) && holder.initializer === list) {
    const name = propertyName(ts, holder.name);
    if (name === null || !PORTS_NAME.test(name)) return null;
    const owner = ts.isObjectLiteralExpression(holder.parent) ? objectOwner(ts, holder.parent) : null;
    return fact({ kind: 'published', span, published: port, variable: null, raw, context: `${owner !== null ? `${owner}.` : ''}${name}[]` });
  }
  if (
    (ts.isVariableDeclaration(holder) || ts.isPropertyDeclaration(holder)) &&
    holder.initializer === list &&
    ts.isIdentifier(holder.name) &&
    PORTS_NAME.test(holder.name.text)
  ) {
    return fact({ kind: 'published', span, published: port, variable: null, raw, context: `${holder.name.text}[]` });
  }
  return null;
}

/** `app.listen(...)`, `server.listen(...)`, and a bare `listen(...)` (an imported or destructured listen function). */
function isListenCall(ts: TypeScriptApi, node: TS.Node): node is TS.CallExpression {
  if (!ts.isCallExpression(node)) return false;
  const callee = node.expression;
  return (ts.isPropertyAccessExpression(callee) && callee.name.text === 'listen') || (ts.isIdentifier(callee) && callee.text === 'listen');
}

function propertyName(ts: TypeScriptApi, name: TS.PropertyName): string | null {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  return null;
}

/** What an object literal is the value of: `listen()` for a listen argument, the key it is under, or null. */
function objectOwner(ts: TypeScriptApi, object: TS.ObjectLiteralExpression): string | null {
  let node: TS.Node = object;
  while (ts.isParenthesizedExpression(node.parent) || ts.isAsExpression(node.parent) || ts.isSatisfiesExpression(node.parent)) node = node.parent;
  const parent = node.parent;
  if (isListenCall(ts, parent) && parent.arguments[0] === node) return 'listen()';
  if (ts.isPropertyAssignment(parent) && parent.initializer === node) return propertyName(ts, parent.name);
  return null;
}

/** The other machine a client object talks to: a string `host`/`hostname` beside the port that does not bind every address. */
function connectionHost(ts: TypeScriptApi, object: TS.ObjectLiteralExpression): string | null {
  for (const p of object.properties) {
    if (!ts.isPropertyAssignment(p)) continue;
    const name = propertyName(ts, p.name);
    if (name !== 'host' && name !== 'hostname') continue;
    if ((ts.isStringLiteral(p.initializer) || ts.isNoSubstitutionTemplateLiteral(p.initializer)) && !BIND_ALL.has(p.initializer.text))
      return p.initializer.text;
  }
  return null;
}

/** `process.env.X`, `process.env['X']` or `import.meta.env.X` anywhere in an expression. */
function envVariableIn(ts: TypeScriptApi, expression: TS.Node): string | null {
  let found: string | null = null;
  const visit = (node: TS.Node): void => {
    if (found !== null) return;
    if (ts.isPropertyAccessExpression(node) && isEnvObject(ts, node.expression)) {
      found = node.name.text;
      return;
    }
    if (ts.isElementAccessExpression(node) && isEnvObject(ts, node.expression) && ts.isStringLiteralLike(node.argumentExpression)) {
      found = node.argumentExpression.text;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(expression);
  return found;
}

function isEnvObject(ts: TypeScriptApi, node: TS.Expression): boolean {
  if (!ts.isPropertyAccessExpression(node) || node.name.text !== 'env') return false;
  const owner = node.expression;
  return (ts.isIdentifier(owner) && owner.text === 'process') || (ts.isMetaProperty(owner) && owner.name.text === 'meta');
}

/**
 * URLs and local host:port pairs in the literal text of a string or template string. A
 * template's substitutions are blanked (same length, so offsets hold) and read as a host name:
 * `` `http://${host}:5000` `` has a port, `` `http://localhost:${port}` `` has none.
 */
function stringPorts(ts: TypeScriptApi, sf: TS.SourceFile, node: TS.StringLiteral | TS.NoSubstitutionTemplateLiteral | TS.TemplateExpression): RawPortFact[] {
  const start = node.getStart(sf);
  let text = sf.text.slice(start, node.end);
  if (!text.includes(':')) return [];
  if (ts.isTemplateExpression(node)) {
    for (const span of node.templateSpans) {
      const from = span.expression.getStart(sf) - start;
      const to = span.expression.end - start;
      text = text.slice(0, from) + 'x'.repeat(to - from) + text.slice(to);
    }
  }
  const context =
    ts.isNewExpression(node.parent) && ts.isIdentifier(node.parent.expression) && node.parent.expression.text === 'URL'
      ? 'new URL()'
      : ts.isTemplateExpression(node) || ts.isNoSubstitutionTemplateLiteral(node)
        ? 'template string'
        : 'string';
  const out: RawPortFact[] = [];
  for (const hp of findHostPorts(text)) {
    // `scheme://user:1234@db` is a password, not a port (findHostPorts reads the userinfo as a host there).
    if (text[hp.end] === '@') continue;
    // A blanked substitution read as the host is shown as written (`${config.host}`).
    const original = sf.text.slice(start, node.end);
    const host = hp.host.startsWith('${') ? original.slice(hp.start - 1 - hp.host.length, hp.start - 1) : hp.host;
    const raw = original.slice(hp.end - hp.raw.length, hp.end);
    out.push(fact({ kind: 'url', span: { start: start + hp.start, end: start + hp.end }, published: hp.port, variable: null, raw, context, host }));
  }
  return out;
}
