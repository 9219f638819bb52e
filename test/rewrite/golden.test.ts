import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { CLI, runCli, testEnv } from '../helpers/cli.js';
import { copyFixture } from '../helpers/scenario.js';
import { BASIC, NOW, readTree, treeText } from './helpers.js';

const cli = (args: string[], cwd: string, env: Record<string, string> = {}) => runCli(args, { cwd, env: { PORTREG_NOW: NOW, ...env } });
const line = (text: string, needle: string) => text.split('\n').find((l) => l.includes(needle));

describe('portreg reassign: golden before/after', () => {
  it('rewrites every occurrence of the service, byte for byte, and nothing else', async () => {
    const dir = await copyFixture(path.join(BASIC, 'before'));
    const r = await cli(['reassign', '--project', 'billing', '--service', 'postgres', '--port', '5033', '--write'], dir);
    expect(r.stderr).toContain('wrote 8 files');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      ['project | service  | old  | new  | files changed', '--------|----------|------|------|--------------', 'billing | postgres | 5032 | 5033 | 8', ''].join(
        '\n',
      ),
    );
    expect(await treeText(dir)).toEqual(await treeText(path.join(BASIC, 'after-reassign')));
  });

  it('changes each kind of occurrence exactly, and leaves the look-alikes alone', async () => {
    const dir = await copyFixture(path.join(BASIC, 'before'));
    expect((await cli(['reassign', '--project', 'billing', '--service', 'postgres', '--port', '5033', '--write'], dir)).code).toBe(0);
    const t = await treeText(dir);
    const compose = t['projects/billing/docker-compose.yml']!;
    const env = t['projects/billing/.env.example']!;
    const readme = t['projects/billing/README.md']!;
    // short syntax with IP and protocol: only the host digits
    expect(t['projects/billing/compose.ci.yaml']).toContain('      - 127.0.0.1:5033:5432/tcp\n');
    // long syntax, published as a number and as a string
    expect(t['projects/billing/compose.prod.yaml']).toContain('        published: 5033\n        protocol: tcp\n');
    expect(t['projects/billing/compose.test.yaml']).toContain('      - target: 5432\n        published: "5033"\n');
    // an interpolation default
    expect(line(compose, 'DATABASE_PORT')).toBe('      - "${DATABASE_PORT:-5033}:5432"');
    // env values, quoted and after export; a URL in an env value
    expect(line(env, 'DATABASE_PORT')).toBe('export DATABASE_PORT="5033"');
    expect(line(env, 'DATABASE_URL')).toBe("DATABASE_URL='postgres://app:secret@localhost:5033/app'");
    // a URL in a compose environment
    expect(line(compose, 'DATABASE_URL')).toBe('      DATABASE_URL: postgres://app:secret@localhost:5033/app');
    // README: prose mention, table cell, code block, docker ps output, compose snippet
    expect(line(readme, 'listens on')).toBe('The database listens on localhost:5033 once `docker compose up -d` has run.');
    expect(line(readme, '| postgres |')).toBe('| postgres | 5033 | `DATABASE_PORT` |');
    expect(line(readme, 'docker run')).toBe('docker run -d -p 5033:5432 postgres:16');
    expect(line(readme, 'psql')).toBe('psql postgres://app@localhost:5033/app');
    expect(line(readme, '->')).toBe('3f4e8a2b1c0d   postgres:16   0.0.0.0:5033->5432/tcp');
    expect(line(readme, '"50')).toBe('      - "5033:5432"');
    // references from another project
    expect(line(t['projects/frontend/.env.example']!, 'BILLING_DB_URL')).toBe('BILLING_DB_URL=postgres://localhost:5033/app');
    expect(line(t['projects/frontend/README.md']!, 'billing database')).toBe('[billing database](postgres://localhost:5033/app).');

    // look-alikes: container ports, a version, a bare number in prose, a table of something else
    expect(line(compose, 'INTERNAL_DB_URL')).toBe('      INTERNAL_DB_URL: postgres://postgres:5432/app');
    expect(line(compose, 'PORT: ')).toBe('      PORT: 5032');
    expect(compose).toContain('      - "5050:5032"\n    expose:\n      - "5032"\n');
    expect(line(env, 'POSTGRES_VERSION')).toBe('POSTGRES_VERSION=5.0.32');
    expect(line(readme, 'driver')).toBe('Invoices and payments. The driver is pinned to version 5.0.32; we keep 5032 rows per page.');
    expect(line(readme, 'invoices |')).toBe('| invoices | 5032 |');
    // another project's own numbers, and the other services of the project
    expect(line(t['projects/analytics/docker-compose.yml']!, 'TCP_PORT')).toBe('      TCP_PORT: 5032');
    expect(t['projects/analytics/README.md']).toContain('holds 5032 entries');
    expect(line(compose, 'API_PORT')).toBe('      - "${API_PORT:-5001}:8080"');
  });

  it('project move: every service keeps its offset, registry and configs together', async () => {
    const dir = await copyFixture(path.join(BASIC, 'before'));
    const r = await cli(['project', 'move', 'billing', '--range', '5300-5399', '--write'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'project | service  | old  | new  | files changed',
        '--------|----------|------|------|--------------',
        'billing | api      | 5001 | 5301 | 6',
        'billing | redis    | 5002 | 5302 | 1',
        'billing | worker   | 5003 | 5303 | 1',
        'billing | postgres | 5032 | 5332 | 8',
        '',
      ].join('\n'),
    );
    // ${WORKER_PORT} has no default: the env template carries the value, and the user hears why.
    expect(r.stderr).toContain('projects/billing/docker-compose.yml:27:10: left as it is: written as ${WORKER_PORT}, with no default to change');
    expect(await treeText(dir)).toEqual(await treeText(path.join(BASIC, 'after-move')));
    expect((await cli(['registry', 'check'], dir)).code).toBe(0);
  });
});

