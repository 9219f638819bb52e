import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv } from 'ajv';
import { scan, type ScanResult } from '../../src/scan/scan.js';
import { loadRegistry } from '../../src/registry/load.js';
import { REPO_ROOT, runCli, tempDir } from '../helpers/cli.js';

const FIXTURES = path.join(import.meta.dirname, '../fixtures/scan');

async function scanFixture(name: string): Promise<ScanResult> {
  const root = path.join(FIXTURES, name);
  const loaded = await loadRegistry(path.join(root, 'ports.registry.json'));
  expect(loaded.findings).toEqual([]);
  return scan({ root, registry: loaded.data, registryDir: root });
}

/** One line per port: place, what, whose, and the numbers. */
function brief(r: ScanResult): string[] {
  return r.ports.map(
    (p) =>
      `${p.file}:${p.line}:${p.column}-${p.endColumn} ${p.kind}/${p.source} project=${p.project} compose=${p.composeService} service=${p.service}` +
      `${p.referencedProject ? ` of ${p.referencedProject}` : ''} stack=${p.stack} ${p.published}:${p.target}${p.variable ? ` $${p.variable}` : ''}`,
  );
}

describe('inventory: stacks', () => {
  it('merges base, override and includes as Compose does, keeps alternative files apart, and follows extends', async () => {
    const r = await scanFixture('stacks');
    expect(r.findings).toEqual([]);
    expect(r.files.map(({ size: _size, endsWithNewline: _newline, variables: _variables, ...f }) => f)).toEqual([
      { path: 'app/.env.example', kind: 'env', project: 'app', stack: null },
      { path: 'app/common/base.yaml', kind: 'compose', project: 'app', stack: 'app/compose.yaml' },
      { path: 'app/compose.override.yml', kind: 'compose', project: 'app', stack: 'app/compose.yaml' },
      { path: 'app/compose.prod.yaml', kind: 'compose', project: 'app', stack: 'app/compose.prod.yaml' },
      { path: 'app/compose.yaml', kind: 'compose', project: 'app', stack: 'app/compose.yaml' },
      { path: 'app/db/compose.yaml', kind: 'compose', project: 'app', stack: 'app/compose.yaml' },
    ]);
    expect(r.files[0]).toMatchObject({ size: 14, endsWithNewline: true });
    expect(brief(r)).toEqual([
      'app/.env.example:1:10-14 env/env project=app compose=null service=web stack=null 5001:null $WEB_PORT',
      'app/common/base.yaml:4:10-14 published/compose project=app compose=base service=null stack=app/compose.yaml 5007:9229',
      'app/compose.override.yml:4:10-14 published/compose project=app compose=web service=web stack=app/compose.yaml 5005:8080',
      'app/compose.override.yml:7:10-14 published/compose project=app compose=worker service=null stack=app/compose.yaml 5006:9000',
      'app/compose.prod.yaml:4:10-14 published/compose project=app compose=web service=web stack=app/compose.prod.yaml 5001:80',
      'app/compose.yaml:9:22-26 published/compose project=app compose=web service=web stack=app/compose.yaml 5001:80 $WEB_PORT',
      'app/compose.yaml:12:10-14 published/compose project=app compose=worker service=null stack=app/compose.yaml 5003:9000',
      'app/compose.yaml:15:10-14 published/compose project=app compose=cron service=null stack=app/compose.yaml 5004:9001',
      'app/db/compose.yaml:5:10-14 published/compose project=app compose=db service=db stack=app/compose.yaml 5002:5432',
    ]);
    const published = (i: number) => r.ports[i]!.published;
    expect(
      r.stacks.map((s) => ({
        id: s.id,
        files: s.files,
        services: Object.fromEntries(
          s.services.map((v) => [v.name, { ports: v.ports.map(published), steps: v.steps.map((x) => `${x.mode} ${x.file} ${x.count}`) }]),
        ),
      })),
    ).toEqual([
      { id: 'app/compose.prod.yaml', files: ['app/compose.prod.yaml'], services: { web: { ports: [5001], steps: ['base app/compose.prod.yaml 1'] } } },
      {
        id: 'app/compose.yaml',
        files: ['app/compose.yaml', 'app/compose.override.yml', 'app/db/compose.yaml', 'app/common/base.yaml'],
        services: {
          web: { ports: [5007, 5001, 5005], steps: ['extends app/common/base.yaml 1', 'base app/compose.yaml 1', 'append app/compose.override.yml 1'] },
          worker: { ports: [5006], steps: ['base app/compose.yaml 1', 'override app/compose.override.yml 1'] },
          cron: { ports: [], steps: ['base app/compose.yaml 1', 'reset app/compose.override.yml 0'] },
          db: { ports: [5002], steps: ['base app/db/compose.yaml 1'] },
        },
      },
    ]);
  });
});

