/**
 * The MCP tool allocate_port with update: true, through the real SDK client over stdio (the
 * built CLI's `portreg mcp`), on a copy of the generated fleet: the same library step as
 * `portreg allocate --update`, with the files in the structured result.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { CLI, tempDir, testEnv } from '../helpers/cli.js';
import { copyTree, readTree } from '../rewrite/helpers.js';
import { git } from '../helpers/git.js';

const EXPECTED = path.join(import.meta.dirname, '../fixtures/generate/basic-expected');

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir: root, cleanup } = await tempDir('portreg-mcp-update-')));
afterAll(() => cleanup());

async function connect(cwd: string): Promise<Client> {
  const env = Object.fromEntries(Object.entries(testEnv()).filter((e): e is [string, string] => e[1] !== undefined));
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp'], cwd, env, stderr: 'pipe' });
  const client = new Client({ name: 'portreg-update-e2e', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

const text = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

describe('MCP allocate_port with update: true', () => {
  it('allocates and updates compose, .env.example, the README table and the generated files, as the CLI does', async () => {
    const dir = await copyTree(EXPECTED, path.join(root, 'mcp'));
    await appendFile(path.join(dir, 'billing/compose.yaml'), '  worker:\n    image: worker\n');
    // The CLI on a second copy gives the bytes to compare with.
    const cliDir = await copyTree(dir, path.join(root, 'cli'));
    const client = await connect(dir);
    try {
      const r = (await client.callTool({
        name: 'allocate_port',
        arguments: { projectName: 'billing', serviceName: 'worker', purpose: 'Background jobs', env: 'WORKER_PORT', update: true },
      })) as CallToolResult;
      expect(r.isError, text(r)).toBeFalsy();
      expect(r.structuredContent).toEqual({
        port: 5002,
        project: 'billing',
        service: 'worker',
        range: { from: 5000, to: 5099 },
        created: true,
        url: 'http://localhost:5002',
        skippedLive: [],
        warnings: [],
        update: {
          files: [
            { file: 'billing/compose.yaml', what: 'ports of compose service "worker"', created: false },
            { file: 'billing/.env.example', what: 'port variables (generated region)', created: false },
            { file: 'billing/README.md', what: 'port table (generated region)', created: false },
            { file: 'billing/.supervisor-specific/ports.json', what: 'generated file', created: false },
            { file: 'billing/.supervisor-specific/PORTS.md', what: 'generated file', created: false },
            { file: 'src/ports.ts', what: 'generated module', created: false },
          ],
          compose: [
            {
              service: 'worker',
              composeService: 'worker',
              status: 'insert',
              file: 'billing/compose.yaml',
              entries: ['${WORKER_PORT:-5002}:5002'],
              message: 'add "${WORKER_PORT:-5002}:5002" to the ports of worker in billing/compose.yaml',
              snippet: null,
            },
          ],
          notes: [],
        },
      });
      expect(text(r)).toContain('updated billing/compose.yaml: ports of compose service "worker"');
      const bad = (await client.callTool({
        name: 'allocate_port',
        arguments: { projectName: 'billing', serviceName: 'x', purpose: 'x', update: 'yes' },
      })) as CallToolResult;
      expect(bad.isError).toBe(true);
      expect(text(bad)).toContain('update must be true or false');
    } finally {
      await client.close();
    }
    expect(await readFile(path.join(dir, 'billing/compose.yaml'), 'utf8')).toContain(
      '  worker:\n    image: worker\n    ports:\n      - "${WORKER_PORT:-5002}:5002"\n',
    );
    const { runCli } = await import('../helpers/cli.js');
    const cli = await runCli(['allocate', '--project', 'billing', '--service', 'worker', '--purpose', 'Background jobs', '--env', 'WORKER_PORT', '--update'], {
      cwd: cliDir,
    });
    expect(cli.stdout).toBe('5002\n');
    expect(await readTree(dir)).toEqual(await readTree(cliDir));
  });

  it('refuses files with uncommitted changes (nothing written, no port allocated) unless allowDirty: true', async () => {
    const dir = await copyTree(EXPECTED, path.join(root, 'dirty'));
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'before');
    await appendFile(path.join(dir, 'billing/.env.example'), 'DEBUG=1\n');
    const before = await readTree(dir);
    const args = { projectName: 'billing', serviceName: 'worker', purpose: 'Background jobs', env: 'WORKER_PORT', update: true };
    const client = await connect(dir);
    try {
      const refused = (await client.callTool({ name: 'allocate_port', arguments: args })) as CallToolResult;
      expect(refused.isError).toBe(true);
      expect(refused._meta).toEqual({ code: 'files-dirty' });
      expect(text(refused)).toBe(
        'a file to write has uncommitted changes; commit or stash them first (or pass allowDirty: true); nothing was written:\n  billing/.env.example',
      );
      expect(await readTree(dir)).toEqual(before);

      const allowed = (await client.callTool({ name: 'allocate_port', arguments: { ...args, allowDirty: true } })) as CallToolResult;
      expect(allowed.isError, text(allowed)).toBeFalsy();
      expect((allowed.structuredContent as { port: number }).port).toBe(5002);
    } finally {
      await client.close();
    }
    const env = await readFile(path.join(dir, 'billing/.env.example'), 'utf8');
    expect(env).toContain('# worker: Background jobs\nWORKER_PORT=5002\n');
    expect(env.endsWith('LOG_LEVEL=info\nDEBUG=1\n')).toBe(true);
  });
});
