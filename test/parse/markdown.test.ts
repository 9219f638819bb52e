import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { complexity } from '../../src/parse/markdown-facts.js';
import { parseMarkdown, type MarkdownParseResult } from '../../src/parse/markdown.js';
import type { RawPortFact } from '../../src/parse/types.js';

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../fixtures/markdown/${name}`, import.meta.url)), 'utf8');

/** Parses and checks the invariants every result must keep: spans are the port digits (a range's: `8081-8082`), blocks are file-aligned. */
function parse(text: string): MarkdownParseResult {
  const result = parseMarkdown(text, 'README.md');
  for (const f of result.facts) expect(text.slice(f.span.start, f.span.end)).toBe(f.publishedEnd ? `${f.published}-${f.publishedEnd}` : String(f.published));
  expect(result.findings).toEqual([]);
  return result;
}

/** A fact with the defaults of a mention filled in. */
function mention(fields: Partial<RawPortFact> & Pick<RawPortFact, 'span' | 'published' | 'raw' | 'context'>): RawPortFact {
  return {
    source: 'markdown',
    kind: 'mention',
    composeService: null,
    hostIp: null,
    publishedEnd: null,
    target: null,
    targetEnd: null,
    protocol: null,
    variable: null,
    resolved: true,
    host: null,
    ...fields,
  };
}

/** The span of the n-th occurrence of `needle` (digits) after `after` in `text`. */
function spanOf(text: string, after: string, needle: string) {
  const start = text.indexOf(needle, text.indexOf(after));
  expect(start).toBeGreaterThanOrEqual(0);
  return { start, end: start + needle.length };
}

describe('parseMarkdown: a realistic README', () => {
  const text = fixture('readme.md');
  const result = parse(text);

  it('finds every mention outside HTML, YAML/env blocks and the generated region, in file order', () => {
    expect(result.facts).toEqual([
      mention({ span: spanOf(text, 'http://localhost', '3000'), published: 3000, raw: 'http://localhost:3000', context: 'url', host: 'localhost' }),
      mention({ span: spanOf(text, '`localhost', '5000'), published: 5000, raw: 'localhost:5000', context: 'host-port', host: 'localhost' }),
      mention({ span: spanOf(text, '<http://127', '5000'), published: 5000, raw: 'http://127.0.0.1:5000', context: 'url', host: '127.0.0.1' }),
      mention({ span: spanOf(text, 'http://admin', '8081'), published: 8081, raw: 'http://admin:8081', context: 'url', host: 'admin' }),
      mention({
        span: spanOf(text, '-p 5432', '5432'),
        published: 5432,
        raw: '-p 5432:5432',
        context: 'docker-publish',
        target: 5432,
      }),
      mention({
        span: spanOf(text, '--publish', '6380'),
        published: 6380,
        raw: '--publish 127.0.0.1:6380:6379',
        context: 'docker-publish',
        hostIp: '127.0.0.1',
        target: 6379,
      }),
      mention({ span: spanOf(text, 'API_PORT=5000 npm', '5000'), published: 5000, raw: 'API_PORT=5000', context: 'env-assignment', variable: 'API_PORT' }),
      mention({ span: spanOf(text, 'lsof', '3000'), published: 3000, raw: 'lsof -ti:3000', context: 'lsof' }),
      mention({
        span: spanOf(text, '0.0.0.0:5432->', '5432'),
        published: 5432,
        raw: '0.0.0.0:5432->5432/tcp',
        context: 'docker-ps',
        hostIp: '0.0.0.0',
        target: 5432,
        protocol: 'tcp',
      }),
      mention({ span: spanOf(text, '`3000`', '3000'), published: 3000, raw: '`3000`', context: 'table' }),
      mention({ span: spanOf(text, '**5000**', '5000'), published: 5000, raw: '**5000**', context: 'table' }),
    ]);
  });

  it('hands the YAML and env blocks back with exact offsets', () => {
    expect(result.embedded.map((b) => b.lang)).toEqual(['yaml', 'env']);
    for (const block of result.embedded) expect(text.slice(block.offset, block.offset + block.text.length)).toBe(block.text);
    expect(result.embedded[0]!.text).toBe('services:\n  api:\n    ports:\n      - "5000:5000"');
    expect(result.embedded[1]).toEqual({ lang: 'env', text: 'API_PORT=5000', offset: text.indexOf('API_PORT=5000\n```\n\n<!--') });
  });
});

