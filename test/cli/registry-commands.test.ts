import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { REPO_ROOT, runCli, tempDir } from '../helpers/cli.js';
import { writeRegistry } from '../helpers/registry-fixture.js';

const FIXTURES = path.join(import.meta.dirname, '../fixtures/registry');
let root: string;
let cleanup: () => Promise<void>;
let n = 0;

beforeAll(async () => {
  ({ dir: root, cleanup } = await tempDir());
});
afterAll(() => cleanup());

/** A fresh folder per test, so tests do not share a registry. */
async function folder(): Promise<string> {
  const dir = path.join(root, `case${n++}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

describe('portreg init: a $schema that works on every clone, or none', () => {
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, stdio: 'pipe' });

  it("points into the repository's own node_modules when portreg is installed there", async () => {
    const dir = await folder();
    git(dir, 'init', '-q');
    await mkdir(path.join(dir, 'node_modules/portreg/schemas'), { recursive: true });
    await copyFile(path.join(REPO_ROOT, 'schemas/ports.registry.schema.json'), path.join(dir, 'node_modules/portreg/schemas/ports.registry.schema.json'));
    await mkdir(path.join(dir, 'infra'));
    expect((await runCli(['init'], { cwd: path.join(dir, 'infra') })).code).toBe(0);
    const data = JSON.parse(await readFile(path.join(dir, 'infra/ports.registry.json'), 'utf8'));
    expect(data.$schema).toBe('../node_modules/portreg/schemas/ports.registry.schema.json');
    expect((await runCli(['registry', 'check'], { cwd: path.join(dir, 'infra') })).code).toBe(0);
  });

  it('writes none when the only portreg is outside the repository (a path on this machine alone)', async () => {
    const outer = await folder();
    await mkdir(path.join(outer, 'node_modules/portreg/schemas'), { recursive: true });
    await writeFile(path.join(outer, 'node_modules/portreg/schemas/ports.registry.schema.json'), '{}');
    const repo = path.join(outer, 'repo');
    await mkdir(repo);
    git(repo, 'init', '-q');
    expect((await runCli(['init'], { cwd: repo })).code).toBe(0);
    expect(JSON.parse(await readFile(path.join(repo, 'ports.registry.json'), 'utf8')).$schema).toBeUndefined();
  });

  it('portreg schema prints a shipped schema, or its path with --path; an unknown name is a usage error', async () => {
    const dir = await folder();
    const p = await runCli(['schema', '--path'], { cwd: dir });
    expect(p).toMatchObject({ code: 0, stderr: '', stdout: `${path.join(REPO_ROOT, 'schemas/ports.registry.schema.json')}\n` });
    const config = await runCli(['schema', 'config'], { cwd: dir });
    expect(config.stdout).toBe(await readFile(path.join(REPO_ROOT, 'schemas/portreg.config.schema.json'), 'utf8'));
    expect(await runCli(['schema', 'nope'], { cwd: dir })).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'portreg: unknown schema "nope": choose one of registry, config, scan, lint-report, supervisor-ports\n',
    });
  });
});

describe('portreg init', () => {
  it('writes a registry with the system reservations that passes its own check, and never overwrites it', async () => {
    const dir = await folder();
    const r = await runCli(['init'], { cwd: dir });
    expect(r).toMatchObject({ code: 0, stderr: '', stdout: 'created ports.registry.json with 17 reservations; next: portreg project add NAME\n' });
    const text = await readFile(path.join(dir, 'ports.registry.json'), 'utf8');
    const data = JSON.parse(text);
    expect(data.version).toBe(1);
    // No portreg in this folder's node_modules and not in git: no reference that would break elsewhere.
    expect(data.$schema).toBeUndefined();
    expect(data.reserved.slice(0, 7)).toEqual([
      { port: 22, reason: 'SSH' },
      { port: 80, reason: 'HTTP' },
      { port: 443, reason: 'HTTPS' },
      { port: 3737, reason: 'Old Archon system' },
      { port: 8051, reason: 'Old Archon MCP' },
      { range: { from: 8000, to: 8099 }, reason: 'Supervisor infrastructure (MCP server, etc.)', owner: 'supervisor' },
      { range: { from: 3000, to: 3099 }, reason: 'Legacy/shared ports (avoid using)', severity: 'warning' },
    ]);
    expect(await runCli(['registry', 'check'], { cwd: dir })).toMatchObject({ code: 0, stdout: 'ports.registry.json: ok (0 projects)\n' });

    const again = await runCli(['init'], { cwd: dir });
    expect(again).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'portreg: ports.registry.json already exists; nothing was written (check it with "portreg registry check")\n',
    });
    expect(await readFile(path.join(dir, 'ports.registry.json'), 'utf8')).toBe(text);
  });

  it('warns when a registry already exists further up', async () => {
    const dir = await folder();
    await writeRegistry(dir);
    const sub = path.join(dir, 'team', 'sub');
    await mkdir(sub, { recursive: true });
    const r = await runCli(['init'], { cwd: sub });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      `portreg: warning: a registry already exists further up, at ${path.join(dir, 'ports.registry.json')}: commands run below ${sub} now use the new one\n`,
    );
  });
});

describe('portreg project add', () => {
  it('hands out aligned blocks, honours --size and --range, and is idempotent', async () => {
    const dir = await folder();
    await writeRegistry(dir);
    expect((await runCli(['project', 'add', 'billing', '--path', 'projects/billing'], { cwd: dir })).stdout).toBe('project billing: range 5000-5099\n');
    expect((await runCli(['project', 'add', 'web'], { cwd: dir })).stdout).toBe('project web: range 5100-5199\n');
    expect((await runCli(['project', 'add', 'small', '--size', '50'], { cwd: dir })).stdout).toBe('project small: range 5200-5249\n');
    const again = await runCli(['project', 'add', 'billing', '--path', 'projects/billing'], { cwd: dir });
    expect(again).toMatchObject({ code: 0, stdout: 'project billing already has range 5000-5099\n' });
    const clash = await runCli(['project', 'add', 'late', '--range', '5150-5249'], { cwd: dir });
    expect(clash).toMatchObject({
      code: 1,
      stderr: 'portreg: range 5150-5249 cannot go to project "late": it overlaps range 5100-5199 of project "web"\n',
    });
    const reserved = await runCli(['project', 'add', 'infra', '--range', '8000-8099'], { cwd: dir });
    expect(reserved.code).toBe(1);
    expect(reserved.stderr).toBe('portreg: range 8000-8099 cannot go to project "infra": it holds reserved port 8051 (Old Archon MCP)\n');
    const json = await runCli(['project', 'add', 'api', '--json'], { cwd: dir });
    expect(JSON.parse(json.stdout)).toEqual({ project: 'api', range: { from: 5300, to: 5399 }, created: true, warnings: [], refreshed: [] });
    const bad = await runCli(['project', 'add', 'x', '--range', '10-5'], { cwd: dir });
    expect(bad).toMatchObject({ code: 2, stderr: 'portreg: range 10-5 runs backwards\n' });
  });
});

describe('portreg allocate, release, who, list', () => {
  it('prints the port alone, is idempotent, and refuses with the owner or the reason', async () => {
    const dir = await folder();
    await writeRegistry(dir, { billing: { range: { from: 5000, to: 5099 }, services: {} }, web: { range: { from: 5100, to: 5102 }, services: {} } });
    const args = ['allocate', '--project', 'billing', '--service', 'api', '--purpose', 'REST API', '--env', 'API_PORT'];
    expect(await runCli(args, { cwd: dir })).toMatchObject({ code: 0, stdout: '5001\n', stderr: '' });
    expect(await runCli(args, { cwd: dir })).toMatchObject({
      code: 0,
      stdout: '5001\n',
      stderr: 'portreg: service "api" of project "billing" already has port 5001 (range 5000-5099)\n',
    });
    const moved = await runCli([...args, '--port', '5010'], { cwd: dir });
    expect(moved).toMatchObject({
      code: 1,
      stdout: '',
      stderr:
        'portreg: service "api" of project "billing" already has port 5001; to move it to 5010, use "portreg reassign --project billing --service api --port 5010"\n',
    });
    const taken = await runCli(['allocate', '--project', 'billing', '--service', 'web', '--purpose', 'UI', '--port', '5001'], { cwd: dir });
    expect(taken).toMatchObject({ code: 1, stderr: 'portreg: port 5001 is taken by service "api" of project "billing"\n' });
    const outside = await runCli(['allocate', '--project', 'billing', '--service', 'web', '--purpose', 'UI', '--port', '5100'], { cwd: dir });
    expect(outside).toMatchObject({ code: 1, stderr: 'portreg: port 5100 is outside the range 5000-5099 of project "billing"\n' });
    const avoid = await runCli(['allocate', '--project', 'billing', '--service', 'air', '--purpose', 'x', '--port', '5000'], { cwd: dir });
    expect(avoid).toMatchObject({
      code: 0,
      stdout: '5000\n',
      stderr: 'portreg: warning: port 5000 is one to avoid: macOS AirPlay receiver (5000); taking it because it was asked for\n',
    });
    const json = await runCli(['allocate', '--project', 'billing', '--service', 'db', '--purpose', 'DB', '--container-port', '5432', '--json'], { cwd: dir });
    expect(JSON.parse(json.stdout)).toEqual({
      port: 5002,
      project: 'billing',
      service: 'db',
      range: { from: 5000, to: 5099 },
      created: true,
      url: 'http://localhost:5002',
      skippedLive: [],
      warnings: [],
      refreshed: [],
    });
    const unknown = await runCli(['allocate', '--project', 'nope', '--service', 'a', '--purpose', 'a'], { cwd: dir });
    expect(unknown).toMatchObject({
      code: 1,
      stderr: 'portreg: project "nope" is unknown: register it with "portreg project add nope" (known projects: billing, web)\n',
    });
    const unknownJson = await runCli(['allocate', '--project', 'nope', '--service', 'a', '--purpose', 'a', '--json'], { cwd: dir });
    expect(unknownJson.code).toBe(1);
    expect(JSON.parse(unknownJson.stdout)).toEqual({
      error: {
        code: 'project-unknown',
        message: 'project "nope" is unknown: register it with "portreg project add nope" (known projects: billing, web)',
        project: 'nope',
      },
    });
    for (const s of ['a', 'b', 'c']) {
      expect((await runCli(['allocate', '--project', 'web', '--service', s, '--purpose', s], { cwd: dir })).code).toBe(0);
    }
    const full = await runCli(['allocate', '--project', 'web', '--service', 'd', '--purpose', 'd'], { cwd: dir });
    expect(full).toMatchObject({ code: 1, stderr: 'portreg: project web: range 5100-5102 is full (3 of 3 used)\n' });
  });

  it('exits 2 on usage errors', async () => {
    const dir = await folder();
    await writeRegistry(dir, { billing: { range: { from: 5000, to: 5099 }, services: {} } });
    const missing = await runCli(['allocate', '--project', 'billing', '--purpose', 'x'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe("portreg: required option '--service <name>' not specified\n");
    const badPort = await runCli(['allocate', '--project', 'billing', '--service', 'a', '--purpose', 'x', '--port', 'abc'], { cwd: dir });
    expect(badPort).toMatchObject({ code: 2, stderr: 'portreg: port "abc" is not a number\n' });
    const noProject = await runCli(['allocate', '--service', 'a', '--purpose', 'x'], { cwd: dir });
    expect(noProject.code).toBe(2);
    expect(noProject.stderr).toBe('portreg: required option \'--project <name>\' not specified (or set "project" in portreg.config.json)\n');
    const unknownCommand = await runCli(['alocate'], { cwd: dir });
    expect(unknownCommand.code).toBe(2);
    expect(unknownCommand.stderr).toBe("portreg: unknown command 'alocate' (did you mean allocate?)\n");
    const noRegistry = await runCli(['list'], { cwd: path.parse(dir).root });
    expect(noRegistry.code).toBe(2);
  });

  it('refuses to write to a registry that fails its checks, and names the problems', async () => {
    const dir = await folder();
    await copyFile(path.join(FIXTURES, 'hand-edited.json'), path.join(dir, 'ports.registry.json'));
    const before = await readFile(path.join(dir, 'ports.registry.json'), 'utf8');
    const r = await runCli(['allocate', '--project', 'billing', '--service', 'new', '--purpose', 'x'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      [
        'portreg: ports.registry.json has 5 errors; fix them first, nothing was written:',
        '  ports.registry.json:13:26: port 5001/tcp of service "web" of project "billing" is already given to service "api" of project "billing" (registry-port-duplicate)',
        '  ports.registry.json:18:16: range 5050-5149 of project "search" overlaps range 5000-5099 of project "billing" (registry-range-overlap)',
        '  ports.registry.json:20:25: port 5150 of service "es" of project "search" is outside the project\'s range 5050-5149 (registry-port-outside-range)',
        '  ports.registry.json:24:16: range 7990-8010 of project "infra" overlaps reserved range 8000-8099 (Supervisor infrastructure) (registry-range-reserved)',
        '  ports.registry.json:26:26: port 8001 of service "mcp" of project "infra" is reserved: Supervisor infrastructure (8000-8099) (registry-port-reserved)',
        '',
      ].join('\n'),
    );
    expect(await readFile(path.join(dir, 'ports.registry.json'), 'utf8')).toBe(before);

    // Commands that only read report the errors as errors of reading: no word of writing.
    const places = r.stderr.split('\n').slice(1).join('\n');
    const readError = `portreg: cannot use ports.registry.json: it has 5 errors; fix them in the registry (portreg registry check shows each), then run the command again:\n${places}`;
    for (const args of [['who', '5001'], ['list'], ['scan']]) {
      const read = await runCli(args, { cwd: dir });
      expect([args, read.code, read.stdout, read.stderr]).toEqual([args, 1, '', readError]);
    }

    const check = await runCli(['registry', 'check', '--no-color'], { cwd: dir });
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(
      '  13:26  error    port 5001/tcp of service "web" of project "billing" is already given to service "api" of project "billing"  registry-port-duplicate\n',
    );
    expect(check.stdout).toContain('✖ 6 problems (5 errors, 1 warning)\n');
    const json = JSON.parse((await runCli(['registry', 'check', '--json'], { cwd: dir })).stdout);
    expect(json).toMatchObject({ version: 1, registry: 'ports.registry.json', errorCount: 5, warningCount: 1 });
    expect(json.findings[0]).toEqual({
      ruleId: 'registry-port-duplicate',
      severity: 'error',
      message: 'port 5001/tcp of service "web" of project "billing" is already given to service "api" of project "billing"',
      file: 'ports.registry.json',
      start: 421,
      end: 425,
      line: 13,
      column: 26,
      endLine: 13,
      endColumn: 30,
      related: [
        { file: 'ports.registry.json', start: 365, end: 369, line: 12, column: 26, endLine: 12, endColumn: 30, message: 'first allocation of 5001/tcp' },
      ],
    });
  });

  it('exits 2 on a registry it cannot parse, with the place', async () => {
    const dir = await folder();
    await copyFile(path.join(FIXTURES, 'trailing-comma.json'), path.join(dir, 'ports.registry.json'));
    const check = await runCli(['registry', 'check', '--no-color'], { cwd: dir });
    expect(check.code).toBe(2);
    expect(check.stdout).toContain('4:51  error    JSON syntax error: trailing comma (JSON allows none before a closing bracket)  registry-parse');
    const alloc = await runCli(['allocate', '--project', 'a', '--service', 'x', '--purpose', 'x'], { cwd: dir });
    expect(alloc.code).toBe(2);
    expect(alloc.stderr).toContain('ports.registry.json:4:51: JSON syntax error: trailing comma');
  });

  it('who names the configs that use a port, even one the registry calls free', async () => {
    const dir = await folder();
    await writeRegistry(dir, {
      billing: { range: { from: 5000, to: 5099 }, path: 'billing', services: { api: { port: 5001, purpose: 'REST API', env: 'API_PORT' } } },
    });
    await mkdir(path.join(dir, 'billing'), { recursive: true });
    await mkdir(path.join(dir, 'legacy'), { recursive: true });
    await writeFile(
      path.join(dir, 'billing/docker-compose.yml'),
      'services:\n  api:\n    ports:\n      - "${API_PORT:-5001}:8080"\n  admin:\n    ports:\n      - "4000:80"\n',
    );
    await writeFile(path.join(dir, 'billing/.env.example'), 'API_PORT=5001\n');
    await writeFile(path.join(dir, 'legacy/compose.yaml'), 'services:\n  web:\n    ports:\n      - "3990-4010:80-100/udp"\n');
    const free = await runCli(['who', '4000'], { cwd: dir });
    expect(free).toMatchObject({ code: 0, stderr: '' });
    expect(free.stdout).toBe(
      "4000: free (no project's range holds it)\n" +
        '4000/tcp: published by billing/docker-compose.yml:7:10 (compose service "admin"), project "billing"\n' +
        '4000/udp: published by legacy/compose.yaml:4:10 (compose service "web"), in no project\n',
    );
    const owned = await runCli(['who', '5001', '--json'], { cwd: dir });
    expect(JSON.parse(owned.stdout).configs).toEqual([
      { file: 'billing/.env.example', line: 1, column: 10, source: 'env', project: 'billing', composeService: null, variable: 'API_PORT', protocol: 'tcp' },
      {
        file: 'billing/docker-compose.yml',
        line: 4,
        column: 22,
        source: 'compose',
        project: 'billing',
        composeService: 'api',
        variable: 'API_PORT',
        protocol: 'tcp',
      },
    ]);
  });

  it('release keeps the port in quarantine for others, and who and list tell the story', async () => {
    const dir = await folder();
    await writeRegistry(dir, { billing: { range: { from: 5000, to: 5099 }, services: {} } });
    const env = { PORTREG_NOW: '2026-11-25T12:00:00.000Z' };
    await runCli(['allocate', '--project', 'billing', '--service', 'api', '--purpose', 'REST API', '--env', 'API_PORT'], { cwd: dir, env });
    await runCli(['allocate', '--project', 'billing', '--service', 'db', '--purpose', 'DB'], { cwd: dir, env });
    expect(await runCli(['release', '--project', 'billing', '--service', 'api'], { cwd: dir, env })).toMatchObject({
      code: 0,
      stdout: 'released port 5001 of service "api" of project "billing"\n',
    });
    expect((await runCli(['who', '5001'], { cwd: dir, env })).stdout).toBe(
      '5001: in quarantine until 2026-12-25 (released by service "api" of project "billing" on 2026-11-25)\n' +
        '5001: in the range of project "billing" (5000-5099), not allocated\n',
    );
    expect((await runCli(['allocate', '--project', 'billing', '--service', 'cache', '--purpose', 'x'], { cwd: dir, env })).stdout).toBe('5003\n');
    // The service itself may have its old port back.
    expect((await runCli(['allocate', '--project', 'billing', '--service', 'api', '--purpose', 'REST API'], { cwd: dir, env })).stdout).toBe('5001\n');
    // After the quarantine, anyone may.
    const later = { PORTREG_NOW: '2027-01-01T00:00:00.000Z' };
    await runCli(['release', '--project', 'billing', '--service', 'db'], { cwd: dir, env });
    expect((await runCli(['allocate', '--project', 'billing', '--service', 'x', '--purpose', 'x'], { cwd: dir, env: later })).stdout).toBe('5002\n');

    expect((await runCli(['who', '8051'], { cwd: dir })).stdout).toBe(
      '8051: reserved: Old Archon MCP (8051)\n8051: reserved: Supervisor infrastructure (MCP server, etc.) (8000-8099, for supervisor)\n',
    );
    expect((await runCli(['who', '12345'], { cwd: dir })).stdout).toBe("12345: free (no project's range holds it)\n");
    expect(JSON.parse((await runCli(['who', '5001', '--json'], { cwd: dir, env: later })).stdout)).toEqual({
      port: 5001,
      owners: [{ project: 'billing', service: 'api', protocol: ['tcp'], purpose: 'REST API' }],
      reservations: [],
      rangeOf: 'billing',
      quarantine: null,
      free: false,
      configs: [],
    });
    expect((await runCli(['list'], { cwd: dir, env: later })).stdout).toBe(
      ['billing  5000-5099  (3 of 100 used)', '  api    5001/tcp  REST API', '  x      5002/tcp  x', '  cache  5003/tcp  x', ''].join('\n'),
    );
  });

  it('skips a port something listens on right now, and says so', async () => {
    const dir = await folder();
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const busy = (server.address() as net.AddressInfo).port;
    try {
      await writeRegistry(dir, { live: { range: { from: busy, to: busy + 1 }, services: {} } }, { reserved: [] });
      const r = await runCli(['allocate', '--project', 'live', '--service', 'a', '--purpose', 'x', '--probe'], { cwd: dir });
      expect(r).toMatchObject({ code: 0, stdout: `${busy + 1}\n`, stderr: `portreg: skipped ${busy}: in use on this machine right now\n` });
      // In CI (and with --no-probe) the machine's listeners are not consulted.
      const noProbe = await runCli(['allocate', '--project', 'live', '--service', 'b', '--purpose', 'x'], { cwd: dir });
      expect(noProbe).toMatchObject({ code: 0, stdout: `${busy}\n`, stderr: '' });
    } finally {
      server.close();
    }
  });
});

describe('finding the registry', () => {
  it('takes --registry, then PORTREG_REGISTRY, then the config file, then the nearest one upward', async () => {
    const dir = await folder();
    await writeRegistry(dir, { upward: { range: { from: 5000, to: 5099 } } });
    const central = path.join(dir, 'central');
    await mkdir(central);
    await writeRegistry(central, { fromconfig: { range: { from: 5100, to: 5199 } } });
    const envDir = path.join(dir, 'envreg');
    await mkdir(envDir);
    await writeRegistry(envDir, { fromenv: { range: { from: 5200, to: 5299 } } });
    const repo = path.join(dir, 'repo');
    const deep = path.join(repo, 'src', 'deep');
    await mkdir(deep, { recursive: true });

    const names = async (cwd: string, args: string[] = [], env: Record<string, string> = {}) =>
      JSON.parse((await runCli(['list', '--json', ...args], { cwd, env })).stdout).projects.map((p: { project: string }) => p.project);

    expect(await names(deep)).toEqual(['upward']);
    await writeFile(path.join(repo, 'portreg.config.json'), JSON.stringify({ registry: '../central/ports.registry.json', project: 'fromconfig' }));
    expect(await names(deep)).toEqual(['fromconfig']);
    expect(await names(deep, [], { PORTREG_REGISTRY: path.join(envDir, 'ports.registry.json') })).toEqual(['fromenv']);
    expect(await names(deep, ['--registry', '../../../ports.registry.json'], { PORTREG_REGISTRY: path.join(envDir, 'ports.registry.json') })).toEqual([
      'upward',
    ]);
    // The config's project is the default for --project.
    expect((await runCli(['allocate', '--service', 'api', '--purpose', 'x'], { cwd: deep })).stdout).toBe('5100\n');

    await writeFile(path.join(repo, 'portreg.config.json'), '{ "registry": "x", "colour": 1 }');
    const bad = await runCli(['list'], { cwd: deep });
    expect(bad).toMatchObject({ code: 2, stderr: `portreg: ${path.join(repo, 'portreg.config.json')}:1:20: unknown setting "colour"\n` });
  });
});

describe('help', () => {
  it.each([['init'], ['registry', 'check'], ['registry', 'upgrade'], ['project', 'add'], ['allocate'], ['release'], ['who'], ['list']])(
    '%s has --help',
    async (...cmd) => {
      const r = await runCli([...cmd, '--help'], { cwd: root });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: portreg /);
    },
  );
});
