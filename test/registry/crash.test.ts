import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readdir, readFile } from 'node:fs/promises';
import { runCli, tempDir } from '../helpers/cli.js';
import { writeRegistry } from '../helpers/registry-fixture.js';
import { parseRegistryText } from '../../src/registry/load.js';

/** A process SIGKILLed at fixed points of a write leaves the old or the new registry, and the next command works. */
let dir: string;
let cleanup: () => Promise<void>;
let registryFile: string;
let before: string;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  registryFile = await writeRegistry(dir, { billing: { range: { from: 5000, to: 5099 }, services: {} } });
  before = await readFile(registryFile, 'utf8');
});
afterEach(() => cleanup());

const allocate = (service: string, env: Record<string, string> = {}) =>
  runCli(['allocate', '--project', 'billing', '--service', service, '--purpose', service], { cwd: dir, env });

describe('a writer killed mid-write', () => {
  it('after the temporary file is written, before the rename: the old registry, and the next command cleans up', async () => {
    const killed = await allocate('api', { PORTREG_TEST_CRASH_AT: 'after-temp-write' });
    expect(killed.signal).toBe('SIGKILL');
    expect(await readFile(registryFile, 'utf8')).toBe(before);
    const left = (await readdir(dir)).sort();
    expect(left).toHaveLength(3);
    expect(left[0]).toMatch(/^\.ports\.registry\.json\.\d+\.[0-9a-f]{8}\.tmp$/);
    expect(left.slice(1)).toEqual(['ports.registry.json', 'ports.registry.json.lock']);

    const next = await allocate('web');
    expect(next.code).toBe(0);
    expect(next.stdout).toBe('5001\n');
    expect((await readdir(dir)).sort()).toEqual(['ports.registry.json']);
    const loaded = parseRegistryText(await readFile(registryFile, 'utf8'), registryFile);
    expect(loaded.findings).toEqual([]);
    expect(Object.keys(loaded.data!.projects.billing!.services!)).toEqual(['web']);
  });

  it('after the rename, before the unlock: the new registry, and the stale lock is taken over', async () => {
    const killed = await allocate('api', { PORTREG_TEST_CRASH_AT: 'after-rename' });
    expect(killed.signal).toBe('SIGKILL');
    const after = await readFile(registryFile, 'utf8');
    expect(after).not.toBe(before);
    const loaded = parseRegistryText(after, registryFile);
    expect(loaded.findings).toEqual([]);
    expect(loaded.data!.projects.billing!.services!.api!.port).toBe(5001);
    expect((await readdir(dir)).sort()).toEqual(['ports.registry.json', 'ports.registry.json.lock']);

    // The allocation that was written holds: the same service gets it back, the next one the next port.
    expect((await allocate('api')).stdout).toBe('5001\n');
    const next = await allocate('web');
    expect(next.code).toBe(0);
    expect(next.stdout).toBe('5002\n');
    expect((await readdir(dir)).sort()).toEqual(['ports.registry.json']);
  });
});
