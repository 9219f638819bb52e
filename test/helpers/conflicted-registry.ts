/**
 * A real git merge that conflicts in the registry: two branches each allocate the "next free" port
 * with the CLI and write configs that use it (test/registry/resolve.test.ts, and the kill tests of
 * `registry resolve` in test/fix/commit-kill.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { expect } from 'vitest';
import { serializeRegistry } from '../../src/registry/serialize.js';
import type { Registry } from '../../src/registry/types.js';
import { runCli } from './cli.js';
import { gitEnv } from './git.js';
import { scenario, type Scenario } from './scenario.js';

/** The clock of the allocations (and of git's merge driver). */
export const MERGE_NOW = '2026-12-01T10:00:00.000Z';

/** git with the driver's clock pinned (git runs the merge driver with its own environment); never throws. */
export function gitNow(s: Scenario, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  return gitNowWith(s, {}, ...args);
}

/** gitNow with more environment for the processes git runs (the merge driver's test hooks). */
export function gitNowWith(s: Scenario, env: NodeJS.ProcessEnv, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('git', ['-c', 'commit.gpgsign=false', ...args], {
    cwd: s.root,
    env: { ...gitEnv(), PORTREG_NOW: MERGE_NOW, CI: '1', ...env },
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export const compose = (service: string, port: number, target: number) =>
  `services:\n  ${service}:\n    image: ${service}\n    ports:\n      - "${port}:${target}"\n`;

export const WORKER_README = (port: number) => `# Worker\n\nStart it with \`WORKER_PORT=${port} npm start\`, then open http://localhost:${port}/queues.\n`;
export const API_README = '# API\n\nThe API listens on http://localhost:5002.\n';

/**
 * main has project shop (5000 is one to avoid, web on 5001); branch `worker` allocates worker, main
 * allocates api: both get 5002 from `allocate`, and each writes a compose file, an env template and
 * a README that use it.
 */
export async function twoBranches(services: Record<string, object> = { web: { port: 5001, purpose: 'Web UI', env: 'WEB_PORT' } }): Promise<Scenario> {
  const cli = (s: Scenario, args: string[]) => runCli(args, { cwd: s.root, env: { PORTREG_NOW: MERGE_NOW } });
  const s = await scenario({
    // In the canonical style, as portreg writes it: each allocation is a one-line change.
    registry: serializeRegistry({
      version: 1,
      reserved: [{ port: 5000, reason: 'macOS AirPlay receiver', severity: 'warning' }],
      projects: { shop: { range: { from: 5000, to: 5099 }, path: 'shop', services } },
    } as Registry),
    files: { 'shop/web/compose.yaml': compose('web', 5001, 80), 'shop/web/.env.example': 'WEB_PORT=5001\n' },
    git: true,
  });
  s.git('checkout', '-q', '-b', 'worker');
  const w = await cli(s, ['allocate', '--project', 'shop', '--service', 'worker', '--purpose', 'Queue worker', '--env', 'WORKER_PORT']);
  expect(w.stdout).toBe('5002\n');
  await s.write('shop/worker/compose.yaml', compose('worker', 5002, 9000));
  await s.write('shop/worker/.env.example', 'WORKER_PORT=5002\n');
  await s.write('shop/worker/README.md', WORKER_README(5002));
  s.commit('worker takes 5002');
  s.git('checkout', '-q', 'main');
  const a = await cli(s, ['allocate', '--project', 'shop', '--service', 'api', '--purpose', 'REST API', '--env', 'API_PORT']);
  expect(a.stdout).toBe('5002\n');
  await s.write('shop/api/compose.yaml', compose('api', 5002, 8080));
  await s.write('shop/api/.env.example', 'API_PORT=5002\n');
  await s.write('shop/api/README.md', API_README);
  s.commit('api takes 5002');
  return s;
}

/** twoBranches, then `git merge worker` on main: ports.registry.json holds conflict markers, the merge is in progress. */
export async function conflictedMerge(): Promise<Scenario> {
  const s = await twoBranches();
  const merge = gitNow(s, 'merge', '-q', 'worker');
  expect(merge.code).toBe(1);
  expect(merge.stdout).toContain('CONFLICT (content): Merge conflict in ports.registry.json');
  return s;
}
