import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadRegistry } from '../../src/registry/load.js';
import { prepareRewrite } from '../../src/rewrite/execute.js';
import { verifyRewrite } from '../../src/rewrite/plan.js';
import { openWorkspace } from '../../src/rewrite/workspace.js';
import { tempDir } from '../helpers/cli.js';
import { writeRegistry } from '../helpers/registry-fixture.js';

let root: string;
let cleanup: () => Promise<void>;
let n = 0;

beforeAll(async () => {
  ({ dir: root, cleanup } = await tempDir('portreg-occurrences-'));
});
afterAll(() => cleanup());

/** A tree with one registry (billing: postgres 5032, redis 5002; shop references them) and the given files. */
async function tree(files: Record<string, string>): Promise<string> {
  const dir = path.join(root, `case${n++}`);
  await mkdir(dir, { recursive: true });
  await writeRegistry(dir, {
    billing: {
      range: { from: 5000, to: 5099 },
      path: 'billing',
      services: {
        redis: { port: 5002, purpose: 'cache', env: 'REDIS_PORT', containerPort: 6379 },
        postgres: { port: 5032, purpose: 'db', env: 'DATABASE_PORT', containerPort: 5432 },
      },
    },
    shop: { range: { from: 5100, to: 5199 }, path: 'shop', services: { web: { port: 5100, purpose: 'web', env: 'WEB_PORT' } } },
  });
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
  return dir;
}

async function planFor(dir: string, from = 5032, to = 5033, code = false) {
  const ws = await openWorkspace({ cwd: dir, env: {}, code });
  const registry = (await loadRegistry(ws.located.path)).data!;
  const prepared = await prepareRewrite(ws, registry, [{ project: 'billing', service: 'postgres', from, to }]);
  return {
    edits: prepared.rewrite.edits.map((e) => `${e.file}:${e.line}:${e.column} ${e.kind}`),
    skipped: prepared.rewrite.skipped.map((s) => `${s.fact.file}:${s.fact.line}:${s.fact.column} ${s.reason}`),
    after: Object.fromEntries(prepared.applied.map((f) => [f.file, f.after.toString('utf8')])),
  };
}

describe('which occurrences belong to the service', () => {
  it("code (with code scanning): the listen port tied by variable or port, URLs of the project and references to it; never another service's literal or a look-alike", async () => {
    const files = {
      'billing/src/db.ts': [
        'export const dbPort = Number(process.env.DATABASE_PORT) || 5032;',
        'export const pgPort = process.env.PG_PORT ?? 5032;',
        'export const cachePort = process.env.REDIS_PORT ?? 5032;',
        "export const url = 'postgres://app@localhost:5032/app';",
        'setTimeout(check, 5032);',
        '',
      ].join('\n'),
      'shop/src/client.ts': 'export const billingDb = `postgres://localhost:5032/app`;\n',
    };
    const r = await planFor(await tree(files), 5032, 5033, true);
    expect(r.edits).toEqual(['billing/src/db.ts:1:60 code', 'billing/src/db.ts:2:46 code', 'billing/src/db.ts:4:46 url', 'shop/src/client.ts:1:48 reference']);
    expect(r.after['billing/src/db.ts']).toBe(
      files['billing/src/db.ts']
        .replace('|| 5032', '|| 5033')
        .replace('?? 5032;\nexport const cache', '?? 5033;\nexport const cache')
        .replace('localhost:5032', 'localhost:5033'),
    );
    expect(r.after['shop/src/client.ts']).toBe('export const billingDb = `postgres://localhost:5033/app`;\n');
    // Without code scanning, code is not touched.
    expect((await planFor(await tree(files))).edits).toEqual([]);
  });

  it("env values: its own variable, or another the scanner ties to its port; never another service's variable", async () => {
    const dir = await tree({
      'billing/.env.example': 'DATABASE_PORT=5032\nPG_PORT=5032\nREDIS_PORT=5032\n',
    });
    const r = await planFor(dir);
    expect(r.edits).toEqual(['billing/.env.example:1:15 env', 'billing/.env.example:2:9 env']);
    expect(r.after['billing/.env.example']).toBe('DATABASE_PORT=5033\nPG_PORT=5033\nREDIS_PORT=5032\n');
  });

  it("compose: a range whose other ports stay is reported, not split; a container-only entry and a service's own PORT are left", async () => {
    const dir = await tree({
      'billing/compose.yaml': 'services:\n  postgres:\n    ports:\n      - "5032-5033:5432-5433"\n      - "5432"\n    environment:\n      PORT: 5032\n',
    });
    const r = await planFor(dir);
    expect(r.edits).toEqual([]);
    expect(r.skipped).toEqual([
      'billing/compose.yaml:4:10 part of the range 5032-5033, which moves 5032 (service "postgres") to 5033: the other ports of the range do not move with it by the same step; change the range by hand',
    ]);
  });

  it('README prose: "port 5032" moves with the service; a bare 5032, "ports 5032-5033" and a code block are left', async () => {
    const dir = await tree({
      'billing/README.md':
        '# Billing\n\nThe database listens on port 5032; Redis on port 5002.\nWe keep 5032 invoices, in ports 5032-5033.\n\n```\nport 5032 was taken\n```\n',
    });
    const r = await planFor(dir);
    expect(r.edits).toEqual(['billing/README.md:3:30 docs']);
    expect(r.after['billing/README.md']).toBe(
      '# Billing\n\nThe database listens on port 5033; Redis on port 5002.\nWe keep 5032 invoices, in ports 5032-5033.\n\n```\nport 5032 was taken\n```\n',
    );
  });

  it("other projects: only what points at this project's port; a file outside every project counts as a reference", async () => {
    const dir = await tree({
      'shop/.env.example': 'WEB_PORT=5100\nDB_URL=postgres://localhost:5032/shop\n',
      'shop/README.md': 'Shop runs on http://localhost:5100 and keeps 5032 items.\n',
      'README.md': '| Project | Port |\n|---|---|\n| billing db | 5032 |\n',
    });
    const r = await planFor(dir);
    expect(r.edits).toEqual(['README.md:3:16 reference', 'shop/.env.example:2:29 reference']);
    expect(r.after['shop/.env.example']).toBe('WEB_PORT=5100\nDB_URL=postgres://localhost:5033/shop\n');
  });
});

