/**
 * `portreg ps` names the slot and the checkout behind a port of a parallel checkout: a real
 * listener on slot 1's api port, leased by a real worktree, and one on a slot nobody leases.
 */
import { realpathSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { listenOn, fixtureAt } from './fixture.js';

/** A range of this file's own: it listens on slot ports while the other slot tests run. */
const { FROM, slotRepo } = fixtureAt(27500);

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

  it("names slot 0's checkout on a registered port once the main checkout leases it, and only then", async () => {
    const repo = await slotRepo();
    const first = await listenOn(FROM + 1);
    const line = async () => (await repo.cli(['ps'])).stdout.split('\n').find((l) => l.includes(`127.0.0.1:${FROM + 1} `))!;
    expect((await line()).endsWith(' billing/api')).toBe(true);
    // A slot whose port something listens on is passed over: the server stops, the lease is taken, it starts again.
    await first.close();
    expect((await repo.cli(['slot', 'acquire'])).stdout).toContain('slot 0');
    await listenOn(FROM + 1);
    expect((await line()).endsWith(` billing/api in slot 0 (${realpathSync(repo.main.root)})`)).toBe(true);
    const at = JSON.parse((await repo.cli(['ps', '--json'])).stdout).listeners.find((l: { port: number }) => l.port === FROM + 1);
    expect(at).toMatchObject({
      owner: { project: 'billing', service: 'api' },
      slot: { project: 'billing', service: 'api', slot: 0, worktree: realpathSync(repo.main.root) },
    });
  });
});