describe('dry run and output formats', () => {
  it('writes nothing by default: a unified diff of every file, the registry included, and the table', async () => {
    const dir = await copyFixture(path.join(BASIC, 'before'));
    const before = await readTree(dir);
    const r = await cli(['reassign', '--project', 'billing', '--service', 'postgres', '--port', '5033'], dir);
    expect(r.code).toBe(0);
    expect(await readTree(dir)).toEqual(before);
    expect(r.stderr).toBe('portreg: dry run, nothing was written; run again with --write to apply\n');
    expect(r.stdout).toContain('--- a/projects/billing/compose.ci.yaml');
    expect(r.stdout).toContain('-      - 127.0.0.1:5032:5432/tcp\n+      - 127.0.0.1:5033:5432/tcp\n');
    expect(r.stdout).toContain('--- a/ports.registry.json');
    expect(r.stdout).toContain(
      `+        "postgres": { "port": 5033, "purpose": "Main database", "env": "DATABASE_PORT", "containerPort": 5432, "history": [{ "port": 5032, "until": "${NOW}" }] }`,
    );
    expect(r.stdout).not.toContain('\u001b['); // no colours off a terminal
    expect(r.stdout.endsWith('billing | postgres | 5032 | 5033 | 8\n')).toBe(true);
  });

  it('colours the diff on a terminal (a pseudo-terminal from util-linux script), and writes nothing', async () => {
    const dir = await copyFixture(path.join(BASIC, 'before'));
    const command = [process.execPath, CLI, 'reassign', '--project', 'billing', '--service', 'postgres', '--port', '5033'].map((a) => `'${a}'`).join(' ');
    const r = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: dir, env: testEnv({ PORTREG_NOW: NOW, NO_COLOR: undefined }), encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(
      r.stdout.startsWith(
        [
          '\x1b[1m--- a/projects/billing/.env.example\x1b[22m',
          '\x1b[1m+++ b/projects/billing/.env.example\x1b[22m',
          '\x1b[36m@@ -1,5 +1,5 @@\x1b[39m',
          ' API_PORT=5001',
          '\x1b[31m-export DATABASE_PORT="5032"\x1b[39m',
          "\x1b[31m-DATABASE_URL='postgres://app:secret@localhost:5032/app'\x1b[39m",
          '\x1b[32m+export DATABASE_PORT="5033"\x1b[39m',
          "\x1b[32m+DATABASE_URL='postgres://app:secret@localhost:5033/app'\x1b[39m",
          '',
        ].join('\r\n'),
      ),
    ).toBe(true);
    expect(await readTree(dir)).toEqual(await readTree(path.join(BASIC, 'before')));
  });

  it('--format json prints the plan: every edit with file, line, old and new text', async () => {
    const dir = await copyFixture(path.join(BASIC, 'before'));
    const r = await cli(['reassign', '--project', 'billing', '--service', 'postgres', '--port', '5033', '--format', 'json'], dir);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan).toMatchObject({ dryRun: true, project: 'billing', service: 'postgres', old: 5032, new: 5033, written: [], dirty: [] });
    expect(plan.moves).toEqual([
      {
        project: 'billing',
        service: 'postgres',
        old: 5032,
        new: 5033,
        filesChanged: 8,
        files: [
          'projects/billing/.env.example',
          'projects/billing/compose.ci.yaml',
          'projects/billing/compose.prod.yaml',
          'projects/billing/compose.test.yaml',
          'projects/billing/docker-compose.yml',
          'projects/billing/README.md',
          'projects/frontend/.env.example',
          'projects/frontend/README.md',
        ],
      },
    ]);
    expect(plan.edits.map((e: Record<string, unknown>) => `${e.file}:${e.line}:${e.column} ${e.old}->${e.new} ${e.kind}`)).toEqual([
      'projects/billing/.env.example:2:23 5032->5033 env',
      'projects/billing/.env.example:3:47 5032->5033 url',
      'projects/billing/compose.ci.yaml:6:19 5032->5033 compose',
      'projects/billing/compose.prod.yaml:6:20 5032->5033 compose',
      'projects/billing/compose.test.yaml:6:21 5032->5033 compose',
      'projects/billing/docker-compose.yml:7:53 5032->5033 url',
      'projects/billing/docker-compose.yml:13:27 5032->5033 compose',
      'projects/billing/README.md:5:35 5032->5033 docs',
      'projects/billing/README.md:10:14 5032->5033 docs',
      'projects/billing/README.md:17:18 5032->5033 docs',
      'projects/billing/README.md:18:31 5032->5033 docs',
      'projects/billing/README.md:24:38 5032->5033 docs',
      'projects/billing/README.md:31:10 5032->5033 docs',
      'projects/frontend/.env.example:3:37 5032->5033 reference',
      'projects/frontend/README.md:4:41 5032->5033 reference',
    ]);
    expect(plan.registry).toEqual({
      file: 'ports.registry.json',
      changed: true,
      changes: ['service "postgres" of project "billing": port 5032 → 5033; 5032 stays in its history (quarantine)'],
    });
  });
});

