/**
 * Every command that changes the registry leaves the tree coherent (issue 13.3): on a tree that
 * uses the generators (READMEs with markers, .supervisor-specific files, a configured TypeScript
 * module), the generated text that the change makes stale is rewritten in the same change set,
 * the output names it, and afterwards `portreg lint` and `portreg generate all --check` exit 0.
 * Files without generated text are never created. The CLI is spawned as users run it; the MCP
 * tools go through the SDK client over stdio.
 */
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { CLI, runCli, testEnv } from '../helpers/cli.js';
import { scenario, type Scenario } from '../helpers/scenario.js';

const FLEET = path.join(import.meta.dirname, '../fixtures/generate/basic-expected');

/** The generated fleet in a git repository, everything committed. */
const fleet = () => scenario({ from: FLEET, git: true, prefix: 'portreg-coherent-' });

/** lint and generate --check on the result: the two answers the issue asks for. */
async function coherent(s: Scenario): Promise<void> {
  const lint = await runCli(['lint'], { cwd: s.root });
  expect(lint.code, lint.stdout + lint.stderr).toBe(0);
  expect(lint.stdout).not.toContain('generated-stale');
  const check = await runCli(['generate', 'all', '--check'], { cwd: s.root });
  expect([check.code, check.stdout]).toEqual([0, '']);
  expect(check.stderr.endsWith('portreg: every generated file is current\n')).toBe(true);
}

describe('CLI writers refresh the generated files that exist', () => {
  it('reassign --write', async () => {
    const s = await fleet();
    const r = await runCli(['reassign', '--project', 'billing', '--service', 'api', '--port', '5050', '--write'], { cwd: s.root });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(
      [
        'portreg: ports.registry.json: service "api" of project "billing": port 5001 → 5050; 5001 stays in its history (quarantine)',
        'portreg: refreshed generated text in billing/.env.example, billing/README.md, billing/.supervisor-specific/ports.json, billing/.supervisor-specific/PORTS.md, src/ports.ts',
        'portreg: wrote 6 files: billing/.env.example, billing/compose.yaml, billing/README.md, billing/.supervisor-specific/ports.json, billing/.supervisor-specific/PORTS.md, src/ports.ts, and ports.registry.json; a second scan finds every port where the plan put it',
        '',
      ].join('\n'),
    );
    // The table is sorted by port: api moved below postgres; the prose after the region was moved by the rewrite.
    expect(await s.read('billing/README.md')).toContain(
      '| postgres | 5032 | Main database | `DATABASE_PORT` | <postgres://localhost:5032> |\n| api | 5050 | REST API | `API_PORT` | <http://localhost:5050> |\n\n<!-- portreg:end -->\n\nThe API answers on http://localhost:5050/health.\n',
    );
    await coherent(s);
  });

  it('reassign without --write shows the generated files in the diff and writes nothing', async () => {
    const s = await fleet();
    const r = await runCli(['reassign', '--project', 'billing', '--service', 'api', '--port', '5050'], { cwd: s.root });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('+++ b/src/ports.ts\n');
    expect(r.stdout).toContain('+++ b/billing/.supervisor-specific/ports.json\n');
    expect(s.git('status', '--porcelain')).toBe('');
  });

  it('project move --write (the root table too)', async () => {
    const s = await fleet();
    const r = await runCli(['project', 'move', 'web-app', '--range', '5200-5299', '--write'], { cwd: s.root });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      'portreg: refreshed generated text in web-app/README.md, README.md, web-app/.supervisor-specific/ports.json, web-app/.supervisor-specific/PORTS.md, src/ports.ts\n',
    );
    expect(await s.read('README.md')).toContain('| web-app | 5200-5299 | `web-app` | - |\n');
    await coherent(s);
  });

  it('migrate --write after a port changed by hand', async () => {
    const s = await fleet();
    await s.write('ports.registry.json', (await s.read('ports.registry.json')).replace('"port": 5001,', '"port": 5050,'));
    s.commit('api moves to 5050');
    const r = await runCli(['migrate', '--from', 'HEAD~1', '--write'], { cwd: s.root });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      'portreg: refreshed generated text in billing/.env.example, billing/README.md, billing/.supervisor-specific/ports.json, billing/.supervisor-specific/PORTS.md, src/ports.ts\n',
    );
    await coherent(s);
  });

  it('allocate (without --update)', async () => {
    const s = await fleet();
    const r = await runCli(['allocate', '--project', 'billing', '--service', 'worker', '--purpose', 'Background jobs', '--env', 'WORKER_PORT'], {
      cwd: s.root,
    });
    expect([r.code, r.stdout]).toEqual([0, '5002\n']);
    expect(r.stderr).toBe(
      'portreg: refreshed generated text in billing/.env.example, billing/README.md, billing/.supervisor-specific/ports.json, billing/.supervisor-specific/PORTS.md, src/ports.ts\n',
    );
    expect(await s.read('billing/.env.example')).toContain('# worker: Background jobs\nWORKER_PORT=5002\n');
    await coherent(s);
    // Again: the same port, nothing to refresh.
    const again = await runCli(['allocate', '--project', 'billing', '--service', 'worker', '--purpose', 'Background jobs', '--env', 'WORKER_PORT'], {
      cwd: s.root,
    });
    expect([again.code, again.stdout, again.stderr]).toEqual([
      0,
      '5002\n',
      'portreg: service "worker" of project "billing" already has port 5002 (range 5000-5099)\n',
    ]);
  });

  it('release', async () => {
    const s = await fleet();
    const r = await runCli(['release', '--project', 'web-app', '--service', 'dns'], { cwd: s.root });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('released port 5153 of service "dns" of project "web-app"\n');
    expect(r.stderr).toBe(
      'portreg: refreshed generated text in web-app/README.md, web-app/.supervisor-specific/ports.json, web-app/.supervisor-specific/PORTS.md, src/ports.ts\n',
    );
    await coherent(s);
    // Again: a clear no-op, as a repeated allocation is.
    const registry = await s.read('ports.registry.json');
    const again = await runCli(['release', '--project', 'web-app', '--service', 'dns'], { cwd: s.root });
    expect([again.code, again.stdout, again.stderr]).toEqual([
      0,
      'service "dns" of project "web-app" is already released (port 5153 stays in quarantine); nothing to change\n',
      '',
    ]);
    expect(await s.read('ports.registry.json')).toBe(registry);
  });

  it('project add (the root table of projects)', async () => {
    const s = await fleet();
    const r = await runCli(['project', 'add', 'search', '--path', 'search', '--description', 'Full-text search'], { cwd: s.root });
    expect([r.code, r.stdout, r.stderr]).toEqual([0, 'project search: range 5200-5299\n', 'portreg: refreshed generated text in README.md, src/ports.ts\n']);
    expect(await s.read('README.md')).toContain('| web-app | 5100-5199 | `web-app` | - |\n| search | 5200-5299 | `search` | Full-text search |\n');
    await coherent(s);
  });

  it('never creates a generated file that does not exist', async () => {
    const s = await scenario({
      git: true,
      registry: {
        version: 1,
        projects: { billing: { range: { from: 5000, to: 5099 }, path: 'billing', services: { api: { port: 5001, purpose: 'REST API', env: 'API_PORT' } } } },
      },
      files: { 'billing/compose.yaml': 'services:\n  api:\n    ports:\n      - "${API_PORT:-5001}:8080"\n' },
    });
    const r = await runCli(['reassign', '--project', 'billing', '--service', 'api', '--port', '5050', '--write'], { cwd: s.root });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('refreshed');
    const a = await runCli(['allocate', '--project', 'billing', '--service', 'db', '--purpose', 'Database'], { cwd: s.root });
    expect([a.code, a.stderr]).toEqual([0, '']);
    expect(s.git('status', '--porcelain', '--untracked-files=all')).toBe(' M billing/compose.yaml\n M ports.registry.json\n');
  });
});

