/**
 * The layout keeps data flowing one way (docs/architecture.md): discover -> parse -> rules ->
 * reporters or edits, with the registry core standing alone. This test reads every import of
 * src/ (static, re-exports and dynamic `import()`), maps each to its folder, and fails on an
 * edge between folders that the layout does not allow. A type-only import is allowed where the
 * table says so: it shapes data but loads no code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = path.join(import.meta.dirname, '../src');

/** A file's room: its first folder under src/, `kernel` for the shared top-level files, `index` for the library's entry. */
function roomOf(file: string): string {
  const rel = path.relative(SRC, file).split(path.sep);
  if (rel.length === 1) return rel[0] === 'index.ts' ? 'index' : 'kernel';
  return rel[0]!;
}

interface Edge {
  from: string;
  to: string;
  /** Loads no code: `import type`, `export type`, every named import marked `type`, or `typeof import()`. */
  typeOnly: boolean;
}

function importsOf(file: string): Edge[] {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const edges: Edge[] = [];
  const add = (specifier: string, typeOnly: boolean) => {
    if (!specifier.startsWith('.')) return;
    const target = path.resolve(path.dirname(file), specifier.replace(/\.js$/, '.ts'));
    edges.push({ from: path.relative(SRC, file), to: path.relative(SRC, target), typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
      const typeOnly = Boolean(clause?.isTypeOnly || (clause && !clause.name && named && named.length > 0 && named.every((e) => e.isTypeOnly)));
      add(node.moduleSpecifier.text, typeOnly);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : undefined;
      add(node.moduleSpecifier.text, node.isTypeOnly || Boolean(named && named.length > 0 && named.every((e) => e.isTypeOnly)));
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = node.arguments[0];
      if (arg && ts.isStringLiteral(arg)) add(arg.text, false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node.argument.literal.text, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

/**
 * What each room may load code from (value imports) and, beyond that, take types from.
 * Rooms not listed (the workflows and faces: lint, fix, rewrite, generate, adopt, live, cli, mcp)
 * are held by the two rules below the table: nothing below cli/ imports cli/ or mcp/.
 */
const ALLOWED: Record<string, { values: string[]; types?: string[] }> = {
  kernel: { values: ['kernel'] },
  generated: { values: [] },
  util: { values: ['kernel', 'util'] },
  parse: { values: ['kernel', 'util', 'parse'] },
  registry: { values: ['kernel', 'util', 'generated', 'registry'], types: ['parse'] },
  // config -> fix: locating the registry first finishes a change set a killed process left (fix/recover.ts).
  config: { values: ['kernel', 'util', 'generated', 'registry', 'config', 'fix'] },
  scan: { values: ['kernel', 'util', 'parse', 'registry', 'config', 'scan'] },
  rules: { values: ['kernel', 'util', 'parse', 'registry', 'scan', 'rules'], types: ['generate', 'fix'] },
  // Slot leases are machine state beside the registry: they read it, what listens, and write env files as one change set.
  slots: { values: ['kernel', 'util', 'parse', 'registry', 'config', 'live', 'generate', 'fix', 'slots'] },
  // The port map's model: registry + inventory + findings -> what the map draws (pure).
  map: { values: ['kernel', 'util', 'registry', 'scan', 'map'], types: ['parse', 'lint'] },
  report: { values: ['kernel', 'util', 'report'], types: ['lint', 'rules', 'scan', 'parse', 'registry', 'map'] },
};

const FACES = new Set(['cli', 'mcp']);

function forbidden(edges: Edge[]): string[] {
  const problems: string[] = [];
  for (const e of edges) {
    const from = roomOf(path.join(SRC, e.from));
    const to = roomOf(path.join(SRC, e.to));
    if (from === to) continue;
    const why = (rule: string) => problems.push(`${e.from} -> ${e.to}${e.typeOnly ? ' (types)' : ''}: ${rule}`);
    const allowed = ALLOWED[from];
    if (allowed) {
      const ok = allowed.values.includes(to) || (e.typeOnly && (allowed.types ?? []).includes(to));
      if (!ok) why(`${from}/ may import ${[...allowed.values, ...(allowed.types ?? []).map((t) => `${t} (types)`)].join(', ') || 'nothing'}`);
      continue;
    }
    if (to === 'index') why('the library entry is for users, not for src/');
    else if (to === 'cli' && from !== 'cli') why('nothing below cli/ imports cli/');
    else if (to === 'mcp' && !FACES.has(from)) why('nothing below the faces imports mcp/');
  }
  return problems.sort();
}

describe('architecture: folder edges of src/', () => {
  const edges = sourceFiles(SRC).flatMap(importsOf);

  it('reads the imports it is meant to judge', () => {
    // Guards the reader itself: these imports exist today, of each kind it tells apart.
    const has = (from: string, to: string, typeOnly: boolean) => edges.some((e) => e.from === from && e.to === to && e.typeOnly === typeOnly);
    expect(has('scan/scan.ts', 'parse/compose.ts', false)).toBe(true);
    expect(has('report/types.ts', 'findings.ts', true)).toBe(true);
    expect(has('cli/commands/lint.ts', 'lint/run-lint.ts', false)).toBe(true); // a dynamic import()
  });

  it('has no edge the layout forbids', () => {
    expect(forbidden(edges)).toEqual([]);
  });

  it('catches a forbidden edge (the check itself can fail)', () => {
    const planted: Edge[] = [
      { from: 'parse/compose.ts', to: 'scan/scan.ts', typeOnly: true },
      { from: 'registry/store.ts', to: 'rules/index.ts', typeOnly: false },
      { from: 'rewrite/plan.ts', to: 'cli/context.ts', typeOnly: true },
      { from: 'report/markdown.ts', to: 'rules/types.ts', typeOnly: false },
      { from: 'report/markdown.ts', to: 'rules/types.ts', typeOnly: true },
      { from: 'generate/plan.ts', to: 'mcp/server.ts', typeOnly: false },
    ];
    expect(forbidden(planted)).toEqual([
      'generate/plan.ts -> mcp/server.ts: nothing below the faces imports mcp/',
      'parse/compose.ts -> scan/scan.ts (types): parse/ may import kernel, util, parse',
      'registry/store.ts -> rules/index.ts: registry/ may import kernel, util, generated, registry, parse (types)',
      'report/markdown.ts -> rules/types.ts: report/ may import kernel, util, report, lint (types), rules (types), scan (types), parse (types), registry (types), map (types)',
      'rewrite/plan.ts -> cli/context.ts (types): nothing below cli/ imports cli/',
    ]);
  });
});