/** Wraps a form as prose, inline code and a shell block: each must give the same single mention. */
const placements: [string, (s: string) => string][] = [
  ['prose', (s) => `Run ${s} first.\n`],
  ['inline code', (s) => `Run \`${s}\` first.\n`],
  ['bash block', (s) => `Intro.\n\n\`\`\`bash\n${s}\n\`\`\`\n`],
];

type Form = [written: string, port: string, expected: Partial<RawPortFact>];
const forms: Form[] = [
  ['localhost:5000', '5000', { context: 'host-port', host: 'localhost', raw: 'localhost:5000' }],
  ['127.0.0.1:5000', '5000', { context: 'host-port', host: '127.0.0.1', raw: '127.0.0.1:5000' }],
  ['0.0.0.0:5000', '5000', { context: 'host-port', host: '0.0.0.0' }],
  ['[::1]:5000', '5000', { context: 'host-port', host: '::1', raw: '[::1]:5000' }],
  ['http://localhost:5000/api', '5000', { context: 'url', host: 'localhost', raw: 'http://localhost:5000' }],
  ['https://api:8443/health', '8443', { context: 'url', host: 'api' }],
  ['postgres://app:secret@db:5432/app', '5432', { context: 'url', host: 'db', raw: 'postgres://app:secret@db:5432' }],
  ['http://[::1]:5000/', '5000', { context: 'url', host: '::1' }],
  ['docker run -p 5000:5000 app', '5000', { context: 'docker-publish', target: 5000, raw: '-p 5000:5000' }],
  ['docker run -p 127.0.0.1:5000:80 app', '5000', { context: 'docker-publish', hostIp: '127.0.0.1', target: 80 }],
  ['docker run --publish 5000:80 app', '5000', { context: 'docker-publish', target: 80, raw: '--publish 5000:80' }],
  ['docker run --publish=5000:80 app', '5000', { context: 'docker-publish', target: 80 }],
  ['docker run -p 5353:53/udp dns', '5353', { context: 'docker-publish', target: 53, protocol: 'udp' }],
  ['docker run -p "8080:80" web', '8080', { context: 'docker-publish', target: 80, raw: '-p "8080:80"' }],
  ['PORT=5000 npm start', '5000', { context: 'env-assignment', variable: 'PORT', raw: 'PORT=5000' }],
  ['export API_PORT="5000"', '5000', { context: 'env-assignment', variable: 'API_PORT', raw: 'API_PORT="5000"' }],
  ['lsof -i :5000', '5000', { context: 'lsof', raw: 'lsof -i :5000' }],
  ['lsof -ti:5000', '5000', { context: 'lsof' }],
  ['kill $(lsof -ti:5000)', '5000', { context: 'lsof', raw: 'lsof -ti:5000' }],
  ['lsof -nP -iTCP:5000 -sTCP:LISTEN', '5000', { context: 'lsof', protocol: 'tcp' }],
  ['0.0.0.0:5000->80/tcp', '5000', { context: 'docker-ps', hostIp: '0.0.0.0', target: 80, protocol: 'tcp' }],
  [':::5000->80/udp', '5000', { context: 'docker-ps', hostIp: '::', target: 80, protocol: 'udp' }],
  // A range is one fact whose span is the whole host range, so a move rewrites it as a whole or reports it.
  [
    '0.0.0.0:8081-8082->8081-8082/tcp',
    '8081-8082',
    { context: 'docker-ps', hostIp: '0.0.0.0', publishedEnd: 8082, target: 8081, targetEnd: 8082, protocol: 'tcp' },
  ],
  ['[::]:8081-8083->80-82/udp', '8081-8083', { context: 'docker-ps', hostIp: '::', publishedEnd: 8083, target: 80, targetEnd: 82, protocol: 'udp' }],
];

