/**
 * The lock is exclusive under every interleaving, stale takeover included: several contenders
 * (in one process, as in the MCP server, and across processes, as CLI runs) meet a lock left by
 * a dead process; at most one of them holds the lock at any time, and once all have released it
 * no lock, guard or temporary file is left behind.
 */
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { acquireLock, type LockStep } from '../../src/registry/lock.js';
import { tempDir } from '../helpers/cli.js';

/** A pid no process has now: a child that has already exited. */
const deadPid = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);

const staleLock = (pid = deadPid) =>
  JSON.stringify({ pid, host: hostname(), command: 'portreg allocate', since: '2026-11-25T10:00:00.000Z', token: 'deadbeefdeadbeef' });

describe('the registry lock under contention', () => {
  it('has at most one holder at a time over many interleavings of in-process contenders and a stale lock', async () => {
    const { dir, cleanup } = await tempDir('portreg-lock-prop-');
    let round = 0;
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 2, max: 6 }),
          // How each of the lock's steps yields: not at all, to the event loop, or for 1-2 ms.
          fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 64, maxLength: 64 }),
          fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 6, maxLength: 6 }),
          async (contenders, pauses, holdFor) => {
            const folder = path.join(dir, `r${round++}`);
            const file = path.join(folder, 'ports.registry.json');
            await import('node:fs/promises').then((fs) => fs.mkdir(folder));
            await writeFile(file, '{}');
            await writeFile(`${file}.lock`, staleLock());
            let at = 0;
            const step = async (_: LockStep) => {
              const p = pauses[at++ % pauses.length]!;
              if (p === 1) await new Promise((r) => setImmediate(r));
              else if (p > 1) await new Promise((r) => setTimeout(r, p - 1));
            };
            let holders = 0;
            let most = 0;
            await Promise.all(
              Array.from({ length: contenders }, async (_, i) => {
                const lock = await acquireLock(file, { step, retryMs: 1, timeoutMs: 10_000 });
                holders++;
                most = Math.max(most, holders);
                if (holdFor[i]! > 0) await new Promise((r) => setTimeout(r, holdFor[i]! - 1));
                holders--;
                await lock.release();
              }),
            );
            expect(most).toBe(1);
            expect(await readdir(folder)).toEqual(['ports.registry.json']);
          },
        ),
        // PORTREG_PROPERTY_RUNS=3000 for a long run (the note of the session that wrote this gives its figures).
        { numRuns: Number(process.env.PORTREG_PROPERTY_RUNS ?? 400), seed: 20261203 },
      );
    } finally {
      await cleanup();
    }
  });

  it('has at most one holder at a time across processes that meet a stale lock together', async () => {
    const { dir, cleanup } = await tempDir('portreg-lock-procs-');
    // Each process takes the lock, then claims a marker with O_EXCL: a second holder finds it taken.
    const worker = `
      const { acquireLock } = await import(${JSON.stringify(new URL('../../dist/registry/lock.js', import.meta.url).href)});
      const fs = await import('node:fs/promises');
      const [file, marker] = process.argv.slice(1);
      for (let i = 0; i < 5; i++) {
        const lock = await acquireLock(file, { retryMs: 1, timeoutMs: 20000 });
        try { await (await fs.open(marker, 'wx')).close(); } catch { process.stdout.write('two holders\\n'); }
        await new Promise((r) => setTimeout(r, Math.random() * 3));
        await fs.unlink(marker).catch(() => {});
        await lock.release();
      }`;
    try {
      for (let round = 0; round < 6; round++) {
        const folder = path.join(dir, `r${round}`);
        await import('node:fs/promises').then((fs) => fs.mkdir(folder));
        const file = path.join(folder, 'ports.registry.json');
        await writeFile(file, '{}');
        await writeFile(`${file}.lock`, staleLock());
        const outputs = await Promise.all(
          Array.from(
            { length: 4 },
            () =>
              new Promise<string>((resolve, reject) => {
                const child = spawn(process.execPath, ['--input-type=module', '-e', worker, file, path.join(folder, 'held')], {
                  stdio: ['ignore', 'pipe', 'inherit'],
                });
                let out = '';
                child.stdout.on('data', (d) => (out += d));
                child.on('error', reject);
                child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`worker exited ${code}`))));
              }),
          ),
        );
        expect(outputs).toEqual(['', '', '', '']);
        expect(await readdir(folder)).toEqual(['ports.registry.json']);
      }
    } finally {
      await cleanup();
    }
  });
});
