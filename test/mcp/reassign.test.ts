import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createPortregMcpServer } from '../../src/mcp/server.js';
import { tempDir } from '../helpers/cli.js';
import { appendFile } from 'node:fs/promises';
import { git } from '../helpers/git.js';
import { BASIC, copyTree, NOW, treeText } from '../rewrite/helpers.js';

let root: string;
let cleanup: () => Promise<void>;
let n = 0;
beforeAll(async () => ({ dir: root, cleanup } = await tempDir('portreg-mcp-reassign-')));
afterAll(() => cleanup());

let dir: string;
let client: Client;
let logs: string[];

beforeEach(async () => {
  dir = path.join(root, `case${n++}`);
  await mkdir(dir, { recursive: true });
  await copyTree(path.join(BASIC, 'before'), dir);
  logs = [];
  const server = createPortregMcpServer({ cwd: dir, env: {}, probe: false, now: () => new Date(NOW), log: (l) => logs.push(l) });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  client = new Client({ name: 'portreg-test', version: '1.0.0' });
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
});
afterEach(() => client.close());

const call = (args: Record<string, unknown>) => client.callTool({ name: 'reassign_port', arguments: args }) as Promise<CallToolResult>;
const text = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
type Plan = {
  planId: string;
  from: number;
  to: number;
  applied: boolean;
  changed: boolean;
  files: string[];
  edits: { file: string; line: number; old: string; new: string }[];
  written: string[];
  registry: { file: string; old: number; new: number };
};
const plan = (r: CallToolResult) => r.structuredContent as unknown as Plan;
const postgres = { projectName: 'billing', serviceName: 'postgres' };

