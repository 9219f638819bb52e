/**
 * Every answer shape of every tool, through the MCP SDK's own Client, which (once it has the tool
 * list, as every real client fetches first) checks each answer's structuredContent against the
 * tool's outputSchema and throws on a mismatch. A shape the schema does not allow breaks real
 * clients, whatever the text says; so each case here is one shape: a listening port, a port a
 * container publishes, a quarantined one, a reserved one, a refusal, each error.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createPortregMcpServer } from '../../src/mcp/server.js';
import { tempDir } from '../helpers/cli.js';
import { writeRegistry } from '../helpers/registry-fixture.js';

let root: string;
let cleanup: () => Promise<void>;
let n = 0;
beforeAll(async () => ({ dir: root, cleanup } = await tempDir('portreg-mcp-shapes-')));
afterAll(() => cleanup());

let dir: string;
let client: Client;
const NOW = new Date('2026-06-01T12:00:00Z');

beforeEach(async () => {
  dir = path.join(root, `case${n++}`);
  await mkdir(path.join(dir, 'billing'), { recursive: true });
  await writeRegistry(
    dir,
    {
      billing: {
        range: { from: 5000, to: 5099 },
        path: 'billing',
        services: { api: { port: 5001, purpose: 'REST API', env: 'API_PORT' }, db: { port: 5032, purpose: 'Postgres', containerPort: 5432 } },
      },
      tiny: { range: { from: 5100, to: 5101 }, services: { a: { port: 5100, purpose: 'A' }, b: { port: 5101, purpose: 'B' } } },
    },
    { released: [{ project: 'billing', service: 'old', port: 5050, releasedAt: '2026-05-20T00:00:00.000Z' }] },
  );
  await writeFile(
    path.join(dir, 'billing/docker-compose.yml'),
    'services:\n  api:\n    ports:\n      - "${API_PORT:-5001}:8080"\n  db:\n    ports:\n      - "5032:5432"\n',
  );
  await writeFile(path.join(dir, 'billing/.env.example'), 'API_PORT=5001\n');
  const server = createPortregMcpServer({ cwd: dir, env: {}, probe: false, now: () => NOW, log: () => {} });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  client = new Client({ name: 'portreg-shapes', version: '1.0.0' });
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  await client.listTools();
});
afterEach(() => client.close());

/** A call whose answer the SDK has validated (callTool throws on a structuredContent the schema refuses). */
const call = (name: string, args: Record<string, unknown>) => client.callTool({ name, arguments: args }) as Promise<CallToolResult>;
const text = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
const structured = (r: CallToolResult) => r.structuredContent as Record<string, unknown>;

async function listenOnLoopback(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as net.AddressInfo).port, close: () => new Promise((r) => server.close(() => r())) };
}

describe('the server advertises only what it does', () => {
  it('has tools, and says their list never changes while it runs (it never sends list_changed)', () => {
    expect(client.getServerCapabilities()?.tools).toEqual({ listChanged: false });
  });
});

describe('check_port answers every shape its schema allows', () => {
  it('a registered port', async () => {
    const r = await call('check_port', { port: 5032 });
    expect(r.isError).toBeFalsy();
    expect(structured(r)).toMatchObject({ port: 5032, free: false, owners: [{ project: 'billing', service: 'db', protocol: ['tcp'], purpose: 'Postgres' }] });
    // As `portreg who`: the configs that use it.
    expect(structured(r).configs).toEqual([
      { file: 'billing/docker-compose.yml', line: 7, column: 10, source: 'compose', project: 'billing', composeService: 'db', variable: null, protocol: 'tcp' },
    ]);
    expect(text(r)).toContain('5032/tcp: published by billing/docker-compose.yml:7:10 (compose service "db"), project "billing"');
  });

  it('a reserved port', async () => {
    const r = await call('check_port', { port: 443 });
    expect(structured(r)).toMatchObject({ free: false, reservations: [{ reason: 'HTTPS', range: { from: 443, to: 443 }, severity: 'error', owner: null }] });
  });

  it('a quarantined port', async () => {
    const r = await call('check_port', { port: 5050, projectName: 'billing' });
    expect(structured(r)).toMatchObject({
      free: false,
      quarantine: { project: 'billing', service: 'old', what: 'released' },
      available: false,
    });
  });

  it('a port something listens on (a real loopback listener)', async () => {
    const l = await listenOnLoopback();
    try {
      const r = await call('check_port', { port: l.port });
      expect(structured(r).listening).toBe(true);
      expect(structured(r).listeners).toEqual([
        { protocol: 'tcp', family: 4, address: '127.0.0.1', pid: process.pid, command: expect.any(String), container: null },
      ]);
    } finally {
      await l.close();
    }
  });

  it('a port a container publishes (docker ps)', async () => {
    // No Docker engine runs here: a `docker` on PATH answers `docker ps` as an engine would.
    const bin = path.join(dir, 'bin');
    await mkdir(bin);
    await writeFile(path.join(bin, 'docker'), '#!/bin/sh\nprintf "abc123\\tbilling-api-1\\t0.0.0.0:5001->8080/tcp, [::]:5001->8080/tcp\\n"\n');
    await chmod(path.join(bin, 'docker'), 0o755);
    const saved = process.env.PATH;
    process.env.PATH = `${bin}${path.delimiter}${saved}`;
    try {
      const r = await call('check_port', { port: 5001 });
      expect(structured(r).listeners).toEqual([
        { protocol: 'tcp', family: 4, address: '0.0.0.0', pid: null, command: null, container: 'billing-api-1' },
        { protocol: 'tcp', family: 6, address: '::', pid: null, command: null, container: 'billing-api-1' },
      ]);
      expect(text(r)).toContain('5001: listening: tcp 0.0.0.0:5001');
    } finally {
      process.env.PATH = saved;
    }
  });

  it('an unknown asking project is an error with the next step', async () => {
    const r = await call('check_port', { port: 5001, projectName: 'nope' });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/^project "nope" is unknown: register it with "portreg project add nope"/);
  });
});

