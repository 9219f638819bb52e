import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import dotenv from 'dotenv';
import { describe, expect, it } from 'vitest';
import { isPortKey, parseEnv, type EnvParseResult } from '../../src/parse/env.js';
import { LineIndex } from '../../src/util/text-position.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/env/', import.meta.url));
const fixtureNames = readdirSync(FIXTURES).filter((name) => name.endsWith('.env'));
const fixture = (name: string) => readFileSync(FIXTURES + name, 'utf8');

/**
 * One line per entry: its value and where key and value start and end (line:column). When the
 * value differs from its text as written (escapes, CRLF), the written text follows.
 */
function entries(text: string, r: EnvParseResult = parseEnv(text, 'test.env')): string[] {
  const at = positions(text);
  return r.entries.map((e) => {
    const written = text.slice(e.valueSpan.start, e.valueSpan.end);
    const prefix = e.exported ? 'export ' : '';
    const quote = e.quote ? ` ${e.quote}` : '';
    const asWritten = written === e.value ? '' : ` as written ${JSON.stringify(written)}`;
    return `${prefix}${e.key}=${JSON.stringify(e.value)}${quote} @${at(e.keySpan.start)} value@${at(e.valueSpan.start)}-${at(e.valueSpan.end)}${asWritten}`;
  });
}

/** One line per fact, with the exact text at its span. */
function facts(text: string, r: EnvParseResult = parseEnv(text, 'test.env')): string[] {
  const at = positions(text);
  return r.facts.map((f) => {
    const port = `${f.published}${f.publishedEnd === null ? '' : `-${f.publishedEnd}`}`;
    const host = f.host ? `${f.host} ` : '';
    return `${f.kind} ${f.variable} ${host}${port} @${at(f.span.start)} ${JSON.stringify(text.slice(f.span.start, f.span.end))}`;
  });
}

function findings(text: string, r: EnvParseResult = parseEnv(text, 'test.env')): string[] {
  return r.findings.map((f) => `${f.line}:${f.column}-${f.endLine}:${f.endColumn} ${f.ruleId}: ${f.message}`);
}

function positions(text: string) {
  const lines = new LineIndex(text);
  return (offset: number) => {
    const p = lines.position(offset);
    return `${p.line}:${p.column}`;
  };
}

/**
 * What must hold for any text: dotenv's own values; spans that slice out the key and the value's
 * written text; facts and findings whose offsets agree with their text and line/column.
 */
function expectConsistent(text: string): EnvParseResult {
  const r = parseEnv(text, 'test.env');
  expect(Object.entries(r.values)).toEqual(Object.entries(dotenv.parse(text)));
  const lines = new LineIndex(text);
  let previous = -1;
  for (const e of r.entries) {
    expect(text.slice(e.keySpan.start, e.keySpan.end)).toBe(e.key);
    expect(e.keySpan.start).toBeGreaterThan(previous);
    expect(e.valueSpan.start).toBeGreaterThanOrEqual(e.keySpan.end);
    previous = e.valueSpan.end;
    const written = text.slice(e.valueSpan.start, e.valueSpan.end).replace(/\r\n?/g, '\n');
    // U+2028/U+2029 inside an unquoted value let dotenv strip quotes in the middle of it.
    if (e.quote === null && /[\u2028\u2029]/.test(written)) continue;
    const expands = e.quote === '"' || (e.quote === null && written.startsWith('"'));
    expect(expands ? written.replace(/\\n/g, '\n').replace(/\\r/g, '\r') : written).toBe(e.value);
  }
  for (const f of r.facts) {
    const digits = text.slice(f.span.start, f.span.end);
    expect(digits).toBe(f.publishedEnd === null ? String(f.published) : `${f.published}-${f.publishedEnd}`);
  }
  for (const f of r.findings) {
    expect({ line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn }).toEqual(lines.span(f.start!, f.end!));
  }
  return r;
}