describe('parseMarkdown: each recognised form', () => {
  for (const [where, wrap] of placements) {
    it.each(forms)(`%s (${where})`, (written, port, expected) => {
      const text = wrap(written);
      const { facts } = parse(text);
      const start = text.indexOf(written) + written.indexOf(port);
      expect(facts).toEqual([
        mention({
          span: { start, end: start + port.length },
          published: Number(port.split('-')[0]),
          raw: expected.raw ?? facts[0]?.raw ?? '',
          context: expected.context!,
          ...expected,
        }),
      ]);
    });
  }

  it('reports several mentions on one line, each at its own digits', () => {
    const text = 'web on localhost:3000, api on http://localhost:5000, db via PORT=5432\n';
    expect(parse(text).facts.map((f) => [f.published, f.context])).toEqual([
      [3000, 'host-port'],
      [5000, 'url'],
      [5432, 'env-assignment'],
    ]);
  });

  it('reads link destinations and definitions, which are not text nodes', () => {
    const text = '[app](http://localhost:5000 "App") and [docs][d].\n\n[d]: http://docs:8000/\n';
    expect(parse(text).facts.map((f) => [f.published, f.host])).toEqual([
      [5000, 'localhost'],
      [8000, 'docs'],
    ]);
  });
});

describe('parseMarkdown: the word "port" before a number, in prose', () => {
  // Issue #3 leaves out "numbers in prose with no port context": the word port is that context.
  const prose: [text: string, port: string][] = [
    ['The API listens on port 8000.\n', '8000'],
    ['Port 5032 is the database.\n', '5032'],
    ['It moved to PORT 6000, see above.\n', '6000'],
    ['Open *port 5001* in the browser.\n', '5001'],
    ['- web: port\t5100\n', '5100'],
  ];
  it.each(prose)('%j', (text, port) => {
    const start = text.indexOf(port);
    expect(parse(text).facts).toEqual([
      mention({
        span: { start, end: start + port.length },
        published: Number(port),
        raw: text.slice(text.search(/port/i), start + port.length),
        context: 'prose-port',
      }),
    ]);
  });

  const notPorts = [
    'Use ports 5000-5099 for billing.\n', // a range, and plural
    'The port 5000-5010 block.\n',
    'port 1.2 of the protocol\n', // a version
    'the port 8000:80 mapping\n', // a mapping, not a host port
    'Pass --port 5000 to the server.\n', // a flag, without a known client
    'passport 5000 and support 5000\n',
    'port 0 and port 65536\n',
    'a port\n\n5000 users\n',
    'In `port 5000`, code\n', // inline code: a tool's words as often as a port
    '```\nport 5001 was service "api"\n```\n', // a code block: a tool's output
    '```bash\nport 5001\n```\n',
  ];
  it.each(notPorts)('not a port: %j', (text) => {
    expect(parse(text).facts).toEqual([]);
  });
});

describe('parseMarkdown: things that are not ports', () => {
  const notPorts = [
    '1.2.3',
    'v5000',
    'node:20',
    'postgres:16',
    'redis:7.2',
    'image: redis:7.2-alpine',
    'ghcr.io/org/app:5000',
    '12:30',
    '10:30:00',
    '2026-01-19',
    '2026-01-19T10:30:00Z',
    '192.168.1.1',
    'file.ts:120',
    'main.go:42:10',
    'L120',
    'src/app.ts#L120',
    'a 16:9 ratio',
    '5000 users',
    'https://example.com/',
    'https://example.com/a:5000',
    'git@github.com:org/repo.git',
    'localhost:0',
    'localhost:080',
    'localhost:65536',
    'localhost:123456',
    'localhost:5000abc',
    'localhost:5000-5010',
    '999.1.1.1:5000',
    'docker run -p 5000 app',
    'mkdir -p a:b',
    'lsof -p 5000',
    'TIMEOUT=5000',
    'SUPPORT=5000',
    'server.port=8080',
    'PORT=${PORT}',
    'http://localhost:${PORT}',
    '80/tcp',
  ];
  for (const [where, wrap] of placements) {
    it.each(notPorts)(`%s (${where})`, (written) => {
      expect(parse(wrap(written)).facts).toEqual([]);
    });
  }

  it('skips HTML comments and raw HTML', () => {
    const text = '<!-- run on localhost:5000 -->\n\n<!--\nPORT=5000\n-->\n\n<div>http://localhost:5000</div>\n\nText <!-- localhost:5000 --> here.\n';
    expect(parse(text).facts).toEqual([]);
  });

  it('skips everything between portreg:start and portreg:end, and an unclosed region to the end', () => {
    const text = [
      'Before: localhost:3000',
      '',
      '<!-- portreg:start -->',
      '| Port |',
      '|---|',
      '| 5001 |',
      '',
      '```yaml',
      'a: 1',
      '```',
      '<!-- portreg:end -->',
      '',
      'After: localhost:3001',
      '',
      '<!-- portreg:start -->',
      'Generated: localhost:3002',
      '',
    ].join('\n');
    const result = parse(text);
    expect(result.facts.map((f) => f.published)).toEqual([3000, 3001]);
    expect(result.embedded).toEqual([]);
  });

  it('does not treat a portreg marker written inside a code block as a marker', () => {
    const text = '```md\n<!-- portreg:start -->\n```\n\nlocalhost:3000\n';
    expect(parse(text).facts.map((f) => f.published)).toEqual([3000]);
  });
});

