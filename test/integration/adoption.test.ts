/**
 * A repository adopts portreg end to end, with the real CLI, git and docker-compose:
 * test/fixtures/adoption/before is a monorepo whose four apps all publish 80, 3000, 5432 and
 * 8000 (short and long compose syntax, an interpolated default, CRLF, env templates, READMEs
 * with URLs, tables, docker ps output and bare numbers), plus a metrics tool that already sits in
 * a block of its own. The findings before; `init --import`; commit; `lint --fix`; then `lint`
 * is clean, every compose file still passes `docker-compose config` with its container ports,
 * and every file is byte for byte test/fixtures/adoption/after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { runCli, tempDir } from '../helpers/cli.js';
import { copyTree, readTree } from '../rewrite/helpers.js';
import { git } from '../helpers/git.js';

const FIXTURE = path.join(import.meta.dirname, '../fixtures/adoption');
const NOW = '2026-06-01T12:00:00.000Z';
const COMPOSE_FILES = [
  'apps/blog/compose.yaml',
  'apps/crm/docker-compose.yml',
  'apps/shop/docker-compose.yml',
  'apps/wiki/docker-compose.yml',
  'tools/metrics/docker-compose.yml',
];

const hasDockerCompose = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;
const underCi = Boolean(process.env.CI);
if (!hasDockerCompose && !underCi) {
  console.warn(
    'test/integration/adoption.test.ts: the docker-compose checks are skipped: docker-compose is not on the PATH (apt-get install docker-compose; .ci/run installs it)',
  );
}

let base: string;
let cleanup: () => Promise<void>;
let dir: string;

beforeAll(async () => {
  ({ dir: base, cleanup } = await tempDir('portreg-adoption-'));
  dir = path.join(base, 'repo');
  await mkdir(dir);
  await copyTree(path.join(FIXTURE, 'before'), dir);
  git(dir, 'init', '-q');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'the apps as they are');
});
afterAll(() => cleanup());

const cli = (args: string[], cwd = dir) => runCli(args, { cwd, env: { PORTREG_NOW: NOW } });

/** What `docker-compose config` makes of a file: each service's ports as [published, target]. */
function composeConfig(file: string): Record<string, [string, number][]> {
  const r = spawnSync('docker-compose', ['-f', file, 'config'], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`docker-compose -f ${file} config failed (exit ${r.status}): ${r.stderr}`);
  const doc = parseYaml(r.stdout) as { services: Record<string, { ports?: (string | { published: number | string; target: number })[] }> };
  const out: Record<string, [string, number][]> = {};
  for (const [name, s] of Object.entries(doc.services)) {
    out[name] = (s.ports ?? []).map((p) => {
      if (typeof p !== 'string') return [String(p.published), p.target];
      // host_ip:published:target/protocol
      const parts = p.replace(/\/\w+$/, '').split(':');
      return [parts.at(-2)!, Number(parts.at(-1))];
    });
  }
  return out;
}

let composeBefore: Record<string, Record<string, [string, number][]>> = {};