describe('inventory: extends chains', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ dir: root, cleanup } = await tempDir('portreg-extends-')));
  afterAll(() => cleanup());

  const stackServices = (r: ScanResult) =>
    Object.fromEntries(
      r.stacks
        .flatMap((s) => s.services)
        .map((v) => [v.name, { ports: v.ports.map((i) => r.ports[i]!.published), steps: v.steps.map((x) => `${x.mode} ${x.file} ${x.count}`) }]),
    );

  it('inherits the ports of every level, as Compose resolves grandchild extends child extends base', async () => {
    const dir = path.join(root, 'chain');
    await mkdir(path.join(dir, 'lib'), { recursive: true });
    await writeFile(path.join(dir, 'lib/base.yaml'), 'services:\n  base:\n    ports:\n      - "5001:80"\n');
    await writeFile(
      path.join(dir, 'lib/child.yaml'),
      'services:\n  child:\n    extends:\n      file: base.yaml\n      service: base\n    ports:\n      - "5002:81"\n',
    );
    await writeFile(
      path.join(dir, 'compose.yaml'),
      'services:\n  grandchild:\n    extends:\n      file: lib/child.yaml\n      service: child\n    ports:\n      - "5003:82"\n',
    );
    const r = await scan({ root: dir, registry: null });
    expect(r.findings).toEqual([]);
    expect(stackServices(r)).toEqual({
      grandchild: { ports: [5001, 5002, 5003], steps: ['extends lib/base.yaml 1', 'extends lib/child.yaml 1', 'base compose.yaml 1'] },
    });
  });

  it('stops at a cycle and at a level it cannot find, keeping what it found', async () => {
    const dir = path.join(root, 'cycle');
    await mkdir(dir, { recursive: true });
    await writeFile(
      path.join(dir, 'compose.yaml'),
      [
        'services:',
        '  a:',
        '    extends: b',
        '    ports: ["5011:80"]',
        '  b:',
        '    extends: a',
        '    ports: ["5012:80"]',
        '  c:',
        '    extends:',
        '      file: missing.yaml',
        '      service: x',
        '    ports: ["5013:80"]',
        '',
      ].join('\n'),
    );
    const r = await scan({ root: dir, registry: null });
    expect(stackServices(r)).toEqual({
      a: { ports: [5012, 5011], steps: ['extends compose.yaml 1', 'base compose.yaml 1'] },
      b: { ports: [5011, 5012], steps: ['extends compose.yaml 1', 'base compose.yaml 1'] },
      c: { ports: [5013], steps: ['base compose.yaml 1'] },
    });
  });
});

describe('inventory: projects, services and references', () => {
  it('tells one compose service’s ports apart by container port, maps folders by name, and marks references', async () => {
    const r = await scanFixture('attribution');
    expect(r.findings).toEqual([]);
    expect(brief(r)).toEqual([
      'services/queue/.env.example:1:11-15 env/env project=queue compose=null service=amqp stack=null 5200:null $AMQP_PORT',
      'services/queue/.env.example:2:14-18 env/env project=queue compose=null service=management stack=null 5201:null $AMQP_UI_PORT',
      'services/queue/docker-compose.yml:5:23-27 published/compose project=queue compose=rabbitmq service=amqp stack=services/queue/docker-compose.yml 5200:5672 $AMQP_PORT',
      'services/queue/docker-compose.yml:6:10-14 published/compose project=queue compose=rabbitmq service=management stack=services/queue/docker-compose.yml 5201:15672',
      'stray/compose.yaml:3:14-18 published/compose project=null compose=x service=null stack=stray/compose.yaml 9999:80',
      'web/.env.example:1:11-15 env/env project=web compose=null service=site stack=null 5300:null $SITE_PORT',
      'web/.env.example:2:48-52 reference/env project=web compose=null service=amqp of queue stack=null 5200:null $QUEUE_URL',
      'web/README.md:3:23-27 mention/markdown project=web compose=null service=site stack=null 5300:null',
      'web/README.md:3:65-69 reference/markdown project=web compose=null service=management of queue stack=null 5201:null',
    ]);
    // Spans count bytes and cover exactly the digits.
    for (const p of r.ports) {
      const bytes = await readFile(path.join(FIXTURES, 'attribution', p.file));
      expect(bytes.subarray(p.span.start, p.span.end).toString()).toBe(String(p.published ?? p.target));
    }
  });
});

