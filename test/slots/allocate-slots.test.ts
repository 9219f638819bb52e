/**
 * allocate on a project with slots: new services get ports of slot 0 only (the first width ports
 * of the range), and a full slot 0 is refused at once, with the width and the next step, the same
 * through the CLI and through the MCP SDK Client; after allocate --update the tree lints clean and
 * its generated text is current.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { createPortregMcpServer } from '../../src/mcp/server.js';
import { FROM, registryAt, type SlotRepo, slotRepo } from './fixture.js';

/** The fixture's billing (api at +1, db at +2, slots of width 10) with +0 and +3 to +8 taken too: one port of slot 0 left, +9. */
function nearlyFull() {
  const registry = registryAt(FROM);
  const services: Record<string, object> = { ...registry.projects.billing.services, web: { port: FROM, purpose: 'web', env: 'WEB_PORT' } };
  for (let d = 3; d <= 8; d++) services[`s${d}`] = { port: FROM + d, purpose: `service ${d}` };
  return { ...registry, projects: { billing: { ...registry.projects.billing, services } } };
}

const COMPOSE_WITH_WORKER = `services:\n  api:\n    ports:\n      - "\${API_PORT:-${FROM + 1}}:8080"\n  db:\n    ports:\n      - "\${DB_PORT:-${FROM + 2}}:5432"\n  worker:\n    image: worker\n`;

const FULL = `project billing: slot 0 (${FROM}-${FROM + 9}, the first 10 ports of range ${FROM}-${FROM + 99}) is full (10 of 10 used): with slots of width 10, every service's port lies in slot 0 and each slot repeats it 10 ports up; widen the slots ("slots": { "width": N } with N > 10 in the registry, for fewer slots: portreg registry check says how many the range holds) or register fewer services (portreg release)`;

const repoOf = () => slotRepo({ registry: nearlyFull(), files: { 'billing/docker-compose.yml': COMPOSE_WITH_WORKER } });

async function connect(repo: SlotRepo): Promise<Client> {
  const server = createPortregMcpServer({ cwd: repo.main.root, env: { ...repo.env }, probe: false, log: () => {} });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'portreg-allocate-slots', version: '1.0.0' });
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  await client.listTools();
  return client;
}
const allocate = (client: Client, args: Record<string, unknown>) => client.callTool({ name: 'allocate_port', arguments: args }) as Promise<CallToolResult>;
const text = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

/** The tree after a writer: lint, generate all --check and registry check all pass. */
async function expectClean(repo: SlotRepo) {
  for (const args of [['lint'], ['generate', 'all', '--check'], ['registry', 'check']]) {
    const r = await repo.cli(args);
    expect({ args, code: r.code, stderr: r.stderr }).toMatchObject({ code: 0 });
  }
}

const worker = ['allocate', '--project', 'billing', '--service', 'worker', '--purpose', 'Jobs', '--env', 'WORKER_PORT', '--container-port', '9000', '--update'];
const cron = ['allocate', '--project', 'billing', '--service', 'cron', '--purpose', 'Cron'];

describe('allocate on a project with slots', () => {
  it('CLI: the last port of slot 0, not the first free port of the range; then a refusal naming the width and the next step', async () => {
    const repo = await repoOf();
    const r = await repo.cli(worker);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${FROM + 9}\n`);
    expect(await repo.main.read('billing/docker-compose.yml')).toBe(`${COMPOSE_WITH_WORKER}    ports:\n      - "\${WORKER_PORT:-${FROM + 9}}:9000"\n`);
    await expectClean(repo);

    const registryBefore = await repo.main.read('ports.registry.json');
    const full = await repo.cli(cron);
    expect(full.code).toBe(1);
    expect(full.stdout).toBe('');
    expect(full.stderr).toBe(`portreg: ${FULL}\n`);
    expect(await repo.main.read('ports.registry.json')).toBe(registryBefore);

    const beyond = await repo.cli([...cron, '--port', String(FROM + 15)]);
    expect(beyond.code).toBe(1);
    expect(beyond.stderr).toBe(
      `portreg: port ${FROM + 15} is beyond slot 0 of project "billing" (${FROM}-${FROM + 9}, slots of width 10): it is slot 1's copy of ${FROM + 5}; take a port of ${FROM}-${FROM + 9}, or widen the slots\n`,
    );
  });

  it('MCP allocate_port through the SDK Client gives the same port and the same refusal', async () => {
    const repo = await repoOf();
    const client = await connect(repo);
    try {
      const left = async () =>
        ((await client.callTool({ name: 'list_ports', arguments: { projectName: 'billing' } })) as CallToolResult).structuredContent as {
          projects: { left: number }[];
        };
      // The free ports a new service could get are slot 0's: one, though 90 ports of the range are free.
      expect((await left()).projects[0]!.left).toBe(1);
      const r = await allocate(client, { projectName: 'billing', serviceName: 'worker', purpose: 'Jobs', env: 'WORKER_PORT', update: true });
      expect(r.isError).toBeFalsy();
      expect(r.structuredContent).toMatchObject({ project: 'billing', service: 'worker', port: FROM + 9, created: true });
      await expectClean(repo);

      const full = await allocate(client, { projectName: 'billing', serviceName: 'cron', purpose: 'Cron' });
      expect(full.isError).toBe(true);
      expect(text(full)).toBe(FULL);
      expect(full._meta).toEqual({ code: 'slot-width-full' });
      expect((await left()).projects[0]!.left).toBe(0);
    } finally {
      await client.close();
    }
  });
});
