/**
 * micromark loads only when a README needs more than the simple shapes that markdown-simple.ts
 * reads (plain paragraphs and links, headings, column-1 fences, pipe tables). The real CLI runs
 * with the preload that records every module the process loads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UNBUNDLED_CLI as CLI, tempDir, testEnv } from '../helpers/cli.js';

const PRELOAD = path.join(import.meta.dirname, '../helpers/record-loads.mjs');

let dir: string;
let cleanup: () => Promise<void>;
const REGISTRY = {
  version: 1,
  projects: { shop: { range: { from: 5000, to: 5099 }, path: 'shop', services: { api: { port: 5000, purpose: 'REST API' } } } },
};
const SIMPLE = '# shop\n\nOpen http://localhost:5000 in a browser, see [the docs](docs/index.md).\n\n| Service | Port |\n|---|---|\n| api | `5000` |\n';

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('portreg-md-lazy-'));
  await mkdir(path.join(dir, 'shop'), { recursive: true });
  await writeFile(path.join(dir, 'ports.registry.json'), JSON.stringify(REGISTRY, null, 2) + '\n');
  await writeFile(path.join(dir, 'shop/docker-compose.yml'), 'services:\n  api:\n    ports:\n      - "5000:8080"\n');
});
afterAll(() => cleanup());

/** `portreg scan --format json` under the recorder: the exit code, the ports found and the modules loaded. */
function scanRecording(log: string): Promise<{ code: number | null; ports: { file: string; published: number; line: number }[]; loads: string[] }> {
  return new Promise((resolve, reject) => {
    let out = '';
    const child = spawn(process.execPath, ['--import', PRELOAD, CLI, 'scan', '--format', 'json'], {
      cwd: dir,
      env: testEnv({ PORTREG_TEST_LOAD_LOG: log }),
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.on('error', reject);
    child.on('close', async (code) =>
      resolve({
        code,
        ports: (JSON.parse(out) as { ports: { file: string; published: number; line: number }[] }).ports,
        loads: (await readFile(log, 'utf8')).split('\n').filter(Boolean),
      }),
    );
  });
}

const micromarkLoads = (loads: string[]) => loads.filter((l) => /^import (?:mdast-util-from-markdown|micromark)/.test(l) || l.includes('markdown-tree.js'));
const readmePorts = (ports: { file: string; published: number; line: number }[]) =>
  ports.filter((p) => p.file === 'shop/README.md').map((p) => [p.line, p.published]);

describe('lazy loading of micromark', () => {
  it('a README of simple shapes is read without loading micromark', async () => {
    await writeFile(path.join(dir, 'shop/README.md'), SIMPLE);
    const { code, ports, loads } = await scanRecording(path.join(dir, 'simple.log'));
    expect(code).toBe(0);
    expect(readmePorts(ports)).toEqual([
      [3, 5000],
      [7, 5000],
    ]);
    expect(loads).toContain('import ../parse/markdown-facts.js');
    expect(micromarkLoads(loads)).toEqual([]);
  });

  it('a README with inline HTML loads it, and its ports are found as before', async () => {
    // Emphasis and code spans are read without micromark (markdown-inline.ts); raw HTML is not.
    await writeFile(path.join(dir, 'shop/README.md'), SIMPLE + '\nThe <b>admin</b> is on `localhost:5000/admin`.\n');
    const { code, ports, loads } = await scanRecording(path.join(dir, 'inline-html.log'));
    expect(code).toBe(0);
    expect(readmePorts(ports)).toEqual([
      [3, 5000],
      [7, 5000],
      [9, 5000],
    ]);
    expect(loads).toContain('import ../parse/markdown-tree.js');
    expect(loads).toContain('import mdast-util-from-markdown');
  });
});