describe('allocate_port, release_port and list_ports answer every shape', () => {
  it('created, repeated with a warning, refused, range full, bad arguments', async () => {
    // 5000 is one to avoid in the default reservations (macOS AirPlay), 5001 is taken.
    const created = await call('allocate_port', { projectName: 'billing', serviceName: 'web', purpose: 'Web UI' });
    expect(structured(created)).toMatchObject({ port: 5002, created: true, warnings: [] });
    const repeat = await call('allocate_port', { projectName: 'billing', serviceName: 'web', purpose: 'Web UI', env: 'WEB_PORT' });
    expect(structured(repeat)).toMatchObject({ port: 5002, created: false, warnings: ['service "web" is registered with env (none), not WEB_PORT'] });
    const taken = await call('allocate_port', { projectName: 'billing', serviceName: 'x', purpose: 'X', port: 5001 });
    expect(taken.isError).toBe(true);
    expect(text(taken)).toBe('port 5001 is taken by service "api" of project "billing"');
    const full = await call('allocate_port', { projectName: 'tiny', serviceName: 'c', purpose: 'C' });
    expect(full.isError).toBe(true);
    expect(text(full)).toBe('project tiny: range 5100-5101 is full (2 of 2 used)');
    const bad = await call('allocate_port', { projectName: 'billing', serviceName: 'x' });
    expect(bad.isError).toBe(true);
  });

  it('released, and releasing an unknown service', async () => {
    const released = await call('release_port', { projectName: 'billing', serviceName: 'db' });
    expect(released.isError).toBeFalsy();
    expect(structured(released)).toMatchObject({ project: 'billing', service: 'db', port: 5032 });
    const unknown = await call('release_port', { projectName: 'billing', serviceName: 'nope' });
    expect(unknown.isError).toBe(true);
  });

  it('one project, every project, an unknown project', async () => {
    const one = await call('list_ports', { projectName: 'billing' });
    expect((structured(one).projects as unknown[]).length).toBe(1);
    const all = await call('list_ports', {});
    expect((structured(all).projects as { project: string }[]).map((p) => p.project)).toEqual(['billing', 'tiny']);
    const unknown = await call('list_ports', { projectName: 'nope' });
    expect(unknown.isError).toBe(true);
  });
});

describe('lint and reassign_port answer every shape', () => {
  it('lint: clean, with findings, and a path that is not there', async () => {
    const clean = await call('lint', {});
    expect(structured(clean)).toMatchObject({ total: 0, errors: 0, findings: [] });
    await writeFile(path.join(dir, 'billing/.env.example'), 'API_PORT=5009\n');
    const dirty = await call('lint', {});
    // The template's value also feeds the compose default's interpolation: both places are errors.
    expect(structured(dirty)).toMatchObject({
      errors: 2,
      findings: [
        { ruleId: 'env-drift', file: 'billing/.env.example', line: 1, column: 10, fixable: true },
        { ruleId: 'port-unregistered', file: 'billing/docker-compose.yml', line: 4, column: 22, fixable: false },
      ],
    });
    const missing = await call('lint', { path: 'billing/nope.yml' });
    expect(missing.isError).toBe(true);
  });

  it('lint: a path outside the tree is refused alike whether or not it exists (no existence oracle)', async () => {
    const existing = await call('lint', { path: '../case0/billing/docker-compose.yml' });
    const missing = await call('lint', { path: '../case0/billing/no-such-file.yml' });
    expect(existing.isError).toBe(true);
    expect(missing.isError).toBe(true);
    expect(text(existing)).toMatch(/^\.\.\/case0\/billing\/docker-compose\.yml lies outside .*: lint a path inside it, or omit path$/);
    expect(text(missing)).toBe(text(existing).replace('docker-compose.yml', 'no-such-file.yml'));
  });

  it('reassign_port: the plan, the refusal of apply without planId, the applied move', async () => {
    const plan = await call('reassign_port', { projectName: 'billing', serviceName: 'db', port: 5033 });
    expect(plan.isError).toBeFalsy();
    const planId = structured(plan).planId as string;
    expect(planId).toMatch(/\S/);
    const noId = await call('reassign_port', { projectName: 'billing', serviceName: 'db', port: 5033, apply: true });
    expect(noId.isError).toBe(true);
    const stale = await call('reassign_port', { projectName: 'billing', serviceName: 'db', port: 5033, apply: true, planId: 'not-that-plan' });
    expect(stale.isError).toBe(true);
    expect(structured(stale).planId).toBe(planId);
    const applied = await call('reassign_port', { projectName: 'billing', serviceName: 'db', port: 5033, apply: true, planId, allowDirty: true });
    expect(applied.isError).toBeFalsy();
    expect(structured(applied)).toMatchObject({ project: 'billing', service: 'db', from: 5032, to: 5033, changed: true });
  });
});
