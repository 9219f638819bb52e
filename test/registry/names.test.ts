/**
 * Registry integrity against its callers: every name is checked by the schema's rule before
 * anything is planned, names like `constructor` are ordinary names (the registry's maps have no
 * prototype), and no writer can leave a registry that fails its own checks.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createPortregMcpServer } from '../../src/mcp/server.js';
import { loadRegistry } from '../../src/registry/load.js';
import { updateRegistry } from '../../src/registry/store.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { writeRegistry } from '../helpers/registry-fixture.js';

const { dir: root, cleanup } = await tempDir('portreg-names-');
afterAll(() => cleanup());
let n = 0;

async function fresh(): Promise<string> {
  const dir = path.join(root, `case${n++}`);
  await import('node:fs/promises').then((fs) => fs.mkdir(dir));
  await writeRegistry(dir, { billing: { range: { from: 5000, to: 5099 }, services: { api: { port: 5001, purpose: 'REST API' } } } });
  return dir;
}

const INVALID = ['__proto__', 'a b', 'é', 'x/y', '.hidden', 'x'.repeat(101)];
const PROTOTYPE_NAMES = ['constructor', 'toString', 'hasOwnProperty', 'valueOf'];
const RULE = "letters, digits, '.', '_' and '-', starting with a letter or digit, at most 100 characters";

describe('names reaching the registry (CLI)', () => {
  it('refuses every invalid project or service name with the rule, exit 2, nothing written', async () => {
    const dir = await fresh();
    const before = await readFile(path.join(dir, 'ports.registry.json'), 'utf8');
    for (const name of INVALID) {
      const service = await runCli(['allocate', '--project', 'billing', '--service', name, '--purpose', 'x'], { cwd: dir });
      expect(service, name).toMatchObject({
        code: 2,
        stdout: '',
        stderr: `portreg: service name ${JSON.stringify(name)} is not valid: service names are ${RULE}\n`,
      });
      const project = await runCli(['project', 'add', name], { cwd: dir });
      expect(project, name).toMatchObject({ code: 2, stderr: `portreg: project name ${JSON.stringify(name)} is not valid: project names are ${RULE}\n` });
      // Every other command that takes a name: the same refusal, exit 2.
      for (const args of [
        ['release', '--project', name, '--service', 'api'],
        ['release', '--project', 'billing', '--service', name],
        ['list', '--project', name],
        ['reassign', '--project', 'billing', '--service', name, '--port', '5091'],
        ['reassign', '--project', name, '--service', 'api', '--port', '5091'],
        ['project', 'move', name, '--range', '5200-5299'],
        ['generate', 'docs', '--project', name],
      ]) {
        const r = await runCli(args, { cwd: dir });
        expect(r.code, args.join(' ')).toBe(2);
        expect(r.stderr, args.join(' ')).toMatch(/^portreg: (project|service) name ".*" is not valid: (project|service) names are /);
      }
    }
    expect((await runCli(['registry', 'check'], { cwd: dir })).code).toBe(0);
    const env = await runCli(['allocate', '--project', 'billing', '--service', 'web', '--purpose', 'x', '--env', 'bad-var'], { cwd: dir });
    expect(env).toMatchObject({
      code: 2,
      stderr: 'portreg: env variable "bad-var" is not valid: env variable names are letters, digits and _, not starting with a digit\n',
    });
    expect(await readFile(path.join(dir, 'ports.registry.json'), 'utf8')).toBe(before);
  });

  it('treats constructor, toString and friends as ordinary names: unknown until added, then kept', async () => {
    const dir = await fresh();
    for (const name of PROTOTYPE_NAMES) {
      const unknown = await runCli(['allocate', '--project', name, '--service', 'api', '--purpose', 'x'], { cwd: dir });
      expect(unknown, name).toMatchObject({
        code: 1,
        stderr: `portreg: project "${name}" is unknown: register it with "portreg project add ${name}" (known projects: billing)\n`,
      });
      const released = await runCli(['release', '--project', 'billing', '--service', name], { cwd: dir });
      expect(released.code, name).toBe(1);
      expect(released.stderr, name).toContain(`has no service "${name}"`);
    }
    const ports = [];
    for (const name of PROTOTYPE_NAMES)
      ports.push((await runCli(['allocate', '--project', 'billing', '--service', name, '--purpose', 'x'], { cwd: dir })).stdout);
    expect(ports).toEqual(['5002\n', '5003\n', '5004\n', '5005\n']);
    const loaded = await loadRegistry(path.join(dir, 'ports.registry.json'));
    expect(loaded.findings).toEqual([]);
    expect(Object.keys(loaded.data!.projects.billing!.services!)).toEqual(['api', ...PROTOTYPE_NAMES]);
    expect(({} as Record<string, unknown>).services).toBeUndefined();
  });
});

describe('names reaching the registry (MCP)', () => {
  it('refuses invalid names by the input schema, keeps answering, and leaves a registry that passes its checks', async () => {
    const dir = await fresh();
    const server = createPortregMcpServer({ cwd: dir, env: {}, probe: false, log: () => {} });
    const [a, b] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: 'names-test', version: '1.0.0' });
    await Promise.all([server.connect(b), client.connect(a)]);
    const { tools } = await client.listTools();
    const allocate = tools.find((t) => t.name === 'allocate_port')!;
    expect((allocate.inputSchema.properties as Record<string, { pattern?: string }>).serviceName!.pattern).toBe('^[A-Za-z0-9][A-Za-z0-9._-]*$');
    const call = (name: string, args: Record<string, unknown>) => client.callTool({ name, arguments: args }) as Promise<CallToolResult>;
    const text = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
    for (const name of INVALID) {
      for (const [tool, args] of [
        ['allocate_port', { projectName: name, serviceName: 'api', purpose: 'x' }],
        ['allocate_port', { projectName: 'billing', serviceName: name, purpose: 'x' }],
        ['release_port', { projectName: 'billing', serviceName: name }],
        ['check_port', { port: 5001, projectName: name }],
        ['list_ports', { projectName: name }],
        ['reassign_port', { projectName: 'billing', serviceName: name, port: 5091 }],
      ] as const) {
        const r = await call(tool, args);
        expect(r.isError, `${tool} ${name}`).toBe(true);
        expect(text(r), `${tool} ${name}`).toMatch(/must be a name of|must be at most 100 characters/);
      }
    }
    for (const [i, name] of PROTOTYPE_NAMES.entries()) {
      expect(text(await call('allocate_port', { projectName: name, serviceName: 'api', purpose: 'x' })), name).toMatch(/^project "\w+" is unknown/);
      expect(text(await call('check_port', { port: 5001, projectName: name })), name).toMatch(/^project "\w+" is unknown/);
      expect(text(await call('list_ports', { projectName: name })), name).toMatch(/^project "\w+" is unknown/);
      expect(text(await call('release_port', { projectName: 'billing', serviceName: name })), name).toMatch(/has no service/);
      const allocated = await call('allocate_port', { projectName: 'billing', serviceName: name, purpose: 'x', port: 5090 + i });
      expect(allocated.structuredContent, name).toMatchObject({ port: 5090 + i, service: name, created: true });
      expect((await call('release_port', { projectName: 'billing', serviceName: name })).isError, name).toBeFalsy();
    }
    expect((await client.listTools()).tools).toHaveLength(tools.length);
    const loaded = await loadRegistry(path.join(dir, 'ports.registry.json'));
    expect(loaded.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(({} as Record<string, unknown>).services).toBeUndefined();
    await client.close();
  });
});

describe('the store', () => {
  it('refuses a write that would leave the registry failing its checks, whatever the writer', async () => {
    const dir = await fresh();
    const file = path.join(dir, 'ports.registry.json');
    const before = await readFile(file, 'utf8');
    const attempt = updateRegistry(file, (registry) => {
      registry.projects.billing!.services!.web = { port: 70000, purpose: 'out of range' };
      return { registry, result: null };
    });
    await expect(attempt).rejects.toThrow(
      /^the change would leave \S*ports\.registry\.json with 1 error; nothing was written:\n {2}.*ports\.registry\.json:\d+:\d+: .*web.*port/s,
    );
    expect(await readFile(file, 'utf8')).toBe(before);
  });
});
