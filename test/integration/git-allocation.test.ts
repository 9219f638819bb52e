/**
 * Allocation through the git remote (--git) and the claims of other branches, with real git: a
 * bare repository on disk as the remote, clones in temporary folders, the built CLI, and MCP
 * servers driven by the SDK's Client. No timings are asserted; the guards only stop a hang.
 */
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, runCli, tempDir, testEnv } from '../helpers/cli.js';
import { git, gitEnv } from '../helpers/git.js';

const REGISTRY = 'ports.registry.json';
const SEED = `${JSON.stringify({ version: 1, projects: { shop: { range: { from: 5000, to: 5099 }, services: {} } } }, null, 2)}\n`;

/** git's settings for every process the test starts: no user config, a fixed identity. */
const GIT_SETTINGS = Object.fromEntries(Object.entries(gitEnv()).filter(([k]) => k.startsWith('GIT_'))) as Record<string, string>;

let dir: string;
let cleanup: () => Promise<void>;
let remote: string;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('portreg-git-alloc-'));
  remote = path.join(dir, 'remote.git');
  git(dir, 'init', '-q', '--bare', remote);
  const seed = path.join(dir, 'seed');
  git(dir, 'clone', '-q', remote, seed);
  await writeFile(path.join(seed, REGISTRY), SEED);
  git(seed, 'add', '-A');
  git(seed, 'commit', '-q', '-m', 'the registry');
  git(seed, 'push', '-q', 'origin', 'HEAD:main');
});
afterEach(() => cleanup());

function clone(name: string): string {
  const at = path.join(dir, name);
  git(dir, 'clone', '-q', remote, at);
  return at;
}

function portreg(cwd: string, args: string[], env: Record<string, string> = {}) {
  return runCli(args, { cwd, env: { ...GIT_SETTINGS, ...env } });
}

const remoteRegistry = () => JSON.parse(git(remote, 'show', `main:${REGISTRY}`)) as { projects: { shop: { services: Record<string, { port: number }> } } };

/** Everything about a clone that --git must not touch: the registry's bytes, the status, the refs but origin's, the index. */
async function untouched(at: string) {
  return {
    registry: await readFile(path.join(at, REGISTRY)),
    status: git(at, 'status', '--porcelain', '--untracked-files=all'),
    head: git(at, 'rev-parse', 'HEAD'),
    refs: git(at, 'for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads', 'refs/tags'),
    index: await readFile(path.join(at, '.git', 'index')),
  };
}

async function mcpClient(cwd: string) {
  const env = Object.fromEntries(Object.entries(testEnv(GIT_SETTINGS)).filter((e): e is [string, string] => e[1] !== undefined));
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp', '--git'], cwd, env, stderr: 'pipe' });
  const client = new Client({ name: 'portreg-git-test', version: '1.0.0' });
  await client.connect(transport);
  // The SDK validates structuredContent against the tools' output schemas once it has listed them.
  await client.listTools();
  return client;
}

