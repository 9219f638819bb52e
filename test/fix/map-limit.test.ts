import { describe, expect, it } from 'vitest';
import { mapLimit } from '../../src/util/map-limit.js';

describe('mapLimit', () => {
  it('keeps the order of the items and never runs more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const release: (() => void)[] = [];
    const pending = mapLimit([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running++;
      most = Math.max(most, running);
      await new Promise<void>((resolve) => release.push(resolve));
      running--;
      return n * 10;
    });
    // Let the calls go one at a time, latest first, until all are done.
    while (release.length > 0 || running > 0) {
      await new Promise((r) => setImmediate(r));
      release.pop()?.();
    }
    expect(await pending).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(most).toBe(3);
  });

  it('rejects with the first error, after the calls already started have settled, and starts no more', async () => {
    const started: number[] = [];
    const settled: number[] = [];
    const result = mapLimit([1, 2, 3, 4, 5], 2, async (n) => {
      started.push(n);
      await new Promise((r) => setImmediate(r));
      settled.push(n);
      if (n === 1) throw new Error('one failed');
      return n;
    });
    await expect(result).rejects.toThrow('one failed');
    expect(started).toEqual([1, 2]);
    expect(settled).toEqual([1, 2]);
  });
});