describe('fixtures', () => {
  it('has the fixtures this file expects, CRLF kept byte for byte', () => {
    expect(fixtureNames.sort()).toEqual(['basic.env', 'bom.env', 'crlf.env', 'ports.env', 'quirks.env', 'quotes.env']);
    expect(fixture('crlf.env')).toContain('\r\n');
    expect(fixture('bom.env').charCodeAt(0)).toBe(0xfeff);
  });

  it.each(fixtureNames)('%s: values equal dotenv.parse, spans slice out keys and values', (name) => {
    expectConsistent(fixture(name));
  });

  it.each(fixtureNames)('%s with CRLF line endings: the same entries, spans still exact', (name) => {
    const text = fixture(name).replace(/\r?\n/g, '\r\n');
    const crlf = expectConsistent(text);
    const lf = parseEnv(fixture(name).replace(/\r\n/g, '\n'), 'test.env');
    expect(crlf.entries.map((e) => [e.key, e.value, e.quote])).toEqual(lf.entries.map((e) => [e.key, e.value, e.quote]));
    expect(crlf.facts.map((f) => f.published)).toEqual(lf.facts.map((f) => f.published));
  });

  it('basic.env: export, KEY: value, spaces, empty values, comments, a duplicate, dropped lines', () => {
    const text = fixture('basic.env');
    expect(entries(text)).toEqual([
      'APP_NAME="portreg-demo" @2:1 value@2:10-2:22',
      'export API_PORT="5000" @3:8 value@3:17-3:21',
      'WEB_PORT="5001" @4:3 value@4:14-4:18',
      'ADMIN_PORT="5002" @5:1 value@5:13-5:17',
      'EMPTY="" @7:1 value@7:7-7:7',
      'EMPTY_WITH_COMMENT="" @8:1 value@8:20-8:20',
      'INLINE="value" @9:1 value@9:8-9:13',
      // `#` starts a comment even right after the `=`: a hex colour is an empty value.
      'COLOR="" @10:1 value@10:7-10:7',
      'API_PORT="5010" @12:1 value@12:10-12:14',
      'DOTTED.key-name="ok" @15:1 value@15:17-15:19',
      // `export` not followed by a key is a key itself.
      'export="plain" @16:1 value@16:8-16:13',
    ]);
    expect(facts(text)).toEqual([
      'env API_PORT 5000 @3:17 "5000"',
      'env WEB_PORT 5001 @4:14 "5001"',
      'env ADMIN_PORT 5002 @5:13 "5002"',
      'env API_PORT 5010 @12:10 "5010"',
    ]);
    expect(findings(text)).toEqual([
      '11:1-11:31 parse-error: line 11 is not KEY=VALUE (no "=" after "this"), so dotenv ignores it',
      '12:1-12:9 env-duplicate-key: API_PORT is set again (first on line 3); the last value wins',
      '13:1-13:10 parse-error: line 13 is not KEY=VALUE ("KEY:" needs a space after the colon), so dotenv ignores it',
      '14:1-14:21 parse-error: line 14 is not KEY=VALUE (no "=" after "ONLY_EXPORTED"), so dotenv ignores it',
    ]);
    expect(parseEnv(text, 'basic.env').values.API_PORT).toBe('5010');
  });

  it('quotes.env: three quotes, # inside quotes, escapes, multi-line values, unclosed and junk-followed quotes', () => {
    expect(entries(fixture('quotes.env'))).toEqual([
      `SINGLE="single # not a comment" ' @1:1 value@1:9-1:31`,
      'DOUBLE="double # not a comment" " @2:1 value@2:9-2:31',
      'BACKTICK="it\'s \\"both\\"" ` @3:1 value@3:11-3:22',
      'NEWLINES="line one\\nline two" " @4:1 value@4:11-4:29 as written "line one\\\\nline two"',
      // Only double quotes expand `\n`.
      `LITERAL="no \\\\n expansion" ' @5:1 value@5:10-5:25`,
      // An escaped quote does not close the value, and its backslash stays.
      'ESCAPED="say \\\\\\"hi\\\\\\"" " @6:1 value@6:10-6:20',
      `ESCAPED_SINGLE="it\\\\'s" ' @7:1 value@7:17-7:22`,
      'MULTI="first line\\nsecond line # still inside\\nthird line" " @8:1 value@8:8-10:11',
      `export MULTI_SINGLE="a\\nb" ' @11:8 value@11:22-12:2`,
      'SPACED="  padded  " " @13:1 value@13:13-13:23',
      // No closing quote that only a comment follows: read unquoted, quote and all.
      'NOT_CLOSED="\\"abc" @14:1 value@14:12-14:16',
      'AFTER="1" @15:1 value@15:7-15:8',
      'JUNK_AFTER="\\"quoted\\" trailing" @16:1 value@16:12-16:29',
      'EMPTY_QUOTES="" " @17:1 value@17:15-17:15',
    ]);
    expect(findings(fixture('quotes.env'))).toEqual([]);
  });

  it('quirks.env: dotenv reads across line breaks', () => {
    const text = fixture('quirks.env');
    expect(entries(text)).toEqual([
      // `\s*=`: the `=` may be on the next line.
      'SPLIT="joined" @1:1 value@2:2-2:8',
      // `:\s+?`: the line feed is the space after the colon, and the next line is the value.
      'LABEL="NEXT=becomes the value of LABEL" @3:1 value@4:1-4:32',
      // An empty value takes a quoted value from a later line.
      `BLANK="picked up from two lines down" ' @5:1 value@7:2-7:31`,
      // Not one quoted value, so read unquoted; then the outer quotes are stripped.
      `TWO="a' 'b" ' @8:1 value@8:6-8:11`,
      'MIXED="a\\"b" " @9:1 value@9:8-9:11',
      // Unquoted, but starts with `"`, so `\n` still expands.
      'STARTS_QUOTED="\\"x\\ny" @10:1 value@10:15-10:20 as written "\\"x\\\\ny"',
    ]);
    expect(findings(text)).toEqual([]);
  });

  it('crlf.env: spans are offsets into the CRLF text, values have plain line feeds', () => {
    const text = fixture('crlf.env');
    expect(entries(text)).toEqual([
      'PORT="3000" @2:1 value@2:6-2:10',
      'MULTI="a\\nb" " @3:1 value@3:8-4:2 as written "a\\r\\nb"',
      'URL="http://localhost:3001/x" @5:1 value@5:5-5:28',
      'NOTE="spaced" @7:1 value@7:8-7:14',
    ]);
    expect(facts(text)).toEqual(['env PORT 3000 @2:6 "3000"', 'url URL localhost 3001 @5:22 "3001"']);
  });

  it('bom.env: the byte order mark is whitespace before the first key, and keeps its column', () => {
    const text = fixture('bom.env');
    expect(entries(text)).toEqual(['PORT="4000" @1:2 value@1:7-1:11', 'NAME="bom" @2:1 value@2:6-2:9']);
    expect(parseEnv(text, 'bom.env').entries[0]!.keySpan).toEqual({ start: 1, end: 5 });
  });

  it('ports.env: port keys, lists, ranges, bad ports, URLs and host:port, and what is not a port', () => {
    const text = fixture('ports.env');
    expect(facts(text)).toEqual([
      'env PORT 3000 @1:6 "3000"',
      'env API_PORT 5000 @2:11 "5000"',
      'env WORKER_PORTS 6000 @3:14 "6000"',
      'env WORKER_PORTS 6001 @3:19 "6001"',
      'env WORKER_PORTS 6002 @3:25 "6002"',
      'env RANGE_PORTS 7000-7010 @4:13 "7000-7010"',
      // REF_PORT (a reference), TEXT_PORT and EMPTY_PORT: no fact, no finding.
      'url DATABASE_URL db 5432 @11:36 "5432"',
      // PASSWORD_URL: the 1234 in `admin:1234@` is a password.
      'url REDIS_URL redis 6379 @13:26 "6379"',
      'url API_URL localhost 5000 @14:26 "5000"',
      'url LISTEN 127.0.0.1 8080 @15:18 "8080"',
      'url LOOPBACK6 ::1 8081 @16:17 "8081"',
      'url BIND 0.0.0.0 8082 @17:14 "8082"',
      'url CALLBACKS localhost 9001 @18:28 "9001"',
      'url CALLBACKS localhost 9002 @18:52 "9002"',
      // START_TIME=12:30, IMAGE=node:20, VERSION=1.2.3: no fact.
    ]);
    expect(findings(text)).toEqual([
      '5:16-5:25 env-invalid-port: REVERSED_PORTS: the range 7010-7000 runs backwards',
      '6:10-6:15 env-invalid-port: BIG_PORT: 70000 is not a port number (1-65535)',
      '7:11-7:12 env-invalid-port: ZERO_PORT: 0 is not a port number (1-65535)',
    ]);
  });

  it('fills every field of a fact', () => {
    const r = parseEnv(fixture('ports.env'), 'ports.env');
    const raw = 'postgres://user:pw@db:5432/app';
    expect(r.facts.find((f) => f.variable === 'API_PORT')).toEqual({
      source: 'env',
      kind: 'env',
      span: { start: 20, end: 24 },
      composeService: null,
      hostIp: null,
      published: 5000,
      publishedEnd: null,
      target: null,
      targetEnd: null,
      protocol: null,
      variable: 'API_PORT',
      resolved: true,
      raw: '5000',
      host: null,
      context: 'API_PORT',
    });
    expect(r.facts.find((f) => f.variable === 'DATABASE_URL')).toMatchObject({
      kind: 'url',
      published: 5432,
      publishedEnd: null,
      host: 'db',
      raw,
      context: 'DATABASE_URL',
      resolved: true,
    });
    expect(r.facts.find((f) => f.variable === 'RANGE_PORTS')).toMatchObject({ published: 7000, publishedEnd: 7010, raw: '7000-7010' });
  });
});

