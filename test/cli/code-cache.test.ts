/**
 * The bin's V8 code cache (src/cli/bin.ts): each test runs a copy of dist/bundle (inside dist/, so
 * the copy finds the package's package.json and node_modules as the bin does), without the cache
 * the build wrote, and looks at what the runs leave in chunks/ and what they answer.
 */
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, runNode } from '../helpers/cli.js';

let copy: string;
let chunks: string;

beforeEach(async () => {
  copy = await mkdtemp(path.join(REPO_ROOT, 'dist', 'test-bundle-'));
  await cp(path.join(REPO_ROOT, 'dist', 'bundle'), copy, { recursive: true, filter: (source) => !source.endsWith('.cache') });
  chunks = path.join(copy, 'chunks');
});

afterEach(async () => {
  await rm(copy, { recursive: true, force: true });
});

function run(args: string[], env: Record<string, string> = {}, nodeFlags: string[] = []) {
  return runNode([...nodeFlags, path.join(copy, 'main.js'), ...args], { cwd: REPO_ROOT, env: { PORTREG_NOW: '2026-11-25T12:00:00.000Z', ...env } });
}

/** What is in chunks/ besides the bundle and the parse worker. */
async function cacheFiles(): Promise<string[]> {
  return (await readdir(chunks)).filter((f) => !/^cli-[0-9a-f]{12}\.cjs$/.test(f) && f !== 'parse-worker.js').sort();
}

const LINT = ['lint', '--format', 'json'];

describe('the code cache of the bin', () => {
  it('is written by the first run, named for the bundle, this Node and its flags, and changes no answer', async () => {
    const without = await run(LINT, { PORTREG_CODE_CACHE: 'off' });
    expect(await cacheFiles()).toEqual([]);
    const first = await run(LINT);
    const [bundle] = (await readdir(chunks)).filter((f) => f.endsWith('.cjs'));
    const written = await cacheFiles();
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(new RegExp(`^${bundle!.replace('.cjs', '')}-${process.version.replace(/\./g, '\\.')}-${process.arch}-[0-9a-f]{8}\\.cache$`));
    const bytes = await readFile(path.join(chunks, written[0]!));
    const second = await run(LINT);
    // The second run took the cache and left it as it was.
    expect(await readFile(path.join(chunks, written[0]!))).toEqual(bytes);
    expect(first).toEqual(without);
    expect(second).toEqual(without);
    expect(JSON.parse(second.stdout).findings).toEqual(JSON.parse(without.stdout).findings);
  });

  it('keeps a cache of its own for other V8 flags', async () => {
    await run(['--version']);
    await run(['--version'], {}, ['--max-semi-space-size=2']);
    const files = await cacheFiles();
    expect(files).toHaveLength(2);
    expect(new Set(files.map((f) => f.replace(/-[0-9a-f]{8}\.cache$/, '')))).toHaveProperty('size', 1);
  });

  it('runs as usual on a cache that is not V8 data, and replaces it', async () => {
    const reference = await run(LINT, { PORTREG_CODE_CACHE: 'off' });
    await run(['--version']);
    const [name] = await cacheFiles();
    await writeFile(path.join(chunks, name!), Buffer.alloc(4096, 0x5a));
    expect(await run(LINT)).toEqual(reference);
    const replaced = await readFile(path.join(chunks, name!));
    expect(replaced.equals(Buffer.alloc(4096, 0x5a))).toBe(false);
    expect(await run(LINT)).toEqual(reference);
  });

  it('says nothing and leaves nothing behind when the cache cannot be written', async () => {
    const reference = await run(['--version'], { PORTREG_CODE_CACHE: 'off' });
    await run(['--version']);
    const [name] = await cacheFiles();
    // A folder where the cache goes: it can be neither read nor replaced, even by root.
    await rm(path.join(chunks, name!));
    await mkdir(path.join(chunks, name!, 'in-the-way'), { recursive: true });
    expect(await run(['--version'])).toEqual(reference);
    expect(await cacheFiles()).toEqual([name]);
  });

  it('is written once by runs that start together, and none of them fails', async () => {
    const reference = await run(LINT, { PORTREG_CODE_CACHE: 'off' });
    const runs = await Promise.all([run(LINT), run(LINT), run(LINT), run(LINT)]);
    for (const r of runs) expect(r).toEqual(reference);
    // Each wrote to a temporary file renamed into place: one cache, no temporary file left.
    expect(await cacheFiles()).toHaveLength(1);
    expect(await run(LINT)).toEqual(reference);
  });

  it('writes nothing with PORTREG_CODE_CACHE=off', async () => {
    await run(LINT, { PORTREG_CODE_CACHE: 'off' });
    expect(await cacheFiles()).toEqual([]);
  });
});
