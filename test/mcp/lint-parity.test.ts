/**
 * The MCP lint tool and `portreg lint` are one workflow: for the same tree they report the same
 * findings, with the config's rule settings and baseline applied by both. The CLI runs as users
 * run it (the built dist/cli/main.js, spawned); the tool is called through the MCP SDK's Client.
 */
import { describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createPortregMcpServer } from '../../src/mcp/server.js';
import { runCli } from '../helpers/cli.js';
import { scenario } from '../helpers/scenario.js';
import { FLEET_BRIEF } from '../fixtures/lint/fleet-expected.js';

const FLEET = path.join(import.meta.dirname, '../fixtures/lint/fleet');
const NOW = '2026-11-25T12:00:00Z';

/** A git repository holding a copy of the fleet, with the config given. */
async function fleetRepo(config?: object): Promise<string> {
  return (await scenario({ from: FLEET, ...(config ? { config } : {}), git: true })).root;
}

interface Brief {
  ruleId: string;
  severity: string;
  message: string;
  file: string;
  line: number;
  column: number;
  fixable: boolean;
}
const brief = (f: Brief) => `${f.file}:${f.line}:${f.column} ${f.severity} ${f.ruleId}${f.fixable ? ' (fixable)' : ''}: ${f.message}`;
/** The tool lists errors first, each group in the report's order. */
const errorsFirst = (findings: Brief[]) => [...findings.filter((f) => f.severity === 'error'), ...findings.filter((f) => f.severity !== 'error')];

/** `portreg lint --format json`: the exit code, the findings, and the findings as the tool orders them. */
async function cliLint(dir: string): Promise<{ code: number | null; findings: string[]; asTool: string[] }> {
  const result = await runCli(['lint', '--format', 'json'], { cwd: dir, env: { PORTREG_NOW: NOW } });
  const findings = (JSON.parse(result.stdout) as { findings: Brief[] }).findings;
  return { code: result.code, findings: findings.map(brief), asTool: errorsFirst(findings).map(brief) };
}

async function mcpLint(dir: string): Promise<{ total: number; findings: string[] }> {
  const server = createPortregMcpServer({ cwd: dir, env: {}, probe: false, now: () => new Date(NOW), log: () => {} });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'portreg-test', version: '1.0.0' });
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  try {
    const r = (await client.callTool({ name: 'lint', arguments: {} })) as CallToolResult;
    expect(r.isError).toBeFalsy();
    const report = r.structuredContent as { total: number; truncated: boolean; findings: Brief[] };
    expect(report.truncated).toBe(false);
    return { total: report.total, findings: report.findings.map(brief) };
  } finally {
    await client.close();
  }
}

describe('the MCP lint tool and portreg lint report the same findings', () => {
  it('on the fleet, without a config', async () => {
    const dir = await fleetRepo();
    const cli = await cliLint(dir);
    expect(cli.code).toBe(1);
    expect(cli.findings).toEqual(FLEET_BRIEF);
    expect(await mcpLint(dir)).toEqual({ total: FLEET_BRIEF.length, findings: cli.asTool });
  });

  it("with the config's baseline: the findings it accepts are reported by neither", async () => {
    const dir = await fleetRepo({ baseline: 'portreg-baseline.json' });
    const update = await runCli(['lint', '--update-baseline'], { cwd: dir, env: { PORTREG_NOW: NOW } });
    expect(update).toMatchObject({ code: 0, stdout: '', stderr: `portreg: wrote ${FLEET_BRIEF.length} findings to portreg-baseline.json\n` });
    expect(await cliLint(dir)).toEqual({ code: 0, findings: [], asTool: [] });
    expect(await mcpLint(dir)).toEqual({ total: 0, findings: [] });
  });

  it('with the config\'s baseline, "unused-suppression": "off" and "baseline-stale": "error"', async () => {
    const config = { baseline: '.portreg/baseline.json', rules: { 'unused-suppression': 'off', 'baseline-stale': 'error' } };
    const dir = await fleetRepo(config);
    // The baseline named in the config, written by the CLI, accepts every finding but the turned-off one.
    const update = await runCli(['lint', '--update-baseline'], { cwd: dir, env: { PORTREG_NOW: NOW } });
    expect(update).toMatchObject({ code: 0, stdout: '', stderr: 'portreg: wrote 23 findings to .portreg/baseline.json\n' });
    expect(await readFile(path.join(dir, '.portreg/baseline.json'), 'utf8')).not.toContain('unused-suppression');

    // One baselined problem fixed by hand (its entry goes stale), one new problem.
    const compose = path.join(dir, 'billing/docker-compose.yml');
    await writeFile(compose, (await readFile(compose, 'utf8')).replace('"5033:5432"', '"5032:5432"'));
    await writeFile(path.join(dir, 'stray/compose.yaml'), 'services:\n  x:\n    ports:\n      - "5100:80"\n      - "8052:80"\n');
    // The new problem, then the stale entry of the baseline, as an error.
    const expected = [
      'stray/compose.yaml:5:10 error port-reserved: port 8052 is reserved: Supervisor infrastructure (8000-8099)',
      '.portreg/baseline.json:1:1 error baseline-stale: the baseline accepts 1 port-mismatch finding in billing/docker-compose.yml (billing|postgres|5033) that no longer occurs: run --update-baseline',
    ];
    const cli = await cliLint(dir);
    expect(cli.code).toBe(1);
    expect(cli.findings).toEqual(expected);
    expect(await mcpLint(dir)).toEqual({ total: 2, findings: expected });
  });
});
