/**
 * `portreg doctor` names the slot and the checkout behind a held port, as `ps` does (one lookup:
 * live/report.ts slotHolding), and checks a checkout that leases a slot on the slot's ports: real
 * worktrees, real leases, real loopback listeners.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixtureAt, listenOn } from './fixture.js';

/** A range of this file's own: the other slot tests listen on the fixture's, in parallel. */
const { FROM, slotRepo } = fixtureAt(27200);
const API0 = FROM + 1;
const API1 = FROM + 11;
const DB = FROM + 2;
/** This process holds the listeners: how the listener table names it. */
const ME = `pid ${process.pid} (${readFileSync('/proc/self/comm', 'utf8').trim()})`;
const API_AT = 'billing/docker-compose.yml:4:22';
const DB_AT = 'billing/docker-compose.yml:7:21';

describe('portreg doctor with slots', () => {
  it('a checkout without a slot: the held port is named with its slot and the checkout that leases it, and the next step is a slot of its own', async () => {
    const repo = await slotRepo();
    const main = realpathSync(repo.main.root);
    expect((await repo.cli(['slot', 'acquire'])).code).toBe(0);
    const b = repo.addWorktree('b');
    await listenOn(API0);

    const text = await repo.cli(['doctor', '--project', 'billing'], b);
    expect(text.code).toBe(1);
    expect(text.stdout).toBe(
      [
        `HELD  ${API0}/tcp of compose service "api" (${API_AT}) is held by tcp 127.0.0.1:${API0} ${ME}, billing/api in slot 0 (${main}): another checkout of "billing" runs there; stop it, or give this checkout a slot of its own (portreg env --write, then docker compose up reads the slot's ports from .env)`,
        `ok    ${DB}/tcp of compose service "db" (${DB_AT}) is free`,
        '',
        '1 of 2 published ports held: docker compose up would fail to bind',
        '',
      ].join('\n'),
    );

    const json = await repo.cli(['doctor', '--project', 'billing', '--json'], b);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report.checkout).toBeNull();
    expect(report.held).toBe(1);
    expect(report.ports.map((p: { port: number; status: string; slot: unknown }) => [p.port, p.status, p.slot])).toEqual([
      [API0, 'held', { project: 'billing', service: 'api', slot: 0, worktree: main }],
      [DB, 'free', null],
    ]);
  });

  it('a checkout with a slot is checked on its slot ports: the main checkout running beside it is no clash, its own server is named as its own', async () => {
    const repo = await slotRepo();
    expect((await repo.cli(['slot', 'acquire'])).code).toBe(0);
    const a = repo.addWorktree('a');
    expect((await repo.cli(['env', '--write'], a)).code).toBe(0);
    // The main checkout's api runs on slot 0's port: a's stack publishes slot 1's.
    await listenOn(API0);
    const free = await repo.cli(['doctor', '--project', 'billing'], a);
    expect(free.stdout).toBe(
      [
        `checkout ${a}: slot 1 of "billing", its ports checked`,
        `ok    ${API1}/tcp of compose service "api" (${API_AT}) is free`,
        `ok    ${DB}/tcp of compose service "db" (${DB_AT}) is free`,
        '',
        'all 2 published ports are free',
        '',
      ].join('\n'),
    );
    expect(free.code).toBe(0);

    await listenOn(API1);
    const own = await repo.cli(['doctor', '--project', 'billing'], a);
    expect(own.code).toBe(1);
    expect(own.stdout.split('\n')[1]).toBe(
      `HELD  ${API1}/tcp of compose service "api" (${API_AT}) is held by tcp 127.0.0.1:${API1} ${ME}, billing/api in slot 1 (${a}): this checkout's own slot; if that is this stack already running, compose keeps it; otherwise stop that process`,
    );
    const report = JSON.parse((await repo.cli(['doctor', '--project', 'billing', '--json'], a)).stdout);
    expect(report.checkout).toEqual({ worktree: a, slot: 1 });
    expect(report.ports[0]).toMatchObject({
      port: API1,
      status: 'held',
      registeredOwner: null,
      slot: { project: 'billing', service: 'api', slot: 1, worktree: a },
    });
  });

  it('a literal port in a checkout with a slot, held by another checkout: the next step is the variable', async () => {
    const repo = await slotRepo({
      files: { 'billing/docker-compose.yml': `services:\n  api:\n    ports:\n      - "${API0}:8080"\n` },
    });
    const main = realpathSync(repo.main.root);
    expect((await repo.cli(['slot', 'acquire'])).code).toBe(0);
    const a = repo.addWorktree('a');
    expect((await repo.cli(['slot', 'acquire'], a)).code).toBe(0);
    await listenOn(API0);
    const r = await repo.cli(['doctor', '--project', 'billing'], a);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[1]).toBe(
      `HELD  ${API0}/tcp of compose service "api" (billing/docker-compose.yml:4:10) is held by tcp 127.0.0.1:${API0} ${ME}, billing/api in slot 0 (${main}): another checkout of "billing" runs there; stop it, or this checkout holds slot 1, but this port is not of it: publish it through the service's variable, \${VAR:-${API0}} (rule slot-literal-port)`,
    );
  });
});
