import { describe, expect, it } from 'vitest';
import { parsePackageScripts } from '../../src/parse/package-scripts.js';
import type { PortKind } from '../../src/parse/types.js';

/** A fact, briefly: its kind, port, variable and the exact text its span covers in the file. */
type Brief = [kind: PortKind, port: number | null, variable: string | null, text: string];

function facts(script: string): Brief[] {
  const text = JSON.stringify({ name: 'web', scripts: { dev: script } }, null, 2);
  const result = parsePackageScripts(text, 'package.json');
  expect(result.findings).toEqual([]);
  return result.facts.map((f) => [f.kind, f.published, f.variable, text.slice(f.span.start, f.span.end)]);
}

const table: [script: string, expected: Brief[]][] = [
  // Dev servers' port flags: the port they bind.
  ['vite --port 5173', [['published', 5173, null, '5173']]],
  ['vite --port=5173', [['published', 5173, null, '5173']]],
  ['vite dev --host --port 5173 --strictPort', [['published', 5173, null, '5173']]],
  ['next dev -p 3001', [['published', 3001, null, '3001']]],
  ['next start --port 3001', [['published', 3001, null, '3001']]],
  ['astro dev --port 4321', [['published', 4321, null, '4321']]],
  ['webpack serve --port 8081', [['published', 8081, null, '8081']]],
  ['webpack-dev-server --port 8081', [['published', 8081, null, '8081']]],
  ['nuxt dev --port 3002', [['published', 3002, null, '3002']]],
  ['nuxi dev -p 3002', [['published', 3002, null, '3002']]],
  ['http-server ./dist -p 8080', [['published', 8080, null, '8080']]],
  ['serve -s build -l 4000', [['published', 4000, null, '4000']]],
  ['serve --listen tcp://0.0.0.0:4001', [['published', 4001, null, '4001']]],
  ['storybook dev -p 6006', [['published', 6006, null, '6006']]],
  ['./node_modules/.bin/vite --port 5174', [['published', 5174, null, '5174']]],
  // Wrappers are looked through.
  ['npx serve -l 4000', [['published', 4000, null, '4000']]],
  ['npx --yes -p serve serve -l 4000', [['published', 4000, null, '4000']]],
  ['pnpm exec vite --port 5173', [['published', 5173, null, '5173']]],
  ['yarn dlx http-server -p 8080', [['published', 8080, null, '8080']]],
  // PORT= before a command, or through cross-env / env: the Node convention for the bound port.
  ['PORT=3001 node server.js', [['published', 3001, 'PORT', '3001']]],
  ['cross-env PORT=3001 NODE_ENV=development react-scripts start', [['published', 3001, 'PORT', '3001']]],
  ['env PORT=3001 node server.js', [['published', 3001, 'PORT', '3001']]],
  ['npm run build && PORT=3001 node dist/main.js', [['published', 3001, 'PORT', '3001']]],
  // Other port variables are values the command is told, not ports it binds.
  ['API_PORT=5000 node proxy.js', [['env', 5000, 'API_PORT', '5000']]],
  // Variables: the default's digits, or the variable alone (unresolved).
  ['vite --port ${PORT:-5173}', [['published', 5173, 'PORT', '5173']]],
  ['vite --port=${VITE_PORT-5173}', [['published', 5173, 'VITE_PORT', '5173']]],
  ['vite --port $PORT', [['published', null, 'PORT', '$PORT']]],
  ['next dev -p ${PORT}', [['published', null, 'PORT', '${PORT}']]],
  // Quotes are the shell's: the digits inside are placed exactly (the JSON escapes counted).
  ['vite --port "5173"', [['published', 5173, null, '5173']]],
  ["vite --port '5173'", [['published', 5173, null, '5173']]],
  // docker run -p: the host side of the mapping.
  ['docker run --rm -p 127.0.0.1:8080:80 nginx', [['published', 8080, null, '8080']]],
  ['docker container run --publish=5433:5432 postgres', [['published', 5433, null, '5433']]],
  // URLs anywhere in the line.
  [
    'wait-on http://localhost:3000 && next start -p 3000',
    [
      ['url', 3000, null, '3000'],
      ['published', 3000, null, '3000'],
    ],
  ],
  // --port of a tool the table does not know: a port it names, not one it binds.
  ['psql --port 5432 -c "select 1"', [['mention', 5432, null, '5432']]],
  ['node scripts/dev.js --port=4100', [['mention', 4100, null, '4100']]],
  // Not ports.
  ['tsc -p tsconfig.json', []],
  ['mkdir -p dist && jest -p 4', []],
  ['node server.js -p 3000', []],
  ['vite --port 0', []],
  ['vite --port 70000', []],
  ['vite --port auto', []],
  ['python -m http.server 8000', []],
  ['vite build --mode production', []],
  ['echo "# --port 5000"', []],
  ['npm run dev # vite --port 5173', []],
  ['docker compose up -p 8080', []],
];

