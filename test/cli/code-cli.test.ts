/**
 * Code scanning end to end, through the built CLI on copies of test/fixtures/lint/code: the exact
 * lint report with --code (and with `code: true` in config), the same tree without it, the scan
 * inventory, a fix, and `portreg reassign` moving literals in code with exact bytes.
 */
import { describe, expect, it } from 'vitest';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv } from 'ajv';
import { REPO_ROOT, runCli } from '../helpers/cli.js';
import { copyFixture } from '../helpers/scenario.js';

const FIXTURE = path.join(import.meta.dirname, '../fixtures/lint/code');
const NOW = '2026-11-25T12:00:00.000Z';

const cli = (args: string[], cwd: string) => runCli(args, { cwd, env: { PORTREG_NOW: NOW } });
const read = (dir: string, file: string) => readFile(path.join(dir, file), 'utf8');

const CODE_REPORT = `billing/src/mock.ts
  3:1  warning  this portreg-disable comment suppresses nothing (port-unregistered): remove it  unused-suppression

billing/src/server.ts
  4:46  error    API_PORT is 5101 in the fallback in billing/src/server.ts, but registered as 5100 for service "api" of project "billing"  env-drift
                 ↳ ports.registry.json:12:62 API_PORT of billing/api

billing/src/worker.ts
  1:15  error    port 5150 is not registered for project "billing": ask for a port first (portreg allocate --project billing --service NAME --purpose "...")  port-unregistered
  2:24  error    port 5300 is outside the range 5100-5199 of project "billing"  port-out-of-range
                 ↳ ports.registry.json:9:16 range of project "billing"
  3:48  error    host port 5200/tcp of the code of project "billing" is also published by service "site" of project "web" (web/compose.yaml:5:10)  port-conflict
                 ↳ web/compose.yaml:5:10 also published here (5200)
  3:48  error    port 5200 is registered to service "site" of project "web", not to project "billing"  port-foreign
                 ↳ ports.registry.json:20:27 registered to web/site
  4:32  error    port 8050 is reserved: Supervisor infrastructure (8000-8099)  port-reserved
                 ↳ ports.registry.json:5:5 reservation: Supervisor infrastructure

✖ 7 problems (6 errors, 1 warning)
  1 error and 0 warnings potentially fixable with the \`--fix\` option.
`;

