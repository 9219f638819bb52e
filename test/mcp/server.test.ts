import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createPortregMcpServer, SERVER_NAME } from '../../src/mcp/server.js';
import { loadRegistry } from '../../src/registry/load.js';
import { tempDir } from '../helpers/cli.js';
import { writeRegistry } from '../helpers/registry-fixture.js';
import { TOOL_NAMES } from '../helpers/mcp-tools.js';

let root: string;
let cleanup: () => Promise<void>;
let n = 0;
beforeAll(async () => ({ dir: root, cleanup } = await tempDir('portreg-mcp-unit-')));
afterAll(() => cleanup());

let dir: string;
let registryFile: string;
let client: Client;
let logs: string[];

async function connect(options: { probe?: boolean } = {}): Promise<Client> {
  logs = [];
  const server = createPortregMcpServer({ cwd: dir, env: {}, probe: options.probe ?? false, log: (l) => logs.push(l) });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const c = new Client({ name: 'portreg-test', version: '1.0.0' });
  await Promise.all([server.connect(serverSide), c.connect(clientSide)]);
  // As a real client does: the tool list first. The SDK client then validates every answer's
  // structuredContent against its tool's outputSchema (it does not without the list).
  await c.listTools();
  return c;
}

beforeEach(async () => {
  dir = path.join(root, `case${n++}`);
  await mkdir(dir, { recursive: true });
  registryFile = await writeRegistry(dir, {
    billing: { range: { from: 5000, to: 5099 }, path: 'projects/billing', services: { api: { port: 5001, purpose: 'REST API', env: 'API_PORT' } } },
    tiny: { range: { from: 5100, to: 5101 }, services: {} },
  });
  client = await connect();
});
afterEach(() => client.close());

const call = (name: string, args: Record<string, unknown>) => client.callTool({ name, arguments: args }) as Promise<CallToolResult>;
const text = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

