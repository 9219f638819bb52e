import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { appendFile, chmod, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { refusal } from '../../src/errors.js';
import { commitChangeSet, type CommitHooks } from '../../src/fix/commit.js';
import { loadRegistry } from '../../src/registry/load.js';
import { diffRegistries, moveProject } from '../../src/registry/moves.js';
import { migrationChange, projectMoveChange, reassignmentChange, type RegistryChange } from '../../src/registry/operations.js';
import { createPortregMcpServer } from '../../src/mcp/server.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { prepareRewrite, rewriteChanges, verifyCommitted, type PreparedRewrite } from '../../src/rewrite/execute.js';
import type { Workspace } from '../../src/rewrite/workspace.js';
import { openWorkspace } from '../../src/rewrite/workspace.js';
import { CLI, runCli, tempDir, testEnv, type CliResult } from '../helpers/cli.js';
import { copyFixture } from '../helpers/scenario.js';
import { git, gitInitCommit } from '../helpers/git.js';
import { BASIC, NOW, readTree } from './helpers.js';

let root: string;
let cleanup: () => Promise<void>;
let n = 0;

beforeAll(async () => {
  ({ dir: root, cleanup } = await tempDir('portreg-rewrite-faults-'));
});
afterAll(() => cleanup());

const BEFORE = () => readTree(path.join(BASIC, 'before'));
const POSTGRES = { project: 'billing', service: 'postgres', from: 5032, to: 5033 };
const reassignArgs = ['reassign', '--project', 'billing', '--service', 'postgres', '--port', '5033', '--write'];
const cli = (args: string[], cwd: string, env: Record<string, string> = {}) => runCli(args, { cwd, env: { PORTREG_NOW: NOW, ...env } });

async function plan(dir: string) {
  const ws = await openWorkspace({ cwd: dir, env: {} });
  const registry = (await loadRegistry(ws.located.path)).data!;
  return { ws, prepared: await prepareRewrite(ws, registry, [POSTGRES]) };
}

/** Commits the rewrite as reassign --write does: the files, then `registry` (the real reassignment unless given). */
function commit(ws: Workspace, prepared: PreparedRewrite, options: { registry?: RegistryChange<unknown> | null; hooks?: CommitHooks } = {}) {
  const registry = options.registry === undefined ? reassignmentChange(ws.located.path, POSTGRES, { now: new Date(NOW) }) : options.registry;
  return commitChangeSet({
    root: ws.root,
    files: rewriteChanges(prepared),
    ...(registry ? { registry } : {}),
    uncommitted: { refuse: true, allowWith: '--allow-dirty' },
    shown: ws.shown,
    hooks: options.hooks,
  });
}

/** A registry change that must not run: counts its calls. */
function countingRegistry(ws: Workspace, calls: { n: number }): RegistryChange<unknown> {
  return {
    file: ws.located.path,
    options: {},
    replan: () => {
      calls.n++;
      return { result: undefined };
    },
  };
}

describe('all or nothing', () => {
  it('a file modified between the plan and the commit: refused, nothing is written, and the registry is not touched', async () => {
    const dir = await copyFixture(path.join(BASIC, 'before'));
    const { ws, prepared } = await plan(dir);
    expect(prepared.rewrite.edits).toHaveLength(15);
    await appendFile(path.join(dir, 'projects/billing/README.md'), '\nSomeone was editing this file.\n');
    const calls = { n: 0 };
    const err = await commit(ws, prepared, { registry: countingRegistry(ws, calls) }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'file-changed', exitCode: 1 });
    expect((err as Error).message).toBe('projects/billing/README.md changed since it was read; nothing was written');
    expect(calls.n).toBe(0);
    const expected = await BEFORE();
    expected.set('projects/billing/README.md', Buffer.concat([expected.get('projects/billing/README.md')!, Buffer.from('\nSomeone was editing this file.\n')]));
    expect(await readTree(dir)).toEqual(expected);
  });

  it('a file modified after the checks, while the temporary files are written: the last look before the renames refuses it', async () => {
    const dir = await copyFixture(path.join(BASIC, 'before'));
    const { ws, prepared } = await plan(dir);
    const readme = path.join(dir, 'projects/billing/README.md');
    const calls = { n: 0 };
    const err = await commit(ws, prepared, {
      registry: countingRegistry(ws, calls),
      hooks: { afterPrepare: () => appendFile(readme, '\nSomeone was editing this file.\n') },
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'file-changed', exitCode: 1 });
    expect((err as Error).message).toBe('projects/billing/README.md changed while the files were being written; nothing was written');
    // The registry was planned under the lock (the last look is right before the renames), and not written.
    expect(calls.n).toBe(1);
    const expected = await BEFORE();
    expected.set('projects/billing/README.md', Buffer.concat([expected.get('projects/billing/README.md')!, Buffer.from('\nSomeone was editing this file.\n')]));
    expect(await readTree(dir)).toEqual(expected);
  });

  it('the registry change is refused under the lock: no file is renamed, nothing is left', async () => {
    const dir = await copyFixture(path.join(BASIC, 'before'));
    const { ws, prepared } = await plan(dir);
    const taken: RegistryChange<unknown> = {
      file: ws.located.path,
      options: {},
      replan: () => {
        throw refusal('port-taken', 'port 5033 is taken by service "pgbouncer" of project "billing"');
      },
    };
    const err = await commit(ws, prepared, { registry: taken }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'port-taken', exitCode: 1 });
    expect((err as Error).message).toBe('port 5033 is taken by service "pgbouncer" of project "billing"');
    expect(await readTree(dir)).toEqual(await BEFORE());
  });

  it('the registry is locked by another live process: exit 3, no file is written', async () => {
    const dir = await copyFixture(path.join(BASIC, 'before'));
    const lock = path.join(dir, 'ports.registry.json.lock');
    await writeFile(lock, JSON.stringify({ pid: process.pid, host: hostname(), command: 'vitest', since: new Date().toISOString(), token: 'held-by-test' }));
    const r = await cli(reassignArgs, dir, { PORTREG_LOCK_TIMEOUT: '0.3' });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /^portreg: the registry is locked by process \d+ on .* \(vitest\) since .*; waited 0\.3 s: try again, or remove .*ports\.registry\.json\.lock if that process is gone\n$/,
    );
    await rm(lock);
    expect(await readTree(dir)).toEqual(await BEFORE());
  });

  it('after writing, a scan that does not find the ports where the plan put them fails loudly', async () => {
    const dir = await copyFixture(path.join(BASIC, 'before'));
    const { ws, prepared } = await plan(dir);
    await commit(ws, prepared, { registry: null });
    await verifyCommitted(ws, prepared); // all where the plan said
    const file = path.join(dir, 'projects/billing/compose.ci.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('127.0.0.1:5033:5432', '127.0.0.1:5032:5432'));
    const err = await verifyCommitted(ws, prepared).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'verify-failed', exitCode: 1 });
    expect((err as Error).message).toContain('projects/billing/compose.ci.yaml:6:19: the scan does not find port 5033 at bytes 117-121 where the plan put it');
    expect((err as Error).message).toContain('projects/billing/compose.ci.yaml:6:19: port 5032 of service "postgres" of project "billing" is still there');
  });
});