describe('portreg lint --code', () => {
  it('holds ports in code to the registry: exact findings, the suppressed mock, dist/ and look-alikes silent', async () => {
    const dir = await copyFixture(FIXTURE);
    const r = await cli(['lint', '--code'], dir);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(CODE_REPORT);
    expect(r.code).toBe(1);
  });

  it("without --code, the code is not read: only the registry's unused admin service is reported", async () => {
    const dir = await copyFixture(FIXTURE);
    const r = await cli(['lint'], dir);
    expect(r.stdout).toBe(`ports.registry.json
  13:28  warning  service "admin" of project "billing" holds port 5110, but no compose file or env template of the project uses it: release it (portreg release --project billing --service admin) or use it  registry-unused

✖ 1 problem (0 errors, 1 warning)
`);
    expect(r.code).toBe(0);
  });

  it('registry-unused names code among the configs searched only for a project whose code was read', async () => {
    const dir = await copyFixture(FIXTURE);
    const file = path.join(dir, 'ports.registry.json');
    const registry = JSON.parse(await read(dir, 'ports.registry.json')) as { projects: Record<string, { services: Record<string, unknown> }> };
    registry.projects['billing']!.services['jobs'] = { port: 5120, purpose: 'Jobs' };
    registry.projects['web']!.services['cache'] = { port: 5220, purpose: 'Cache' };
    await writeFile(file, JSON.stringify(registry, null, 2) + '\n');
    const unused = async (args: string[]) => {
      const r = await cli([...args, '--format', 'json'], dir);
      const report = JSON.parse(r.stdout) as { findings: { ruleId: string; message: string }[] };
      return report.findings.filter((f) => f.ruleId === 'registry-unused').map((f) => f.message);
    };
    expect(await unused(['lint', '--code'])).toEqual([
      'service "jobs" of project "billing" holds port 5120, but no compose file, env template or code of the project uses it: release it (portreg release --project billing --service jobs) or use it',
      // web has no code files: its code was not searched, and the message does not claim it was.
      'service "cache" of project "web" holds port 5220, but no compose file or env template of the project uses it: release it (portreg release --project web --service cache) or use it',
    ]);
    // Without --code, no project's code is searched (and admin, used only in code, is reported).
    expect(await unused(['lint'])).toEqual([
      'service "admin" of project "billing" holds port 5110, but no compose file or env template of the project uses it: release it (portreg release --project billing --service admin) or use it',
      'service "jobs" of project "billing" holds port 5120, but no compose file or env template of the project uses it: release it (portreg release --project billing --service jobs) or use it',
      'service "cache" of project "web" holds port 5220, but no compose file or env template of the project uses it: release it (portreg release --project web --service cache) or use it',
    ]);
  });

  it('port-conflict: code of two projects on one port collides; code and compose of one project do not', async () => {
    const dir = await copyFixture(FIXTURE);
    await mkdir(path.join(dir, 'web/src'), { recursive: true });
    await writeFile(path.join(dir, 'web/src/server.js'), 'app.listen(5150);\n');
    await writeFile(path.join(dir, 'billing/compose.admin.yaml'), 'services:\n  admin:\n    image: admin\n    ports:\n      - "5110:80"\n');
    const r = await cli(['lint', '--code', '--format', 'json'], dir);
    const report = JSON.parse(r.stdout) as { findings: { ruleId: string; file: string; line: number; column: number; message: string }[] };
    expect(report.findings.filter((f) => f.ruleId === 'port-conflict').map((f) => `${f.file}:${f.line}:${f.column} ${f.message}`)).toEqual([
      'billing/src/worker.ts:3:48 host port 5200/tcp of the code of project "billing" is also published by service "site" of project "web" (web/compose.yaml:5:10)',
      'web/src/server.js:1:12 host port 5150/tcp of the code of project "web" is also listened on by the code of project "billing" (billing/src/worker.ts:1:15)',
    ]);
    expect(r.code).toBe(1);
  });

  it('with files given, reports on those files only (code files included)', async () => {
    const dir = await copyFixture(FIXTURE);
    const r = await cli(['lint', '--code', 'billing/src/worker.ts'], dir);
    expect(r.stdout).toBe(`billing/src/worker.ts
  1:15  error    port 5150 is not registered for project "billing": ask for a port first (portreg allocate --project billing --service NAME --purpose "...")  port-unregistered
  2:24  error    port 5300 is outside the range 5100-5199 of project "billing"  port-out-of-range
                 ↳ ports.registry.json:9:16 range of project "billing"
  3:48  error    port 5200 is registered to service "site" of project "web", not to project "billing"  port-foreign
                 ↳ ports.registry.json:20:27 registered to web/site
  4:32  error    port 8050 is reserved: Supervisor infrastructure (8000-8099)  port-reserved
                 ↳ ports.registry.json:5:5 reservation: Supervisor infrastructure

✖ 4 problems (4 errors, 0 warnings)
`);
    expect(r.code).toBe(1);
  });

  it('"code": true in portreg.config.json turns it on; a non-boolean is a config error with its place', async () => {
    const dir = await copyFixture(FIXTURE);
    await writeFile(path.join(dir, 'portreg.config.json'), '{ "code": true }\n');
    const on = await cli(['lint'], dir);
    expect(on.stdout).toBe(CODE_REPORT);
    expect(on.code).toBe(1);
    await writeFile(path.join(dir, 'portreg.config.json'), '{\n  "code": "yes"\n}\n');
    const bad = await cli(['lint'], dir);
    expect(bad.stderr).toBe('portreg: portreg.config.json:2:11: code must be boolean\n');
    expect(bad.code).toBe(2);
  });

  it('--fix writes the registered port over the fallback digits, byte for byte', async () => {
    const dir = await copyFixture(FIXTURE);
    const r = await cli(['lint', '--code', '--fix'], dir);
    expect(r.code).toBe(1);
    expect(await read(dir, 'billing/src/server.ts')).toBe(
      "import express from 'express';\n\nconst app = express();\nconst PORT = Number(process.env.API_PORT) || 5100;\napp.listen(PORT);\n",
    );
    expect(r.stdout).not.toContain('env-drift');
  });
});

