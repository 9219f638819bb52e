/**
 * Code scanning: the exact port facts of every pattern in test/fixtures/code, and nothing for
 * the look-alikes (indices, timeouts, versions, arithmetic, sizes).
 */
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMinified, loadTypeScript, parseCode, type TypeScriptApi } from '../../src/parse/code.js';
import { discoverFiles } from '../../src/scan/discover.js';
import { findDirectives } from '../../src/scan/directives.js';
import { LineIndex } from '../../src/util/text-position.js';
import { tempDir } from '../helpers/cli.js';

const FIXTURES = path.join(import.meta.dirname, '../fixtures/code');

let ts: TypeScriptApi;
beforeAll(async () => {
  ts = await loadTypeScript();
});

interface Brief {
  line: number;
  column: number;
  port: number | null;
  kind: string;
  variable: string | null;
  context: string | null | undefined;
  host: string | null | undefined;
}

/** Each fact as line, column, port, kind, variable, context and host; the span must cover exactly the digits. */
function factsOf(file: string, text = readFileSync(path.join(FIXTURES, file), 'utf8')): Brief[] {
  const lines = new LineIndex(text);
  return parseCode(ts, text, file).facts.map((f) => {
    expect(f.source).toBe('code');
    expect(text.slice(f.span.start, f.span.end)).toBe(String(f.published));
    const { line, column } = lines.position(f.span.start);
    return { line, column, port: f.published, kind: f.kind, variable: f.variable, context: f.context, host: f.host };
  });
}

describe('parseCode: ports the code listens on', () => {
  it('reads the first argument of .listen(), a number or an options object', () => {
    expect(factsOf('listen/server.ts')).toEqual([
      { line: 5, column: 12, port: 5000, kind: 'published', variable: null, context: 'listen()', host: null },
      { line: 6, column: 12, port: 5001, kind: 'published', variable: null, context: 'listen()', host: null },
      { line: 7, column: 23, port: 5002, kind: 'published', variable: null, context: 'listen({ port })', host: null },
      { line: 8, column: 35, port: 5003, kind: 'published', variable: null, context: 'listen()', host: null },
      { line: 9, column: 24, port: 5004, kind: 'published', variable: null, context: 'listen({ port })', host: null },
      { line: 10, column: 13, port: 5005, kind: 'published', variable: null, context: 'listen()', host: null },
    ]);
  });

  it('records the env variable of a fallback (??, ||, ?:, Number(), parseInt() of a string default)', () => {
    expect(factsOf('env-fallback/config.ts')).toEqual([
      { line: 1, column: 41, port: 5000, kind: 'published', variable: 'PORT', context: 'PORT', host: null },
      { line: 2, column: 41, port: 5001, kind: 'published', variable: 'API_PORT', context: 'apiPort', host: null },
      { line: 3, column: 45, port: 5002, kind: 'published', variable: 'API_PORT', context: 'env fallback', host: null },
      { line: 4, column: 53, port: 5003, kind: 'published', variable: 'WORKER_PORT', context: 'env fallback', host: null },
      { line: 5, column: 43, port: 5004, kind: 'published', variable: 'VITE_PORT', context: 'env fallback', host: null },
      { line: 6, column: 73, port: 5005, kind: 'published', variable: 'WEB_PORT', context: 'env fallback', host: null },
      { line: 7, column: 38, port: 5006, kind: 'published', variable: 'ADMIN_PORT', context: 'listen()', host: null },
      { line: 8, column: 56, port: 5007, kind: 'published', variable: 'METRICS_PORT', context: 'port', host: null },
      { line: 9, column: 23, port: 5008, kind: 'published', variable: null, context: 'port', host: null },
      { line: 11, column: 10, port: 5009, kind: 'published', variable: null, context: 'port', host: null },
    ]);
  });

  it('keeps the expression around the digits as raw', () => {
    const text = readFileSync(path.join(FIXTURES, 'env-fallback/config.ts'), 'utf8');
    expect(
      parseCode(ts, text, 'config.ts')
        .facts.slice(2, 4)
        .map((f) => f.raw),
    ).toEqual(['Number(process.env.API_PORT) || 5002', "parseInt(process.env.WORKER_PORT ?? '5003', 10)"]);
  });
});