async function connect(cwd: string): Promise<Client> {
  const env = Object.fromEntries(Object.entries(testEnv()).filter((e): e is [string, string] => e[1] !== undefined));
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp'], cwd, env, stderr: 'pipe' });
  const client = new Client({ name: 'portreg-coherent', version: '1.0.0' });
  await client.connect(transport);
  // Listing the tools first makes the client check every answer against the tool's outputSchema.
  await client.listTools();
  return client;
}

const text = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  const r = (await client.callTool({ name, arguments: args })) as CallToolResult;
  expect(r.isError, text(r)).toBeFalsy();
  return r;
}

describe('MCP writers refresh the generated files that exist', () => {
  it('allocate_port without update', async () => {
    const s = await fleet();
    const client = await connect(s.root);
    try {
      const r = await call(client, 'allocate_port', { projectName: 'billing', serviceName: 'worker', purpose: 'Background jobs', env: 'WORKER_PORT' });
      expect((r.structuredContent as { refreshed: string[] }).refreshed).toEqual([
        'billing/.env.example',
        'billing/README.md',
        'billing/.supervisor-specific/ports.json',
        'billing/.supervisor-specific/PORTS.md',
        'src/ports.ts',
      ]);
      expect(text(r)).toContain('refreshed generated text in billing/.env.example, billing/README.md');
    } finally {
      await client.close();
    }
    await coherent(s);
  });

  it('reassign_port, planned and applied', async () => {
    const s = await fleet();
    const client = await connect(s.root);
    try {
      const plan = await call(client, 'reassign_port', { projectName: 'billing', serviceName: 'api', port: 5050 });
      const view = plan.structuredContent as { planId: string; refreshed: string[] };
      expect(view.refreshed).toEqual([
        'billing/.env.example',
        'billing/README.md',
        'billing/.supervisor-specific/ports.json',
        'billing/.supervisor-specific/PORTS.md',
        'src/ports.ts',
      ]);
      const applied = await call(client, 'reassign_port', { projectName: 'billing', serviceName: 'api', port: 5050, apply: true, planId: view.planId });
      expect((applied.structuredContent as { written: string[] }).written).toEqual([
        'billing/.env.example',
        'billing/compose.yaml',
        'billing/README.md',
        'billing/.supervisor-specific/ports.json',
        'billing/.supervisor-specific/PORTS.md',
        'src/ports.ts',
      ]);
    } finally {
      await client.close();
    }
    await coherent(s);
  });

  it('release_port', async () => {
    const s = await fleet();
    const client = await connect(s.root);
    try {
      const r = await call(client, 'release_port', { projectName: 'web-app', serviceName: 'dns' });
      expect(r.structuredContent).toEqual({
        project: 'web-app',
        service: 'dns',
        port: 5153,
        released: true,
        refreshed: ['web-app/README.md', 'web-app/.supervisor-specific/ports.json', 'web-app/.supervisor-specific/PORTS.md', 'src/ports.ts'],
      });
      const again = await call(client, 'release_port', { projectName: 'web-app', serviceName: 'dns' });
      expect(again.structuredContent).toEqual({ project: 'web-app', service: 'dns', port: 5153, released: false, refreshed: [] });
      expect(text(again)).toBe('service "dns" of project "web-app" is already released (port 5153 stays in quarantine); nothing to change');
    } finally {
      await client.close();
    }
    await coherent(s);
  });
});