describe('findings', () => {
  it('a duplicate points back at the first assignment', () => {
    const r = parseEnv('API_PORT=1\nOTHER=2\n  API_PORT=3\n', 'x.env');
    expect(r.findings).toEqual([
      {
        ruleId: 'env-duplicate-key',
        severity: 'warning',
        message: 'API_PORT is set again (first on line 1); the last value wins',
        file: 'x.env',
        start: 21,
        end: 29,
        line: 3,
        column: 3,
        endLine: 3,
        endColumn: 11,
        related: [{ file: 'x.env', start: 0, end: 8, line: 1, column: 1, endLine: 1, endColumn: 9, message: 'API_PORT first set here' }],
      },
    ]);
    expect(r.values).toEqual({ API_PORT: '3', OTHER: '2' });
    expect(r.entries.map((e) => e.value)).toEqual(['1', '2', '3']);
  });

  it('a dropped line is reported once, without its surrounding spaces', () => {
    const text = '[section]\n  "QUOTED"=1  \r\nexport\nKEY value\n// comment\nexportKEY value\n';
    expectConsistent(text);
    expect(findings(text)).toEqual([
      '1:1-1:10 parse-error: line 1 is not KEY=VALUE (it does not start with a key of letters, digits, "_", "." or "-"), so dotenv ignores it',
      '2:3-2:13 parse-error: line 2 is not KEY=VALUE (it does not start with a key of letters, digits, "_", "." or "-"), so dotenv ignores it',
      '3:1-3:7 parse-error: line 3 is not KEY=VALUE (no "=" after "export"), so dotenv ignores it',
      '4:1-4:10 parse-error: line 4 is not KEY=VALUE (no "=" after "KEY"), so dotenv ignores it',
      '5:1-5:11 parse-error: line 5 is not KEY=VALUE (it does not start with a key of letters, digits, "_", "." or "-"), so dotenv ignores it',
      '6:1-6:16 parse-error: line 6 is not KEY=VALUE (no "=" after "exportKEY"), so dotenv ignores it',
    ]);
  });

  it('an out-of-range port in a list is reported, the others are kept', () => {
    const text = `PORTS=5000, 99999,5001-5002,6000-${'9'.repeat(400)}`;
    expect(facts(text)).toEqual(['env PORTS 5000 @1:7 "5000"', 'env PORTS 5001-5002 @1:19 "5001-5002"']);
    expect(findings(text)).toEqual([
      '1:13-1:18 env-invalid-port: PORTS: 99999 is not a port number (1-65535)',
      `1:29-1:434 env-invalid-port: PORTS: ${'9'.repeat(400)} is not a port number (1-65535)`,
    ]);
  });

  it('a list with anything else in it is not a port value', () => {
    for (const value of ['5000,', '5000,abc', '5000 5001', '5000-', '-5000', '5000/tcp', '0x10', '${PORT:-5000}', '"5000']) {
      expect(facts(`API_PORT=${value}`), value).toEqual([]);
      expect(findings(`API_PORT=${value}`), value).toEqual([]);
    }
  });
});

