/**
 * Slot leases through the built CLI, on real git worktrees, with real loopback listeners: six
 * checkouts leasing at once from six processes, stickiness, release, collection after
 * `git worktree remove`, and the rule that a slot whose ports listen is never handed on.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listenOn, fixtureAt } from './fixture.js';

/** A range of this file's own: it listens on slot ports while the other slot tests run. */
const { FROM, slotRepo } = fixtureAt(27300);

const json = (stdout: string) => JSON.parse(stdout);

describe('portreg slot acquire', () => {
  it('gives six worktrees acquiring at once (six processes) six distinct slots, no port shared but the shared service', { timeout: 60_000 }, async () => {
    const repo = await slotRepo();
    const worktrees = ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => repo.addWorktree(n));
    const results = await Promise.all(worktrees.map((w) => repo.cli(['slot', 'acquire', '--json', '--worktree', w])));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const leases = results.map((r) => json(r.stdout));
    expect(leases.map((l) => l.slot).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(leases.every((l) => l.created === true)).toBe(true);
    const apiPorts = leases.map((l) => l.ports.find((p: { service: string }) => p.service === 'api').port);
    expect(new Set(apiPorts).size).toBe(6);
    expect(apiPorts.sort()).toEqual([11, 21, 31, 41, 51, 61].map((d) => FROM + d));
    // The shared database keeps its slot-0 port in every slot.
    expect(leases.map((l) => l.ports.find((p: { service: string }) => p.service === 'db').port)).toEqual(Array(6).fill(FROM + 2));
    // Each lease is in the one lease file, keyed by the repository, the worktree and the project.
    const file = json(await readFile(path.join(repo.state, 'leases.json'), 'utf8'));
    expect(file.leases.map((l: { worktree: string }) => l.worktree).sort()).toEqual(worktrees.sort());
    expect(new Set(file.leases.map((l: { repository: string }) => l.repository))).toEqual(new Set([path.join(repo.main.root, '.git')]));
    expect(file.leases.every((l: { holder: { pid: number }; since: string }) => l.holder.pid > 0 && /^\d{4}-/.test(l.since))).toBe(true);
  });

  it('is sticky: acquiring again gives the same slot; the main checkout gets slot 0', async () => {
    const repo = await slotRepo();
    const a = repo.addWorktree('a');
    const b = repo.addWorktree('b');
    expect(json((await repo.cli(['slot', 'acquire', '--json'], a)).stdout).slot).toBe(1);
    expect(json((await repo.cli(['slot', 'acquire', '--json'], b)).stdout).slot).toBe(2);
    const again = await repo.cli(['slot', 'acquire'], path.join(a, 'billing'));
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(
      [
        `slot 1 of project "billing" for ${a}`,
        `  api  ${FROM + 11}  http://localhost:${FROM + 11}  API_PORT`,
        `  db   ${FROM + 2}  http://localhost:${FROM + 2}  DB_PORT  shared`,
        '',
      ].join('\n'),
    );
    expect(json((await repo.cli(['slot', 'acquire', '--json'])).stdout)).toMatchObject({ slot: 0, worktree: repo.main.root, created: true });
  });

  it('passes over a free slot whose port something listens on, and never gives a listening lease away', async () => {
    const repo = await slotRepo();
    await listenOn(FROM + 11); // slot 1's api port, held by something portreg did not lease
    const a = repo.addWorktree('a');
    const r = await repo.cli(['slot', 'acquire'], a);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`portreg: skipped slot 1: something listens on ${FROM + 11}\n`);
    expect(r.stdout.split('\n')[0]).toBe(`slot 2 of project "billing" for ${a}`);
  });

  it('refuses a checkout outside git and a project without slots, with the next step', async () => {
    const repo = await slotRepo();
    const outside = await repo.cli(['slot', 'acquire', '--worktree', repo.state]);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toBe(
      `portreg: ${repo.state} is not in a git checkout: slots are leased per checkout (a clone or a git worktree); run the command inside one, or name one with --worktree PATH\n`,
    );
    await repo.main.write('ports.registry.json', JSON.stringify({ version: 1, projects: { billing: { range: { from: FROM, to: FROM + 99 } } } }));
    const none = await repo.cli(['slot', 'acquire', '--project', 'billing']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('project "billing" has no slots: add "slots": { "width": N } to it in the registry');
  });

  it('refuses when every slot is leased, naming the holders and the way out', async () => {
    const repo = await slotRepo();
    const reg = structuredClone(fixtureAt(FROM).REGISTRY);
    reg.projects.billing.slots.width = 50; // two slots: 0 and 1
    await repo.main.write('ports.registry.json', `${JSON.stringify(reg, null, 2)}\n`);
    repo.main.commit('two slots');
    const a = repo.addWorktree('a');
    const b = repo.addWorktree('b');
    expect((await repo.cli(['slot', 'acquire'], a)).code).toBe(0);
    const full = await repo.cli(['slot', 'acquire'], b);
    expect(full.code).toBe(1);
    expect(full.stderr).toBe(
      `portreg: every slot of project "billing" (2) is leased: slot 1 by ${a}; "portreg slot gc" frees the slots of removed worktrees, "portreg slot release --worktree PATH" frees one\n`,
    );
  });
});

