/**
 * Reading the claims of other branches from real git: remote-tracking refs in a repository made
 * on disk, and a `git` on the PATH that logs each run before it runs the real one, to see that
 * every branch is read by one `cat-file --batch` and nothing is checked out.
 */
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readBranchClaims } from '../../src/registry/branch-claims.js';
import { registryText, scenario } from '../helpers/scenario.js';

const NOW = new Date('2026-11-25T12:00:00Z');
const shop = (services: Record<string, object>) => ({ version: 1, projects: { shop: { range: { from: 5000, to: 5099 }, services } } });

const savedPath = process.env.PATH;
afterEach(() => {
  process.env.PATH = savedPath;
});

/** Puts a logging `git` first on the PATH; the log's lines are the arguments of each run. */
async function loggingGit(dir: string): Promise<() => Promise<string[]>> {
  const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  const bin = path.join(dir, 'bin');
  const log = path.join(dir, 'git.log');
  await mkdir(bin);
  await writeFile(path.join(bin, 'git'), `#!/bin/sh\necho "$*" >> "${log}"\nexec "${real}" "$@"\n`);
  await chmod(path.join(bin, 'git'), 0o755);
  process.env.PATH = `${bin}${path.delimiter}${savedPath}`;
  return async () => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean);
}

describe('readBranchClaims', () => {
  it('reads the registry of every unmerged remote-tracking branch with one cat-file --batch, no checkout', async () => {
    const s = await scenario({ registry: shop({ web: { port: 5001, purpose: 'web' } }), git: true });
    for (const [i, name] of ['a', 'b', 'c', 'd', 'e'].entries()) {
      s.git('checkout', '-q', '-b', name);
      await s.write(
        'ports.registry.json',
        registryText(shop({ [`svc-${name}`]: { port: 5010 + i, purpose: name, ...(name === 'e' ? { protocol: ['tcp', 'udp'] } : {}) } })),
      );
      s.commit(name);
      s.git('update-ref', `refs/remotes/origin/${name}`, 'HEAD');
      s.git('checkout', '-q', 'main');
    }
    // A branch without the registry, one HEAD has merged, and the symbolic origin/HEAD: no claims.
    s.git('checkout', '-q', '--orphan', 'empty');
    s.git('rm', '-q', '-rf', '.');
    await s.write('other.txt', 'x\n');
    s.commit('no registry');
    s.git('update-ref', 'refs/remotes/origin/empty', 'HEAD');
    s.git('checkout', '-q', '-f', 'main');
    s.git('update-ref', 'refs/remotes/origin/main', 'HEAD');
    s.git('symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/main');
    const before = await s.readBytes('ports.registry.json');
    const status = s.git('status', '--porcelain');

    const runs = await loggingGit((await scenario({ prefix: 'portreg-git-log-' })).root);
    const claims = await readBranchClaims(s.path('ports.registry.json'), { now: NOW, cwd: s.root });
    expect(claims).toEqual([
      { branch: 'origin/a', project: 'shop', service: 'svc-a', port: 5010, protocols: ['tcp'] },
      { branch: 'origin/b', project: 'shop', service: 'svc-b', port: 5011, protocols: ['tcp'] },
      { branch: 'origin/c', project: 'shop', service: 'svc-c', port: 5012, protocols: ['tcp'] },
      { branch: 'origin/d', project: 'shop', service: 'svc-d', port: 5013, protocols: ['tcp'] },
      { branch: 'origin/e', project: 'shop', service: 'svc-e', port: 5014, protocols: ['tcp', 'udp'] },
    ]);
    const logged = await runs();
    expect(logged.filter((l) => l.startsWith('cat-file'))).toEqual(['cat-file --batch']);
    expect(logged.filter((l) => /^(checkout|switch|fetch|read-tree|update-index|worktree)/.test(l))).toEqual([]);
    expect(logged).toHaveLength(2); // for-each-ref, cat-file (the top folder is read from the disk)
    expect(await s.readBytes('ports.registry.json')).toEqual(before);
    expect(s.git('status', '--porcelain')).toBe(status);
  });

  it('outside git, and in a repository without remotes: no claims, no error', async () => {
    const plain = await scenario({ registry: shop({}) });
    expect(await readBranchClaims(plain.path('ports.registry.json'), { now: NOW })).toEqual([]);
    const repo = await scenario({ registry: shop({}), git: true });
    expect(await readBranchClaims(repo.path('ports.registry.json'), { now: NOW })).toEqual([]);
  });
});
