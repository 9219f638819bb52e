import { isMap, isScalar, isSeq, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseCompose } from '../../src/parse/compose.js';
import { OUTSIDE, readBlockYaml, UNKNOWN_END, whyOutside } from '../../src/parse/yaml-block.js';

/**
 * The block reader is a fast path: where it reads a text, its tree must be the library's, node
 * for node (what the compose walker reads: kinds, values, sources, scalar types, tags, ranges);
 * where the library finds an error, or anything the reader does not take, it must say OUTSIDE.
 */
/**
 * A tree as lines, one per node: its path, kind, value, source, scalar type, tag and range
 * [start, value end] ("?" where the reader wrote UNKNOWN_END: see compose.ts, which walks with
 * the library when it needs one). Lines make a mismatch's diff point at the node.
 */
function treeLines(root: unknown): string[] {
  const lines: string[] = [];
  const range = (n: { range?: number[] | null }) => (n.range ? `[${n.range[0]},${n.range[1] === UNKNOWN_END ? '?' : n.range[1]}]` : '-');
  const visit = (node: unknown, at: string) => {
    if (node === null || node === undefined) lines.push(`${at} (none)`);
    else if (isMap(node)) {
      lines.push(`${at} map ${range(node)}${node.flow ? ' flow' : ''}`);
      node.items.forEach((pair, i) => {
        visit(pair.key, `${at}.${i}:key`);
        visit(pair.value, `${at}.${i}:value`);
      });
    } else if (isSeq(node)) {
      lines.push(`${at} seq ${range(node)}${node.flow ? ' flow' : ''}`);
      node.items.forEach((item, i) => {
        visit(item, `${at}[${i}]`);
      });
    } else if (isScalar(node)) {
      const v = node.value;
      const value = typeof v === 'number' && Number.isNaN(v) ? 'NaN' : typeof v === 'number' && !Number.isFinite(v) ? String(v) : JSON.stringify(v);
      lines.push(`${at} ${typeof v} ${value} source=${JSON.stringify(node.source)} ${node.type} tag=${node.tag ?? '-'} ${range(node)}`);
    } else lines.push(`${at} other ${String(node)}`);
  };
  visit(root, '$');
  return lines;
}