describe('parseMarkdown: tables', () => {
  it('takes port-number cells from columns named like Port, in any case and spelling', () => {
    const text = [
      '| Service | PORT | Host port | Ports | Container port | Version |',
      '|---|---|---|---|---|---|',
      '| web | `3000` | 3001 | 3002/udp | 80 | 5000 |',
      '| api | n/a | **`5001`** |  | 8080 | 16 |',
      '| db | 70000 |',
    ].join('\n');
    const facts = parse(text).facts;
    expect(facts.map((f) => [f.published, f.context, f.raw, f.protocol])).toEqual([
      [3000, 'table', '`3000`', null],
      [3001, 'table', '3001', null],
      [3002, 'table', '3002/udp', 'udp'],
      [5001, 'table', '**`5001`**', null],
    ]);
  });

  it('still reads other patterns in any cell, and nothing from a table without a port column', () => {
    const text = ['| Service | URL | Notes |', '|---|---|---|', '| web | http://localhost:3000 | 5000 users, v1.2 |'].join('\n');
    expect(parse(text).facts.map((f) => [f.published, f.context])).toEqual([[3000, 'url']]);
  });
});

describe('parseMarkdown: embedded YAML and env blocks', () => {
  const aligned = (text: string, result: MarkdownParseResult) => {
    for (const b of result.embedded) expect(text.slice(b.offset, b.offset + b.text.length)).toBe(b.text);
  };

  it('recognises yaml, yml, env and dotenv fences (``` and ~~~) and reads nothing from them', () => {
    const text = [
      '```yaml',
      'ports: ["5000:80"]',
      '```',
      '',
      '~~~yml title="compose.yaml"',
      'url: http://localhost:5001',
      '~~~',
      '',
      '````env',
      'PORT=5002',
      '````',
      '',
      '```dotenv',
      'API_PORT=5003',
      '```',
      '',
    ].join('\n');
    const result = parse(text);
    expect(result.facts).toEqual([]);
    expect(result.embedded).toEqual([
      { lang: 'yaml', text: 'ports: ["5000:80"]', offset: text.indexOf('ports:') },
      { lang: 'yaml', text: 'url: http://localhost:5001', offset: text.indexOf('url:') },
      { lang: 'env', text: 'PORT=5002', offset: text.indexOf('PORT=5002') },
      { lang: 'env', text: 'API_PORT=5003', offset: text.indexOf('API_PORT') },
    ]);
  });

  it('keeps an indented fence aligned with the file and its YAML structure intact', () => {
    const text = 'Setup:\n\n  ```yaml\n  services:\n    web:\n      ports: ["8080:80"]\n  ```\n';
    const result = parse(text);
    aligned(text, result);
    expect(result.embedded).toEqual([{ lang: 'yaml', text: '  services:\n    web:\n      ports: ["8080:80"]', offset: text.indexOf('  services') }]);
    expect(parseYaml(result.embedded[0]!.text)).toEqual({ services: { web: { ports: ['8080:80'] } } });
  });

  it('blanks list indentation and blockquote markers instead of shifting offsets', () => {
    const text = '- Compose:\n\n  ```yaml\n  a: 1\n  b:\n    c: 2\n  ```\n\n> ```yaml\n> a: 1\n> b:\n>   c: 2\n> ```\n';
    const result = parse(text);
    expect(result.embedded).toHaveLength(2);
    for (const block of result.embedded) {
      expect(parseYaml(block.text)).toEqual({ a: 1, b: { c: 2 } });
      const file = text.slice(block.offset, block.offset + block.text.length);
      // Same length, same characters except the blanked `>` markers: offsets inside stay file offsets.
      expect(block.text).toBe(file.replace(/^>/gm, ' '));
    }
  });

  it('takes an unclosed fence to the end of the document and skips empty blocks', () => {
    const text = '```yaml\n```\n\n```env\n\n```\n\n```yaml\na: 1\nb: 2\n';
    const result = parse(text);
    aligned(text, result);
    expect(result.embedded).toEqual([{ lang: 'yaml', text: 'a: 1\nb: 2', offset: text.lastIndexOf('a: 1') }]);
  });

  it('scans indented code and fences of other languages for mentions', () => {
    const text = 'Run:\n\n    PORT=5000 npm start\n\n```js\nfetch("http://localhost:5001/x")\n```\n\n```\ncurl localhost:5002\n```\n';
    expect(parse(text).facts.map((f) => [f.published, f.context])).toEqual([
      [5000, 'env-assignment'],
      [5001, 'url'],
      [5002, 'host-port'],
    ]);
  });
});