describe('the registry changed under the lock after the files were written: the plan, made again, differs', () => {
  /** Someone moves postgres (from `from`) to 5034 between the files and the lock. */
  const movePostgres =
    (dir: string, from = 5032) =>
    async () => {
      const file = path.join(dir, 'ports.registry.json');
      const text = await readFile(file, 'utf8');
      expect(text).toContain(`"postgres": { "port": ${from},`);
      await writeFile(file, text.replace(`"postgres": { "port": ${from},`, '"postgres": { "port": 5034,'));
    };
  /** The tree as it was, but for the registry that "someone" changed. */
  async function expectRestored(dir: string, before: Map<string, Buffer>) {
    const after = await readTree(dir);
    expect(after.get('ports.registry.json')!.toString()).toContain('"postgres": { "port": 5034,');
    after.delete('ports.registry.json');
    before.delete('ports.registry.json');
    expect(after).toEqual(before);
  }

  it('reassign: refused, the 8 files restored', async () => {
    const dir = await copyFixture(path.join(BASIC, 'before'));
    const before = await readTree(dir);
    const { ws, prepared } = await plan(dir);
    const err = await commit(ws, prepared, { hooks: { beforeRegistry: movePostgres(dir) } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'registry-changed', exitCode: 1 });
    expect((err as Error).message).toBe(
      'service "postgres" of project "billing" moved from 5032 to 5034 meanwhile; run the command again\nthe 8 files written were restored; nothing was changed',
    );
    await expectRestored(dir, before);
  });

  it('project move: refused, the files restored', async () => {
    const dir = await copyFixture(path.join(BASIC, 'before'));
    const before = await readTree(dir);
    const ws = await openWorkspace({ cwd: dir, env: {} });
    const registry = (await loadRegistry(ws.located.path)).data!;
    const range = { from: 5300, to: 5399 };
    const planned = moveProject(registry, 'billing', range, { now: new Date(NOW) });
    const prepared = await prepareRewrite(ws, registry, planned.moves);
    const change = projectMoveChange(ws.located.path, { project: 'billing', range, ports: {}, moves: planned.moves }, { now: new Date(NOW) });
    const err = await commit(ws, prepared, { registry: change, hooks: { beforeRegistry: movePostgres(dir) } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'registry-changed', exitCode: 1 });
    expect((err as Error).message).toBe(
      'the services of project "billing" changed meanwhile; run the command again\nthe 9 files written were restored; nothing was changed',
    );
    await expectRestored(dir, before);
  });

  it('migrate: refused, the files restored', async () => {
    const dir = await copyFixture(path.join(BASIC, 'before'));
    const file = path.join(dir, 'ports.registry.json');
    const previous = (await loadRegistry(file)).data!;
    await writeFile(file, (await readFile(file, 'utf8')).replace('"postgres": { "port": 5032,', '"postgres": { "port": 5033,'));
    const before = await readTree(dir);
    const ws = await openWorkspace({ cwd: dir, env: {} });
    const diff = diffRegistries(previous, (await loadRegistry(file)).data!);
    const prepared = await prepareRewrite(ws, previous, diff.changes);
    const change = migrationChange(file, { previous, changes: diff.changes, repair: false }, { now: new Date(NOW), cwd: dir });
    const err = await commit(ws, prepared, { registry: change, hooks: { beforeRegistry: movePostgres(dir, 5033) } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'registry-changed', exitCode: 1 });
    expect((err as Error).message).toBe('ports.registry.json changed meanwhile; run the command again\nthe 8 files written were restored; nothing was changed');
    await expectRestored(dir, before);
  });
});