describe('package.json scripts: the grammar', () => {
  it.each(table)('%s', (script, expected) => {
    expect(facts(script)).toEqual(expected);
  });

  it('places a port on its digits with exact offsets, with its raw text and context', () => {
    const text = '{\n  "scripts": {\n    "dev": "vite --port 5173"\n  }\n}\n';
    const { facts: found } = parsePackageScripts(text, 'package.json');
    expect(found).toEqual([
      {
        source: 'package-json',
        kind: 'published',
        span: { start: 41, end: 45 },
        composeService: null,
        hostIp: null,
        published: 5173,
        publishedEnd: null,
        target: null,
        targetEnd: null,
        protocol: null,
        variable: null,
        resolved: true,
        raw: '--port 5173',
        host: null,
        context: 'scripts.dev',
      },
    ]);
    expect(text.slice(41, 45)).toBe('5173');
  });

  it('counts JSON escapes before the port', () => {
    const text = '{"scripts": {"dev": "echo \\"\\u00e9\\" && vite --port 5173"}}';
    const [f] = parsePackageScripts(text, 'package.json').facts;
    expect(text.slice(f!.span.start, f!.span.end)).toBe('5173');
  });

  it('reads docker run -p with its container port, host IP and protocol', () => {
    const text = JSON.stringify({ scripts: { db: 'docker run -p 127.0.0.1:5433:5432/udp postgres' } });
    const [f] = parsePackageScripts(text, 'package.json').facts;
    expect(f).toMatchObject({ kind: 'published', published: 5433, target: 5432, hostIp: '127.0.0.1', protocol: 'udp' });
  });

  it('reports invalid JSON at its line and column, and reads nothing', () => {
    const result = parsePackageScripts('{\n  "scripts": {\n    "dev": "vite --port 5173",\n  }\n}\n', 'app/package.json');
    expect(result.facts).toEqual([]);
    expect(result.findings).toEqual([
      {
        ruleId: 'parse-error',
        severity: 'error',
        message: 'invalid JSON: property name expected',
        file: 'app/package.json',
        start: 50,
        end: 51,
        line: 4,
        column: 3,
        endLine: 4,
        endColumn: 4,
      },
    ]);
  });

  it('ignores a package.json without scripts, and scripts that are not strings', () => {
    expect(parsePackageScripts('{"name": "x"}', 'package.json')).toEqual({ facts: [], findings: [] });
    expect(parsePackageScripts('{"scripts": {"dev": 5173}}', 'package.json')).toEqual({ facts: [], findings: [] });
    expect(parsePackageScripts('[]', 'package.json')).toEqual({ facts: [], findings: [] });
  });

  describe('a package.json whose scripts hold no digit and no $ (read by JSON.parse alone)', () => {
    it('has nothing to say of plain scripts', () => {
      const text = JSON.stringify({ name: 'web', scripts: { start: 'node src/index.js', lint: 'eslint .' } }, null, 2);
      expect(parsePackageScripts(text, 'package.json')).toEqual({ facts: [], findings: [] });
    });

    it('still warns of a script too long to search, though it has no digit', () => {
      const text = `{"scripts": {"dev": "${'a'.repeat(9000)}"}}`;
      expect(parsePackageScripts(text, 'package.json').findings.map((f) => [f.ruleId, f.message, f.column])).toEqual([
        ['scan-degraded', 'script "dev" is 9 KiB long, over the 8 KiB limit: not searched for ports', 21],
      ]);
      // 1,400 characters, each written as a 6-character escape: long in the file, short once decoded.
      const escaped = `{"scripts": {"dev": "${'\\u0061'.repeat(1400)}"}}`;
      expect(parsePackageScripts(escaped, 'package.json').findings.map((f) => [f.ruleId, f.message])).toEqual([
        ['scan-degraded', 'script "dev" is 9 KiB long, over the 8 KiB limit: not searched for ports'],
      ]);
    });

    it('reads a port written with escapes, which JSON.parse decodes to digits', () => {
      const text = '{"scripts": {"dev": "vite --port \\u0035173"}}';
      const [f] = parsePackageScripts(text, 'package.json').facts;
      expect([f?.published, text.slice(f!.span.start, f!.span.end)]).toEqual([5173, '\\u0035173']);
    });

    it('still warns of a valid text nested past the limit', () => {
      const text = `{"scripts": {"dev": "vite"}, "deep": ${'['.repeat(200)}${']'.repeat(200)}}`;
      expect(parsePackageScripts(text, 'package.json').findings.map((f) => [f.ruleId, f.column])).toEqual([['scan-degraded', 165]]);
    });

    it('reports the same syntax errors as before: invalid JSON takes the tree', () => {
      expect(parsePackageScripts('{"scripts": {"dev": "vite"},}', 'package.json').findings.map((f) => [f.ruleId, f.message])).toEqual([
        ['parse-error', 'invalid JSON: property name expected'],
      ]);
    });
  });
});
