/**
 * The slot tools through the MCP SDK's own Client, which checks every structuredContent against
 * the tool's outputSchema (after listTools, as real clients do): each shape of each tool, on real
 * worktrees, with a real listener.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { createPortregMcpServer } from '../../src/mcp/server.js';
import { listenOn, type SlotRepo, fixtureAt } from './fixture.js';

/** A range of this file's own: it listens on slot ports while the other slot tests run. */
const { FROM, slotRepo } = fixtureAt(27400);

async function connect(repo: SlotRepo): Promise<Client> {
  const server = createPortregMcpServer({ cwd: repo.main.root, env: { ...repo.env }, probe: false, log: () => {} });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'portreg-slots', version: '1.0.0' });
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  await client.listTools();
  return client;
}

const call = (client: Client, name: string, args: Record<string, unknown>) => client.callTool({ name, arguments: args }) as Promise<CallToolResult>;
const text = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

describe('the slot tools through the SDK client', () => {
  it('acquire_slot leases and writes the env; worktree_ports shows it; release_slot gives it back', { timeout: 30_000 }, async () => {
    const repo = await slotRepo();
    const a = repo.addWorktree('a');
    const client = await connect(repo);
    try {
      const none = await call(client, 'worktree_ports', { cwd: a });
      expect(none.isError).toBeFalsy();
      expect(none.structuredContent).toEqual({ project: 'billing', worktree: a, leased: false, slot: null, ports: [] });
      expect(text(none)).toBe(`${a} holds no slot of project "billing": acquire_slot takes one`);

      const acquired = await call(client, 'acquire_slot', { cwd: path.join(a, 'billing') });
      expect(acquired.isError).toBeFalsy();
      expect(acquired.structuredContent).toMatchObject({
        project: 'billing',
        slot: 1,
        worktree: a,
        repository: path.join(repo.main.root, '.git'),
        present: true,
        created: true,
        skippedListening: [],
        env: { COMPOSE_PROJECT_NAME: 'billing-1', API_PORT: String(FROM + 11), DB_PORT: String(FROM + 2) },
        written: ['billing/.env'],
        unchanged: [],
      });
      expect(await readFile(path.join(a, 'billing/.env'), 'utf8')).toContain(`API_PORT=${FROM + 11}\n`);
      const again = await call(client, 'acquire_slot', { cwd: a });
      expect(again.structuredContent).toMatchObject({ slot: 1, created: false, written: [], unchanged: ['billing/.env'] });

      await listenOn(FROM + 11);
      const ports = await call(client, 'worktree_ports', { cwd: a });
      expect(ports.structuredContent).toEqual({
        project: 'billing',
        worktree: a,
        leased: true,
        slot: 1,
        ports: [
          { service: 'api', port: FROM + 11, env: 'API_PORT', shared: false, url: `http://localhost:${FROM + 11}`, listening: true },
          { service: 'db', port: FROM + 2, env: 'DB_PORT', shared: true, url: `http://localhost:${FROM + 2}`, listening: false },
        ],
      });

      const refused = await call(client, 'release_slot', { cwd: a });
      expect(refused.isError).toBe(true);
      expect(refused._meta).toEqual({ code: 'slot-in-use' });
      expect(text(refused)).toBe(
        `slot 1 of project "billing" is in use: something listens on ${FROM + 11} (api); stop it first, or release anyway with --force`,
      );
      const released = await call(client, 'release_slot', { cwd: a, force: true });
      expect(released.structuredContent).toEqual({ project: 'billing', worktree: a, released: true, slot: 1 });
      const twice = await call(client, 'release_slot', { cwd: a, force: true });
      expect(twice.structuredContent).toEqual({ project: 'billing', worktree: a, released: false, slot: null });
    } finally {
      await client.close();
    }
  });

  it('answers a folder outside git and bad input as errors with the next step', async () => {
    const repo = await slotRepo();
    const client = await connect(repo);
    try {
      const outside = await call(client, 'acquire_slot', { cwd: repo.state });
      expect(outside.isError).toBe(true);
      expect(outside._meta).toEqual({ code: 'not-a-checkout' });
      const missing = await call(client, 'worktree_ports', {});
      expect(missing.isError).toBe(true);
      expect(text(missing)).toContain('cwd is required');
      const badFlag = await call(client, 'acquire_slot', { cwd: repo.main.root, writeEnv: 'yes' });
      expect(badFlag.isError).toBe(true);
      expect(text(badFlag)).toContain('writeEnv must be true or false');
    } finally {
      await client.close();
    }
  });
});