describe('adopting portreg in a repository with ad-hoc ports', () => {
  it('before: lint on an empty registry finds every conflict, reserved, legacy and privileged port', async () => {
    if (hasDockerCompose) composeBefore = Object.fromEntries(COMPOSE_FILES.map((f) => [f, composeConfig(f)]));
    expect((await cli(['init'])).code).toBe(0);
    const r = await cli(['lint', '--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { findings: { ruleId: string; severity: string; file: string; line: number; column: number; message: string }[] };
    const reserved80 = 'port 80 is reserved: HTTP (80)';
    const reserved8000 = 'port 8000 is reserved: Supervisor infrastructure (MCP server, etc.) (8000-8099), for supervisor';
    const privileged = 'port 80 is below 1024: binding it needs root or CAP_NET_BIND_SERVICE';
    const legacy = 'port 3000 is in a range to avoid: Legacy/shared ports (avoid using) (3000-3099)';
    const conflict = (port: number, service: string, other: string, at: string) =>
      `host port ${port}/tcp of service "${service}" is also published by service "${other}" of stack apps/blog/compose.yaml (apps/blog/compose.yaml:${at})`;
    expect(report.findings.map((f) => [f.ruleId, f.severity, `${f.file}:${f.line}:${f.column}`, f.message])).toEqual([
      ['port-privileged', 'warning', 'apps/blog/compose.yaml:6:20', privileged],
      ['port-reserved', 'error', 'apps/blog/compose.yaml:6:20', reserved80],
      ['port-legacy', 'warning', 'apps/blog/compose.yaml:12:21', legacy],
      ['port-reserved', 'error', 'apps/blog/compose.yaml:17:20', reserved8000],
      ['port-reserved', 'error', 'apps/crm/.env.example:1:10', reserved8000],
      ['port-conflict', 'error', 'apps/crm/docker-compose.yml:6:10', conflict(80, 'gateway', 'nginx', '6:20')],
      ['port-privileged', 'warning', 'apps/crm/docker-compose.yml:6:10', privileged],
      ['port-reserved', 'error', 'apps/crm/docker-compose.yml:6:10', reserved80],
      ['port-conflict', 'error', 'apps/crm/docker-compose.yml:10:10', conflict(3000, 'ui', 'frontend', '12:21')],
      ['port-legacy', 'warning', 'apps/crm/docker-compose.yml:10:10', legacy],
      ['port-conflict', 'error', 'apps/crm/docker-compose.yml:14:22', conflict(8000, 'api', 'backend', '17:20')],
      ['port-reserved', 'error', 'apps/crm/docker-compose.yml:14:22', reserved8000],
      ['port-conflict', 'error', 'apps/crm/docker-compose.yml:18:10', conflict(5432, 'db', 'postgres', '21:20')],
      ['port-legacy', 'warning', 'apps/shop/.env.example:2:10', legacy],
      ['port-conflict', 'error', 'apps/shop/docker-compose.yml:6:10', conflict(80, 'proxy', 'nginx', '6:20')],
      ['port-privileged', 'warning', 'apps/shop/docker-compose.yml:6:10', privileged],
      ['port-reserved', 'error', 'apps/shop/docker-compose.yml:6:10', reserved80],
      ['port-conflict', 'error', 'apps/shop/docker-compose.yml:10:22', conflict(3000, 'web', 'frontend', '12:21')],
      ['port-legacy', 'warning', 'apps/shop/docker-compose.yml:10:22', legacy],
      ['port-conflict', 'error', 'apps/shop/docker-compose.yml:16:9', conflict(8000, 'api', 'backend', '17:20')],
      ['port-reserved', 'error', 'apps/shop/docker-compose.yml:16:9', reserved8000],
      ['port-conflict', 'error', 'apps/shop/docker-compose.yml:22:10', conflict(5432, 'db', 'postgres', '21:20')],
      ['port-conflict', 'error', 'apps/wiki/docker-compose.yml:6:14', conflict(80, 'web', 'nginx', '6:20')],
      ['port-privileged', 'warning', 'apps/wiki/docker-compose.yml:6:14', privileged],
      ['port-reserved', 'error', 'apps/wiki/docker-compose.yml:6:14', reserved80],
      ['port-conflict', 'error', 'apps/wiki/docker-compose.yml:9:14', conflict(3000, 'editor', 'frontend', '12:21')],
      ['port-legacy', 'warning', 'apps/wiki/docker-compose.yml:9:14', legacy],
      ['port-conflict', 'error', 'apps/wiki/docker-compose.yml:13:10', conflict(8000, 'search', 'backend', '17:20')],
      ['port-reserved', 'error', 'apps/wiki/docker-compose.yml:13:10', reserved8000],
      ['port-conflict', 'error', 'apps/wiki/docker-compose.yml:17:9', conflict(5432, 'db', 'postgres', '21:20')],
    ]);
    await rm(path.join(dir, 'ports.registry.json'));
  });

  it('init --import gives each app a free block, keeps the metrics tool where it is, and prints the table', async () => {
    const r = await cli(['init', '--import']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'project | range     | service    | old  | new',
        '--------|-----------|------------|------|-------------',
        'blog    | 5000-5099 | nginx      | 80   | 5080',
        '        |           | frontend   | 3000 | 5001',
        '        |           | backend    | 8000 | 5002',
        '        |           | postgres   | 5432 | 5032',
        'crm     | 5100-5199 | gateway    | 80   | 5180',
        '        |           | ui         | 3000 | 5100',
        '        |           | api        | 8000 | 5101',
        '        |           | db         | 5432 | 5132',
        'shop    | 5200-5299 | proxy      | 80   | 5280',
        '        |           | web        | 3000 | 5200',
        '        |           | api        | 8000 | 5201',
        '        |           | db         | 5432 | 5232',
        'wiki    | 5300-5399 | web        | 80   | 5380',
        '        |           | editor     | 3000 | 5300',
        '        |           | search     | 8000 | 5301',
        '        |           | db         | 5432 | 5332',
        'metrics | 6100-6199 | prometheus | 6100 | 6100 (stays)',
        '        |           | grafana    | 6101 | 6101 (stays)',
        '',
        'created ports.registry.json with 5 projects; 16 ports to move: commit, then run "portreg lint --fix"',
        '',
      ].join('\n'),
    );
    expect((await cli(['registry', 'check'])).code).toBe(0);
    // A second import never overwrites the registry.
    const again = await cli(['init', '--import']);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(
      'portreg: ports.registry.json already exists; nothing was written (an import starts a registry; to add a project to this one, use "portreg project add")\n',
    );
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'portreg init --import');
  });

  it('lint --fix moves every port, then lint passes with no finding at all', async () => {
    const fixed = await cli(['lint', '--fix']);
    // What remains after the fixes: nothing, in the registry and the 15 files of the tree.
    expect(fixed.stdout).toBe('0 problems in 16 files\n');
    expect(fixed.code).toBe(0);
    expect(fixed.stderr).toBe(
      'portreg: fixed 12 files: apps/blog/.env.example, apps/blog/compose.yaml, apps/blog/README.md, apps/crm/.env.example, apps/crm/docker-compose.yml, apps/crm/README.md, ' +
        'apps/shop/.env.example, apps/shop/docker-compose.yml, apps/shop/README.md, apps/wiki/.env.example, apps/wiki/docker-compose.yml, apps/wiki/README.md\n',
    );
    const r = await cli(['lint', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ errorCount: 0, warningCount: 0, findings: [] });
  });

  it('every file is byte for byte the expected one: compose files, env templates, READMEs (CRLF kept), and the registry', async () => {
    const expected = await readTree(path.join(FIXTURE, 'after'));
    const actual = await readTree(dir);
    expect([...actual.keys()]).toEqual([...expected.keys()]);
    for (const [file, bytes] of expected) {
      if (file === 'ports.registry.json') continue;
      expect(actual.get(file)!.toString('utf8'), file).toBe(bytes.toString('utf8'));
    }
    // The two spelled out, for the reader.
    expect(actual.get('apps/shop/README.md')!.toString('utf8')).toBe(
      [
        '# Shop',
        '',
        'The storefront answers at http://localhost:5200, behind the proxy at http://localhost:5280,',
        'and the API documents itself at http://localhost:5201/docs.',
        '',
        '| service | port |',
        '|---------|------|',
        '| proxy   | 5280   |',
        '| web     | 5200 |',
        '| api     | 5201 |',
        '| db      | 5232 |',
        '',
        'Connect to the database with `psql -h localhost -p 5232 -U shop shop`.',
        'We show 3000 products per page and run on Node 20.',
        '',
      ].join('\n'),
    );
    expect(actual.get('apps/crm/docker-compose.yml')!.toString('utf8')).toBe(
      '# CRM (Windows team: CRLF line endings)\r\nservices:\r\n  gateway:\r\n    image: traefik:v3.0\r\n    ports:\r\n      - "5180:80"\r\n  ui:\r\n    image: node:20-alpine\r\n    ports:\r\n      - "5100:3000"\r\n' +
        '  api:\r\n    image: python:3.12-slim\r\n    ports:\r\n      - "${API_PORT:-5101}:8000"\r\n  db:\r\n    image: postgres:16\r\n    ports:\r\n      - "5132:5432"\r\n',
    );
    // The registry: the fixture's exactly (no $schema: no portreg in this repository's node_modules).
    expect(actual.get('ports.registry.json')!.toString('utf8')).toBe(expected.get('ports.registry.json')!.toString('utf8'));
    expect(git(dir, 'status', '--porcelain').split('\n').filter(Boolean).sort()).toEqual(
      [
        'apps/blog/.env.example',
        'apps/blog/README.md',
        'apps/blog/compose.yaml',
        'apps/crm/.env.example',
        'apps/crm/README.md',
        'apps/crm/docker-compose.yml',
        'apps/shop/.env.example',
        'apps/shop/README.md',
        'apps/shop/docker-compose.yml',
        'apps/wiki/.env.example',
        'apps/wiki/README.md',
        'apps/wiki/docker-compose.yml',
      ].map((f) => ` M ${f}`),
    );
  });

  it.skipIf(!hasDockerCompose && !underCi)(
    'every compose file still passes docker-compose config, with its container ports and the registered host ports',
    async () => {
      if (!hasDockerCompose)
        throw new Error('docker-compose is not on the PATH, and CI is set: .ci/run installs it with apt-get (apt-get install docker-compose)');
      const registry = JSON.parse(await readFile(path.join(dir, 'ports.registry.json'), 'utf8')) as {
        projects: Record<string, { path: string; services: Record<string, { port: number }> }>;
      };
      for (const file of COMPOSE_FILES) {
        const after = composeConfig(file);
        const before = composeBefore[file]!;
        const project = Object.values(registry.projects).find((p) => file.startsWith(`${p.path}/`))!;
        expect(Object.keys(after), file).toEqual(Object.keys(before));
        for (const [service, ports] of Object.entries(after)) {
          // Container ports unchanged; each host port is the one registered for the service.
          expect(
            ports.map(([, target]) => target),
            `${file} ${service}`,
          ).toEqual(before[service]!.map(([, target]) => target));
          expect(
            ports.map(([published]) => Number(published)),
            `${file} ${service}`,
          ).toEqual([project.services[service]!.port]);
        }
      }
    },
  );
});

