import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMarkdown, parseMarkdownWhole } from '../../src/parse/markdown.js';
import { fileOffset, relevantBlocks } from '../../src/parse/markdown-mask.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));

/** Markdown files of the repository itself: docs, README, fixtures. */
function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return markdownFiles(p);
    return e.name.endsWith('.md') ? [p] : [];
  });
}

const README = [
  '# p0001',
  '',
  'Exports pricing imports webhooks events.',
  '',
  '## Running locally',
  '',
  '```bash',
  'curl http://localhost:5018/health',
  '```',
  '',
  'Then open http://localhost:5018 in a browser.',
  '',
  '## Ports',
  '',
  '| Service | Port |',
  '|---|---|',
  '| api | 5018 |',
  '',
  '- `npm test` runs the unit tests',
  '',
].join('\n');

describe('relevantBlocks', () => {
  it('leaves out the chunks without a port candidate, and maps offsets back to the file', () => {
    const fence = '```bash\ncurl http://localhost:5018/health\n```\n\nThen open http://localhost:5018 in a browser.\n\n';
    const table = '| Service | Port |\n|---|---|\n| api | 5018 |\n\n';
    const blocks = relevantBlocks(README)!;
    expect(blocks.source).toBe(fence + table);
    expect(blocks.segments).toEqual([
      { start: 0, fileStart: README.indexOf('```bash') },
      { start: fence.length, fileStart: README.indexOf('| Service') },
    ]);
    // The end of the first segment is the end of a node there; the same offset as a start is the table's.
    expect(fileOffset(blocks.segments, fence.length, true)).toBe(README.indexOf('## Ports'));
    expect(fileOffset(blocks.segments, fence.length, false)).toBe(README.indexOf('| Service'));
    expect(parseMarkdown(README, 'README.md')).toEqual(parseMarkdownWhole(README, 'README.md'));
    expect(parseMarkdown(README, 'README.md').facts.map((f) => [f.published, f.span.start, f.context])).toEqual([
      [5018, README.indexOf('5018'), 'url'],
      [5018, README.indexOf('5018', README.indexOf('Then')), 'url'],
      [5018, README.indexOf('5018 |'), 'table'],
    ]);
  });

  it('keeps a fenced block with blank lines and column-1 lines inside it whole', () => {
    const text = '```yaml\nservices:\n\nx: 1\n```\n\nprose\n';
    expect(relevantBlocks(text)).toEqual({ source: '```yaml\nservices:\n\nx: 1\n```\n\n', segments: [{ start: 0, fileStart: 0 }] });
  });

  it('keeps an HTML comment that starts in column 1 whole, markers included', () => {
    const text = '<!--\n\nprose\n-->\n\nprose\n';
    expect(relevantBlocks(text)).toEqual({ source: '<!--\n\nprose\n-->\n\n', segments: [{ start: 0, fileStart: 0 }] });
  });

  it.each([
    ['a link reference definition', 'prose\n\n[a]: http://localhost:5000\n'],
    ['an HTML block that may hold blank lines', 'prose\n\n<pre>\n\nprose\n'],
    ['a script block in a list item', 'prose\n\n- <script>\n\nprose\n'],
    ['a comment that does not start in column 1', 'prose\n\n- <!--\n\nprose\n'],
    ['a fence-like line in an HTML block', 'prose\n\n<details>\n```\n\nprose\n'],
    ['a fence indented 1-3 spaces after its list item ended', '- a\n b\n  ```\n\nprose\n'],
    ['a fence indented 1-3 spaces', 'prose\n\n  ```\n\nprose\n'],
    ['a backtick fence with a backtick in its info', 'prose\n\n```a`b\n\nprose\n'],
    ['a lone CR line ending', 'prose\r\rprose\n'],
    ['a byte order mark after the start', 'prose\n\n\uFEFFprose\n'],
  ])('gives up (the whole file is parsed) on %s', (_, text) => {
    expect(relevantBlocks(text)).toBeNull();
  });

  it('reads around HTML blocks that end at a blank line, and fences inside the list item of a chunk', () => {
    const text =
      '<details>\n<summary>Troubleshooting</summary>\n\nIf port 5001 is taken, stop it.\n\n</details>\n\n1. Start:\n\n   ```bash\n   curl http://localhost:5002\n\n   ```\n\nwords\n';
    const blocks = relevantBlocks(text)!;
    expect(blocks.source).toBe('If port 5001 is taken, stop it.\n\n1. Start:\n\n   ```bash\n   curl http://localhost:5002\n\n   ```\n\n');
    const facts = parseMarkdown(text, 'README.md').facts;
    expect(facts.map((f) => [f.published, f.context])).toEqual([
      [5001, 'prose-port'],
      [5002, 'url'],
    ]);
    expect(facts).toEqual(parseMarkdownWhole(text, 'README.md').facts);
  });

  it.each([
    ['a comment whose end is in a chunk of its own', '<!--\n\n-->\n\nsee http://localhost:5000\n', [5000]],
    ['a fence indented 2 spaces around column-1 lines', '  ```\n\nwords\n\nsee http://localhost:5000\n\n  ```\n', [5000]],
    ['a fence whose closing line is in a chunk of its own', '```\n\nwords\n\n```\n\nsee http://localhost:5001\n', [5001]],
    ['a list item continued after a blank line', '- a\n\n  see http://localhost:5002\n\nwords\n', [5002]],
  ])('finds the ports parsing the whole file finds, with %s', (_, text, ports) => {
    const facts = parseMarkdown(text, 'README.md').facts;
    expect(facts.map((f) => f.published)).toEqual(ports);
    expect(facts).toEqual(parseMarkdownWhole(text, 'README.md').facts);
  });

  it("gives the same result as parsing the whole file on the repository's own Markdown", () => {
    const files = [...markdownFiles(path.join(repo, 'docs')), ...markdownFiles(path.join(repo, 'test/fixtures')), path.join(repo, 'README.md')];
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(parseMarkdown(text, file), file).toEqual(parseMarkdownWhole(text, file));
    }
  });

  it("gives up on an unclosed comment inside an HTML block (it may be the block's, or open a comment)", () => {
    // Found by the property below (seed -1838498150): the mask took `<!--` for a comment's start,
    // so the fence after the blank line was not seen and the chunks were cut inside it.
    const text = '<div>\n<!--\n\n```yaml\n\n<!-- portreg:start -->\n\nwords';
    expect(relevantBlocks(text)).toBeNull();
    expect(parseMarkdown(text, 'README.md')).toEqual(parseMarkdownWhole(text, 'README.md'));
    expect(parseMarkdown(text, 'README.md').embedded).toEqual([{ lang: 'yaml', offset: 20, text: '\n<!-- portreg:start -->\n\nwords' }]);
  });

  it('gives the same result as parsing the whole file on documents built from tricky lines', () => {
    const lines = [
      '',
      '   ',
      '    ',
      '\t',
      'text',
      'see http://localhost:5000 now',
      'localhost:5001',
      '```',
      '```yaml',
      '```env',
      '~~~',
      '````',
      '  ```',
      '    ```',
      '\t```',
      '- item',
      '- ```',
      '  - nested localhost:5002',
      '  continued',
      '    indented localhost:5003',
      '> quote localhost:5004',
      '> ```',
      '1. one',
      '2) two',
      '| Port | x |',
      '|---|---|',
      '| 5005 | y |',
      '<!-- portreg:start -->',
      '<!-- portreg:end -->',
      '<!--',
      '-->',
      'a --> b',
      '<div>',
      '</div>',
      '<!-->',
      'ports:',
      '  - "5006:80"',
      'API_PORT=5007',
      '[a]: http://localhost:5008',
      '[x][a]',
      '# Title 5009',
      '===',
      '---',
      '`code localhost:5010`',
      '*localhost:5011*',
      '_localhost:5012_',
      'a\r',
      '<http://localhost:5013>',
      '```js `x`',
      'docker run -p 5014:80 img',
      'PORT=5015',
      'psql -p 5016',
      '   - "5017:80"',
      '```` inner',
      '~~~~',
      'x <!-- portreg:start --> y',
      '<details>',
      '<summary>port 5018</summary>',
      '<p align="center">',
      '<pre>',
      '</pre>',
      '<span>localhost:5019</span>',
      '1. step localhost:5020',
      '10) step',
      '   ```',
      '   ```yaml',
      '   - "5021:80"',
      ' lazy',
      '- - -',
      '* * *',
      '| Host port |',
      '| reports |',
    ];
    // Without the lines that make the whole file parse, most documents have blocks left out.
    const givesUp = new Set(['[a]: http://localhost:5008', '<!-->', '  ```', '```js `x`', 'a\r', '<pre>', '</pre>']);
    const followed = lines.filter((l) => !givesUp.has(l));
    let shortenedDocs = 0;
    for (const vocabulary of [lines, followed]) {
      // Short runs of lines between blank lines (chunks, some of them prose only, to leave out).
      const line = fc.oneof({ arbitrary: fc.constantFrom('', 'words', 'more words'), weight: 1 }, { arbitrary: fc.constantFrom(...vocabulary), weight: 2 });
      const block = fc.array(line, { minLength: 1, maxLength: 4 });
      fc.assert(
        fc.property(fc.array(block, { maxLength: 12 }), fc.boolean(), (runs, crlf) => {
          const nl = crlf ? '\r\n' : '\n';
          const text = runs.map((b) => b.join(nl)).join(nl + nl);
          const blocks = relevantBlocks(text);
          if (blocks && blocks.source.length < text.length) shortenedDocs++;
          expect(parseMarkdown(text, 'README.md')).toEqual(parseMarkdownWhole(text, 'README.md'));
        }),
        { numRuns: Number(process.env.MD_RUNS ?? 700) },
      );
    }
    expect(shortenedDocs).toBeGreaterThan(300);
  });
});