describe('reassign_port', () => {
  it('plans without writing anything: every edit, the registry change and a stable planId', async () => {
    const before = await treeText(dir);
    const r = await call({ ...postgres, port: 5033 });
    expect(r.isError).toBeFalsy();
    const p = plan(r);
    expect(p).toMatchObject({
      from: 5032,
      to: 5033,
      changed: true,
      applied: false,
      written: [],
      registry: { file: 'ports.registry.json', old: 5032, new: 5033 },
    });
    expect(p.planId).toMatch(/^[0-9a-f]{64}$/);
    expect(p.files).toHaveLength(8);
    expect(p.files).toContain('projects/billing/docker-compose.yml');
    for (const e of p.edits) {
      expect(e).toMatchObject({ old: '5032', new: '5033' });
      expect(e.line).toBeGreaterThan(0);
    }
    expect(text(r)).toContain(`plan ${p.planId}: service "postgres" of project "billing": port 5032 → 5033`);
    expect(text(r)).toMatch(/nothing was written/);
    expect(await treeText(dir)).toEqual(before);
    // The same plan, the same id.
    expect(plan(await call({ ...postgres, port: 5033 })).planId).toBe(p.planId);
    // apply: false with the planId is still only a plan.
    await call({ ...postgres, port: 5033, planId: p.planId });
    expect(await treeText(dir)).toEqual(before);
  });

  it('applies the plan with its planId: the files and the registry, as portreg reassign --write', async () => {
    const { planId } = plan(await call({ ...postgres, port: 5033 }));
    const r = await call({ ...postgres, port: 5033, apply: true, planId });
    expect(r.isError).toBeFalsy();
    expect(plan(r)).toMatchObject({ applied: true, planId, from: 5032, to: 5033 });
    expect(plan(r).written).toHaveLength(8);
    expect(text(r)).toMatch(/wrote 8 files .* and ports\.registry\.json/);
    expect(await treeText(dir)).toEqual(await treeText(path.join(BASIC, 'after-reassign')));
    expect(logs.join('\n')).toContain('reassigned service "postgres" of project "billing": 5032 → 5033');
    // Done: the same call now finds nothing to change.
    const again = await call({ ...postgres, port: 5033 });
    expect(plan(again)).toMatchObject({ changed: false, edits: [], files: [] });
  });

  it('refuses a stale planId (a file moved since), with the new planId, and writes nothing', async () => {
    const { planId } = plan(await call({ ...postgres, port: 5033 }));
    const compose = path.join(dir, 'projects/billing/docker-compose.yml');
    // A line added above the port moves it: the plan's edit no longer points at it.
    await writeFile(compose, `# a comment added since the plan\n${await readFile(compose, 'utf8')}`);
    const before = await treeText(dir);
    const r = await call({ ...postgres, port: 5033, apply: true, planId });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/the port or the files moved since plan/);
    const fresh = plan(r);
    expect(fresh.planId).not.toBe(planId);
    expect(fresh.applied).toBe(false);
    expect(text(r)).toContain(fresh.planId);
    expect(await treeText(dir)).toEqual(before);
    // The fresh planId applies.
    const ok = await call({ ...postgres, port: 5033, apply: true, planId: fresh.planId });
    expect(ok.isError).toBeFalsy();
    expect(await readFile(compose, 'utf8')).toContain('${DATABASE_PORT:-5033}:5432');
  });

  it('refuses a planId whose port moved in the registry since', async () => {
    const { planId } = plan(await call({ ...postgres, port: 5033 }));
    const registryFile = path.join(dir, 'ports.registry.json');
    // Someone takes another port meanwhile: the registry text is not the one planned from.
    const allocated = (await client.callTool({
      name: 'allocate_port',
      arguments: { projectName: 'billing', serviceName: 'mail', purpose: 'SMTP' },
    })) as CallToolResult;
    expect(allocated.isError).toBeFalsy();
    const before = await treeText(dir);
    const r = await call({ ...postgres, port: 5033, apply: true, planId });
    expect(r.isError).toBe(true);
    expect(plan(r).planId).not.toBe(planId);
    expect(await treeText(dir)).toEqual(before);
    expect(await readFile(registryFile, 'utf8')).toContain('"port": 5032');
  });

  it('refuses apply without a planId', async () => {
    const before = await treeText(dir);
    const r = await call({ ...postgres, port: 5033, apply: true });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/apply needs the planId/);
    expect(await treeText(dir)).toEqual(before);
  });

  it("takes the next free port of the project's range without port", async () => {
    const r = await call(postgres);
    expect(r.isError).toBeFalsy();
    const p = plan(r);
    expect(p.from).toBe(5032);
    expect(p.to).toBeGreaterThanOrEqual(5000);
    expect(p.to).toBeLessThanOrEqual(5099);
    expect([5001, 5002, 5003, 5032]).not.toContain(p.to);
    expect(p.edits.every((e) => e.new === String(p.to))).toBe(true);
  });

  it('answers an unknown service with what the project has', async () => {
    const r = await call({ projectName: 'billing', serviceName: 'nope', port: 5033 });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/project "billing" has no service "nope" \(its services: api, redis, worker, postgres\)/);
  });

  it('refuses files with uncommitted changes, as portreg reassign does, unless allowDirty is true', async () => {
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'before');
    await appendFile(path.join(dir, 'projects/billing/README.md'), '\nWork in progress.\n');

    const planned = await call({ ...postgres, port: 5033 });
    expect(planned.isError).toBeFalsy();
    const { planId, dirty } = planned.structuredContent as unknown as Plan & { dirty: string[] };
    expect(dirty).toEqual(['projects/billing/README.md']);
    expect(text(planned)).toContain(
      'projects/billing/README.md has uncommitted changes: applying will be refused until they are committed or stashed, unless allowDirty is true',
    );

    const before = await treeText(dir);
    const refused = await call({ ...postgres, port: 5033, apply: true, planId });
    expect(refused.isError).toBe(true);
    expect(refused._meta).toEqual({ code: 'files-dirty' });
    expect(text(refused).split('\n').slice(0, 2)).toEqual([
      'a file to write has uncommitted changes; commit or stash them first (or pass allowDirty: true); nothing was written:',
      '  projects/billing/README.md',
    ]);
    expect(await treeText(dir)).toEqual(before);
    // allowDirty without apply is still only a plan.
    await call({ ...postgres, port: 5033, planId, allowDirty: true });
    expect(await treeText(dir)).toEqual(before);

    const applied = await call({ ...postgres, port: 5033, apply: true, planId, allowDirty: true });
    expect(applied.isError).toBeFalsy();
    expect(plan(applied)).toMatchObject({ applied: true, planId });
    expect(plan(applied).written).toHaveLength(8);
    expect(plan(applied).written).toContain('projects/billing/README.md');
    // The edit went into the file as it is, work in progress included.
    const expected = await treeText(path.join(BASIC, 'after-reassign'));
    expect(await treeText(dir)).toEqual({ ...expected, 'projects/billing/README.md': expected['projects/billing/README.md'] + '\nWork in progress.\n' });
  });

  it('rejects an allowDirty that is not a boolean', async () => {
    const r = await call({ ...postgres, port: 5033, allowDirty: 'yes' });
    expect(r.isError).toBe(true);
    expect(text(r)).toContain('allowDirty must be true or false');
  });
});