describe('parseMarkdown: CRLF files', () => {
  it('gives exact spans and block offsets in a CRLF fixture', () => {
    const text = fixture('crlf.md');
    expect(text).toContain('\r\n');
    const result = parse(text);
    expect(result.facts.map((f) => [f.published, f.context])).toEqual([
      [5000, 'host-port'],
      [8080, 'table'],
    ]);
    const [block] = result.embedded;
    expect(block).toBeDefined();
    expect(text.slice(block!.offset, block!.offset + block!.text.length)).toBe(block!.text);
    expect(block!.text).toBe('services:\r\n  web:\r\n    ports:\r\n      - "8080:80"');
  });

  it('finds the same mentions in the README whether it has LF or CRLF line endings', () => {
    const lf = fixture('readme.md');
    const crlf = lf.replace(/\n/g, '\r\n');
    const a = parse(lf);
    const b = parse(crlf);
    expect(b.facts.map((f) => [f.published, f.raw, f.context])).toEqual(a.facts.map((f) => [f.published, f.raw, f.context]));
    expect(b.embedded.map((e) => e.text)).toEqual(a.embedded.map((e) => e.text.replace(/\n/g, '\r\n')));
    for (const e of b.embedded) expect(crlf.slice(e.offset, e.offset + e.text.length)).toBe(e.text);
  });
});

describe('parseMarkdown: linear time on adversarial input', () => {
  /** Best of nine runs, after one warm-up on a short input (other test files run beside this one). */
  function best(text: string): number {
    parseMarkdown(text.slice(0, 2000), 'README.md');
    let min = Infinity;
    for (let i = 0; i < 9; i++) {
      const t = performance.now();
      parseMarkdown(text, 'README.md');
      min = Math.min(min, performance.now() - t);
    }
    return min;
  }
  const line = (unit: string, n: number) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);

  // In a fenced block the whole line is one regex input: the worst case for our patterns. As prose, the
  // same line also goes through micromark's inline parsing. (`[::` is left out of the prose run: micromark's
  // own label matching dominates there and is not what this test measures.)
  const cases: [string, string, (s: string) => string][] = [
    ...['localhost:', '-p ', '1:1:', '[::', 'http://a:', 'PORT=', 'lsof ', '-p 1:', '0.0.0.0:1->', '1.1.1.1:', 'a.'].map(
      (unit): [string, string, (s: string) => string] => [unit, 'code block', (s) => '```sh\n' + s + '\n```\n'],
    ),
    ...['localhost:', '-p ', '1:1:', 'http://a:', 'port ', 'port 1', 'Port 1.', 'port \t'].map((unit): [string, string, (s: string) => string] => [
      unit,
      'prose',
      (s) => s,
    ]),
    // Thousands of short chunks, each read by markdown-simple.ts (or handed to micromark): per-chunk work must not look past the chunk.
    ...['see localhost:5000\n\n', '| Port |\n|---|\n| 5000 |\n\n', '```sh\ncurl localhost:5000\n```\n\n', 'see *localhost:5000*\n\n'].map(
      (unit): [string, string, (s: string) => string] => [unit, 'short chunks', (s) => s],
    ),
  ];

  it.each(cases)('%j repeated (%s)', (unit, _where, wrap) => {
    const t50 = best(wrap(line(unit, 50_000)));
    const t100 = best(wrap(line(unit, 100_000)));
    // Doubling the input must not quadruple the time (linear is 2x); 15 ms absorbs timer noise and a collection.
    expect(t100).toBeLessThan(3.5 * t50 + 15);
  });
});

