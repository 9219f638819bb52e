/**
 * A registry that a merge left with git's conflict markers: each conflict is one finding with
 * the lines of both sides, not the JSON reader's errors about the markers, and every command
 * that reads the registry (CLI and MCP) names it and exits 2.
 */
import { describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { findConflictBlocks } from '../../src/registry/conflict-markers.js';
import { parseRegistryText } from '../../src/registry/load.js';
import { createPortregMcpServer } from '../../src/mcp/server.js';
import { runCli } from '../helpers/cli.js';
import { scenario } from '../helpers/scenario.js';

const registry = (services: Record<string, { port: number; purpose: string }>) =>
  `${JSON.stringify({ version: 1, projects: { billing: { range: { from: 5000, to: 5099 }, services } } }, null, 2)}\n`;

describe('conflict markers', () => {
  it('finds each complete block, diff3 style included, and leaves unpaired or indented markers alone', () => {
    const text = [
      '{', // 1
      '<<<<<<< HEAD', // 2
      '  "a": 1,', // 3
      '||||||| merged common ancestors', // 4
      '  "a": 0,', // 5
      '=======', // 6
      '  "a": 2,', // 7
      '>>>>>>> other', // 8
      '  "b": "=======",', // 9
      '   <<<<<<< not at the start of the line', // 10
      '<<<<<<< HEAD\r', // 11
      '=======\r', // 12
      '>>>>>>> theirs\r', // 13
      '}',
    ].join('\n');
    expect(findConflictBlocks(text).map(({ start, base, middle, end }) => ({ start, base, middle, end }))).toEqual([
      { start: 2, base: 4, middle: 6, end: 8 },
      { start: 11, base: null, middle: 12, end: 13 },
    ]);
    expect(findConflictBlocks('{\n"a": "<<<<<<<"\n}\n')).toEqual([]);
  });

  it('is reported once per conflict, with the lines of each side, instead of the JSON errors', () => {
    const text = registry({ api: { port: 5001, purpose: 'REST API' } }).replace(
      '          "purpose": "REST API"\n',
      '<<<<<<< HEAD\n          "purpose": "REST API"\n=======\n          "purpose": "the REST API"\n>>>>>>> feature\n',
    );
    const loaded = parseRegistryText(text, '/repo/ports.registry.json', { cwd: '/repo' });
    expect(loaded.data).toBeUndefined();
    expect(loaded.findings.map((f) => `${f.line}:${f.column}-${f.endLine}:${f.endColumn} ${f.ruleId}: ${f.message}`)).toEqual([
      '12:1-12:13 registry-merge-conflict: merge conflict (lines 12-16: ours at line 13, theirs at line 15): run "portreg registry resolve" to merge both sides entry by entry (or by hand: keep the entries of both sides, remove the markers, give any port both took to one service only, then "portreg registry check")',
    ]);
  });
});

describe('a registry conflicted by a real git merge', () => {
  it('makes every command name the conflict and exit 2 (CLI and MCP)', async () => {
    const s = await scenario({ registry: registry({ api: { port: 5001, purpose: 'REST API' } }), git: true });
    s.git('checkout', '-q', '-b', 'web');
    await s.write('ports.registry.json', registry({ api: { port: 5001, purpose: 'REST API' }, web: { port: 5002, purpose: 'Web UI' } }));
    s.commit('web takes 5002');
    s.git('checkout', '-q', '-');
    await s.write('ports.registry.json', registry({ api: { port: 5001, purpose: 'REST API' }, worker: { port: 5002, purpose: 'Queue worker' } }));
    s.commit('worker takes 5002');
    expect(() => s.git('merge', '-q', 'web')).toThrow();
    expect(await s.read('ports.registry.json')).toContain('<<<<<<< HEAD');

    const conflict = /ports\.registry\.json:\d+:1: merge conflict \(lines \d+-\d+: ours at lines? [\d-]+, theirs at lines? [\d-]+\)/;
    for (const args of [
      ['who', '5002'],
      ['list'],
      ['allocate', '--project', 'billing', '--service', 'x', '--purpose', 'x'],
      ['release', '--project', 'billing', '--service', 'api'],
    ]) {
      const r = await runCli(args, { cwd: s.root });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(conflict);
      expect(r.stderr, args.join(' ')).not.toContain('JSON syntax error');
    }
    for (const args of [['registry', 'check'], ['lint']]) {
      const r = await runCli(args, { cwd: s.root });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout, args.join(' ')).toMatch(/\d+:1 {2}error {4}merge conflict \(lines \d+-\d+: .*registry-merge-conflict\n/);
      expect(r.stdout, args.join(' ')).not.toContain('JSON syntax error');
    }

    const server = createPortregMcpServer({ cwd: s.root, env: {}, probe: false, log: () => {} });
    const [a, b] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: 'conflict-test', version: '1.0.0' });
    await Promise.all([server.connect(b), client.connect(a)]);
    await client.listTools();
    for (const [name, args] of [
      ['check_port', { port: 5002 }],
      ['allocate_port', { projectName: 'billing', serviceName: 'x', purpose: 'x' }],
      ['list_ports', {}],
    ] as const) {
      const r = (await client.callTool({ name, arguments: args })) as CallToolResult;
      expect(r.isError, name).toBe(true);
      expect(r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n'), name).toMatch(/merge conflict \(lines \d+-\d+: ours at/);
    }
    await client.close();
  });
});