describe('a second run, the history, the quarantine', () => {
  it('a second run changes nothing; the old port is in the history and in quarantine for everyone else', async () => {
    const dir = await copyFixture(path.join(BASIC, 'before'));
    expect((await cli(['reassign', '--project', 'billing', '--service', 'postgres', '--port', '5033', '--write'], dir)).code).toBe(0);
    const after = await readTree(dir);

    const again = await cli(['reassign', '--project', 'billing', '--service', 'postgres', '--port', '5033', '--write'], dir);
    expect(again).toMatchObject({ code: 0, stdout: '', stderr: 'portreg: service "postgres" of project "billing" already has port 5033; nothing to change\n' });
    // migrate from the registry before the move finds everything done already
    const migrate = await cli(['migrate', '--from', path.join(BASIC, 'before', 'ports.registry.json'), '--write'], dir);
    expect(migrate.code).toBe(0);
    expect(migrate.stderr).toBe('portreg: nothing to change\n');
    expect(await readTree(dir)).toEqual(after);

    const registry = JSON.parse(await readFile(path.join(dir, 'ports.registry.json'), 'utf8'));
    expect(registry.projects.billing.services.postgres).toEqual({
      port: 5033,
      purpose: 'Main database',
      env: 'DATABASE_PORT',
      containerPort: 5432,
      history: [{ port: 5032, until: NOW }],
    });

    const taken = await cli(['allocate', '--project', 'billing', '--service', 'pgbouncer', '--purpose', 'pool', '--port', '5032'], dir);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toBe(
      'portreg: port 5032 was moved away from by service "postgres" of project "billing" on 2025-06-01 and is in quarantine until 2025-07-01\n',
    );
    const other = await cli(['reassign', '--project', 'billing', '--service', 'api', '--port', '5032'], dir);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('port 5032 was moved away from by service "postgres"');
    // the service itself may have it back
    const back = await cli(['reassign', '--project', 'billing', '--service', 'postgres', '--port', '5032', '--write'], dir);
    expect(back.code).toBe(0);
    expect(await treeText(dir)).toEqual({
      ...(await treeText(path.join(BASIC, 'before'))),
      'ports.registry.json': (await treeText(path.join(BASIC, 'before')))['ports.registry.json']!.replace(
        '"containerPort": 5432 }',
        `"containerPort": 5432, "history": [{ "port": 5032, "until": "${NOW}" }, { "port": 5033, "until": "${NOW}" }] }`,
      ),
    });
  });

  it("--next takes the allocator's choice, never the port being left", async () => {
    const dir = await copyFixture(path.join(BASIC, 'before'));
    const r = await cli(['reassign', '--project', 'billing', '--service', 'api', '--next', '--write'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('billing | api     | 5001 | 5000 | 6');
    const again = await cli(['reassign', '--project', 'billing', '--service', 'api', '--next', '--format', 'json'], dir);
    // 5000 is being left; the lowest other free port is its own old 5001 (a service may have its port back).
    expect(JSON.parse(again.stdout)).toMatchObject({ old: 5000, new: 5001 });
  });

  it('refuses what the allocator refuses: out of range, taken, unknown service, and asks for --port or --next', async () => {
    const dir = await copyFixture(path.join(BASIC, 'before'));
    const out = await cli(['reassign', '--project', 'billing', '--service', 'postgres', '--port', '5100'], dir);
    expect(out).toMatchObject({ code: 1, stderr: 'portreg: port 5100 is outside the range 5000-5099 of project "billing"\n' });
    const taken = await cli(['reassign', '--project', 'billing', '--service', 'postgres', '--port', '5001'], dir);
    expect(taken).toMatchObject({ code: 1, stderr: 'portreg: port 5001 is taken by service "api" of project "billing"\n' });
    const unknown = await cli(['reassign', '--project', 'billing', '--service', 'nope', '--port', '5040'], dir);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('project "billing" has no service "nope"');
    const neither = await cli(['reassign', '--project', 'billing', '--service', 'postgres'], dir);
    expect(neither).toMatchObject({ code: 2, stderr: 'portreg: give either --port N or --next\n' });
    const range = await cli(['project', 'move', 'billing', '--range', '5100-5199'], dir);
    expect(range).toMatchObject({
      code: 1,
      stderr: 'portreg: range 5100-5199 cannot go to project "billing": it overlaps range 5100-5199 of project "frontend"\n',
    });
    const small = await cli(['project', 'move', 'billing', '--range', '5400-5409'], dir);
    expect(small.code).toBe(1);
    expect(small.stderr).toContain('range 5400-5409 is too small for project "billing": service "postgres" is at offset 32');
    const badPort = await cli(['project', 'move', 'billing', '--range', '5400-5409', '--port', 'postgres:5409'], dir);
    expect(badPort).toMatchObject({ code: 2, stderr: 'portreg: --port takes SERVICE=PORT, for example --port api=5310 (got "postgres:5409")\n' });
    expect(await readTree(dir)).toEqual(await readTree(path.join(BASIC, 'before')));
  });

  it('project move --port: a named service takes that port, the others keep their offsets', async () => {
    const dir = await copyFixture(path.join(BASIC, 'before'));
    const r = await cli(['project', 'move', 'billing', '--range', '5400-5409', '--port', 'postgres=5409', '--write'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'project | service  | old  | new  | files changed',
        '--------|----------|------|------|--------------',
        'billing | api      | 5001 | 5401 | 6',
        'billing | redis    | 5002 | 5402 | 1',
        'billing | worker   | 5003 | 5403 | 1',
        'billing | postgres | 5032 | 5409 | 8',
        '',
      ].join('\n'),
    );
    expect((await cli(['registry', 'check'], dir)).code).toBe(0);
    const compose = (await treeText(dir))['projects/billing/docker-compose.yml']!;
    expect(line(compose, 'DATABASE_URL')).toBe('      DATABASE_URL: postgres://app:secret@localhost:5409/app');
    expect(line(compose, 'DATABASE_PORT')).toBe('      - "${DATABASE_PORT:-5409}:5432"');
    expect(line(compose, 'API_PORT')).toBe('      - "${API_PORT:-5401}:8080"');
  });
});