describe('discovery', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir: root, cleanup } = await tempDir());
    const files: Record<string, string> = {
      '.gitignore': 'ignored/\n*.local.yml\n',
      'nested/.gitignore': 'build/\n',
      'kept/compose.yaml': 'services:\n  a:\n    ports: ["5001:80"]\n',
      'ignored/compose.yaml': 'services:\n  a:\n    ports: ["5002:80"]\n',
      'kept/compose.local.yml': 'services:\n  a:\n    ports: ["5003:80"]\n',
      'nested/build/compose.yaml': 'services:\n  a:\n    ports: ["5004:80"]\n',
      'nested/docker-compose.yml': 'services:\n  a:\n    ports: ["5005:80"]\n',
      'node_modules/pkg/compose.yaml': 'services:\n  a:\n    ports: ["5006:80"]\n',
      'kept/.env': 'SECRET_PORT=5007\n',
      'kept/.env.example': 'API_PORT=5008\n',
      'kept/.env.staging.example': 'API_PORT=5009\n',
      'kept/.env.sample': 'API_PORT=5010\n',
      'Docs/Readme.md': 'Open http://localhost:5011\n',
      'docs/guide.md': 'Open http://localhost:5012\n',
      'notes.yaml': 'port: 5013\n',
    };
    for (const [file, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(root, file)), { recursive: true });
      await writeFile(path.join(root, file), text);
    }
    await mkdir(path.join(root, 'outside'));
    await writeFile(path.join(root, 'outside', 'compose.yaml'), 'services:\n  a:\n    ports: ["5014:80"]\n');
  });
  afterAll(() => cleanup());

  it('reads compose files, env templates and READMEs, honours .gitignore at every level, and never a real .env', async () => {
    const r = await scan({ root, exclude: ['outside/**'] });
    expect(r.files.map((f) => `${f.kind} ${f.path}`)).toEqual([
      'markdown Docs/Readme.md',
      'env kept/.env.example',
      'env kept/.env.sample',
      'env kept/.env.staging.example',
      'compose kept/compose.yaml',
      'compose nested/docker-compose.yml',
    ]);
    expect(r.ports.map((p) => p.published)).toEqual([5011, 5008, 5010, 5009, 5001, 5005]);
  });

  it('reads docs and env files only when configured', async () => {
    const r = await scan({ root, exclude: ['outside/**'], docs: ['docs/**/*.md'], envFiles: ['kept/.env'] });
    expect(r.files.map((f) => f.path)).toContain('docs/guide.md');
    expect(r.files.map((f) => f.path)).toContain('kept/.env');
  });

  it('does not follow a symlink out of the root', async () => {
    const inner = path.join(root, 'linked');
    await mkdir(inner, { recursive: true });
    const { dir: elsewhere, cleanup: done } = await tempDir();
    try {
      await writeFile(path.join(elsewhere, 'compose.yaml'), 'services:\n  a:\n    ports: ["5015:80"]\n');
      await symlink(path.join(elsewhere, 'compose.yaml'), path.join(inner, 'compose.yaml'));
      const r = await scan({ root, exclude: ['outside/**'] });
      expect(r.ports.map((p) => p.published)).not.toContain(5015);
      expect(r.findings).toEqual([
        {
          ruleId: 'scan-skipped',
          severity: 'warning',
          message: 'linked/compose.yaml is a symbolic link that leads outside the root: not read',
          file: 'linked/compose.yaml',
          line: 1,
          column: 1,
          endLine: 1,
          endColumn: 1,
        },
      ]);
    } finally {
      await done();
    }
  });
});

describe('portreg scan', () => {
  it('prints JSON that matches the published schema, with the registry found from the working folder', async () => {
    const schema = JSON.parse(await readFile(path.join(REPO_ROOT, 'schemas/scan.schema.json'), 'utf8'));
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    const r = await runCli(['scan', '--json'], { cwd: path.join(FIXTURES, 'attribution') });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(validate(out) ? [] : validate.errors).toEqual([]);
    expect(out.root).toBe('.');
    expect(out.ports).toHaveLength(9);
    expect(r.stderr).toBe('');
  });

  it('shows a table grouped by project: one header, the columns aligned across projects, a count and a legend of the marks used', async () => {
    const r = await runCli(['scan'], { cwd: path.join(FIXTURES, 'attribution') });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        '  PORT  KIND       SERVICE             WHERE                                   AS WRITTEN',
        'queue',
        '  5200  env        amqp                services/queue/.env.example:1:11        5200',
        '  5201  env        management          services/queue/.env.example:2:14        5201',
        '  5200  published  amqp                services/queue/docker-compose.yml:5:23  ${AMQP_PORT:-5200}:5672',
        '  5201  published  management          services/queue/docker-compose.yml:6:10  5201:15672',
        'web',
        '  5300  env        site                web/.env.example:1:11                   5300',
        '  5200  reference  → queue/amqp        web/.env.example:2:48                   amqp://guest:guest@localhost:5200/',
        '  5300  mention    site                web/README.md:3:23                      http://localhost:5300',
        '  5201  reference  → queue/management  web/README.md:3:65                      http://localhost:5201',
        '(no project)',
        '  9999  published  x                   stray/compose.yaml:3:14                 9999:80',
        '',
        '9 ports in 5 files',
        "Legend: PORT is the port on this machine; → project/service: another project's port.",
        '',
      ].join('\n'),
    );
  });
});
