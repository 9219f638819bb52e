import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import type { Nodes } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmTable } from 'micromark-extension-gfm-table';
import { describe, expect, it } from 'vitest';
import { relevantChunks } from '../../src/parse/markdown-mask.js';
import { simpleBlocks } from '../../src/parse/markdown-simple.js';
import { tableFromMarkdown } from '../../src/parse/markdown-table.js';
import { parseMarkdown, parseMarkdownWhole } from '../../src/parse/markdown.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));

/** What the walk in markdown.ts reads of a tree: each node's type, offsets, value and language, in order. */
function shape(nodes: readonly Nodes[]): unknown[] {
  const out: unknown[] = [];
  const visit = (n: Nodes) => {
    const row: unknown[] = [n.type, n.position?.start.offset, n.position?.end.offset];
    if ('value' in n) row.push(n.value);
    if (n.type === 'code') row.push(n.lang ?? null, n.meta ?? null);
    out.push(row);
    if ('children' in n) n.children.forEach(visit);
  };
  nodes.forEach(visit);
  return out;
}

/** micromark's nodes for `text[start, end)` parsed alone, at file offsets. */
function micromarkShape(text: string, start: number, end: number): unknown[] {
  const tree = fromMarkdown(text.slice(start, end), { extensions: [gfmTable()], mdastExtensions: [tableFromMarkdown] });
  return shape(tree.children).map((row) => {
    const r = row as [string, number, number, ...unknown[]];
    return [r[0], r[1] + start, r[2] + start, ...r.slice(3)];
  });
}

const README = [
  '# p0042',
  '',
  'Quotes tenants audit metrics.',
  '',
  '```bash',
  'cp .env.example .env',
  'curl http://localhost:5422/health',
  '```',
  '',
  'Then open http://localhost:5421 in a browser.',
  '',
  '## Ports',
  '',
  '| Service | Port | Purpose |',
  '|---|:-:|---|',
  '| api | 5422 | REST API |',
  '| web | `5421` | Web front end |',
  '| db | ` 5429 ` |  |',
  '',
].join('\n');

