import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { CLI, runCli, tempDir, testEnv } from '../helpers/cli.js';
import { writeRegistry } from '../helpers/registry-fixture.js';
import { acquireLock } from '../../src/registry/lock.js';

let dir: string;
let cleanup: () => Promise<void>;
let registryFile: string;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  registryFile = await writeRegistry(dir, { billing: { range: { from: 5000, to: 5099 }, services: {} } });
});
afterEach(() => cleanup());

const allocate = (env: Record<string, string> = {}) => runCli(['allocate', '--project', 'billing', '--service', 'api', '--purpose', 'API'], { cwd: dir, env });

function lockBody(pid: number, host = hostname()) {
  return JSON.stringify({ pid, host, command: 'portreg allocate', since: '2026-11-25T10:00:00.000Z', token: 'feedfacefeedface' });
}

describe('the registry lock', () => {
  it('waits for a live holder, then exits 3 naming it, and writes nothing', async () => {
    const held = await acquireLock(registryFile);
    const before = await readFile(registryFile, 'utf8');
    const r = await allocate({ PORTREG_LOCK_TIMEOUT: '0.5' });
    await held.release();
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      new RegExp(
        `^portreg: the registry is locked by process ${process.pid} on ${hostname()} \\(.+\\) since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z; waited 0.5 s: try again, or remove .+ports\\.registry\\.json\\.lock if that process is gone\\n$`,
      ),
    );
    expect(await readFile(registryFile, 'utf8')).toBe(before);
    // Released: the same command now goes through.
    expect((await allocate()).stdout).toBe('5001\n');
  });

  it('takes over at once a lock whose process is gone', async () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    await writeFile(`${registryFile}.lock`, lockBody(Number(gone.stdout)));
    const r = await allocate({ PORTREG_LOCK_TIMEOUT: '0.5' });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('5001\n');
    expect((await readdir(dir)).sort()).toEqual(['ports.registry.json']);
  });

  it('takes over a lock from another host that stopped refreshing it, but waits for a fresh one', async () => {
    await writeFile(`${registryFile}.lock`, lockBody(1, 'build-agent-7'));
    const fresh = await allocate({ PORTREG_LOCK_TIMEOUT: '0.3' });
    expect(fresh.code).toBe(3);
    expect(fresh.stderr).toContain('locked by process 1 on build-agent-7 (portreg allocate) since 2026-11-25T10:00:00.000Z');

    const old = new Date(Date.now() - 60_000);
    await utimes(`${registryFile}.lock`, old, old);
    const r = await allocate({ PORTREG_LOCK_TIMEOUT: '0.3' });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('5001\n');
  });

  it('takes over an empty lock left by a writer killed before it could name itself', async () => {
    await writeFile(`${registryFile}.lock`, '');
    const old = new Date(Date.now() - 5_000);
    await utimes(`${registryFile}.lock`, old, old);
    const r = await allocate({ PORTREG_LOCK_TIMEOUT: '0.3' });
    expect(r.code).toBe(0);
  });
  it('a wait longer than a second says who holds the lock, once, before it gives up', async () => {
    await writeFile(`${registryFile}.lock`, lockBody(1, 'build-agent-7'));
    const r = await allocate({ PORTREG_LOCK_TIMEOUT: '1.5' });
    const holder = 'process 1 on build-agent-7 (portreg allocate) since 2026-11-25T10:00:00.000Z';
    expect(r).toMatchObject({ code: 3, stdout: '' });
    expect(r.stderr).toBe(
      `portreg: waiting for the registry lock, held by ${holder}\n` +
        `portreg: the registry is locked by ${holder}; waited 1.5 s: try again, or remove ${registryFile}.lock if that process is gone\n`,
    );
  });

  it('a wait that ends: the notice, then the command goes through', async () => {
    const held = await acquireLock(registryFile);
    const child = spawn(process.execPath, [CLI, 'allocate', '--project', 'billing', '--service', 'api', '--purpose', 'API'], { cwd: dir, env: testEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    // Released only once the waiter has said whom it waits for (the default timeout is 10 s).
    await new Promise<void>((resolve) =>
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        if (stderr.includes('\n')) resolve();
      }),
    );
    await held.release();
    expect(await closed).toBe(0);
    expect(stdout).toBe('5001\n');
    expect(stderr).toMatch(
      new RegExp(`^portreg: waiting for the registry lock, held by process ${process.pid} on ${hostname()} \\(.+\\) since \\d{4}-[\\d-]+T[\\d:.]+Z\\n$`),
    );
  });
});
