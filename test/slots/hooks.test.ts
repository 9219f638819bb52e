/**
 * `portreg hooks install` and the post-checkout hook it adds, run by git itself on a real
 * `git worktree add`: the new worktree gets its slot and its .env; the install is idempotent and
 * keeps other lines of the hook; a hook that cannot lease never fails the checkout.
 */
import { spawnSync } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI } from '../helpers/cli.js';
import { gitEnv } from '../helpers/git.js';
import { FROM, REGISTRY, type SlotRepo, slotRepo } from './fixture.js';

/** `git worktree add` as a person runs it, hooks and all, with the test's lease folder; git's stderr (the hook's included). */
function worktreeAdd(repo: SlotRepo, name: string): { where: string; stderr: string } {
  const where = path.join(repo.beside, name);
  const r = spawnSync('git', ['worktree', 'add', '-q', '-b', name, where], {
    cwd: repo.main.root,
    env: { ...gitEnv(), ...repo.env, PATH: process.env.PATH },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`git worktree add failed (${r.status}): ${r.stderr}`);
  return { where, stderr: r.stderr };
}

const hookFile = (repo: SlotRepo) => path.join(repo.main.root, '.git/hooks/post-checkout');

describe('portreg hooks install', () => {
  it('installs once (a second install changes nothing), keeps the lines of an existing hook, and is executable', async () => {
    const repo = await slotRepo();
    await writeFile(hookFile(repo), '#!/bin/sh\necho "another tool"\n', { mode: 0o644 });
    const first = await repo.cli(['hooks', 'install']);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(`${hookFile(repo)}: portreg lines added or updated\n`);
    const text = await readFile(hookFile(repo), 'utf8');
    expect(text.startsWith('#!/bin/sh\necho "another tool"\n\n# portreg:hook-start (portreg hooks install:')).toBe(true);
    expect(text).toContain(`if [ -x '${process.execPath}' ] && [ -f '${CLI}' ]; then '${process.execPath}' '${CLI}' hooks run post-checkout "$@"\n`);
    expect(text.endsWith(') </dev/null || true\n# portreg:hook-end\n')).toBe(true);
    expect((await stat(hookFile(repo))).mode & 0o777).toBe(0o755);
    const second = await repo.cli(['hooks', 'install'], path.join(repo.main.root, 'billing'));
    expect(second.stdout).toBe(`${hookFile(repo)}: already installed, nothing to change\n`);
    expect(await readFile(hookFile(repo), 'utf8')).toBe(text);
  });

  it("git worktree add then writes the new worktree's .env with its slot, quietly", { timeout: 30_000 }, async () => {
    const repo = await slotRepo();
    expect((await repo.cli(['hooks', 'install'])).stdout).toBe(`${hookFile(repo)}: created\n`);
    const a = worktreeAdd(repo, 'a');
    expect(a.stderr).toBe('');
    expect(await readFile(path.join(a.where, 'billing/.env'), 'utf8')).toBe(
      [
        '# portreg:slot-start (written by "portreg env --write": slot 1 of project "billing" on this machine; edits inside are replaced)',
        'COMPOSE_PROJECT_NAME=billing-1',
        `API_PORT=${FROM + 11}`,
        `DB_PORT=${FROM + 2}`,
        '# portreg:slot-end',
        '',
      ].join('\n'),
    );
    const b = worktreeAdd(repo, 'b');
    expect(await readFile(path.join(b.where, 'billing/.env'), 'utf8')).toContain(`API_PORT=${FROM + 21}\n`);
    const leases = JSON.parse(await readFile(path.join(repo.state, 'leases.json'), 'utf8')).leases;
    expect(leases.map((l: { slot: number; worktree: string }) => [l.slot, l.worktree])).toEqual([
      [1, a.where],
      [2, b.where],
    ]);
  });

  it('never fails the checkout: a lease refused gives one line on stderr, and the worktree is made', async () => {
    const repo = await slotRepo();
    const one = structuredClone(REGISTRY);
    one.projects.billing.slots.width = 100; // one slot: the main checkout's
    await repo.main.write('ports.registry.json', `${JSON.stringify(one, null, 2)}\n`);
    repo.main.commit('one slot');
    await repo.cli(['hooks', 'install']);
    const a = worktreeAdd(repo, 'a');
    expect(a.stderr).toBe(
      `portreg: post-checkout: no slot for this checkout: project "billing" has one slot, slot 0, which is the main checkout's: its range ${FROM}-${FROM + 99} holds 1 of width 100; narrow the slots or widen the range (portreg project move) so that linked worktrees get one\n`,
    );
    expect((await stat(path.join(a.where, 'billing/docker-compose.yml'))).isFile()).toBe(true);
  });

  it('is quiet in a repository whose registry has no project with slots', async () => {
    const repo = await slotRepo();
    await repo.main.write(
      'ports.registry.json',
      JSON.stringify({ version: 1, projects: { billing: { range: { from: FROM, to: FROM + 99 }, path: 'billing' } } }),
    );
    repo.main.commit('no slots');
    await repo.cli(['hooks', 'install']);
    const a = worktreeAdd(repo, 'a');
    expect(a.stderr).toBe('');
    await expect(stat(path.join(a.where, 'billing/.env'))).rejects.toThrow(/ENOENT/);
  });
});
