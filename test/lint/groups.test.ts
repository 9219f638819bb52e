/**
 * A lint that does not keep the inventory reads the tree a group of whole projects at a time
 * (lint.ts, scan.ts scanInGroups). Its findings must be those of one run over the whole inventory,
 * in the same order, on every kind of tree: here each project is a group of its own (groupFiles 1),
 * the hardest split, and the two runs are compared whole.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { lint, type LintResult } from '../../src/lint/lint.js';
import { loadRegistry } from '../../src/registry/load.js';
import { scan, scanInGroups, type ScanResult } from '../../src/scan/scan.js';
import { formatScanTable, ScanTable } from '../../src/report/scan-table.js';
import { tempDir } from '../helpers/cli.js';

const REPO_ROOT = path.join(import.meta.dirname, '../..');
const FLEET = path.join(import.meta.dirname, '../fixtures/lint/fleet');
const NOW = new Date('2026-11-25T12:00:00Z');

async function both(root: string, options: Partial<Parameters<typeof lint>[0]> = {}): Promise<{ grouped: LintResult; whole: LintResult }> {
  const registry = await loadRegistry(path.join(root, 'ports.registry.json'), { now: NOW });
  const grouped = await lint({ root, registry, groupFiles: 1, ...options });
  const whole = await lint({ root, registry, inventory: true, ...options });
  return { grouped, whole };
}

function expectSame({ grouped, whole }: { grouped: LintResult; whole: LintResult }) {
  expect(grouped.scan).toBeUndefined();
  expect(whole.scan).toBeDefined();
  const { scan: _scan, ...rest } = whole;
  expect(grouped).toEqual(rest);
  // Same order too, finding by finding.
  expect(JSON.stringify(grouped.findings)).toBe(JSON.stringify(whole.findings));
}

/**
 * A tree that tests the seams between groups: a project inside another's folder, files outside any
 * project (a root compose file and README), one host port published by two projects, a reference
 * to a port another project gave up, an address nobody has, a registered service nobody uses, a
 * suppression comment, a file that does not parse, and generated text that is out of date.
 */
const SEAMS: Record<string, string> = {
  'ports.registry.json': JSON.stringify(
    {
      version: 1,
      projects: {
        outer: {
          range: { from: 5000, to: 5099 },
          path: 'apps/outer',
          services: {
            api: { port: 5001, purpose: 'API', env: 'API_PORT', history: [{ port: 5009, until: '2026-11-20' }] },
            idle: { port: 5050, purpose: 'unused' },
          },
        },
        inner: { range: { from: 5100, to: 5199 }, path: 'apps/outer/inner', services: { web: { port: 5100, purpose: 'Web', env: 'WEB_PORT' } } },
        other: { range: { from: 5200, to: 5299 }, path: 'apps/other', services: { db: { port: 5201, purpose: 'DB', containerPort: 5432 } } },
      },
    },
    null,
    2,
  ),
  'apps/outer/docker-compose.yml': 'services:\n  api:\n    image: api\n    ports:\n      - "${API_PORT:-5001}:8080"\n',
  'apps/outer/.env.example': 'API_PORT=5001\n',
  'apps/outer/README.md':
    '# Outer\n\nThe API is at http://localhost:5001 and the web at http://localhost:5100.\nThe old API was http://localhost:5009.\nNothing is at http://localhost:5077.\n',
  'apps/outer/inner/compose.yaml': 'services:\n  web:\n    image: web\n    ports:\n      - "5100:80"\n      - "5201:81"\n',
  'apps/outer/inner/README.md': '# Inner\n\n<!-- portreg-disable-next-line port-unowned -- a port we keep for demos -->\nDemo: http://localhost:5088\n',
  'apps/outer/zz-notes.md': 'Also see http://localhost:5100 (inner) and http://localhost:5009.\n',
  'apps/other/compose.yaml': 'services:\n  db:\n    image: postgres\n    ports:\n      - "5201:5432"\n      - "5290:5433"\n',
  'apps/other/README.md': 'Connect with psql -h localhost -p 5201. The outer API used 5009: http://localhost:5009.\n',
  'apps/broken/compose.yaml': 'services:\n  x: [\n',
  'compose.yaml': 'services:\n  proxy:\n    image: nginx\n    ports:\n      - "5100:80"\n      - "5290:90"\n',
  'README.md': '# Tree\n\nThe proxy is http://localhost:5100.\n',
};

async function writeTree(root: string, files: Record<string, string>) {
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
}