describe('allocate --git', () => {
  it('8 CLI clones and 2 MCP servers at once: distinct ports, one commit each on a linear history, nobody’s working tree touched', async () => {
    const cliClones = Array.from({ length: 8 }, (_, i) => clone(`c${i}`));
    const mcpClones = [clone('m0'), clone('m1')];
    const before = await Promise.all([...cliClones, ...mcpClones].map(untouched));
    const clients = await Promise.all(mcpClones.map(mcpClient));
    try {
      const [cli, mcp] = await Promise.all([
        Promise.all(
          cliClones.map((at, i) => portreg(at, ['allocate', '--git', '--project', 'shop', '--service', `cli${i}`, '--purpose', 'a CLI caller', '--json'])),
        ),
        Promise.all(
          clients.map(
            (c, i) =>
              c.callTool({
                name: 'allocate_port',
                arguments: { projectName: 'shop', serviceName: `mcp${i}`, purpose: 'an MCP caller' },
              }) as Promise<CallToolResult>,
          ),
        ),
      ]);
      const got = new Map<string, number>();
      for (const [i, r] of cli.entries()) {
        expect(r.stderr, `cli${i}`).toBe('');
        expect(r.code, `cli${i}`).toBe(0);
        const answer = JSON.parse(r.stdout) as { port: number; service: string; git: { remote: string; branch: string; commit: string; attempts: number } };
        expect(answer.service).toBe(`cli${i}`);
        expect(answer.git).toMatchObject({ remote: 'origin', branch: 'main' });
        expect(answer.git.commit).toMatch(/^[0-9a-f]{40}$/);
        got.set(`cli${i}`, answer.port);
      }
      for (const [i, r] of mcp.entries()) {
        expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
        const s = r.structuredContent as { port: number; service: string; git: { commit: string } };
        expect(s.service).toBe(`mcp${i}`);
        expect(s.git.commit).toMatch(/^[0-9a-f]{40}$/);
        got.set(`mcp${i}`, s.port);
      }
      // Ten callers, ten distinct ports: the lowest ten of the range, whoever won which.
      expect([...got.values()].sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => 5000 + i));

      // On the remote: every caller's port, one commit each, each on the one before (no merges).
      const services = remoteRegistry().projects.shop.services;
      expect(Object.fromEntries(Object.entries(services).map(([k, v]) => [k, v.port]))).toEqual(Object.fromEntries(got));
      const log = git(remote, 'log', '--format=%P|%s', 'main').trim().split('\n');
      expect(log).toHaveLength(11);
      expect(log.every((l) => l.split('|')[0]!.split(' ').length === 1 || l.startsWith('|'))).toBe(true);
      expect(git(remote, 'rev-list', '--merges', 'main')).toBe('');
      const subjects = log.slice(0, 10).map((l) => l.split('|')[1]);
      expect(subjects.sort()).toEqual([...got].map(([service, port]) => `portreg allocate: port ${port} to service "${service}" of project "shop"`).sort());
      // Each commit changed the registry alone.
      expect(new Set(git(remote, 'log', '--format=', '--name-only', 'main').split('\n').filter(Boolean))).toEqual(new Set([REGISTRY]));

      // The callers' working trees, indexes and branches are as they were.
      const after = await Promise.all([...cliClones, ...mcpClones].map(untouched));
      expect(after).toEqual(before);

      // git pull brings it in, and the tree passes lint and generate --check.
      git(cliClones[0]!, 'pull', '-q', '--ff-only');
      expect(JSON.parse(await readFile(path.join(cliClones[0]!, REGISTRY), 'utf8'))).toEqual(remoteRegistry());
      const lint = await portreg(cliClones[0]!, ['lint']);
      expect([lint.code, lint.stderr]).toEqual([0, '']);
      const check = await portreg(cliClones[0]!, ['generate', 'all', '--check']);
      expect(check.code).toBe(0);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  }, 180_000);

  it('a push rejected three times in a row (another clone pushed in between) ends right on the fourth', async () => {
    const mine = clone('mine');
    const intruder = clone('intruder');
    const before = await untouched(mine);
    // Before each of our pushes, for the first three, another clone allocates and pushes: ours is
    // then not a fast-forward, for real.
    const script = path.join(dir, 'intrude.sh');
    await writeFile(
      script,
      `#!/bin/sh
n=$(cat "${dir}/count" 2>/dev/null || echo 0)
[ "$n" -ge 3 ] && exit 0
echo $((n + 1)) > "${dir}/count"
cd "${intruder}" && PORTREG_TEST_BEFORE_PUSH= "${process.execPath}" "${CLI}" allocate --git --project shop --service intruder$n --purpose x >/dev/null 2>&1
`,
    );
    await chmod(script, 0o755);
    const r = await portreg(mine, ['allocate', '--git', '--project', 'shop', '--service', 'api', '--purpose', 'REST API'], {
      PORTREG_TEST_BEFORE_PUSH: script,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('5003\n');
    expect(r.stderr).toMatch(
      /^portreg: pushed [0-9a-f]{12} to origin\/main \(ports\.registry\.json only, after 3 rejected pushes\); this working tree is unchanged: git pull brings the change in\n$/,
    );
    const services = remoteRegistry().projects.shop.services;
    expect(Object.fromEntries(Object.entries(services).map(([k, v]) => [k, v.port]))).toEqual({ intruder0: 5000, intruder1: 5001, intruder2: 5002, api: 5003 });
    expect(git(remote, 'log', '--format=%s', 'main').trim().split('\n')).toEqual([
      'portreg allocate: port 5003 to service "api" of project "shop"',
      'portreg allocate: port 5002 to service "intruder2" of project "shop"',
      'portreg allocate: port 5001 to service "intruder1" of project "shop"',
      'portreg allocate: port 5000 to service "intruder0" of project "shop"',
      'the registry',
    ]);
    expect(git(remote, 'rev-list', '--merges', 'main')).toBe('');
    expect(await untouched(mine)).toEqual(before);
  }, 120_000);

  it('gives up after the configured tries, exit 1, nothing of its own pushed', async () => {
    const mine = clone('mine');
    const intruder = clone('intruder');
    await writeFile(path.join(mine, 'portreg.config.json'), `${JSON.stringify({ git: { remote: 'origin', branch: 'main', tries: 2 } })}\n`);
    const script = path.join(dir, 'intrude.sh');
    await writeFile(
      script,
      `#!/bin/sh
n=$(cat "${dir}/count" 2>/dev/null || echo 0)
echo $((n + 1)) > "${dir}/count"
cd "${intruder}" && PORTREG_TEST_BEFORE_PUSH= "${process.execPath}" "${CLI}" allocate --git --project shop --service intruder$n --purpose x >/dev/null 2>&1
`,
    );
    await chmod(script, 0o755);
    // The config's "git" turns --git on by itself.
    const r = await portreg(mine, ['allocate', '--project', 'shop', '--service', 'api', '--purpose', 'REST API'], { PORTREG_TEST_BEFORE_PUSH: script });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'portreg: --git: origin/main moved under each of 2 tries (others are writing it); nothing was pushed: run the command again, or allow more tries ("git": { "tries": N } in portreg.config.json)\n',
    );
    expect(Object.keys(remoteRegistry().projects.shop.services)).toEqual(['intruder0', 'intruder1']);
    expect(await readFile(path.join(mine, REGISTRY), 'utf8')).toBe(SEED);
  }, 120_000);

  it('an unreachable remote: exit 2 with the next step, and the registry, tree, index and refs exactly as they were', async () => {
    const mine = clone('mine');
    git(mine, 'remote', 'set-url', 'origin', path.join(dir, 'gone.git'));
    const before = await untouched(mine);
    const remoteRefs = git(mine, 'for-each-ref', '--format=%(refname) %(objectname)');
    const r = await portreg(mine, ['allocate', '--git', '--project', 'shop', '--service', 'api', '--purpose', 'REST API']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `portreg: --git: cannot fetch branch "main" of remote "origin": '${path.join(dir, 'gone.git')}' does not appear to be a git repository. Nothing was changed: not the remote, not ports.registry.json, not your working tree. Check the remote (git remote -v, the network, your credentials) and run the command again, or run it without --git to change the local registry only\n`,
    );
    expect(await untouched(mine)).toEqual(before);
    expect(git(mine, 'for-each-ref', '--format=%(refname) %(objectname)')).toBe(remoteRefs);
    expect(await readFile(path.join(mine, REGISTRY))).toEqual(Buffer.from(SEED));
    expect(remoteRegistry().projects.shop.services).toEqual({});
  }, 60_000);

  it('a push a hook declines is not tried again: exit 2 with its reason, the remote and the tree as they were', async () => {
    const mine = clone('mine');
    const hook = path.join(remote, 'hooks', 'pre-receive');
    await writeFile(hook, `#!/bin/sh\necho run >> "${dir}/hook-runs"\necho "the registry is frozen" >&2\nexit 1\n`);
    await chmod(hook, 0o755);
    const before = await untouched(mine);
    const r = await portreg(mine, ['allocate', '--git', '--project', 'shop', '--service', 'api', '--purpose', 'REST API']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'portreg: --git: the push to origin/main failed: [remote rejected] (pre-receive hook declined). Nothing was pushed: the remote, ports.registry.json and your working tree are as they were; fix what git says and run the command again\n',
    );
    expect(await readFile(path.join(dir, 'hook-runs'), 'utf8')).toBe('run\n');
    expect(git(remote, 'log', '--format=%s', 'main').trim()).toBe('the registry');
    expect(await untouched(mine)).toEqual(before);
  }, 60_000);

  it('release and project add go through the remote too', async () => {
    const mine = clone('mine');
    const before = await untouched(mine);
    expect((await portreg(mine, ['allocate', '--git', '--project', 'shop', '--service', 'api', '--purpose', 'REST API'])).stdout).toBe('5000\n');
    const released = await portreg(mine, ['release', '--git', '--project', 'shop', '--service', 'api']);
    expect([released.code, released.stdout]).toEqual([0, 'released port 5000 of service "api" of project "shop"\n']);
    const added = await portreg(mine, ['project', 'add', 'blog', '--git']);
    expect([added.code, added.stdout]).toEqual([0, 'project blog: range 5100-5199\n']);
    expect(git(remote, 'log', '--format=%s', 'main').trim().split('\n')).toEqual([
      'portreg project add: project "blog" with range 5100-5199',
      'portreg release: port 5000 of service "api" of project "shop"',
      'portreg allocate: port 5000 to service "api" of project "shop"',
      'the registry',
    ]);
    expect(await untouched(mine)).toEqual(before);
  }, 60_000);

  it('reassign --git: the move is pushed, then this tree is rewritten the same way; lint passes, and commit + pull merges cleanly', async () => {
    // The project with a compose file that publishes its port.
    const setup = clone('setup');
    const registry = {
      version: 1,
      projects: { shop: { range: { from: 5100, to: 5199 }, path: 'shop', services: { api: { port: 5101, purpose: 'REST API' } } } },
    };
    await writeFile(path.join(setup, REGISTRY), `${JSON.stringify(registry, null, 2)}\n`);
    await mkdir(path.join(setup, 'shop'));
    await writeFile(path.join(setup, 'shop/compose.yaml'), 'services:\n  api:\n    image: api\n    ports:\n      - "5101:8080"\n');
    git(setup, 'add', '-A');
    git(setup, 'commit', '-q', '-m', 'shop');
    git(setup, 'push', '-q', 'origin', 'HEAD:main');

    const mine = clone('mine');
    const r = await portreg(mine, ['reassign', '--git', '--project', 'shop', '--service', 'api', '--port', '5105', '--write']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /^portreg: ports\.registry\.json: service "api" of project "shop": port 5101 → 5105; 5101 stays in its history \(quarantine\)\nportreg: pushed [0-9a-f]{12} to origin\/main \(ports\.registry\.json only\); this tree was rewritten the same way: commit it, then git pull\nportreg: wrote 1 file: shop\/compose\.yaml, and ports\.registry\.json; a second scan finds every port where the plan put it\n$/,
    );
    expect(git(remote, 'log', '-1', '--format=%s', 'main').trim()).toBe('portreg reassign: service "api" of project "shop" from port 5101 to 5105');
    // The registry here is the pushed one, byte for byte; the compose file moved with it.
    expect(await readFile(path.join(mine, REGISTRY), 'utf8')).toBe(git(remote, 'show', `main:${REGISTRY}`));
    expect(await readFile(path.join(mine, 'shop/compose.yaml'), 'utf8')).toBe('services:\n  api:\n    image: api\n    ports:\n      - "5105:8080"\n');
    const lint = await portreg(mine, ['lint']);
    expect([lint.code, lint.stdout]).toEqual([0, '0 problems in 2 files\n']);
    expect((await portreg(mine, ['generate', 'all', '--check'])).code).toBe(0);
    // Commit, pull: both sides made the same registry change, so the merge is clean.
    git(mine, 'commit', '-q', '-am', 'api moves to 5105');
    git(mine, 'pull', '-q', '--no-rebase', '--no-edit');
    expect(await readFile(path.join(mine, REGISTRY), 'utf8')).toBe(git(remote, 'show', `main:${REGISTRY}`));
    expect((await portreg(mine, ['lint'])).code).toBe(0);

    // project move takes the same way.
    const moved = await portreg(mine, ['project', 'move', 'shop', '--range', '5200-5299', '--git', '--write']);
    expect(moved.code, moved.stderr).toBe(0);
    expect(git(remote, 'log', '-1', '--format=%s', 'main').trim()).toBe('portreg project move: project "shop" from 5100-5199 to 5200-5299');
    expect(await readFile(path.join(mine, REGISTRY), 'utf8')).toBe(git(remote, 'show', `main:${REGISTRY}`));
    expect(await readFile(path.join(mine, 'shop/compose.yaml'), 'utf8')).toBe('services:\n  api:\n    image: api\n    ports:\n      - "5205:8080"\n');
    expect((await portreg(mine, ['lint'])).code).toBe(0);
  }, 60_000);

  it('reassign --git on a tree behind the remote is refused before anything is pushed or written', async () => {
    const mine = clone('mine');
    const other = clone('other');
    expect((await portreg(other, ['allocate', '--git', '--project', 'shop', '--service', 'api', '--purpose', 'REST API'])).stdout).toBe('5000\n');
    git(mine, 'pull', '-q');
    expect((await portreg(other, ['allocate', '--git', '--project', 'shop', '--service', 'web', '--purpose', 'site'])).stdout).toBe('5001\n');
    const before = await untouched(mine);
    const head = git(remote, 'rev-parse', 'main');
    const r = await portreg(mine, ['reassign', '--git', '--project', 'shop', '--service', 'api', '--port', '5005', '--write']);
    expect([r.code, r.stdout, r.stderr]).toEqual([
      1,
      '',
      'portreg: --git: ports.registry.json here differs from origin/main:ports.registry.json; nothing was changed: bring this tree up to date first (commit or stash your changes, git pull), then run the command again\n',
    ]);
    expect(git(remote, 'rev-parse', 'main')).toBe(head);
    expect(await untouched(mine)).toEqual(before);
  }, 60_000);
});

describe('claims in other branches', () => {
  it('allocate skips a port another remote branch gives to another service; lint reports one taken anyway', async () => {
    // Someone allocated "worker" on a feature branch and pushed it (no pull request merged yet).
    const them = clone('them');
    git(them, 'checkout', '-q', '-b', 'feat');
    expect((await portreg(them, ['allocate', '--project', 'shop', '--service', 'worker', '--purpose', 'jobs'])).stdout).toBe('5000\n');
    git(them, 'commit', '-q', '-am', 'worker');
    git(them, 'push', '-q', 'origin', 'feat');

    const mine = clone('mine');
    const web = await portreg(mine, ['allocate', '--project', 'shop', '--service', 'web', '--purpose', 'site']);
    expect([web.code, web.stdout, web.stderr]).toEqual([
      0,
      '5001\n',
      'portreg: warning: skipped port 5000 is given to service "worker" of project "shop" on branch origin/feat\n',
    ]);
    const asked = await portreg(mine, ['allocate', '--project', 'shop', '--service', 'db', '--purpose', 'db', '--port', '5000']);
    expect([asked.code, asked.stdout, asked.stderr]).toEqual([
      1,
      '',
      'portreg: port 5000 is given to service "worker" of project "shop" on branch origin/feat: the two would merge into a duplicate; choose another port (or pass --no-branch-claims to take it anyway)\n',
    ]);
    const forced = await portreg(mine, ['allocate', '--no-branch-claims', '--project', 'shop', '--service', 'api', '--purpose', 'api']);
    expect([forced.code, forced.stdout, forced.stderr]).toEqual([0, '5000\n', '']);

    const lint = await portreg(mine, ['lint', '--format', 'json']);
    const report = JSON.parse(lint.stdout) as { findings: { ruleId: string; file: string; line: number; column: number; severity: string; message: string }[] };
    const found = report.findings.filter((f) => f.ruleId === 'port-claimed-elsewhere');
    expect(found.map(({ ruleId, file, line, column, severity, message }) => ({ ruleId, file, line, column, severity, message }))).toEqual([
      {
        ruleId: 'port-claimed-elsewhere',
        file: 'ports.registry.json',
        // `        "api": { "port": 5000, "purpose": "api" },` as the serializer writes it.
        line: 7,
        column: 26,
        severity: 'warning',
        message:
          'port 5000 of service "api" of project "shop" is given to service "worker" of project "shop" on branch origin/feat: whichever merges second makes a duplicate; move one of them (portreg reassign --project shop --service api)',
      },
    ]);
  }, 60_000);
});
