/**
 * End to end through a real MCP client: the SDK's Client over StdioClientTransport, spawning
 * the built CLI as an MCP client configuration would (`node dist/cli/main.js mcp --registry ...`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { loadRegistry } from '../../src/registry/load.js';
import { CLI, tempDir, testEnv } from '../helpers/cli.js';
import { writeRegistry } from '../helpers/registry-fixture.js';
import { appendFile, readFile } from 'node:fs/promises';
import { git } from '../helpers/git.js';
import { BASIC, copyTree, treeText } from '../rewrite/helpers.js';
import { TOOL_NAMES } from '../helpers/mcp-tools.js';

let root: string;
let cleanup: () => Promise<void>;
let n = 0;
beforeAll(async () => ({ dir: root, cleanup } = await tempDir('portreg-mcp-stdio-')));
afterAll(() => cleanup());

async function folder(): Promise<string> {
  const dir = path.join(root, `case${n++}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

interface Connected {
  client: Client;
  stderr: () => string;
}

async function connect(cwd: string, registry: string, env: Record<string, string> = {}): Promise<Connected> {
  const clean = Object.fromEntries(Object.entries(testEnv(env)).filter((e): e is [string, string] => e[1] !== undefined));
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp', '--registry', registry], cwd, env: clean, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const client = new Client({ name: 'portreg-e2e', version: '1.0.0' });
  await client.connect(transport);
  return { client, stderr: () => stderr };
}

const text = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
const call = (c: Client, name: string, args: Record<string, unknown>) => c.callTool({ name, arguments: args }) as Promise<CallToolResult>;

describe('portreg mcp over stdio', () => {
  it('serves as "meta": lists the tools and answers each of them', async () => {
    const dir = await folder();
    const registry = await writeRegistry(dir, {
      billing: { range: { from: 5000, to: 5099 }, path: 'billing', services: { api: { port: 5001, purpose: 'REST API' } } },
    });
    await mkdir(path.join(dir, 'billing'));
    await writeFile(
      path.join(dir, 'billing/compose.yaml'),
      'services:\n  api:\n    image: api\n    ports:\n      - "5001:3000"\n  stray:\n    image: x\n    ports:\n      - "5077:80"\n',
    );
    const { client, stderr } = await connect(dir, 'ports.registry.json');
    try {
      expect(client.getServerVersion()?.name).toBe('meta');
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(TOOL_NAMES);

      const a = await call(client, 'allocate_port', { projectName: 'billing', serviceName: 'worker', purpose: 'jobs' });
      expect(a.structuredContent).toEqual({
        port: 5002,
        project: 'billing',
        service: 'worker',
        range: { from: 5000, to: 5099 },
        created: true,
        url: 'http://localhost:5002',
        skippedLive: [],
        warnings: [],
        refreshed: [],
      });
      expect(text(a)).toContain('http://localhost:5002');
      expect((await call(client, 'allocate_port', { projectName: 'billing', serviceName: 'worker', purpose: 'jobs' })).structuredContent).toMatchObject({
        port: 5002,
        created: false,
      });

      const check = await call(client, 'check_port', { port: 5002, projectName: 'billing' });
      expect(check.structuredContent).toMatchObject({ port: 5002, owners: [{ project: 'billing', service: 'worker' }], available: false, suggestion: 5003 });

      const list = await call(client, 'list_ports', { projectName: 'billing' });
      expect(list.structuredContent).toMatchObject({
        projects: [{ project: 'billing', used: 2, left: 95, services: [{ service: 'api' }, { service: 'worker' }] }],
      });

      const lint = await call(client, 'lint', {});
      expect(lint.isError).toBeFalsy();
      expect(lint.structuredContent).toMatchObject({ truncated: false });
      expect((lint.structuredContent as { byRule: Record<string, number> }).byRule['port-unregistered']).toBe(1);
      expect(text(lint)).toContain('billing/compose.yaml:9:10: error: port 5077 is not registered for project "billing"');

      const r = await call(client, 'release_port', { projectName: 'billing', serviceName: 'worker' });
      expect(r.structuredContent).toEqual({ project: 'billing', service: 'worker', port: 5002, released: true, refreshed: [] });

      const loaded = await loadRegistry(registry);
      expect(loaded.findings).toEqual([]);
      expect(Object.keys(loaded.data!.projects.billing!.services!)).toEqual(['api']);
      expect(loaded.data!.released).toMatchObject([{ project: 'billing', service: 'worker', port: 5002 }]);
    } finally {
      await client.close();
    }
    // Logs went to stderr (stdout is the protocol: the client would have choked on anything else there).
    expect(stderr()).toContain('portreg mcp: serving on stdio; registry ');
    expect(stderr()).toContain('portreg mcp: allocated 5002 to service "worker" of project "billing"');
  });

  it('answers bad arguments, an unknown project and an exhausted range with isError results that say what to do', async () => {
    const dir = await folder();
    await writeRegistry(dir, { tiny: { range: { from: 5100, to: 5100 }, services: {} }, other: { range: { from: 5200, to: 5299 }, services: {} } });
    const { client } = await connect(dir, 'ports.registry.json');
    try {
      const bad = await call(client, 'allocate_port', { projectName: 'tiny', serviceName: 'a', purpose: 'x', port: 'high' });
      expect(bad.isError).toBe(true);
      expect(text(bad)).toMatch(/Invalid arguments for tool allocate_port: port must be a number from 1 to 65535/);
      const missing = await call(client, 'release_port', { projectName: 'tiny' });
      expect(missing.isError).toBe(true);
      expect(text(missing)).toMatch(/serviceName is required/);

      const unknown = await call(client, 'allocate_port', { projectName: 'billing', serviceName: 'api', purpose: 'x' });
      expect(unknown.isError).toBe(true);
      expect(text(unknown)).toBe('project "billing" is unknown: register it with "portreg project add billing" (known projects: tiny, other)');

      expect((await call(client, 'allocate_port', { projectName: 'tiny', serviceName: 'a', purpose: 'x' })).structuredContent).toMatchObject({ port: 5100 });
      const full = await call(client, 'allocate_port', { projectName: 'tiny', serviceName: 'b', purpose: 'x' });
      expect(full.isError).toBe(true);
      expect(text(full)).toBe('project tiny: range 5100 is full (1 of 1 used)');
    } finally {
      await client.close();
    }
  });

  it('gives 8 clients allocating for one project at the same time 8 distinct ports, and the registry stays valid', async () => {
    const dir = await folder();
    const registry = await writeRegistry(dir, { billing: { range: { from: 5000, to: 5099 }, services: {} } });
    // A delay between reading and writing widens the window the lock must protect.
    const clients = await Promise.all(Array.from({ length: 8 }, () => connect(dir, registry, { PORTREG_TEST_DELAY_MS: '30' })));
    try {
      const results = await Promise.all(
        clients.map(({ client }, i) => call(client, 'allocate_port', { projectName: 'billing', serviceName: `svc${i}`, purpose: `service ${i}` })),
      );
      for (const r of results) expect(r.isError, text(r)).toBeFalsy();
      const ports = results.map((r) => (r.structuredContent as { port: number }).port);
      expect(new Set(ports).size).toBe(8);
      expect([...ports].sort((a, b) => a - b)).toEqual([5001, 5002, 5003, 5004, 5005, 5006, 5007, 5008]);
      const loaded = await loadRegistry(registry);
      expect(loaded.findings).toEqual([]);
      const services = loaded.data!.projects.billing!.services!;
      for (let i = 0; i < 8; i++) expect(services[`svc${i}`]!.port).toBe(ports[i]);
    } finally {
      await Promise.all(clients.map(({ client }) => client.close()));
    }
  });

  it('in a git repository: lint of a changed registry reports the changed project, and reassign_port takes allowDirty', async () => {
    const dir = await folder();
    await copyTree(path.join(BASIC, 'before'), dir);
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'before');
    const registryFile = path.join(dir, 'ports.registry.json');
    const original = await readFile(registryFile, 'utf8');
    const { client } = await connect(dir, 'ports.registry.json');
    try {
      // Unchanged since HEAD: the registry alone is reported on, and it has nothing.
      expect((await call(client, 'lint', { path: 'ports.registry.json' })).structuredContent).toMatchObject({ total: 0 });
      // The registry alone moves postgres (as a hand edit would): billing's configs are now stale.
      await writeFile(registryFile, original.replace('"port": 5032', '"port": 5034'));
      const lint = await call(client, 'lint', { path: 'ports.registry.json' });
      expect(lint.isError).toBeFalsy();
      const files = new Set((lint.structuredContent as { findings: { file: string }[] }).findings.map((f) => f.file));
      expect([...files].every((f) => f.startsWith('projects/billing/'))).toBe(true);
      expect(text(lint)).toContain(
        'projects/billing/.env.example:2:23: error: DATABASE_PORT is 5032 in projects/billing/.env.example, but registered as 5034 for service "postgres" of project "billing" (env-drift)',
      );
      await writeFile(registryFile, original);

      await appendFile(path.join(dir, 'projects/billing/README.md'), '\nWork in progress.\n');
      const { planId } = (await call(client, 'reassign_port', { projectName: 'billing', serviceName: 'postgres', port: 5033 })).structuredContent as {
        planId: string;
      };
      const before = await treeText(dir);
      const refused = await call(client, 'reassign_port', { projectName: 'billing', serviceName: 'postgres', port: 5033, apply: true, planId });
      expect(refused.isError).toBe(true);
      expect(text(refused).split('\n').slice(0, 2)).toEqual([
        'a file to write has uncommitted changes; commit or stash them first (or pass allowDirty: true); nothing was written:',
        '  projects/billing/README.md',
      ]);
      expect(await treeText(dir)).toEqual(before);
      const applied = await call(client, 'reassign_port', {
        projectName: 'billing',
        serviceName: 'postgres',
        port: 5033,
        apply: true,
        planId,
        allowDirty: true,
      });
      expect(applied.isError, text(applied)).toBeFalsy();
      expect(applied.structuredContent).toMatchObject({ applied: true, from: 5032, to: 5033 });
      expect(await readFile(path.join(dir, 'projects/billing/README.md'), 'utf8')).toMatch(/localhost:5033 once[\s\S]*Work in progress\.\n$/);
    } finally {
      await client.close();
    }
  });
});