/** The library's tree, or undefined when it finds an error or several documents. */
function libraryTree(text: string): unknown {
  const docs = parseAllDocuments(text, { merge: true, uniqueKeys: false, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [docs];
  if (list.length > 1 || list.some((d) => d.errors.length > 0)) return undefined;
  return list[0]?.contents ?? null;
}

/** 'read' when the reader built the library's tree; 'outside' when it left the text to the library. */
function checkAgainstLibrary(text: string): 'read' | 'outside' {
  const fast = readBlockYaml(text);
  if (fast === OUTSIDE) return 'outside';
  const expected = libraryTree(text);
  if (expected === undefined) throw new Error(`the library finds an error in a text the reader read: ${JSON.stringify(text)}`);
  const mine = treeLines(fast);
  // Where the reader does not know an end, the library's is not compared.
  const theirs = treeLines(expected).map((line, i) => (mine[i]?.includes(',?]') ? line.replace(/,\d+\]$/, ',?]') : line));
  expect(mine, JSON.stringify(text)).toEqual(theirs);
  return 'read';
}

const COMPOSE = `# a comment before everything
name: shop
services:
  web:
    image: nginx:1.25 # pinned
    container_name: web
    ports:
    - "80:80"   # http
    - 8443:443
    - '127.0.0.1:5000:5000/udp'
    - target: 80
      published: "\${WEB_PORT:-5001}"
      protocol: tcp
    expose: [ "3000", 3001 ]
    environment:
      A: 1
      B:
      C: "x\\ty\\u00e9"
      D: 'it''s'
      E: true
      F: ~
      G: 0x1F
      H: 0o17
      I: 1.50
      J: 2e3
      K: -.inf
      L: .NaN
      M: 1_000
      N: yes
    # a comment inside the service

  db:
    ports: [ "5432:5432", 1 ]
    command: >-
      postgres
      -c max_connections=200

      -c shared_buffers=1GB
    healthcheck:
      test: |
        pg_isready
          -U postgres
      interval: 10s
    volumes: {}
    networks: []
  "quoted key":
    environment:
      - KEY=value
      - URL=http://localhost:5002
      -
volumes:
  data:
# end
`;

describe('readBlockYaml', () => {
  it('reads a compose file as the library does', () => {
    expect(whyOutside(COMPOSE)).toBeNull();
    expect(checkAgainstLibrary(COMPOSE)).toBe('read');
  });

  it.each([
    ['a null with a comment', 'a: # none\nb: 1\n'],
    ['a null at the end of the text', 'a: 1\nb:'],
    ['a value at the end of the text, no newline', 'a: 1'],
    ['a comment after a nested mapping, at its indent', 'a:\n  b: 1\n  # c\n\nd: 2\n'],
    ['a comment after a nested mapping, less indented', 'a:\n  b: 1\n# c\nd: 2\n'],
    ['a sequence at its key column, then the next key', 'a:\n- 1\n- 2\nb: 3\n'],
    ['a sequence of mappings', 'a:\n  - x: 1\n    y: 2\n  - x: 3\n'],
    ['an empty entry in a sequence', 'a:\n  -\n  - 1\n'],
    ['an entry whose value is below it', 'a:\n  -\n    b: 1\n'],
    ['a literal block, kept', 'a: |+\n  x\n\n\nb: 1\n'],
    ['a literal block, stripped', 'a: |-\n  x\n  y\nb: 1\n'],
    ['a folded block with a blank line', 'a: >\n  x\n  y\n\n  z\n'],
    ['a block scalar with a comment on its header', 'a: | # text\n  x\n'],
    ['a block scalar with a more-indented line', 'a: |\n  x\n    y\n  z\n'],
    ['keys that are numbers and booleans', '80: a\ntrue: b\n1.5: c\n'],
    ['a flow sequence with spaces and a comment', 'a: [ x , "y" ,3 ] # c\n'],
    ['an empty flow mapping and sequence', 'a: {}\nb: [ ]\n'],
    ['a quoted key with a colon', '"a:b": 1\n\'c\': 2\n'],
    ['double-quoted escapes', 'a: "\\x41\\u00e9\\U0001F600\\\\\\"\\/\\n"\n'],
    ['plain scalars with inner colons and hashes', 'a: http://x:80/#frag\nb: a#b\n'],
    ['an indented root', '  a: 1\n  b: 2\n'],
    ['only comments', '# a\n# b\n'],
    ['an empty text', ''],
    ['a root sequence', '- a\n- b\n'],
  ])('reads %s as the library does', (_name, text) => {
    expect(whyOutside(text)).toBeNull();
    expect(checkAgainstLibrary(text)).toBe('read');
  });

  it.each([
    ['an anchor and an alias', 'x: &a 1\ny: *a\n', 'a plain scalar the reader does not take'],
    ['a merge key', 'x:\n  <<: {}\n', 'a merge key'],
    ['a tag', 'a: !reset []\n', 'a plain scalar the reader does not take'],
    ['a document marker', '---\na: 1\n', 'a character, marker or directive'],
    ['a directive', '%YAML 1.2\n---\na: 1\n', 'a character, marker or directive'],
    ['a tab', 'a:\t1\n', 'a character, marker or directive'],
    ['a CRLF line end', 'a: 1\r\n', 'a character, marker or directive'],
    ['a duplicate key', 'a: 1\na: 2\n', 'a duplicate key'],
    ['a multi-line plain scalar', 'a: x\n  y\n', 'a continuation line'],
    ['a multi-line quoted scalar', 'a: "x\n  y"\n', 'a quoted scalar not closed on its line'],
    ['text after a quoted scalar', 'a: "x" y\n', 'text after a value'],
    ['a nested mapping on one line', 'a: b: c\n', 'a plain scalar the reader does not take'],
    ['a flow sequence over lines', 'a: [1,\n  2]\n', 'a flow sequence not closed on its line'],
    ['a flow mapping', 'a: { b: 1 }\n', 'a flow mapping'],
    ['a compact nested sequence', '- - a\n', 'a compact nested sequence'],
    ['a complex key', '? a\n: b\n', 'a mapping line that is not'],
    ['a scalar on its own line', 'a:\n  text\n', 'a scalar on its own line'],
    ['a line indented past its mapping', 'a: 1\n  b: 2\n', 'a continuation line'],
    ['a less indented line after an indented root', '  a: 1\nb: 2\n', 'a line less indented than the first one'],
    ['leading blank lines in a block scalar', 'a: |\n\n  x\n', 'blank lines before the first text line'],
    ['a more-indented line in a folded scalar', 'a: >\n  x\n    y\n', 'a more-indented line in a folded scalar'],
  ])('leaves %s to the library', (_name, text, why) => {
    expect(whyOutside(text)).toContain(why);
    expect(readBlockYaml(text)).toBe(OUTSIDE);
  });

  /**
   * Mutants of the texts above (indentation, inserted indicators, comments, blank, repeated and
   * dropped lines, truncation): each is read exactly as the library reads it, or left to it.
   * YAML_RUNS scales the count (the default takes about a second), YAML_SEED changes the mutants.
   */
  it('reads every mutant as the library does, or leaves it to the library', () => {
    const runs = Number(process.env.YAML_RUNS ?? 3000);
    const seeds = [COMPOSE, 'a:\n- 1\n- "2"\nb:\n  c: |\n    x\n\n    y\n  d: [ 1, two ]\n', 'x:\n  - k: v\n    # c\n    l: >-\n      a\n      b\n  -\n'];
    let state = Number(process.env.YAML_SEED ?? 0x2545f491) | 0 || 1;
    const random = (n: number) => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) % n;
    };
    const NOISE = [
      ':',
      ': ',
      '- ',
      '-',
      '#',
      ' #',
      '"',
      "'",
      '[',
      ']',
      '{',
      '}',
      '|',
      '>',
      ' ',
      '  ',
      '&a ',
      '*a',
      '!t ',
      '\\',
      ',',
      '?',
      '~',
      '0x',
      '.5',
      'e3',
      '<<: ',
    ];
    let read = 0;
    for (let run = 0; run < runs; run++) {
      const lines = seeds[random(seeds.length)]!.split('\n');
      const edits = 1 + random(3);
      for (let e = 0; e < edits; e++) {
        const at = random(lines.length);
        const line = lines[at]!;
        switch (random(7)) {
          case 0:
            lines[at] = ' '.repeat(1 + random(3)) + line;
            break;
          case 1:
            lines[at] = line.replace(/^ {1,2}/, '');
            break;
          case 2: {
            const pos = random(line.length + 1);
            lines[at] = line.slice(0, pos) + NOISE[random(NOISE.length)] + line.slice(pos);
            break;
          }
          case 3:
            lines.splice(at, 0, `${' '.repeat(random(8))}${random(2) ? '# note' : ''}`);
            break;
          case 4:
            lines.splice(at, 0, line);
            break;
          case 5:
            lines.splice(at, 1);
            break;
          default:
            lines[at] = line.slice(0, random(line.length + 1));
        }
      }
      if (checkAgainstLibrary(lines.join('\n')) === 'read') read++;
    }
    // Most mutants stay inside the subset: the comparison is not vacuous.
    expect(read).toBeGreaterThan(runs / 4);
  });
});