describe('simpleBlocks', () => {
  it('reads a generated README without micromark, as micromark reads it', () => {
    const chunks = relevantChunks(README)!;
    expect(chunks.map((c) => README.slice(c.start, c.end).split('\n')[0])).toEqual([
      '```bash',
      'Then open http://localhost:5421 in a browser.',
      '| Service | Port | Purpose |',
    ]);
    for (const c of chunks) {
      const nodes = simpleBlocks(README, c.start, c.end);
      expect(nodes, README.slice(c.start, c.end)).not.toBeNull();
      expect(shape(nodes!)).toEqual(micromarkShape(README, c.start, c.end));
    }
    const facts = parseMarkdown(README, 'README.md').facts;
    expect(facts.map((f) => [f.published, f.context])).toEqual([
      [5422, 'url'],
      [5421, 'url'],
      [5422, 'table'],
      [5421, 'table'],
      [5429, 'table'],
    ]);
    expect(parseMarkdown(README, 'README.md')).toEqual(parseMarkdownWhole(README, 'README.md'));
  });

  it.each([
    ['a link with a title', 'see [x](http://localhost:5000 "t")\n'],
    ['an image', 'see ![x](http://localhost:5000)\n'],
    ['a link over two lines', 'see [x\ny](http://localhost:5000)\n'],
    ['an entity', 'a &amp; localhost:5000\n'],
    ['a setext underline', 'localhost:5000\n---\n'],
    ['a tab', 'see\tlocalhost:5000\n'],
    ['CRLF line endings', 'see localhost:5000\r\n'],
    ['an unclosed fence', '```\nlocalhost:5000\n'],
    ['a heading with a closing sequence', '# Port 5000 #\n'],
    ['a table row without its closing pipe', '| Port |\n|---|\n| 5000\n'],
    ['a table row with more cells than the header', '| Port |\n|---|\n| 5000 | x |\n'],
    ['a delimiter row that does not match the header', '| Port | x |\n|---|\n| 5000 |\n'],
    ['an indented line after a blank line', 'see localhost:5000\n\n    code\n'],
    ['a code span in a header cell', '| `Port` |\n|---|\n| 5000 |\n'],
    ['an unmatched opening delimiter', 'see *localhost:5000\n'],
    ['a code span over a line ending', 'see `localhost:\n5000`\n'],
    ['a raw HTML tag', 'see <b>localhost:5000</b>\n'],
    // Found by the generated documents: a delimiter row makes the line before it a table's header.
    ['a table without pipes right after a paragraph', 'words\n Port \n:--\n5000\n'],
    ['a table without pipes after a hard break', 'hard break  \n Port \n:--\n\n# Title 5005\n'],
  ])('leaves %s to micromark', (_, text) => {
    expect(simpleBlocks(text, 0, text.length)).toBeNull();
    expect(parseMarkdown(text, 'README.md')).toEqual(parseMarkdownWhole(text, 'README.md'));
  });

  it.each([
    ['inline code in prose', 'see `localhost:5000`\n'],
    ['emphasis', 'see *localhost:5000*\n'],
    ['emphasis, strong and code in a paragraph', 'The *API* listens on **port 5000**; see _Ports_ or `localhost:5001`.\n'],
    ['a node after an indented line ending', 'a\n   *b* `localhost:5002`\n  d\n'],
    ['nested emphasis', '***localhost:5003*** and __*port 5004*__\n'],
    ['snake_case words', 'set API_PORT=5005 in some_file_name\n'],
    ['a list after a paragraph', 'text\n- localhost:5000\n'],
    ['a hard break', 'localhost:5000  \nnext\n'],
    ['thematic breaks, one right under a paragraph', 'Port 5000\n\n---  \n\nsee localhost:5001\n***\n- - -\n'],
    [
      'paragraphs indented 1-3 spaces',
      'Use the Swagger UI:\n\n `GET http://localhost:5000/swagger`\n\n   **IMPORTANT**: only in `Development`  \n  on port 5001\n',
    ],
    [
      'table cells of inline content',
      '| Variable | Default | Description |\n|---|---|---|\n| `API_BASE` / `BASE` | `http://localhost:8001` | Backend URL: *set it* in [cloud](https://x.dev) |\n| PORT | 5010 | **the** port |\n',
    ],
    [
      'a fence and a heading right after a paragraph line',
      'Run it:\n```bash\ncurl http://localhost:5008/health\n```\nThen:  \n## Port 5009\nopen localhost:5009\n',
    ],
    [
      'hard breaks after a code span, in and after emphasis, and indented',
      'Backend at `http://localhost:8001`.  \nDocs at *localhost:8002  \nand* **b**   \n   port 8003  \n',
    ],
    ['a hard break before a list item ends the paragraph: its spaces are trailing', 'see localhost:5000  \n- item\n'],
    ['hard breaks in a block quote and a list item', '> first localhost:5000  \n> second\n\n- item  \n  more localhost:5001\n'],
    ['a block quote', '> **Note**: the check is `curl -fsS http://localhost:5006/health`.\n> It answers `ok` once the database is up.\n'],
    [
      'nested lists and a fence in an item',
      '1. Install the tools:\n   - Node 20 and `npm`\n   - Docker with `docker compose`\n2. Start the stack:\n\n   ```bash\n   docker compose up -d\n\n   curl http://localhost:5007/ready\n   ```\n\n3. Open http://localhost:5007/docs\n',
    ],
  ])('reads %s as micromark does', (_, text) => {
    const nodes = simpleBlocks(text, 0, text.length);
    expect(nodes).not.toBeNull();
    expect(shape(nodes!)).toEqual(micromarkShape(text, 0, text.length));
    expect(parseMarkdown(text, 'README.md')).toEqual(parseMarkdownWhole(text, 'README.md'));
  });

  it('reads inline syntax as micromark does, on generated paragraphs', () => {
    // Delimiter runs, code spans and links next to words, punctuation, blanks and line edges.
    const piece = fc.constantFrom(
      '*',
      '**',
      '***',
      '_',
      '__',
      '___',
      '`',
      '``',
      '`x`',
      '`` a ` b ``',
      '` `',
      'a',
      'port 5000',
      'localhost:5001',
      ' ',
      '  ',
      '.',
      ',',
      '(',
      ')',
      '"',
      '\n',
      '\n  ',
      'é',
      '—',
      '[a](b)',
      'http://localhost:5002/x',
      'API_PORT=5003',
      'snake_case',
      '-',
      '!',
      '5004',
    );
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 14 }), (pieces) => {
        const text = 'x' + pieces.join('') + 'y\n';
        const nodes = simpleBlocks(text, 0, text.length);
        if (nodes) {
          accepted++;
          expect(shape(nodes), JSON.stringify(text)).toEqual(micromarkShape(text, 0, text.length));
        }
        expect(parseMarkdown(text, 'README.md'), JSON.stringify(text)).toEqual(parseMarkdownWhole(text, 'README.md'));
      }),
      { numRuns: Number(process.env.MD_RUNS ?? 1500) },
    );
    expect(accepted).toBeGreaterThan(300);
  });

  it('gives the nodes micromark gives, for every chunk it accepts from generated documents', () => {
    const lines = [
      'see http://localhost:5000 now',
      'port 5001',
      '  indented localhost:5002',
      'trailing space localhost:5003 ',
      'PORT=5004',
      '# Title 5005',
      '###### h6 localhost:5006',
      '#',
      '# ',
      '#\tTab 5007',
      '####### seven',
      '#5008',
      '```',
      '```yaml',
      '```env title="x"',
      '```bash  meta words',
      '~~~',
      '~~~yaml',
      '````',
      '   ```',
      '```  ',
      'services:',
      '  api:',
      '    ports:',
      '      - "5009:80"',
      'API_PORT=5010',
      '| Port | Service |',
      '|Port|Service|',
      '| Ports |',
      '|---|---|',
      '|---|---|  ',
      '|:--|--:|',
      '| --- |',
      '|---|',
      '| 5011 | api |',
      '|5012|api|',
      '| `5013` | api |',
      '| ` 5014 ` | x |',
      '| `` | y |',
      '| 5015 |',
      '|  | z |',
      '| 5016 | a | b |',
      '| Port | x |  ',
      '|',
      '- item 5017',
      '1. one',
      '> quote localhost:5018',
      '===',
      '---',
      '***',
      '___',
      '<!-- x -->',
      '`localhost:5019`',
      'a | b',
      'a\\',
      'x &amp; y',
      'hard break  ',
      '5020 first',
      '    four spaces',
      'It calls [p0001](../p0001/README.md) at http://localhost:5021.',
      '![img](x.png) localhost:5023',
      '[a](b c) localhost:5025',
      '[a]: http://localhost:5035',
      '   - nested localhost:5036',
      '  continued port 5037',
      '   ```',
      '   ```yaml',
      '     - "5038:80"',
      '  ```',
      '> > nested',
      '>',
      '> - item localhost:5039',
      '> ```',
      '2. two localhost:5040',
      '* star port 5041',
      '+ plus',
      '-',
      '1) paren',
      '- **Note**: `localhost:5042`',
      '> **Note**: the check is `curl http://localhost:5043/health`.',
      '> It answers `ok`.',
      'The *API* listens on **port 5044**; see _Ports_ above.',
    ];
    let accepted = 0;
    const check = (text: string) => {
      for (const c of relevantChunks(text) ?? []) {
        const nodes = simpleBlocks(text, c.start, c.end);
        if (!nodes) continue;
        accepted++;
        expect(shape(nodes), JSON.stringify(text.slice(c.start, c.end))).toEqual(micromarkShape(text, c.start, c.end));
      }
      expect(parseMarkdown(text, 'README.md')).toEqual(parseMarkdownWhole(text, 'README.md'));
    };
    // Blocks of the simple shapes, some with a line that is not (most chunks accepted, the rest near misses).
    const pick = (...xs: string[]) => fc.constantFrom(...xs);
    const mostly = <T>(clean: fc.Arbitrary<T>, miss: fc.Arbitrary<T>) => fc.oneof({ arbitrary: clean, weight: 8 }, { arbitrary: miss, weight: 1 });
    const links = [
      'It calls [p0001](../p0001/README.md) at http://localhost:5021.',
      '[a](http://localhost:5022)',
      '![img](x.png) localhost:5023',
      '[a] (b) localhost:5024',
      '[a](b c) localhost:5025',
      '[](x) localhost:5026',
      '[ a ](b) port 5027',
      'see [x](y)',
      '[a](<b>)',
      '[a](b "t") 5028',
      '[a](b(c)) port 5029',
      '([a](b)) localhost:5030',
      '[a](b)[c](d) port 5031',
      '[port 5032](http://localhost:5033)',
      '[a](some_file.md) port 5034',
    ];
    const prose = mostly(
      pick(
        'see http://localhost:5000 now',
        'port 5001',
        'trailing space localhost:5003 ',
        'words',
        '  indented localhost:5002',
        'PORT=5004',
        'no-break space localhost:5005\u00a0',
        '\u00a0leading no-break space port 5006',
        ...links,
      ),
      pick('a | b', 'hard break  ', '5000 first'),
    );
    const cell = mostly(
      pick(' 5011 ', '5012', ' `5013` ', ' ` 5014 ` ', '  ', ' api ', ' \u00a05015\u00a0 ', '\t5016\t'),
      pick(' `` ', ' *5015* ', '`a`b', ' `\t` '),
    );
    const block = fc.oneof(
      fc.array(prose, { minLength: 1, maxLength: 3 }),
      fc.tuple(pick('#', '##', '######', '#######'), mostly(pick(' Title 5005', '\tTab 5007', '', ' '), pick(' x #', ' `5006`'))).map(([h, t]) => [h + t]),
      fc
        .tuple(fc.integer({ min: 1, max: 3 }), mostly(pick('|'), pick('')), mostly(pick('|', '|  '), pick('')), pick('---', ':--', '--:', ':-:', ' --- '))
        .chain(([n, open, close, dash]) =>
          fc
            .tuple(fc.array(mostly(fc.array(cell, { minLength: n, maxLength: n }), fc.array(cell, { minLength: n + 1, maxLength: n + 1 })), { maxLength: 3 }))
            .map(([rows]) => [
              open + Array.from({ length: n }, (_, i) => (i === 0 ? ' Port ' : ' Service ')).join('|') + close,
              open + Array.from({ length: n }, () => dash).join('|') + close,
              ...rows.map((r) => open + r.join('|') + close),
            ]),
        ),
      fc
        .tuple(
          mostly(pick('```', '~~~', '````', '```yaml', '```env title="x"', '```bash  meta words'), pick('```a\\b', '```a&amp;')),
          fc.array(pick('services:', '      - "5009:80"', '', 'API_PORT=5010', 'curl localhost:5016'), { maxLength: 3 }),
          mostly(pick('```', '~~~', '````', '   ```', '```  '), pick('')),
        )
        .map(([open, body, close]) => [open, ...body, close]),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(block, fc.boolean()), { minLength: 1, maxLength: 6 }), (blocks) => {
        check(blocks.map(([lines, blankAfter]) => lines.join('\n') + (blankAfter ? '\n\n' : '\n')).join(''));
      }),
      { numRuns: 800 * Number(process.env.MD_SCALE ?? 1) },
    );
    // About 40% of the kept chunks of these documents are simple; the rest hold a near miss.
    expect(accepted).toBeGreaterThan(300);
    // Any mix of the tricky lines.
    const line = fc.oneof({ arbitrary: fc.constantFrom('', 'words', 'more words'), weight: 1 }, { arbitrary: fc.constantFrom(...lines), weight: 3 });
    fc.assert(
      fc.property(fc.array(fc.array(line, { minLength: 1, maxLength: 5 }), { maxLength: 8 }), (runs) => {
        check(runs.map((b) => b.join('\n')).join('\n\n') + '\n');
      }),
      { numRuns: 700 * Number(process.env.MD_SCALE ?? 1) },
    );
    expect(accepted).toBeGreaterThan(450);
  });

  it('gives the result of a whole-file parse on real Markdown (the Markdown files of the installed packages)', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.md$/i.test(e.name)) files.push(p);
      }
    };
    walk(path.join(repo, 'node_modules'));
    walk(path.join(repo, 'docs'));
    expect(files.length).toBeGreaterThan(100);
    let simpleChunks = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const c of relevantChunks(text) ?? []) {
        const nodes = simpleBlocks(text, c.start, c.end);
        if (!nodes) continue;
        simpleChunks++;
        expect(shape(nodes), `${file}: ${JSON.stringify(text.slice(c.start, c.end))}`).toEqual(micromarkShape(text, c.start, c.end));
      }
      expect(parseMarkdown(text, file), file).toEqual(parseMarkdownWhole(text, file));
    }
    expect(simpleChunks).toBeGreaterThan(100);
    // Hundreds of files, each parsed twice: minutes on a loaded machine.
  }, 300_000);
});