describe('portreg scan --code', () => {
  it('adds source "code" ports to the inventory, valid against schemas/scan.schema.json', async () => {
    const dir = await copyFixture(FIXTURE);
    const r = await cli(['scan', '--code', '--json'], dir);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as { files: { path: string; kind: string }[]; ports: Record<string, unknown>[] };
    const schema = JSON.parse(await readFile(path.join(REPO_ROOT, 'schemas/scan.schema.json'), 'utf8'));
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(validate(result), JSON.stringify(validate.errors)).toBe(true);
    expect(result.files.filter((f) => f.kind === 'code').map((f) => f.path)).toEqual([
      'billing/src/admin.ts',
      'billing/src/client.ts',
      'billing/src/mock.ts',
      'billing/src/server.ts',
      'billing/src/worker.ts',
    ]);
    const code = result.ports.filter((p) => p.source === 'code');
    expect(
      code.map(
        (p) =>
          `${p.file}:${p.line}:${p.column} ${p.kind} ${p.published} ${p.text} service=${p.service}${p.referencedProject ? ` of ${p.referencedProject}` : ''} variable=${p.variable} bytes=${(p.span as { start: number }).start}`,
      ),
    ).toEqual([
      'billing/src/admin.ts:3:27 published 5110 5110 service=admin variable=null bytes=57',
      'billing/src/admin.ts:5:43 url 5110 5110 service=admin variable=null bytes=152',
      'billing/src/client.ts:1:47 reference 5200 5200 service=site of web variable=null bytes=46',
      'billing/src/mock.ts:2:13 published 5198 5198 service=null variable=null bytes=92',
      'billing/src/server.ts:4:46 published 5101 5101 service=api variable=API_PORT bytes=100',
      'billing/src/worker.ts:1:15 published 5150 5150 service=null variable=null bytes=14',
      'billing/src/worker.ts:2:24 published 5300 5300 service=null variable=null bytes=44',
      'billing/src/worker.ts:3:48 published 5200 5200 service=null variable=null bytes=100',
      'billing/src/worker.ts:4:32 published 8050 8050 service=null variable=null bytes=139',
    ]);
  });
});

describe('portreg reassign --code', () => {
  it('moves the literal the code listens on and the URL to it; the registry keeps the old port in its history', async () => {
    const dir = await copyFixture(FIXTURE);
    const before = await read(dir, 'ports.registry.json');
    const r = await cli(['reassign', '--project', 'billing', '--service', 'admin', '--port', '5111', '--code', '--write'], dir);
    expect(r.stderr).toContain('wrote 1 file: billing/src/admin.ts, and ports.registry.json');
    expect(r.code).toBe(0);
    expect(await read(dir, 'billing/src/admin.ts')).toBe(
      "import http from 'node:http';\n\nexport const ADMIN_PORT = 5111;\nhttp.createServer(handler).listen(ADMIN_PORT);\nexport const adminUrl = `http://localhost:5111/admin`;\n",
    );
    expect(await read(dir, 'ports.registry.json')).toBe(
      before.replace(
        '"admin": { "port": 5110, "purpose": "Admin UI" }',
        `"admin": { "port": 5111, "purpose": "Admin UI", "history": [{ "port": 5110, "until": "${NOW}" }] }`,
      ),
    );
  });

  it('moves a fallback tied to the service by its env variable, with the env template and the compose default', async () => {
    const dir = await copyFixture(FIXTURE);
    expect((await cli(['lint', '--code', '--fix'], dir)).code).toBe(1);
    const r = await cli(['reassign', '--project', 'billing', '--service', 'api', '--port', '5102', '--code', '--write'], dir);
    expect(r.code).toBe(0);
    expect(await read(dir, 'billing/src/server.ts')).toBe(
      "import express from 'express';\n\nconst app = express();\nconst PORT = Number(process.env.API_PORT) || 5102;\napp.listen(PORT);\n",
    );
    expect(await read(dir, 'billing/.env.example')).toBe('API_PORT=5102\n');
    expect(await read(dir, 'billing/docker-compose.yml')).toBe('services:\n  api:\n    build: .\n    ports:\n      - "${API_PORT:-5102}:3000"\n');
    // The port of another service and the look-alikes stay.
    expect(await read(dir, 'billing/src/client.ts')).toBe(await read(FIXTURE, 'billing/src/client.ts'));
  });

  it('without code scanning, code files are left as they are', async () => {
    const dir = await copyFixture(FIXTURE);
    const r = await cli(['reassign', '--project', 'billing', '--service', 'admin', '--port', '5111', '--write'], dir);
    expect(r.code).toBe(0);
    expect(await read(dir, 'billing/src/admin.ts')).toBe(await read(FIXTURE, 'billing/src/admin.ts'));
  });
});