describe('isPortKey', () => {
  it('accepts PORT, *_PORT, PORTS, *_PORTS in any case', () => {
    for (const key of ['PORT', 'API_PORT', 'PORTS', 'WORKER_PORTS', 'port', 'api_port', 'A_B_PORT']) expect(isPortKey(key), key).toBe(true);
  });
  it('rejects names that merely contain PORT', () => {
    for (const key of ['SUPPORT', 'PASSPORT', 'PORT_NUMBER', 'API_PORT_URL', 'PORTAL', 'IMPORT', 'api.port', 'REPORTS']) {
      expect(isPortKey(key), key).toBe(false);
    }
  });
});

describe('host:port in values', () => {
  const urlFacts = (value: string) => facts(`V=${value}`).map((f) => f.replace(/ @1:\d+/, ''));

  it('finds ports in URLs and local host:port pairs', () => {
    expect(urlFacts('postgres://user:pw@db:5432/app')).toEqual(['url V db 5432 "5432"']);
    expect(urlFacts('redis://:secret@redis:6379/0')).toEqual(['url V redis 6379 "6379"']);
    expect(urlFacts('http://[::1]:5000/')).toEqual(['url V ::1 5000 "5000"']);
    expect(urlFacts('--bind=0.0.0.0:5000')).toEqual(['url V 0.0.0.0 5000 "5000"']);
    expect(urlFacts("'localhost:5000,localhost:5001'")).toEqual(['url V localhost 5000 "5000"', 'url V localhost 5001 "5001"']);
  });

  it('leaves passwords, times, versions and image tags alone', () => {
    for (const value of [
      'postgres://user:1234@db/app',
      'postgres://user:1234%40x@db/app',
      'https://user:5000@example.com',
      'node:20',
      'redis:7.2',
      '12:30',
      '12:30:45',
      '1.2.3',
      'v1.2:3000',
      'http://localhost:99999',
      'http://localhost/x:5000',
    ]) {
      expect(urlFacts(value), value).toEqual([]);
    }
  });
});