describe('a Markdown file the Markdown parser would stall on', () => {
  it('is read as plain text, with a warning, and its mentions are still found', () => {
    const text = `${'*a'.repeat(50_000)}\nopen localhost:5000\n`;
    // The complexity guard decides before the parser runs, so this is a fact, not a timing.
    const r = parseMarkdown(text, 'README.md');
    expect(r.findings.map((f) => `${f.ruleId} ${f.severity}`)).toEqual(['scan-degraded warning']);
    expect(r.facts.map((f) => [f.published, text.slice(f.span.start, f.span.end)])).toEqual([[5000, '5000']]);
  });
});

describe('database clients', () => {
  it('reads the port flag of psql, redis-cli and mysql (-P), not mysql -p (the password)', () => {
    const text = [
      '```bash',
      'psql -h localhost -p 5032 -U postgres billing',
      'redis-cli -p 6380 ping',
      'pg_isready --port=5433',
      'mysql -h 127.0.0.1 -P 3307 -u root -p3306',
      'curl -p 5000 http://example.com/',
      '```',
      '',
    ].join('\n');
    const r = parseMarkdown(text, 'README.md');
    expect(r.facts.map((f) => [f.published, f.context, text.slice(f.span.start, f.span.end)])).toEqual([
      [5032, 'client', '5032'],
      [6380, 'client', '6380'],
      [5433, 'client', '5433'],
      [3307, 'client', '3307'],
    ]);
  });
});

describe('a README that starts with a byte order mark', () => {
  // Found by test/rewrite/reassign.property.test.ts: micromark counts offsets from after the BOM,
  // so table cells and code blocks were placed one character early ("500" of "5001").
  it('places table cells, code blocks and prose mentions on the port digits, as without the mark', () => {
    const body = '# App\n\n| Service | Port |\n|---|---|\n| db | 5001 |\n\n```yaml\nports:\n  - "5002:5432"\n```\n\nOn localhost:5003.\n';
    const withBom = parse('\ufeff' + body);
    const without = parse(body);
    const brief = (r: MarkdownParseResult) => r.facts.map((f) => [f.published, f.span.start, f.span.end]);
    expect(brief(withBom)).toEqual(brief(without).map(([port, start, end]) => [port, start! + 1, end! + 1]));
    expect(brief(without).map(([port]) => port)).toEqual([5001, 5003]);
    expect(withBom.embedded.map((b) => b.offset)).toEqual(without.embedded.map((b) => b.offset + 1));
  });
});

describe('complexity: the shapes read as plain text', () => {
  const nested = (depth: number) => `${'> '.repeat(depth)}deep`;
  it.each([
    ['plain text', 'a\n\nb *c* [d](e)\n', null],
    ['3,000 delimiters', '*'.repeat(3000), null],
    ['3,001 delimiters', `a\n${'_'.repeat(3001)}`, 'over 3000 emphasis and link delimiters (* _ [ ] ` <)'],
    ['16 quotes deep, first line', nested(16), null],
    ['17 quotes deep, first line', nested(17), 'a line nested over 16 lists or quotes deep (line 1)'],
    ['17 list markers deep, line 3', `a\nb\n${'- '.repeat(8)}${'1. '.repeat(9)}x`, 'a line nested over 16 lists or quotes deep (line 3)'],
    ['65 columns of indentation', `a\n${' '.repeat(65)}x`, 'a line indented over 64 columns (line 2)'],
    ['tabs count 4 columns', `a\n${'\t'.repeat(17)}x`, 'a line indented over 64 columns (line 2)'],
    ['a blank line of spaces alone', `a\n${' '.repeat(200)}\r\nb`, null],
    // A lone CR does not end a line here: what follows it is the same line's text.
    ['indentation after a lone CR', `a\r${' '.repeat(65)}x`, null],
    ['1,000 underlines', 'a\n===\n'.repeat(1000), null],
    ['1,001 underlines, indented and with -', `${'a\n  ---\n'.repeat(1000)}a\n==`, 'over 1000 heading underlines'],
  ])('%s', (_name, text, expected) => {
    expect(complexity(text)).toBe(expected);
  });
});