describe('init --import --format json', () => {
  it('prints each project with its range and services, old and new port, and where each was found', async () => {
    const copy = path.join(base, 'json');
    await mkdir(copy);
    await copyTree(path.join(FIXTURE, 'before'), copy);
    const r = await cli(['init', '--import', 'repo', '--format', 'json'], base).then(async (first) => {
      // "repo" already has its registry from the tests above: refused, and nothing written.
      expect(first.code).toBe(1);
      return cli(['init', '--import', 'json', '--format', 'json'], base);
    });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ registry: 'json/ports.registry.json', created: true, warnings: [], notes: [] });
    expect(out.projects.map((p: { project: string; path: string; range: object; kept: boolean }) => [p.project, p.path, p.range, p.kept])).toEqual([
      ['blog', 'apps/blog', { from: 5000, to: 5099 }, false],
      ['crm', 'apps/crm', { from: 5100, to: 5199 }, false],
      ['shop', 'apps/shop', { from: 5200, to: 5299 }, false],
      ['wiki', 'apps/wiki', { from: 5300, to: 5399 }, false],
      ['metrics', 'tools/metrics', { from: 6100, to: 6199 }, true],
    ]);
    expect(out.projects[2].services).toEqual([
      { service: 'proxy', old: 80, new: 5280, file: 'apps/shop/docker-compose.yml', line: 6, column: 10 },
      { service: 'web', env: 'WEB_PORT', old: 3000, new: 5200, file: 'apps/shop/docker-compose.yml', line: 10, column: 22 },
      { service: 'api', old: 8000, new: 5201, file: 'apps/shop/docker-compose.yml', line: 16, column: 9 },
      { service: 'db', old: 5432, new: 5232, file: 'apps/shop/docker-compose.yml', line: 22, column: 10 },
    ]);
    expect(out.projects[0].services.find((s: { service: string }) => s.service === 'postgres')).toMatchObject({ env: 'POSTGRES_PORT', old: 5432, new: 5032 });
  });

  it('a folder without --import is a usage error', async () => {
    const r = await cli(['init', 'somewhere'], base);
    expect(r).toMatchObject({ code: 2, stderr: 'portreg: init takes a folder only with --import (got "somewhere")\n' });
  });
});

