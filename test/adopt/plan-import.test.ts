/**
 * planImport on real scans of small trees: which folders are projects, how services are named,
 * which projects keep their block, and where the others go.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { newRegistry } from '../../src/registry/defaults.js';
import { planImport, type ImportResult } from '../../src/adopt/plan-import.js';
import { scan } from '../../src/scan/scan.js';
import { tempDir } from '../helpers/cli.js';

const NOW = new Date('2026-06-01T12:00:00Z');
let root: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir: root, cleanup } = await tempDir('portreg-import-'));
});
afterEach(() => cleanup());

async function importTree(files: Record<string, string>): Promise<ImportResult> {
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
  return planImport(await scan({ root, registry: null }), newRegistry('schema.json'), { now: NOW, rootName: 'mono' });
}

const compose = (...services: [string, string[]][]) =>
  `services:\n${services.map(([name, ports]) => `  ${name}:\n    image: x\n    ports:\n${ports.map((p) => `      - "${p}"\n`).join('')}`).join('')}`;
const summary = (r: ImportResult) =>
  r.projects.map(
    (p) =>
      `${p.project} ${p.path} ${p.range.from}-${p.range.to}${p.kept ? ' kept' : ''}: ${p.services.map((s) => `${s.service} ${s.old}->${s.new}`).join(', ')}`,
  );

describe('planImport', () => {
  it('keeps a project in the block its ports sit in; moves the others next to the ports in use, keeping offsets', async () => {
    const r = await importTree({
      'a/docker-compose.yml': compose(['api', ['6101:80']], ['db', ['6132:5432']]),
      'b/docker-compose.yml': compose(['web', ['3000:3000']], ['pg', ['5432:5432']], ['pg2', ['6432:5432']]),
    });
    expect(summary(r)).toEqual(['a a 6100-6199 kept: api 6101->6101, db 6132->6132', 'b b 5000-5099: web 3000->5001, pg 5432->5032, pg2 6432->5033']);
    const b = r.registry.projects.b!;
    expect(b.services!.pg).toEqual({
      port: 5032,
      purpose: 'imported: pg in b/docker-compose.yml',
      history: [{ port: 5432, until: '2026-06-01T12:00:00.000Z', reason: 'init --import: the configs still use it; "portreg lint --fix" moves them' }],
    });
    expect(r.registry.projects.a!.services!.api).toEqual({ port: 6101, purpose: 'imported: api in a/docker-compose.yml' });
    expect(r.notes).toEqual([]);
  });

  it("a block that holds another project's port is not free: both move, to blocks no port in use sits in", async () => {
    const r = await importTree({
      'a/docker-compose.yml': compose(['api', ['5101:80']]),
      'b/docker-compose.yml': compose(['web', ['80:80']], ['api', ['5150:8080']]),
    });
    expect(summary(r)).toEqual(['a a 5000-5099: api 5101->5001', 'b b 5200-5299: web 80->5280, api 5150->5250']);
  });

  it('projects are folders with a compose file, or a README with an env template; names from the folder, the root by its own name', async () => {
    const r = await importTree({
      'docker-compose.yml': compose(['gateway', ['5443:443']]),
      'apps/web/docker-compose.yml': compose(['web', ['7100:80']]),
      'tools/web/README.md': '# Tools web\n\nOn http://localhost:7200.\n',
      'tools/web/.env.example': 'WEB_PORT=7200\nADMIN_PORTS=7201\n',
      'docs/guide/README.md': 'Open http://localhost:9999.\n',
    });
    expect(summary(r)).toEqual([
      'mono . 5400-5499 kept: gateway 5443->5443',
      'web apps/web 7100-7199 kept: web 7100->7100',
      'tools-web tools/web 7200-7299 kept: web 7200->7200, admin 7201->7201',
    ]);
    expect(r.projects[2]!.services.map((s) => s.env)).toEqual(['WEB_PORT', 'ADMIN_PORTS']);
    // docs/guide has a README but no env template: not a project, and its URL is not a host port anyway.
    expect(r.registry.projects['tools-web']!.path).toBe('tools/web');
  });

  it('several ports of one compose service are told apart by container port; env values join the service with their port', async () => {
    const r = await importTree({
      'svc/docker-compose.yml': compose(['api', ['80:8080', '9229:9229']], ['cache', ['6379:6379/udp']]),
      'svc/.env.example': 'API_PORT=80\nDEBUG_PORT=9229\nMETRICS_PORT=9100\n',
    });
    expect(r.projects[0]!.services).toEqual([
      { service: 'api', env: 'API_PORT', containerPort: 8080, old: 80, new: 5080, file: 'svc/docker-compose.yml', line: 5, column: 10 },
      {
        service: 'api-9229',
        composeService: 'api',
        env: 'DEBUG_PORT',
        containerPort: 9229,
        old: 9229,
        new: 5029,
        file: 'svc/docker-compose.yml',
        line: 6,
        column: 10,
      },
      { service: 'cache', protocol: 'udp', old: 6379, new: 5079, file: 'svc/docker-compose.yml', line: 10, column: 10 },
      { service: 'metrics', env: 'METRICS_PORT', old: 9100, new: 5001, file: 'svc/.env.example', line: 3, column: 14 },
    ]);
  });

  it('port ranges and ports outside any project are reported, not imported', async () => {
    const r = await importTree({
      'rtp/docker-compose.yml': compose(['media', ['10000-10005:10000-10005/udp', '5900:5900']]),
      'notes/.env.example': 'API_PORT=7300\n',
    });
    expect(summary(r)).toEqual(['rtp rtp 5900-5999 kept: media 5900->5900']);
    expect(r.notes).toEqual([
      'notes/.env.example:1:10: port 7300 is in no project folder (one with a compose file, or a README and an env template): not imported',
      'rtp/docker-compose.yml:5:10: the range 10000-10005 is not imported: register its ports by hand',
    ]);
  });
});

describe('planImport in a full project space', () => {
  it('refuses with the project that found no block and how many were placed (exit 1, not an internal error)', async () => {
    for (const [folder, port] of [
      ['a', '3000'],
      ['b', '3001'],
      ['c', '3002'],
    ] as const) {
      await mkdir(path.join(root, folder), { recursive: true });
      await writeFile(path.join(root, folder, 'docker-compose.yml'), compose(['web', [`${port}:80`]]));
    }
    const fresh = { ...newRegistry('schema.json'), projectSpace: { from: 5000, to: 5199 } };
    let thrown: unknown;
    try {
      planImport(await scan({ root, registry: null }), fresh, { now: NOW, rootName: 'mono' });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toMatchObject({
      exitCode: 1,
      code: 'space-full',
      message: 'no free block of 100 ports is left in the project space 5000-5199 for project "c" (2 of 3 projects placed); nothing was written',
    });
  });
});
