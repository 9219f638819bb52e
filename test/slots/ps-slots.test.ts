/**
 * `portreg ps` names the slot and the checkout behind a port of a parallel checkout: a real
 * listener on slot 1's api port, leased by a real worktree, and one on a slot nobody leases.
 */
import { describe, expect, it } from 'vitest';
import { FROM, listenOn, slotRepo } from './fixture.js';

describe('portreg ps with slots', () => {
  it('names the slot and the checkout that holds a port, or says no checkout leases it', async () => {
    const repo = await slotRepo();
    const a = repo.addWorktree('a');
    expect((await repo.cli(['slot', 'acquire'], a)).code).toBe(0);
    await listenOn(FROM + 11);
    await listenOn(FROM + 21);
    const json = await repo.cli(['ps', '--json']);
    expect(json.code).toBe(0);
    const listeners = JSON.parse(json.stdout).listeners as { port: number; owner: unknown; slot?: unknown }[];
    const at = (port: number) => listeners.find((l) => l.port === port)!;
    expect(at(FROM + 11)).toMatchObject({ owner: null, slot: { project: 'billing', service: 'api', slot: 1, worktree: a } });
    expect(at(FROM + 21)).toMatchObject({ owner: null, slot: { project: 'billing', service: 'api', slot: 2, worktree: null } });
    const text = await repo.cli(['ps']);
    const line = (port: number) => text.stdout.split('\n').find((l) => l.includes(`127.0.0.1:${port} `))!;
    expect(line(FROM + 11).endsWith(`billing/api in slot 1 (${a})`)).toBe(true);
    expect(line(FROM + 21).endsWith('billing/api in slot 2 (no checkout leases it)')).toBe(true);
  });
});
