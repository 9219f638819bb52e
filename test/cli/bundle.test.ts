/**
 * The bundled CLI (the package's bin, dist/bundle/main.js) and the CLI as tsc writes it
 * (dist/cli/main.js) answer byte for byte alike: the inventory (`scan --format json`) and the
 * lint report (`lint --format json`, and a lint of given files) on the example tree shipped with
 * the repository and on a synthetic benchmark tree; and --version, help and a usage error.
 */
import { describe, expect, it } from 'vitest';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { CLI, REPO_ROOT, runNode, UNBUNDLED_CLI } from '../helpers/cli.js';

function run(cli: string, args: string[], cwd: string) {
  return runNode([cli, ...args], { cwd, env: { PORTREG_NOW: '2026-11-25T12:00:00.000Z' } });
}

async function same(args: string[], cwd: string) {
  const [bundled, unbundled] = await Promise.all([run(CLI, args, cwd), run(UNBUNDLED_CLI, args, cwd)]);
  expect(bundled, `portreg ${args.join(' ')}`).toEqual(unbundled);
  return bundled;
}

describe('the bundled CLI', () => {
  it('is executable and is the package bin', async () => {
    await access(CLI, 1);
    const pkg = (await import('../../package.json', { with: { type: 'json' } })).default as { bin: Record<string, string> };
    expect(path.resolve(REPO_ROOT, pkg.bin.portreg!)).toBe(CLI);
  });

  it('answers as the unbundled build on the example tree', async () => {
    expect((await same(['scan', '--format', 'json'], REPO_ROOT)).code).toBe(0);
    expect((await same(['lint', '--format', 'json'], REPO_ROOT)).code).toBe(0);
    await same(['lint', 'example', '--format', 'json'], REPO_ROOT);
    await same(['registry', 'check', '--format', 'json'], REPO_ROOT);
    await same(['who', '5001', '--json'], REPO_ROOT);
    await same(['--version'], REPO_ROOT);
    await same(['--help'], REPO_ROOT);
    expect((await same(['lnit'], REPO_ROOT)).code).toBe(2);
  });

  it('answers as the unbundled build on a synthetic benchmark tree', async () => {
    const generator = new URL('../../bench/generate.mjs', import.meta.url).href;
    const { ensureMonorepo } = (await import(generator)) as { ensureMonorepo: (count: number, o: { seed: number }) => Promise<{ root: string }> };
    const tree = await ensureMonorepo(60, { seed: 7 });
    const scan = await same(['scan', '--format', 'json'], tree.root);
    expect(JSON.parse(scan.stdout).files.length).toBeGreaterThan(100);
    await same(['lint', '--format', 'json'], tree.root);
    await same(['lint', 'projects/p0005/docker-compose.yml', 'projects/p0030/.env.example', 'projects/p0050/README.md', '--format', 'json'], tree.root);
  });
});