describe('lint in groups of projects', () => {
  let seams: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    seams = await tempDir('portreg-groups-');
    await writeTree(seams.dir, SEAMS);
  });
  afterAll(() => seams.cleanup());

  it('finds what one run over the whole inventory finds across the seams between groups', async () => {
    const runs = await both(seams.dir);
    expectSame(runs);
    // The tree does break the rules that compare projects: the comparison is not of two empty reports.
    const ids = new Set(runs.grouped.findings.map((f) => f.ruleId));
    for (const rule of ['port-conflict', 'reference-stale', 'port-unowned', 'registry-unused', 'parse-error']) expect(ids).toContain(rule);
    expect(runs.grouped.findings.filter((f) => f.ruleId === 'port-conflict').map((f) => `${f.file}:${f.line} ${f.message}`)).toEqual([
      'apps/outer/inner/compose.yaml:6 host port 5201/tcp of service "web" is also published by service "db" of project "other" (apps/other/compose.yaml:5:10)',
      'compose.yaml:5 host port 5100/tcp of service "proxy" is also published by service "web" of project "inner" (apps/outer/inner/compose.yaml:5:10)',
      // Neither side holds 5290: the later binding in the whole inventory's order (stacks by id) gets it.
      'compose.yaml:6 host port 5290/tcp of service "proxy" is also published by service "db" of project "other" (apps/other/compose.yaml:6:10)',
    ]);
  });

  it('finds the same on the fleet fixture, with rule settings, and on a partial lint', async () => {
    expectSame(await both(FLEET));
    expectSame(await both(FLEET, { rules: { 'port-unsafe': 'off', 'port-privileged': 'error', 'registry-unused': 'off' } }));
    expectSame(await both(FLEET, { only: new Set(['billing/README.md']), partial: true, scan: { within: ['billing'] } }));
  });

  it('finds the same on the example and on a synthetic benchmark tree', async () => {
    expectSame(await both(REPO_ROOT, { scan: { within: ['example'] } }));
    const generator = new URL('../../bench/generate.mjs', import.meta.url).href;
    const { ensureMonorepo } = (await import(generator)) as { ensureMonorepo: (count: number, o: { seed: number }) => Promise<{ root: string }> };
    const tree = await ensureMonorepo(60, { seed: 7 });
    const runs = await both(tree.root);
    expectSame(runs);
    expect(runs.grouped.filesChecked).toBeGreaterThan(200);
  });

  it('reads the whole inventory instead when a compose file names a file of another group', async () => {
    const { dir, cleanup } = await tempDir('portreg-groups-crossed-');
    try {
      await writeTree(dir, {
        ...SEAMS,
        'apps/other/compose.yaml': 'include:\n  - ../outer/docker-compose.yml\nservices:\n  db:\n    image: postgres\n    ports:\n      - "5201:5432"\n',
      });
      const registry = await loadRegistry(path.join(dir, 'ports.registry.json'), { now: NOW });
      const groups: ScanResult[] = [];
      expect(await scanInGroups({ root: dir, registry: registry.data, groupFiles: 1 }, (g) => void groups.push(g))).toBe('crossed');
      expectSame(await both(dir));
    } finally {
      await cleanup();
    }
  });
});

describe('scanInGroups', () => {
  it('hands on whole projects, each group as the scan gives its files, the discovery findings with the first', async () => {
    const registry = await loadRegistry(path.join(FLEET, 'ports.registry.json'), { now: NOW });
    const whole = await scan({ root: FLEET, registry: registry.data });
    const groups: ScanResult[] = [];
    expect(await scanInGroups({ root: FLEET, registry: registry.data, groupFiles: 1 }, (g) => void groups.push(g))).toBe('complete');
    // One group per project, and one for the files outside any.
    expect(groups.map((g) => [...new Set(g.files.map((f) => f.project))])).toEqual([['billing'], ['legacy'], [null], ['web']]);
    const byFile = (r: ScanResult) => r.ports.map((p) => JSON.stringify(p)).sort();
    expect(groups.flatMap(byFile).sort()).toEqual(byFile(whole));
    expect(groups.flatMap((g) => g.files).sort((a, b) => (a.path < b.path ? -1 : 1))).toEqual(whole.files);
    expect(groups.flatMap((g) => g.stacks.map((s) => s.id)).sort()).toEqual(whole.stacks.map((s) => s.id));
    expect(groups.flatMap((g) => g.findings).length).toBe(whole.findings.length);
    // Larger groups: fewer of them, still whole projects.
    const big: ScanResult[] = [];
    await scanInGroups({ root: FLEET, registry: registry.data, groupFiles: 1000 }, (g) => void big.push(g));
    expect(big).toHaveLength(1);
    expect(JSON.stringify(big[0])).toBe(JSON.stringify(whole));
  });

  it('builds the scan table of the whole inventory from groups of projects', async () => {
    const generator = new URL('../../bench/generate.mjs', import.meta.url).href;
    const { ensureMonorepo } = (await import(generator)) as { ensureMonorepo: (count: number, o: { seed: number }) => Promise<{ root: string }> };
    const tree = await ensureMonorepo(60, { seed: 7 });
    const { dir, cleanup } = await tempDir('portreg-groups-table-');
    try {
      await writeTree(dir, SEAMS);
      for (const root of [FLEET, dir, tree.root]) {
        const registry = (await loadRegistry(path.join(root, 'ports.registry.json'), { now: NOW })).data;
        const whole = formatScanTable(await scan({ root, registry }), { color: true });
        const table = new ScanTable();
        await scanInGroups({ root, registry, groupFiles: 1 }, (g) => table.add(g));
        const pieces: string[] = [];
        table.write({ color: true }, (piece) => pieces.push(piece));
        expect(pieces.join('')).toBe(whole);
        expect(whole.split('\n').length).toBeGreaterThan(10);
      }
    } finally {
      await cleanup();
    }
  });

  it('hands on one empty group for a tree without files', async () => {
    const { dir, cleanup } = await tempDir('portreg-groups-empty-');
    try {
      const groups: ScanResult[] = [];
      expect(await scanInGroups({ root: dir, groupFiles: 10 }, (g) => void groups.push(g))).toBe('complete');
      expect(groups.map((g) => [g.files.length, g.ports.length, g.findings.length])).toEqual([[0, 0, 0]]);
    } finally {
      await cleanup();
    }
  });
});