/** Runs the CLI with one folder read-only: a read-only bind mount as root (chmod does not stop root), chmod otherwise. */
async function runWithReadOnlyFolder(folder: string, args: string[], cwd: string): Promise<CliResult | string> {
  const isRoot = process.getuid?.() === 0;
  if (!isRoot) {
    await chmod(folder, 0o555);
    try {
      return await cli(args, cwd);
    } finally {
      await chmod(folder, 0o755);
    }
  }
  if (spawnSync('unshare', ['-m', 'sh', '-c', `mount --bind "$1" "$1" && mount -o remount,bind,ro "$1"`, 'sh', folder]).status !== 0) {
    return 'running as root, where chmod does not stop writes, and a read-only bind mount (unshare -m, mount) is not available here';
  }
  const script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"';
  return new Promise((resolve, reject) => {
    const child = spawn('unshare', ['-m', 'sh', '-c', script, 'sh', folder, process.execPath, CLI, ...args], {
      cwd,
      env: testEnv({ PORTREG_NOW: NOW }),
      stdio: 'pipe',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.end();
  });
}

describe('files that must not be written', () => {
  it('a read-only folder among the targets: nothing is written anywhere, with a clear error', async (ctx) => {
    const dir = await copyFixture(path.join(BASIC, 'before'));
    const r = await runWithReadOnlyFolder(path.join(dir, 'projects/frontend'), reassignArgs, dir);
    if (typeof r === 'string') {
      ctx.skip(r);
      return;
    }
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^portreg: cannot write the files: (EROFS: read-only file system|EACCES: permission denied), open '.*projects\/frontend\/\..*\.tmp'; nothing was written\n$/,
    );
    expect(await readTree(dir)).toEqual(await BEFORE());
  });

  it('a symbolic link that leads outside the root is neither read nor written through, and the user hears about it', async () => {
    const dir = await copyFixture(path.join(BASIC, 'before'));
    const outside = path.join(root, `outside${n++}`);
    await mkdir(outside);
    const target = path.join(outside, 'README.md');
    const text = await readFile(path.join(dir, 'projects/frontend/README.md'));
    await writeFile(target, text);
    await rm(path.join(dir, 'projects/frontend/README.md'));
    await symlink(target, path.join(dir, 'projects/frontend/README.md'));
    const r = await cli(reassignArgs, dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'portreg: warning: projects/frontend/README.md:1:1: projects/frontend/README.md is a symbolic link that leads outside the root: not read; ports there are not rewritten\n',
    );
    expect(await readFile(target)).toEqual(text);
    expect(r.stdout).toContain('billing | postgres | 5032 | 5033 | 7');
  });

  it('a symbolic link inside the root is refused: portreg never writes through one, and nothing is written', async () => {
    const dir = await copyFixture(path.join(BASIC, 'before'));
    await mkdir(path.join(dir, 'docs'));
    await writeFile(path.join(dir, 'docs/frontend.md'), await readFile(path.join(dir, 'projects/frontend/README.md')));
    await rm(path.join(dir, 'projects/frontend/README.md'));
    await symlink('../../docs/frontend.md', path.join(dir, 'projects/frontend/README.md'));
    const before = await readTree(dir);
    const r = await cli(reassignArgs, dir);
    expect(r).toMatchObject({
      code: 1,
      stderr: 'portreg: projects/frontend/README.md is a symbolic link: portreg never writes through one; nothing was written\n',
    });
    expect(await readTree(dir)).toEqual(before);
  });

  it('a YAML anchor shared with a service that does not move is refused, not half changed', async () => {
    const dir = await copyFixture(path.join(BASIC, 'before'));
    const compose = path.join(dir, 'projects/billing/compose.ci.yaml');
    await writeFile(compose, 'x-db-port: &db-port "5032:5432"\nservices:\n  postgres:\n    ports: [*db-port]\n  replica:\n    ports: [*db-port]\n');
    const before = await readTree(dir);
    const r = await cli(reassignArgs, dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'portreg: the ports cannot be changed in one step; nothing was written:\n' +
        '  projects/billing/compose.ci.yaml:1:22: "5032" is shared with compose service "replica", which does not move: split it (a YAML anchor?) and run again\n',
    );
    expect(await readTree(dir)).toEqual(before);
  });
});

describe('uncommitted changes', () => {
  it('refuses files with uncommitted changes unless --allow-dirty; an untracked folder counts', async () => {
    const dir = await copyFixture(path.join(BASIC, 'before'));
    git(dir, 'init', '-q');
    git(dir, 'add', '--', '.', ':!projects/analytics');
    git(dir, 'commit', '-q', '-m', 'before');
    await appendFile(path.join(dir, 'projects/billing/README.md'), '\nWork in progress.\n');
    const before = await readTree(dir);

    const dry = await cli(reassignArgs.slice(0, -1), dir);
    expect(dry.code).toBe(0);
    expect(dry.stderr).toContain('portreg: projects/billing/README.md has uncommitted changes: --write will refuse it unless --allow-dirty\n');

    const r = await cli(reassignArgs, dir);
    expect(r).toMatchObject({
      code: 1,
      stderr:
        'portreg: a file to write has uncommitted changes; commit or stash them first (or pass --allow-dirty); nothing was written:\n  projects/billing/README.md\n',
    });
    expect(await readTree(dir)).toEqual(before);

    const untracked = await cli(['reassign', '--project', 'analytics', '--service', 'clickhouse', '--port', '5233', '--write'], dir);
    expect(untracked.code).toBe(1);
    expect(untracked.stderr).toContain('  projects/analytics/docker-compose.yml\n  projects/analytics/README.md\n');

    const allowed = await cli([...reassignArgs, '--allow-dirty'], dir);
    expect(allowed.code).toBe(0);
    expect(allowed.stderr).toContain('wrote 8 files');
  });
});

describe('uncommitted changes: project move and migrate refuse them as reassign does', () => {
  const REFUSED =
    'portreg: a file to write has uncommitted changes; commit or stash them first (or pass --allow-dirty); nothing was written:\n  projects/billing/README.md\n';

  async function dirtyRepo(): Promise<string> {
    const dir = await copyFixture(path.join(BASIC, 'before'));
    git(dir, 'init', '-q');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'before');
    return dir;
  }

  it('project move --write', async () => {
    const dir = await dirtyRepo();
    await appendFile(path.join(dir, 'projects/billing/README.md'), '\nWork in progress.\n');
    const before = await readTree(dir);
    const args = ['project', 'move', 'billing', '--range', '5300-5399', '--write'];
    expect(await cli(args, dir)).toMatchObject({ code: 1, stdout: '', stderr: REFUSED });
    expect(await readTree(dir)).toEqual(before);
    const allowed = await cli([...args, '--allow-dirty'], dir);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('billing | postgres | 5032 | 5332 | 8');
  });

  it('migrate --from HEAD~1 --write', async () => {
    const dir = await dirtyRepo();
    const registry = path.join(dir, 'ports.registry.json');
    await writeFile(registry, (await readFile(registry, 'utf8')).replace('"postgres": { "port": 5032,', '"postgres": { "port": 5033,'));
    git(dir, 'commit', '-q', '-am', 'reallocate postgres');
    await appendFile(path.join(dir, 'projects/billing/README.md'), '\nWork in progress.\n');
    const before = await readTree(dir);
    expect(await cli(['migrate', '--from', 'HEAD~1', '--write'], dir)).toMatchObject({ code: 1, stdout: '', stderr: REFUSED });
    expect(await readTree(dir)).toEqual(before);
    const allowed = await cli(['migrate', '--from', 'HEAD~1', '--write', '--allow-dirty'], dir);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('billing | postgres | 5032 | 5033 | 8');
  });
});

