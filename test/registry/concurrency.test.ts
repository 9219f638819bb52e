import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { runCli, tempDir } from '../helpers/cli.js';
import { writeRegistry } from '../helpers/registry-fixture.js';
import { parseRegistryText } from '../../src/registry/load.js';

/**
 * Real processes racing for one registry. PORTREG_TEST_DELAY_MS widens the window
 * between reading and writing, so a missing lock would show.
 */
let dir: string;
let cleanup: () => Promise<void>;
let registryFile: string;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  registryFile = await writeRegistry(dir, { billing: { range: { from: 5000, to: 5099 }, services: {} } });
});
afterEach(() => cleanup());

function allocate(service: string, env: Record<string, string> = {}) {
  return runCli(['allocate', '--project', 'billing', '--service', service, '--purpose', `the ${service}`], { cwd: dir, env });
}

describe('concurrent allocation through the CLI', () => {
  it('gives 16 processes started at once 16 distinct ports in range, and leaves a valid registry and no lock or temp file', async () => {
    const results = await Promise.all(Array.from({ length: 16 }, (_, i) => allocate(`svc${i}`, { PORTREG_TEST_DELAY_MS: '40' })));
    for (const r of results) {
      // A process that waited more than a second for the lock says who held it (a busy machine); nothing else.
      expect(r.stderr.replace(/^portreg: waiting for the registry lock, held by process \d+ on .+\n/, '')).toBe('');
      expect(r.code).toBe(0);
    }
    const ports = results.map((r) => Number(r.stdout.trim()));
    expect(new Set(ports).size).toBe(16);
    // 5000 is to be avoided (AirPlay), so the lowest free ports are 5001-5016.
    expect([...ports].sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, i) => 5001 + i));

    const loaded = parseRegistryText(await readFile(registryFile, 'utf8'), registryFile);
    expect(loaded.findings).toEqual([]);
    const services = loaded.data!.projects.billing!.services!;
    expect(Object.keys(services)).toHaveLength(16);
    for (let i = 0; i < 16; i++) expect(services[`svc${i}`]!.port).toBe(ports[i]);
    expect((await readdir(dir)).sort()).toEqual(['ports.registry.json']);
  });

  it('gives the same service requested by 8 processes at once one port', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => allocate('api', { PORTREG_TEST_DELAY_MS: '40' })));
    expect(results.map((r) => r.code)).toEqual(Array(8).fill(0));
    expect(new Set(results.map((r) => r.stdout))).toEqual(new Set(['5001\n']));
    const loaded = parseRegistryText(await readFile(registryFile, 'utf8'), registryFile);
    expect(Object.keys(loaded.data!.projects.billing!.services!)).toEqual(['api']);
  });

  it('would hand out duplicates without the lock (the race is real)', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => allocate(`svc${i}`, { PORTREG_TEST_DELAY_MS: '1500', PORTREG_TEST_NO_LOCK: '1' })));
    expect(results.map((r) => r.code)).toEqual(Array(8).fill(0));
    const ports = results.map((r) => Number(r.stdout.trim()));
    // Every process read the registry before any wrote it: they all chose the same "next free" port.
    expect(new Set(ports).size).toBeLessThan(8);
    const loaded = parseRegistryText(await readFile(registryFile, 'utf8'), registryFile);
    // And the last writer won: allocations that were handed out are lost from the file.
    expect(Object.keys(loaded.data!.projects.billing!.services!).length).toBeLessThan(8);
  });
});

describe('a registry changed on disk by someone who does not take the lock', () => {
  it('is re-read and the allocation computed again on the fresh file, never merged or overwritten', async () => {
    const slow = allocate('api', { PORTREG_TEST_DELAY_MS: '1500' });
    // While the allocator waits between its read and its write, a hand edit takes 5001.
    await new Promise((r) => setTimeout(r, 700));
    const text = await readFile(registryFile, 'utf8');
    const edited = text.replace('"services": {}', '"services": {\n        "manual": { "port": 5001, "purpose": "hand edit" }\n      }');
    expect(edited).not.toBe(text);
    await writeFile(registryFile, edited);
    const r = await slow;
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('5002\n');
    const loaded = parseRegistryText(await readFile(registryFile, 'utf8'), registryFile);
    expect(loaded.findings).toEqual([]);
    expect(loaded.data!.projects.billing!.services).toEqual({
      manual: { port: 5001, purpose: 'hand edit' },
      api: { port: 5002, purpose: 'the api' },
    });
  });
});