describe('ranges and advertised addresses move with their ports', () => {
  /** The plan of `moves` (billing's), and the tree as the plan would write it. */
  async function planMoves(dir: string, moves: { service: string; from: number; to: number }[]) {
    const ws = await openWorkspace({ cwd: dir, env: {} });
    const registry = (await loadRegistry(ws.located.path)).data!;
    const prepared = await prepareRewrite(
      ws,
      registry,
      moves.map((m) => ({ project: 'billing', ...m })),
    );
    return {
      ws,
      registry,
      prepared,
      edits: prepared.rewrite.edits.map((e) => `${e.file}:${e.line}:${e.column} ${e.kind} ${e.old} -> ${e.new}`),
      skipped: prepared.rewrite.skipped.map((s) => `${s.fact.file}:${s.fact.line}:${s.fact.column} ${s.reason}`),
      after: Object.fromEntries(prepared.applied.map((f) => [f.file, f.after.toString('utf8')])),
    };
  }
  const ps = (range: string) =>
    `# Billing\n\n\`\`\`\nCONTAINER ID   PORTS\n3f4e8a2b1c0d   0.0.0.0:${range}->6379-6380/tcp, :::${range}->6379-6380/tcp\n\`\`\`\n`;
  const compose = (ports: string) => `services:\n  redis:\n    ports:\n      - "${ports}:6379-6380"\n`;

  it('a docker ps range and a compose range whose every port moves by the same step are rewritten as a whole, byte for byte, and the rescan finds them', async () => {
    const dir = await tree({ 'billing/README.md': ps('5002-5003'), 'billing/compose.yaml': compose('5002-5003') });
    const r = await planMoves(dir, [
      { service: 'redis', from: 5002, to: 5302 },
      { service: 'replica', from: 5003, to: 5303 },
    ]);
    expect(r.skipped).toEqual([]);
    expect(r.edits).toEqual([
      'billing/compose.yaml:4:10 compose 5002-5003 -> 5302-5303',
      'billing/README.md:5:24 docs 5002-5003 -> 5302-5303',
      'billing/README.md:5:53 docs 5002-5003 -> 5302-5303',
    ]);
    expect(r.after).toEqual({ 'billing/README.md': ps('5302-5303'), 'billing/compose.yaml': compose('5302-5303') });
    for (const f of r.prepared.applied) await writeFile(path.join(dir, f.file), f.after);
    expect(verifyRewrite(r.prepared.rewrite, await r.ws.scan(r.registry), r.registry)).toEqual([]);
  });

  it('a docker ps range that holds a moving port but cannot move as a whole is reported, never left silently', async () => {
    const dir = await tree({ 'billing/README.md': ps('5001-5002') });
    // redis (5002) is the range's second port: only the first port was looked at before.
    const r = await planMoves(dir, [{ service: 'redis', from: 5002, to: 5012 }]);
    expect(r.edits).toEqual([]);
    const why =
      'part of the range 5001-5002, which moves 5002 (service "redis") to 5012: the other ports of the range do not move with it by the same step; change the range by hand';
    expect(r.skipped).toEqual([`billing/README.md:5:24 ${why}`, `billing/README.md:5:53 ${why}`]);
  });

  it("a compose command's --advertise-addr and an advertised Kafka listener move with the service's host port; bind addresses and container ports stay", async () => {
    const before = [
      'services:',
      '  postgres:',
      '    ports:',
      '      - "5032:5432"',
      '    command: agent --bind 0.0.0.0:5432 --advertise-addr localhost:5032',
      '  kafka:',
      '    command: ["serve", "--advertise-addr", "localhost:5032"]',
      '    environment:',
      '      KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://postgres:5432,EXTERNAL://localhost:5032',
      '',
    ].join('\n');
    const dir = await tree({ 'billing/compose.yaml': before });
    const r = await planMoves(dir, [{ service: 'postgres', from: 5032, to: 5033 }]);
    expect(r.edits).toEqual([
      'billing/compose.yaml:4:10 compose 5032 -> 5033',
      'billing/compose.yaml:5:67 url 5032 -> 5033',
      'billing/compose.yaml:7:55 url 5032 -> 5033',
      'billing/compose.yaml:9:82 url 5032 -> 5033',
    ]);
    expect(r.after['billing/compose.yaml']).toBe(before.replaceAll('localhost:5032', 'localhost:5033').replace('"5032:5432"', '"5033:5432"'));
  });
});