describe('a crash between two renames', () => {
  const TEMP = /^\.(.+)\.\d+\.[0-9a-f]{8}\.tmp$/;
  /** The temporary files left in the tree, as the files they were to replace. */
  const temps = async (dir: string) =>
    [...(await readTree(dir)).keys()]
      .filter((f) => TEMP.test(path.posix.basename(f)))
      .map((f) => path.posix.join(path.posix.dirname(f), TEMP.exec(path.posix.basename(f))![1]!));

  it('the registry claims nothing yet; the next command (lint) finishes the reassign from its journal, says so, and leaves no temporary file', async () => {
    const dir = await copyFixture(path.join(BASIC, 'before'));
    git(dir, 'init', '-q');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'before');
    const before = await BEFORE();
    const after = await readTree(path.join(BASIC, 'after-reassign'));

    const killed = await cli(reassignArgs, dir, { PORTREG_TEST_CRASH_AT: 'rename:1' });
    expect(killed.signal).toBe('SIGKILL');
    // Files are written before the registry: the first file renamed (in path order) holds the new port,
    // every other file and the registry the old one.
    const crashed = await readTree(dir);
    expect(crashed.get('ports.registry.json')).toEqual(before.get('ports.registry.json'));
    expect(crashed.get('projects/billing/.env.example')).toEqual(after.get('projects/billing/.env.example'));
    for (const [file, bytes] of before) if (file !== 'projects/billing/.env.example') expect(crashed.get(file), file).toEqual(bytes);
    // Beside the 7 files not renamed yet, their new bytes; beside the first, its kept original: the journal in .git/portreg names them.
    expect((await temps(dir)).length).toBe(8);

    const next = await cli(['lint'], dir);
    expect(next.stderr).toBe('portreg: finished an interrupted reassign of 8 files and ports.registry.json\n');
    expect(await temps(dir)).toEqual([]);
    expect(await readTree(dir)).toEqual(after);
  });
});