describe('portreg slot release, list and gc', () => {
  it('releases, refusing while a port listens unless --force; list shows ports, URLs and what listens', async () => {
    const repo = await slotRepo();
    const a = repo.addWorktree('a');
    await repo.cli(['slot', 'acquire'], a);
    const server = await listenOn(FROM + 11);
    const refused = await repo.cli(['slot', 'release'], a);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `portreg: slot 1 of project "billing" is in use: something listens on ${FROM + 11} (api); stop it first, or release anyway with --force\n`,
    );
    const listed = json((await repo.cli(['slot', 'list', '--json'])).stdout);
    expect(listed.leases).toHaveLength(1);
    expect(listed.leases[0].ports.map((p: { port: number; listening: boolean; url: string }) => [p.port, p.listening, p.url])).toEqual([
      [FROM + 11, true, `http://localhost:${FROM + 11}`],
      [FROM + 2, false, `http://localhost:${FROM + 2}`],
    ]);
    const forced = await repo.cli(['slot', 'release', '--force'], a);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toBe(`released slot 1 of project "billing" for ${a}\n`);
    await server.close();
    expect((await repo.cli(['slot', 'release'], a)).stdout).toBe(`${a} holds no slot of project "billing"; nothing to release\n`);
    expect((await repo.cli(['slot', 'list'])).stdout).toBe(`no slots leased on this machine (${path.join(repo.state, 'leases.json')})\n`);
  });

  it('gc frees the slot of a removed worktree, and the next worktree gets it', async () => {
    const repo = await slotRepo();
    const a = repo.addWorktree('a');
    const b = repo.addWorktree('b');
    await repo.cli(['slot', 'acquire'], a);
    await repo.cli(['slot', 'acquire'], b);
    expect((await repo.cli(['slot', 'gc'])).stdout).toBe('nothing to collect: every leased checkout is still there\n');
    repo.main.git('worktree', 'remove', a);
    const gc = await repo.cli(['slot', 'gc']);
    expect(gc.code).toBe(0);
    expect(gc.stdout).toBe(`released slot 1 of project "billing": ${a} is gone\n`);
    const c = repo.addWorktree('c');
    expect(json((await repo.cli(['slot', 'acquire', '--json'], c)).stdout).slot).toBe(1);
  });

  it("gc keeps a removed worktree's slot while its port listens, and frees it once it stops", async () => {
    const repo = await slotRepo();
    const a = repo.addWorktree('a');
    await repo.cli(['slot', 'acquire'], a);
    const server = await listenOn(FROM + 11);
    repo.main.git('worktree', 'remove', a);
    const kept = await repo.cli(['slot', 'gc', '--json']);
    expect(json(kept.stdout)).toEqual({
      released: [],
      kept: [{ project: 'billing', slot: 1, worktree: a, reason: `git no longer lists its worktree, but something listens on ${FROM + 11} (api)` }],
    });
    // And no new checkout is given that slot meanwhile.
    const b = repo.addWorktree('b');
    expect(json((await repo.cli(['slot', 'acquire', '--json'], b)).stdout).slot).toBe(2);
    await server.close();
    expect(json((await repo.cli(['slot', 'gc', '--json'])).stdout).released).toEqual([{ project: 'billing', slot: 1, worktree: a }]);
  });
});