describe('agrees with dotenv.parse', () => {
  it.each([
    ['U+2028 starts a line for keys and comments', 'A=1 # c\u2028B=2\n# c\u2029C=3'],
    ['but not inside an unquoted value', 'A=1\u2028B=2'],
    ['where a line that starts with a quote loses it', 'A=x\u2028\'a\'\u2028"b" c'],
    ['a colon needs a following space', 'A: b\nC:d\nE :f'],
    ['escaped quotes may close a value when the real close cannot', 'A=\'a\\\'b\' x\nB=\'\\\'\nC="\\\\""\nD="x\\"" # c'],
    ['export across a line break', 'export\nKEY=1\nexport =5'],
    ['a quote that closes many lines later', 'A="abc\nB=2\nC="\nD=4'],
    ['\\r and \\n escapes, in that order', 'A="a\\\\nb\\rc"\nB=\'a\\nb\''],
    ['lone CR line breaks', 'A=1\rB="x\ry"\rC=3'],
    ['__proto__ is swallowed like in a plain object', '__proto__=x\nconstructor=y\ntoString=z'],
    ['empty input and only comments', ''],
    ['only comments', '# a\n\n   # b\n'],
    ['a value at the very end without a newline', 'A="x" '],
    ['non-ASCII whitespace is trimmed', 'A=\u00a0x\u3000\nB=\ufeffy'],
  ])('%s', (_, text) => {
    expectConsistent(text);
  });

  it('on thousands of random texts built from the characters that matter', () => {
    const pieces = [
      'A',
      'B_PORT',
      'export',
      'export ',
      ' ',
      '\t',
      '=',
      ':',
      ': ',
      '#',
      '# c\n',
      '\n',
      '\r\n',
      '\r',
      "'",
      '"',
      '`',
      '\\',
      '\\n',
      '\\"',
      "\\'",
      'x',
      '5000',
      '.',
      '-',
      ',',
      '@',
      '/',
      'K=',
      '=\n',
      '"a"',
      "'b'",
      '\u2028',
      '\u00a0',
      '\ufeff',
    ];
    let seed = 20240611;
    const random = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    for (let i = 0; i < 4000; i++) {
      let text = '';
      for (let n = 1 + random(16); n > 0; n--) text += pieces[random(pieces.length)];
      try {
        expectConsistent(text);
      } catch (error) {
        throw new Error(`for ${JSON.stringify(text)}: ${(error as Error).message}`);
      }
    }
  });
});

describe('cost', () => {
  const K = 100_000;
  const fill = (unit: string) => unit.repeat(Math.ceil(K / unit.length)).slice(0, K);

  it.each([
    ['schemes', 'URL=' + fill('a://')],
    ['userinfo', 'URL=' + fill('http://a:1@')],
    ['long userinfo', 'URL=' + fill('a://' + 'b'.repeat(255) + ':1')],
    ['hosts without ports', 'URL=' + fill('localhost:')],
    ['IPv6 brackets', 'URL=' + fill('http://[:')],
    ['escaped quotes', 'URL="' + fill('\\"')],
    ['a port list', 'API_PORTS=' + fill('5000,')],
    ['unclosed quotes on every line', fill('A="\\"\n')],
    ['one unclosed quote, then many lines', 'A="' + fill('\nB=1')],
    ['colons on every line', fill('A:\n')],
  ])('a 100 KB adversarial text (%s) costs about twice what 50 KB does, not four times', (_, text) => {
    // A ratio within one run, not a wall-clock limit: the machine may be busy, but a quadratic
    // pattern quadruples whatever the load.
    const best = (t: string) => {
      let min = Infinity;
      for (let i = 0; i < 9; i++) {
        const started = performance.now();
        parseEnv(t, 'big.env');
        min = Math.min(min, performance.now() - started);
      }
      return min;
    };
    best(text.slice(0, 2000));
    const half = best(text.slice(0, K / 2));
    const whole = best(text);
    // Linear is 2x; quadratic 4x. The margin absorbs a collection landing in one run.
    expect(whole).toBeLessThan(3.5 * half + 15);
  });
});