describe('parseCode: port lists and a bare listen()', () => {
  it('reads each element of an array under a port-named property or variable, and a bare listen(); look-alikes stay silent', () => {
    expect(factsOf('port-lists/servers.ts')).toEqual([
      { line: 3, column: 33, port: 5000, kind: 'published', variable: null, context: 'ports[]', host: null },
      { line: 3, column: 39, port: 5001, kind: 'published', variable: null, context: 'ports[]', host: null },
      // retries: [5000, 6000] is no port list
      { line: 4, column: 27, port: 5002, kind: 'published', variable: null, context: 'API_PORTS[]', host: null },
      { line: 4, column: 34, port: 5003, kind: 'published', variable: null, context: 'API_PORTS[]', host: null },
      { line: 5, column: 32, port: 5004, kind: 'published', variable: null, context: 'extraPorts[]', host: null },
      { line: 6, column: 40, port: 5005, kind: 'published', variable: null, context: 'server.ports[]', host: null },
      { line: 7, column: 8, port: 5006, kind: 'published', variable: null, context: 'listen()', host: null },
      { line: 8, column: 16, port: 5007, kind: 'published', variable: null, context: 'listen({ port })', host: null },
      // Below: sizes, listener(), relisten(), .listen.call(), an array inside ports: [...], arithmetic
      // and conversions in a list, listen([...]): nothing. A singular port: [5000] is a port list too.
      { line: 13, column: 48, port: 5000, kind: 'published', variable: null, context: 'port[]', host: null },
    ]);
  });

  it.each([
    ['an array under a name that is no port list', 'const o = { timeouts: [5000, 5001], support: [5000], transports: [5000] };'],
    ['a function whose name only contains listen', 'listener(5000); relisten(5000); listenTo(5000); onListen(5000);'],
    ['a listen function given an array', 'listen([5000]);'],
    ['an array of arrays under ports', 'const o = { ports: [[5000, 5001]] };'],
    ['an array passed to something else', 'setPorts([5000]); const x = [5000].length;'],
  ])('%s', (_what, source) => {
    expect(parseCode(ts, source, 'x.ts').facts).toEqual([]);
  });
});

describe('parseCode: config files', () => {
  it('vite: server.port and preview.port listen, the proxy target is a URL', () => {
    expect(factsOf('config-objects/vite.config.ts')).toEqual([
      { line: 6, column: 11, port: 5173, kind: 'published', variable: null, context: 'server.port', host: null },
      { line: 7, column: 40, port: 5000, kind: 'url', variable: null, context: 'string', host: 'localhost' },
      { line: 9, column: 20, port: 4173, kind: 'published', variable: null, context: 'preview.port', host: null },
    ]);
  });

  it('webpack: devServer.port; maxAssetSize is no port', () => {
    expect(factsOf('config-objects/webpack.config.js')).toEqual([
      { line: 3, column: 22, port: 8080, kind: 'published', variable: null, context: 'devServer.port', host: null },
    ]);
  });

  it('playwright: webServer.port and the baseURL; timeout and retries are no ports', () => {
    expect(factsOf('config-objects/playwright.config.ts')).toEqual([
      { line: 6, column: 37, port: 3000, kind: 'url', variable: null, context: 'string', host: 'localhost' },
      { line: 7, column: 46, port: 3000, kind: 'published', variable: null, context: 'webServer.port', host: null },
    ]);
  });

  it('PORT, quoted *_PORT and camelCase *Port keys; a port beside a host other than a bind-all address is a connection', () => {
    expect(factsOf('config-objects/settings.mjs')).toEqual([
      { line: 2, column: 9, port: 5010, kind: 'published', variable: null, context: 'PORT', host: null },
      { line: 3, column: 17, port: 5011, kind: 'published', variable: null, context: 'ADMIN_PORT', host: null },
      { line: 4, column: 16, port: 5012, kind: 'published', variable: null, context: 'metricsPort', host: null },
      { line: 5, column: 33, port: 5432, kind: 'url', variable: null, context: 'port with host', host: 'db' },
      { line: 6, column: 35, port: 5013, kind: 'published', variable: null, context: 'cache.port', host: null },
    ]);
  });
});

describe('parseCode: URLs and host:port in strings', () => {
  it('reads strings and the literal text of template strings, never a substitution or a password', () => {
    expect(factsOf('urls/client.ts')).toEqual([
      { line: 1, column: 37, port: 5000, kind: 'url', variable: null, context: 'new URL()', host: 'localhost' },
      { line: 2, column: 22, port: 5001, kind: 'url', variable: null, context: 'string', host: 'localhost' },
      { line: 3, column: 29, port: 5002, kind: 'url', variable: null, context: 'template string', host: 'localhost' },
      // line 4: `http://localhost:${port}/api` has no literal port
      { line: 5, column: 27, port: 5003, kind: 'url', variable: null, context: 'template string', host: '${host}' },
      { line: 6, column: 37, port: 5432, kind: 'url', variable: null, context: 'string', host: 'db' },
      // line 7: postgres://user:1234@db/app: 1234 is a password
      { line: 8, column: 49, port: 5004, kind: 'url', variable: null, context: 'template string', host: '127.0.0.1' },
    ]);
  });

  it('reads JSX attributes; a JSX number is no port', () => {
    expect(factsOf('jsx/App.jsx')).toEqual([{ line: 4, column: 33, port: 5000, kind: 'url', variable: null, context: 'string', host: 'localhost' }]);
  });
});