describe('the MCP server (in memory)', () => {
  it('is named meta and lists its nine tools, each with input and output schemas', async () => {
    expect(client.getServerVersion()?.name).toBe(SERVER_NAME);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(TOOL_NAMES);
    for (const t of tools) {
      expect(t.description).toBeTruthy();
      expect(t.inputSchema.type).toBe('object');
      expect(t.outputSchema?.type).toBe('object');
    }
    const allocate = tools.find((t) => t.name === 'allocate_port')!;
    expect(allocate.inputSchema.required?.sort()).toEqual(['projectName', 'purpose', 'serviceName']);
  });

  it('allocates the next free port, idempotently, and writes it to the registry', async () => {
    const first = await call('allocate_port', { projectName: 'billing', serviceName: 'worker', purpose: 'queue worker' });
    expect(first.isError).toBeFalsy();
    expect(first.structuredContent).toEqual({
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
    expect(text(first)).toBe('allocated port 5002 to service "worker" of project "billing" (range 5000-5099): http://localhost:5002');
    const again = await call('allocate_port', { projectName: 'billing', serviceName: 'worker', purpose: 'queue worker' });
    expect(again.structuredContent).toMatchObject({ port: 5002, created: false });
    expect(text(again)).toMatch(/already has port 5002/);
    const loaded = await loadRegistry(registryFile);
    expect(loaded.findings).toEqual([]);
    expect(loaded.data!.projects.billing!.services!.worker).toEqual({ port: 5002, purpose: 'queue worker' });
    expect(logs).toEqual(['portreg mcp: allocated 5002 to service "worker" of project "billing"']);
  });

  it('takes an explicit port after checking it, and refuses a taken one with the owner named', async () => {
    const r = await call('allocate_port', { projectName: 'billing', serviceName: 'admin', purpose: 'admin UI', port: 5050, env: 'ADMIN_PORT' });
    expect(r.structuredContent).toMatchObject({ port: 5050, created: true });
    const taken = await call('allocate_port', { projectName: 'billing', serviceName: 'other', purpose: 'x', port: 5001 });
    expect(taken.isError).toBe(true);
    expect(text(taken)).toBe('port 5001 is taken by service "api" of project "billing"');
    const outside = await call('allocate_port', { projectName: 'billing', serviceName: 'other', purpose: 'x', port: 6000 });
    expect(text(outside)).toBe('port 6000 is outside the range 5000-5099 of project "billing"');
  });

  it('re-reads the registry on every call (a change made by the CLI is seen)', async () => {
    await call('allocate_port', { projectName: 'billing', serviceName: 'worker', purpose: 'w' });
    await writeRegistry(dir, { fresh: { range: { from: 5200, to: 5299 }, services: {} } });
    const r = await call('allocate_port', { projectName: 'fresh', serviceName: 'web', purpose: 'w' });
    expect(r.structuredContent).toMatchObject({ project: 'fresh', port: 5200 });
  });

  it('answers an unknown project with what to do next', async () => {
    const r = await call('allocate_port', { projectName: 'nope', serviceName: 'api', purpose: 'x' });
    expect(r.isError).toBe(true);
    expect(r.structuredContent).toBeUndefined();
    expect(text(r)).toBe('project "nope" is unknown: register it with "portreg project add nope" (known projects: billing, tiny)');
    for (const [tool, args] of [
      ['release_port', { projectName: 'nope', serviceName: 'api' }],
      ['list_ports', { projectName: 'nope' }],
      ['check_port', { port: 5001, projectName: 'nope' }],
    ] as const) {
      const e = await call(tool, args);
      expect(e.isError, tool).toBe(true);
      expect(text(e), tool).toMatch(/^project "nope" is unknown: register it with "portreg project add nope"/);
    }
  });

  it('answers bad arguments with the field and what it must be', async () => {
    const missing = await call('allocate_port', { projectName: 'billing', serviceName: 'api' });
    expect(missing.isError).toBe(true);
    expect(text(missing)).toMatch(/allocate_port/);
    expect(text(missing)).toMatch(/purpose is required: what the port is for/);
    const badPort = await call('check_port', { port: 70000 });
    expect(badPort.isError).toBe(true);
    expect(text(badPort)).toMatch(/port must be from 1 to 65535/);
    const wrongType = await call('allocate_port', { projectName: 'billing', serviceName: 'x', purpose: 'x', port: '5005' });
    expect(wrongType.isError).toBe(true);
    expect(text(wrongType)).toMatch(/port must be a number from 1 to 65535/);
    const emptyName = await call('allocate_port', { projectName: '', serviceName: 'x', purpose: 'x' });
    expect(text(emptyName)).toMatch(/projectName must not be empty/);
  });

  it('answers an exhausted range with the counts', async () => {
    expect((await call('allocate_port', { projectName: 'tiny', serviceName: 'a', purpose: 'x' })).structuredContent).toMatchObject({ port: 5100 });
    expect((await call('allocate_port', { projectName: 'tiny', serviceName: 'b', purpose: 'x' })).structuredContent).toMatchObject({ port: 5101 });
    const full = await call('allocate_port', { projectName: 'tiny', serviceName: 'c', purpose: 'x' });
    expect(full.isError).toBe(true);
    expect(text(full)).toBe('project tiny: range 5100-5101 is full (2 of 2 used)');
    expect(full._meta).toEqual({ code: 'range-full' });
  });

  it('releases a port, which then stays in quarantine', async () => {
    const r = await call('release_port', { projectName: 'billing', serviceName: 'api' });
    expect(r.structuredContent).toEqual({ project: 'billing', service: 'api', port: 5001, released: true, refreshed: [] });
    expect(text(r)).toMatch(/^released port 5001 of service "api" of project "billing"/);
    // A repeat is a clear no-op, as a repeated allocation is.
    const again = await call('release_port', { projectName: 'billing', serviceName: 'api' });
    expect(again.isError).toBeFalsy();
    expect(again.structuredContent).toEqual({ project: 'billing', service: 'api', port: 5001, released: false, refreshed: [] });
    expect(text(again)).toBe('service "api" of project "billing" is already released (port 5001 stays in quarantine); nothing to change');
    const never = await call('release_port', { projectName: 'billing', serviceName: 'nope' });
    expect(never.isError).toBe(true);
    expect(text(never)).toBe('project "billing" has no service "nope" (it has no services)');
    const check = await call('check_port', { port: 5001, projectName: 'billing' });
    expect(check.structuredContent).toMatchObject({
      free: false,
      quarantine: { project: 'billing', service: 'api', what: 'released' },
      available: false,
      suggestion: 5002,
    });
  });

  it('checks a port: owner, reservation, listeners, and a suggestion for the asking project', async () => {
    const owned = await call('check_port', { port: 5001, projectName: 'billing' });
    expect(owned.structuredContent).toMatchObject({
      port: 5001,
      free: false,
      owners: [{ project: 'billing', service: 'api', protocol: ['tcp'], purpose: 'REST API' }],
      rangeOf: 'billing',
      project: 'billing',
      available: false,
      reason: 'port 5001 is taken by service "api" of project "billing"',
      suggestion: 5002,
    });
    expect(text(owned)).toContain('5001/tcp: service "api" of project "billing" (REST API)');
    expect(text(owned)).toContain('suggestion: 5002');

    const reserved = await call('check_port', { port: 22 });
    expect(reserved.structuredContent).toMatchObject({
      reservations: [{ reason: 'SSH', range: { from: 22, to: 22 }, severity: 'error', owner: null }],
      available: null,
      suggestion: null,
    });

    const free = await call('check_port', { port: 5060 + 20, projectName: 'billing' });
    expect(free.structuredContent).toMatchObject({ free: true, available: true, reason: null, suggestion: null });

    // Something listening right now: seen with this process's id, and not available to the project.
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const busy = (server.address() as net.AddressInfo).port;
    try {
      await writeRegistry(dir, { live: { range: { from: busy, to: busy + 1 }, services: {} } }, { reserved: [], projectSpace: { from: 1024, to: 65535 } });
      const r = await call('check_port', { port: busy, projectName: 'live' });
      expect(r.structuredContent).toMatchObject({
        free: true,
        listening: true,
        listeners: [{ protocol: 'tcp', family: 4, address: '127.0.0.1', pid: process.pid }],
        available: false,
        reason: `port ${busy} is in use on this machine right now`,
      });
      expect((r.structuredContent as { suggestion: number | null }).suggestion).not.toBe(busy);
      expect(text(r)).toContain(`${busy}: listening: tcp 127.0.0.1:${busy} pid ${process.pid}`);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('skips ports in use right now when probing, and says which', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const busy = (server.address() as net.AddressInfo).port;
    try {
      await writeRegistry(dir, { live: { range: { from: busy, to: busy + 1 }, services: {} } }, { reserved: [], projectSpace: { from: 1024, to: 65535 } });
      const probing = await connect({ probe: true });
      const r = (await probing.callTool({ name: 'allocate_port', arguments: { projectName: 'live', serviceName: 'a', purpose: 'x' } })) as CallToolResult;
      await probing.close();
      expect(r.structuredContent).toMatchObject({ port: busy + 1, skippedLive: [busy] });
      expect(text(r)).toContain(`skipped ${busy}: in use on this machine right now`);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('lists a project with its services and the ports left, or every project', async () => {
    const one = await call('list_ports', { projectName: 'billing' });
    expect(one.structuredContent).toEqual({
      projects: [
        {
          project: 'billing',
          range: { from: 5000, to: 5099 },
          path: 'projects/billing',
          size: 100,
          used: 1,
          // 100 less api, 5000 (AirPlay) and 5060, 5061 (browsers refuse them).
          left: 96,
          services: [{ service: 'api', port: 5001, protocol: ['tcp'], purpose: 'REST API', env: 'API_PORT', composeService: 'api', containerPort: null }],
        },
      ],
    });
    expect(text(one)).toBe('billing: range 5000-5099, 1 of 100 used, 96 left, path projects/billing\n  api: 5001/tcp (API_PORT): REST API');
    const all = await call('list_ports', {});
    expect((all.structuredContent as { projects: { project: string; left: number }[] }).projects.map((p) => [p.project, p.left])).toEqual([
      ['billing', 96],
      ['tiny', 2],
    ]);
  });

  it('lints, capped at 50 findings with counts by rule, errors first', async () => {
    const compose = path.join(dir, 'projects/billing/docker-compose.yml');
    await mkdir(path.dirname(compose), { recursive: true });
    const ports = Array.from({ length: 60 }, (_, i) => `      - "${5200 + i}:${80 + i}"`).join('\n');
    await writeFile(compose, `services:\n  api:\n    image: api\n    ports:\n      - "5001:3000"\n  web:\n    image: web\n    ports:\n${ports}\n`);
    const r = await call('lint', {});
    expect(r.isError).toBeFalsy();
    const report = r.structuredContent as {
      total: number;
      shown: number;
      truncated: boolean;
      errors: number;
      byRule: Record<string, number>;
      findings: { severity: string; file: string }[];
    };
    expect(report.total).toBeGreaterThan(50);
    expect(report.shown).toBe(50);
    expect(report.truncated).toBe(true);
    expect(report.findings).toHaveLength(50);
    expect(Object.values(report.byRule).reduce((a, b) => a + b, 0)).toBe(report.total);
    expect(report.byRule['port-out-of-range']).toBe(60);
    const severities = report.findings.map((f) => f.severity);
    expect(severities).toEqual([...severities].sort());
    expect(text(r)).toMatch(/^\d+ errors?, \d+ warnings? \(by rule: .*port-out-of-range 60/);
    expect(text(r)).toMatch(/… and \d+ more: run "portreg lint" for all of them/);
    expect(text(r)).toContain('projects/billing/docker-compose.yml:9:');

    const scoped = await call('lint', { path: 'projects/billing/docker-compose.yml' });
    expect((scoped.structuredContent as { total: number }).total).toBe(report.total);
    const elsewhere = await call('lint', { path: 'ports.registry.json' });
    expect((elsewhere.structuredContent as { total: number }).total).toBe(0);
    const missing = await call('lint', { path: 'nowhere' });
    expect(missing.isError).toBe(true);
    expect(text(missing)).toMatch(/^cannot lint nowhere: no such file or folder/);
  });

  it('lints code when the config says "code": true, and not otherwise', async () => {
    const server = path.join(dir, 'projects/billing/src/server.ts');
    await mkdir(path.dirname(server), { recursive: true });
    await writeFile(server, 'app.listen(5050);\n');
    const brief = (r: CallToolResult) =>
      (r.structuredContent as { findings: { ruleId: string; file: string; line: number; column: number }[] }).findings.map(
        (f) => `${f.file}:${f.line}:${f.column} ${f.ruleId}`,
      );
    expect(brief(await call('lint', {}))).not.toContain('projects/billing/src/server.ts:1:12 port-unregistered');
    await writeFile(path.join(dir, 'portreg.config.json'), '{ "code": true }\n');
    expect(brief(await call('lint', {}))).toContain('projects/billing/src/server.ts:1:12 port-unregistered');
  });

  it('refuses to write to a registry with errors, and says which', async () => {
    const text0 = await readFile(registryFile, 'utf8');
    await writeFile(registryFile, text0.replace('"port": 5001', '"port": 6001'));
    const r = await call('allocate_port', { projectName: 'billing', serviceName: 'worker', purpose: 'w' });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/^ports\.registry\.json has 1 error; fix it first, nothing was written:\n/);
    // The tools that only read say so as an error of reading, with the place, and no word of writing.
    for (const [tool, args] of [
      ['check_port', { port: 5001 }],
      ['list_ports', {}],
    ] as const) {
      const read = await call(tool, args);
      expect(read.isError).toBe(true);
      expect(text(read)).toMatch(
        /^cannot use ports\.registry\.json: it has 1 error; fix it in the registry \(portreg registry check shows each\), then run the command again:\n {2}ports\.registry\.json:\d+:\d+: port 6001 /,
      );
    }
  });

  it('says how to create a registry when there is none', async () => {
    const empty = path.join(root, `empty${n++}`);
    await mkdir(empty);
    const server = createPortregMcpServer({ cwd: empty, env: {}, registry: 'ports.registry.json', probe: false, log: () => {} });
    const [a, b] = InMemoryTransport.createLinkedPair();
    const c = new Client({ name: 't', version: '1' });
    await Promise.all([server.connect(b), c.connect(a)]);
    const r = (await c.callTool({ name: 'list_ports', arguments: {} })) as CallToolResult;
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/^no registry at .*ports\.registry\.json: create one with "portreg init", or name it with --registry$/);
    await c.close();
  });
});
