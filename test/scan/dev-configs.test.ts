/**
 * package.json scripts and dev container configs in the inventory: found by default (never in
 * node_modules), attributed to projects and services, held to the registry by the rules, moved
 * byte for byte by reassign, and adopted by init --import where no compose port explains them.
 */
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { scan, type ScanResult } from '../../src/scan/scan.js';
import { lint } from '../../src/lint/lint.js';
import { loadRegistry } from '../../src/registry/load.js';
import { planImport } from '../../src/adopt/plan-import.js';
import { scenario } from '../helpers/scenario.js';
import { runCli } from '../helpers/cli.js';

const REGISTRY = {
  version: 1,
  projects: {
    web: {
      range: { from: 5100, to: 5199 },
      path: 'web',
      services: { web: { port: 5101, purpose: 'Vite dev server', history: [{ port: 5173, until: '2026-11-20' }] } },
    },
    shop: { range: { from: 5200, to: 5299 }, path: 'shop', services: { app: { port: 5201, purpose: 'App' } } },
  },
};

const FILES: Record<string, string> = {
  'web/package.json': '{\n  "scripts": {\n    "dev": "vite --port 5173",\n    "db": "psql --port 5432",\n    "typecheck": "tsc -p tsconfig.json"\n  }\n}\n',
  'web/.devcontainer/devcontainer.json':
    '{\n  // the dev server\n  "forwardPorts": [5173, "db:5432"],\n  "portsAttributes": { "5173": { "label": "Vite" } },\n}\n',
  'web/node_modules/vite/package.json': '{"scripts": {"dev": "vite --port 9999"}}\n',
  'shop/docker-compose.yml': 'services:\n  app:\n    ports:\n      - "5201:3000"\n',
  'shop/.devcontainer.json': '{ "appPort": ["5201:3000"] }\n',
  'tools/package.json': '{"scripts": {"docs": "vitepress dev --port 5201"}}\n',
};

/** The tree linted with its registry, on the clock the history dates are judged by. */
async function lintTree(root: string) {
  const registry = await loadRegistry(`${root}/ports.registry.json`, { now: new Date('2026-11-25T12:00:00Z') });
  return lint({ root, registry });
}

const brief = (r: ScanResult) =>
  r.ports.map((p) => `${p.file}:${p.line}:${p.column} ${p.kind}/${p.source} project=${p.project} service=${p.service} ${p.published}:${p.target} "${p.text}"`);

describe('package.json scripts and devcontainer.json in the inventory', () => {
  it('are read by default, outside node_modules, with their projects and services', async () => {
    const s = await scenario({ files: FILES, registry: REGISTRY });
    const r = await scan({ root: s.root, registry: REGISTRY });
    expect(r.files.map((f) => `${f.path} ${f.kind} ${f.project}`)).toEqual([
      'shop/.devcontainer.json devcontainer shop',
      'shop/docker-compose.yml compose shop',
      'tools/package.json package-json null',
      'web/.devcontainer/devcontainer.json devcontainer web',
      'web/package.json package-json web',
    ]);
    expect(brief(r)).toEqual([
      'shop/.devcontainer.json:1:16 published/devcontainer project=shop service=app 5201:3000 "5201"',
      'shop/docker-compose.yml:4:10 published/compose project=shop service=app 5201:3000 "5201"',
      'tools/package.json:1:44 published/package-json project=null service=null 5201:null "5201"',
      'web/.devcontainer/devcontainer.json:3:20 published/devcontainer project=web service=web 5173:5173 "5173"',
      'web/.devcontainer/devcontainer.json:3:30 target/devcontainer project=web service=null null:5432 "5432"',
      'web/.devcontainer/devcontainer.json:4:25 mention/devcontainer project=web service=null 5173:null "5173"',
      'web/package.json:3:25 published/package-json project=web service=web 5173:null "5173"',
      'web/package.json:4:24 mention/package-json project=web service=null 5432:null "5432"',
    ]);
    expect(r.findings).toEqual([]);
  });

  it('are held to the registry: the moved port is a mismatch with its fix, the named one docs-stale', async () => {
    const s = await scenario({ files: FILES, registry: REGISTRY });
    const r = await lintTree(s.root);
    expect(r.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId}${f.fixable ? ' (fixable)' : ''}`)).toEqual([
      'web/.devcontainer/devcontainer.json:3:20 port-mismatch (fixable)',
      'web/.devcontainer/devcontainer.json:4:25 docs-stale (fixable)',
      'web/package.json:3:25 port-mismatch (fixable)',
    ]);
  });

  it('conflict with another project that publishes the same host port (its own compose stack does not)', async () => {
    const s = await scenario({
      files: { ...FILES, 'web/package.json': '{"scripts": {"dev": "vite --port 5201"}}\n' },
      registry: REGISTRY,
    });
    const r = await lintTree(s.root);
    expect(r.findings.filter((f) => f.ruleId === 'port-conflict').map((f) => `${f.file}:${f.line}:${f.column} ${f.message}`)).toEqual([
      'web/package.json:1:34 host port 5201/tcp of a package.json script of project "web" is also published by service "app" of project "shop" (shop/docker-compose.yml:4:10)',
    ]);
  });

  it('init --import adopts a script port that no compose port explains', async () => {
    const s = await scenario({
      files: {
        'web/docker-compose.yml': 'services:\n  db:\n    ports:\n      - "5432:5432"\n',
        'web/package.json': '{"scripts": {"dev": "vite --port 5173", "preview": "vite preview --port 5432"}}\n',
        'web/.devcontainer/devcontainer.json': '{"forwardPorts": [5173, 8025]}\n',
      },
    });
    const r = await scan({ root: s.root });
    const plan = planImport(r, { version: 1, projects: {} }, { now: new Date('2026-11-25T12:00:00Z'), rootName: 'repo' });
    expect(plan.projects[0]!.services.map((x) => `${x.service} ${x.old} ${x.file}:${x.line}:${x.column}`)).toEqual([
      'db 5432 web/docker-compose.yml:4:10',
      'web 5173 web/package.json:1:34',
      'devcontainer 8025 web/.devcontainer/devcontainer.json:1:25',
    ]);
  });

  it('reassign --write moves the script, the forwarded port and its label, byte for byte', async () => {
    const s = await scenario({
      files: FILES,
      registry: {
        ...REGISTRY,
        projects: { ...REGISTRY.projects, web: { ...REGISTRY.projects.web, services: { web: { port: 5173, purpose: 'Vite dev server' } } } },
      },
      git: true,
    });
    const r = await runCli(['reassign', '--project', 'web', '--service', 'web', '--port', '5110', '--write'], {
      cwd: s.root,
      env: { PORTREG_NOW: '2026-11-25T12:00:00Z' },
    });
    expect(r.stderr).toContain('wrote');
    expect(r.code).toBe(0);
    expect(await readFile(s.path('web/package.json'), 'utf8')).toBe(FILES['web/package.json']!.replace('vite --port 5173', 'vite --port 5110'));
    expect(await readFile(s.path('web/.devcontainer/devcontainer.json'), 'utf8')).toBe(
      '{\n  // the dev server\n  "forwardPorts": [5110, "db:5432"],\n  "portsAttributes": { "5110": { "label": "Vite" } },\n}\n',
    );
    expect(await readFile(s.path('web/node_modules/vite/package.json'), 'utf8')).toBe(FILES['web/node_modules/vite/package.json']);
  });
});