describe('parseCompose through the block reader', () => {
  const env = { WEB_PORT: '5001' };
  const both = (text: string) => {
    const fast = parseCompose(text, 'compose.yaml', { env });
    const library = parseCompose(text, 'compose.yaml', { env, blockReader: false });
    expect(fast, JSON.stringify(text)).toEqual(library);
    return fast;
  };

  it('gives the facts, findings, services and references the library walk gives', () => {
    const result = both(COMPOSE);
    expect(result.facts.map((f) => `${f.composeService} ${f.kind} ${f.published ?? '-'}:${f.target ?? '-'}`)).toEqual([
      'web published 80:80',
      'web published 8443:443',
      'web published 5000:5000',
      'web published 5001:80',
      'web expose -:3000',
      'web expose -:3001',
      'db published 5432:5432',
      'db target -:1',
      'quoted key url 5002:-',
    ]);
  });

  it('walks with the library when a message needs a range the reader does not know', () => {
    // The long-syntax entry without a target is reported over the whole mapping, whose end the
    // comment after it makes unknown to the reader (the library runs it to the text's end).
    const text = 'services:\n  web:\n    ports:\n      - published: 5000\n        protocol: tcp\n          # later\n';
    expect(whyOutside(text)).toBeNull();
    const result = both(text);
    expect(result.findings.map((f) => [f.ruleId, f.message, f.start, f.end])).toEqual([
      ['parse-error', 'service "web": a long-syntax port needs "target"', 36, 92],
    ]);
  });

  it('gives the same result for every mutant of a compose file', () => {
    let state = 7;
    const random = (n: number) => {
      state = (state * 1103515245 + 12345) & 0x7fffffff;
      return state % n;
    };
    const lines = COMPOSE.split('\n');
    for (let run = 0; run < 300; run++) {
      const copy = [...lines];
      const at = random(copy.length);
      if (random(2)) copy.splice(at, 0, `${' '.repeat(random(8))}# note`);
      else copy[at] = copy[at]!.replace(/^ {2}/, '');
      both(copy.join('\n'));
    }
  });
});