describe('the refusal of uncommitted files reads the same from every command and tool', () => {
  const REFUSAL = (allowWith: string) =>
    `a file to write has uncommitted changes; commit or stash them first (or pass ${allowWith}); nothing was written:\n  projects/billing/README.md`;

  async function callTool(dir: string, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
    const server = createPortregMcpServer({ cwd: dir, env: {}, probe: false, now: () => new Date(NOW), log: () => {} });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: 'portreg-test', version: '1.0.0' });
    await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
    try {
      return (await client.callTool({ name, arguments: args })) as CallToolResult;
    } finally {
      await client.close();
    }
  }

  it('reassign, project move, migrate and allocate --update; reassign_port and allocate_port', async () => {
    const dir = await copyFixture(path.join(BASIC, 'before'));
    gitInitCommit(dir, 'before');
    await appendFile(path.join(dir, 'projects/billing/README.md'), '\nWork in progress.\n');
    const before = await readTree(dir);
    const refused = { code: 1, signal: null, stdout: '', stderr: `portreg: ${REFUSAL('--allow-dirty')}\n` };

    const commands = [
      reassignArgs,
      ['project', 'move', 'billing', '--range', '5300-5399', '--write'],
      ['allocate', '--project', 'billing', '--service', 'queue', '--purpose', 'Queue', '--env', 'QUEUE_PORT', '--update'],
    ];
    for (const args of commands) expect(await cli(args, dir), args.join(' ')).toEqual(refused);
    const allocate = await callTool(dir, 'allocate_port', { projectName: 'billing', serviceName: 'queue', purpose: 'Queue', env: 'QUEUE_PORT', update: true });
    expect([allocate.isError, allocate._meta, allocate.content]).toEqual([
      true,
      { code: 'files-dirty' },
      [{ type: 'text', text: REFUSAL('allowDirty: true') }],
    ]);
    const planned = await callTool(dir, 'reassign_port', { projectName: 'billing', serviceName: 'postgres', port: 5033 });
    const { planId } = planned.structuredContent as { planId: string };
    const reassign = await callTool(dir, 'reassign_port', { projectName: 'billing', serviceName: 'postgres', port: 5033, apply: true, planId });
    expect([reassign.isError, reassign._meta]).toEqual([true, { code: 'files-dirty' }]);
    expect((reassign.content[0] as { text: string }).text.startsWith(`${REFUSAL('allowDirty: true')}\n`)).toBe(true);
    expect(await readTree(dir)).toEqual(before);

    // migrate, after a reallocation committed by itself (the README's work in progress stays uncommitted).
    const registry = path.join(dir, 'ports.registry.json');
    await writeFile(registry, (await readFile(registry, 'utf8')).replace('"postgres": { "port": 5032,', '"postgres": { "port": 5033,'));
    git(dir, 'commit', '-q', '-m', 'reallocate postgres', '--', 'ports.registry.json');
    const reallocated = await readTree(dir);
    expect(await cli(['migrate', '--from', 'HEAD~1', '--write'], dir)).toEqual(refused);
    expect(await readTree(dir)).toEqual(reallocated);
  });
});