describe('parseCode: look-alikes that are not ports', () => {
  it('finds nothing in indices, timers, timeouts, versions, arithmetic, sizes, hex, separators, 0, out of range', () => {
    const text = readFileSync(path.join(FIXTURES, 'not-ports/lookalikes.ts'), 'utf8');
    // The fixture is full of 5000s: the parser sees them, and takes none for a port.
    expect(text.match(/5000/g)!.length).toBe(17);
    expect(factsOf('not-ports/lookalikes.ts', text)).toEqual([]);
  });

  it.each([
    ['an array index', 'const x = rows[5000];'],
    ['setTimeout', 'setTimeout(fn, 5000);'],
    ['a timeout property', 'const o = { timeout: 5000 };'],
    ['a port in arithmetic', 'const o = { port: 5000 * 2 };'],
    ['a version', "const v = '5.0.0';"],
    ['a digits string outside a port place', "const v = '5000';"],
    ['a non-port variable fallback', 'const t = process.env.TIMEOUT_MS ?? 5000;'],
    ['a word ending in "port"', 'const o = { support: 5000, viewport: 5000, transport: 5000 };'],
  ])('%s', (_what, source) => {
    expect(parseCode(ts, source, 'x.ts').facts).toEqual([]);
  });

  it('skips a minified file (a line over 2000 characters)', () => {
    const line = `app.listen(5000);${' '.repeat(2000)}\n`;
    expect(isMinified(line)).toBe(true);
    expect(parseCode(ts, line, 'bundle.js').facts).toEqual([]);
    expect(parseCode(ts, 'app.listen(5000);\n', 'server.js').facts.map((f) => f.published)).toEqual([5000]);
  });
});

describe('code files: discovery and suppression comments', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir: root, cleanup } = await tempDir('portreg-code-discover-'));
    const files: Record<string, string> = {
      'api/server.ts': '',
      'api/vite.config.mts': '',
      'api/next.config.cjs': '',
      'api/App.tsx': '',
      'api/types.d.ts': '',
      'api/dist/server.js': '',
      'api/build/server.js': '',
      'api/node_modules/pkg/index.js': '',
      'api/public/app.min.js': '',
      'api/ignored/gen.ts': '',
      'api/.gitignore': 'ignored/\n',
      'api/README.md': '',
    };
    for (const [file, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(root, file)), { recursive: true });
      await writeFile(path.join(root, file), text);
    }
  });
  afterAll(() => cleanup());

  it('reads code only when asked, and never build output, declarations, minified bundles, node_modules or ignored files', async () => {
    expect((await discoverFiles({ root })).files).toEqual([{ path: 'api/README.md', kind: 'markdown' }]);
    expect((await discoverFiles({ root, code: true })).files).toEqual([
      { path: 'api/App.tsx', kind: 'code' },
      { path: 'api/README.md', kind: 'markdown' },
      { path: 'api/next.config.cjs', kind: 'code' },
      { path: 'api/server.ts', kind: 'code' },
      { path: 'api/vite.config.mts', kind: 'code' },
    ]);
    // An include glob does not turn code scanning on.
    expect((await discoverFiles({ root, include: ['api/*.ts'] })).files).toEqual([{ path: 'api/README.md', kind: 'markdown' }]);
  });

  it('takes // and /* */ comments as directives in code, never a #', () => {
    const text = [
      '// portreg-disable-next-line port-unregistered -- a mock server for tests',
      'app.listen(5999);',
      'const port = 5998; /* portreg-disable-line port-out-of-range */',
      '# portreg-disable-next-line port-legacy',
    ].join('\n');
    expect(findDirectives(text, 'src/server.ts')).toEqual([
      { file: 'src/server.ts', line: 1, column: 1, targetLine: 2, rules: ['port-unregistered'], reason: 'a mock server for tests' },
      { file: 'src/server.ts', line: 3, column: 20, targetLine: 3, rules: ['port-out-of-range'], reason: null },
    ]);
  });
});
