/**
 * A repository with a slotted project, its worktrees in a folder beside it, and a state folder of
 * its own for the leases (PORTREG_STATE_DIR): real git, real files, nothing of the machine's.
 */
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import { type CliResult, runCli } from '../helpers/cli.js';
import { type Scenario, scenario } from '../helpers/scenario.js';

/** A range nothing on a developer machine or CI runner is likely to listen in (below the ephemeral ports). */
export const FROM = 27000;

/**
 * The registry of the fixture, at a range starting at `from`: test files that listen on slot
 * ports run in parallel with the others, so each such file may take a range of its own.
 */
export function registryAt(from: number) {
  return {
    version: 1,
    projects: {
      billing: {
        range: { from, to: from + 99 },
        path: 'billing',
        slots: { width: 10 },
        services: {
          api: { port: from + 1, purpose: 'REST API', env: 'API_PORT', containerPort: 8080 },
          db: { port: from + 2, purpose: 'Postgres', env: 'DB_PORT', containerPort: 5432, shared: true },
        },
      },
    },
  };
}

export function composeAt(from: number): string {
  return `services:\n  api:\n    ports:\n      - "\${API_PORT:-${from + 1}}:8080"\n  db:\n    ports:\n      - "\${DB_PORT:-${from + 2}}:5432"\n`;
}

export const REGISTRY = registryAt(FROM);

export const COMPOSE = composeAt(FROM);

export interface SlotRepo {
  main: Scenario;
  /** Where worktrees go (outside the main checkout, so its scan never sees them). */
  beside: string;
  state: string;
  env: Record<string, string>;
  /** `git worktree add` of a new branch; the worktree's real path. */
  addWorktree(name: string): string;
  cli(args: string[], cwd?: string): Promise<CliResult>;
}

export async function slotRepo(options: { files?: Record<string, string>; config?: object; from?: number; registry?: object } = {}): Promise<SlotRepo> {
  const from = options.from ?? FROM;
  const main = await scenario({
    registry: options.registry ?? registryAt(from),
    files: {
      'billing/docker-compose.yml': composeAt(from),
      'billing/.env.example': `API_PORT=${from + 1}\nDB_PORT=${from + 2}\n`,
      '.gitignore': '.env\n',
      ...options.files,
    },
    ...(options.config ? { config: options.config } : {}),
    git: true,
    prefix: 'portreg-slots-main-',
  });
  const beside = await realpath(await mkdtemp(path.join(tmpdir(), 'portreg-slots-wt-')));
  const state = await realpath(await mkdtemp(path.join(tmpdir(), 'portreg-slots-state-')));
  onTestFinished(async () => {
    await rm(beside, { recursive: true, force: true });
    await rm(state, { recursive: true, force: true });
  });
  const env = { PORTREG_STATE_DIR: state };
  return {
    main,
    beside,
    state,
    env,
    addWorktree(name) {
      const where = path.join(beside, name);
      main.git('worktree', 'add', '-q', '-b', name, where);
      return where;
    },
    cli: (args, cwd = main.root) => runCli(args, { cwd, env }),
  };
}

export async function listenOn(port: number): Promise<{ close: () => Promise<void> }> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const close = () => new Promise<void>((r) => server.close(() => r()));
  onTestFinished(close);
  return { close };
}

/** The fixture at a range of the test file's own (see registryAt). */
export function fixtureAt(from: number) {
  return {
    FROM: from,
    REGISTRY: registryAt(from),
    slotRepo: (options: Omit<Parameters<typeof slotRepo>[0] & object, 'from'> = {}) => slotRepo({ ...options, from }),
  };
}