describe('adopting a service that publishes one port for tcp and udp', () => {
  // DNS on 53 and SIP on 5000, each for both protocols: docker-compose accepts the files, and after
  // init --import, commit and lint --fix the tree must lint clean and generate nothing new.
  // 53 is a privileged port: like every port outside the project's block it moves into the block
  // (5153: the 5000 block is skipped, the tree publishes 5000 now); a service that must answer on
  // 53 keeps it by a reservation owned by its project.
  const files: Record<string, string> = {
    'dns/docker-compose.yml':
      'services:\n  dns:\n    image: coredns/coredns\n    ports:\n      - "53:53/tcp"\n      - "53:53/udp"\n  sip:\n    image: asterisk\n    ports:\n      - "5000:5000/tcp"\n      - "5000:5000/udp"\n',
  };
  let repo: string;

  beforeAll(async () => {
    repo = path.join(base, 'dual');
    await mkdir(path.join(repo, 'dns'), { recursive: true });
    for (const [file, text] of Object.entries(files)) await writeFile(path.join(repo, file), text);
    git(repo, 'init', '-q');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'dns');
  });

  it('becomes one registry service holding both protocols, and lint --fix moves both entries', async () => {
    if (hasDockerCompose) expect(spawnSync('docker-compose', ['-f', 'dns/docker-compose.yml', 'config', '-q'], { cwd: repo }).status).toBe(0);
    const imported = await cli(['init', '--import', '--format', 'json'], repo);
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout).projects[0].services).toEqual([
      { service: 'dns', protocol: ['tcp', 'udp'], old: 53, new: 5153, file: 'dns/docker-compose.yml', line: 5, column: 10 },
      { service: 'sip', protocol: ['tcp', 'udp'], old: 5000, new: 5100, file: 'dns/docker-compose.yml', line: 10, column: 10 },
    ]);
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'adopt portreg');
    expect((await cli(['lint', '--fix'], repo)).code).toBe(0);
    expect(await readFile(path.join(repo, 'dns/docker-compose.yml'), 'utf8')).toBe(
      'services:\n  dns:\n    image: coredns/coredns\n    ports:\n      - "5153:53/tcp"\n      - "5153:53/udp"\n  sip:\n    image: asterisk\n    ports:\n      - "5100:5000/tcp"\n      - "5100:5000/udp"\n',
    );
    expect(await cli(['lint'], repo)).toMatchObject({ code: 0 });
    // The adopted tree has no generated text yet: nothing of it is out of date. --check says what
    // --write would add; --strict counts that too.
    expect(await cli(['generate', 'all', '--check'], repo)).toMatchObject({
      code: 0,
      stdout: '',
      stderr:
        'portreg: not generated yet, so not judged (generate all --write adds them; --strict judges them too): dns/README.md, README.md, dns/.supervisor-specific/ports.json, dns/.supervisor-specific/PORTS.md\n' +
        'portreg: every generated file is current\n',
    });
    expect((await cli(['generate', 'all', '--check', '--strict'], repo)).code).toBe(1);
    // It takes the generators cleanly, and lint and --check agree afterwards.
    expect((await cli(['generate', 'all', '--write'], repo)).code).toBe(0);
    expect(await cli(['lint'], repo)).toMatchObject({ code: 0 });
    expect((await cli(['generate', 'all', '--check', '--strict'], repo)).code).toBe(0);
    if (hasDockerCompose) expect(spawnSync('docker-compose', ['-f', 'dns/docker-compose.yml', 'config', '-q'], { cwd: repo }).status).toBe(0);
  });
});
