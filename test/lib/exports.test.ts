import { describe, expect, it } from 'vitest';
import { cp } from 'node:fs/promises';
import path from 'node:path';
import * as portreg from '../../src/index.js';
import { FLEET_BRIEF } from '../fixtures/lint/fleet-expected.js';
import { tempDir } from '../helpers/cli.js';

describe('the library entry point', () => {
  it('parses Compose port specs with positions', () => {
    expect(portreg.parsePortSpec('127.0.0.1:5000-5001:80-81/udp')).toEqual([
      {
        hostIp: '127.0.0.1',
        published: 5000,
        publishedEnd: null,
        target: 80,
        protocol: 'udp',
        publishedSpan: { start: 10, end: 19 },
        targetSpan: { start: 20, end: 25 },
        hostIpSpan: { start: 0, end: 9 },
        rangeIndex: 0,
      },
      {
        hostIp: '127.0.0.1',
        published: 5001,
        publishedEnd: null,
        target: 81,
        protocol: 'udp',
        publishedSpan: { start: 10, end: 19 },
        targetSpan: { start: 20, end: 25 },
        hostIpSpan: { start: 0, end: 9 },
        rangeIndex: 1,
      },
    ]);
    expect(() => portreg.parsePortSpec('1.2.3.4:80')).toThrow(portreg.PortSpecError);
  });

  it('interpolates with Compose semantics', () => {
    expect(portreg.interpolate('${API_PORT:-5000}:3000', {})).toBe('5000:3000');
    expect(portreg.interpolate('${API_PORT:-5000}:3000', { API_PORT: '5001' })).toBe('5001:3000');
    expect(() => portreg.interpolate('${API_PORT:?needed}', {})).toThrow('required variable API_PORT is missing a value: needed');
    expect(() => portreg.interpolate('${BAD NAME}', {})).toThrow(portreg.InterpolationError);
  });

  it('scans a tree', async () => {
    const result = await portreg.scan({ root: new URL('../fixtures/scan/stacks/app/db', import.meta.url).pathname });
    expect(result.ports.map((p) => [p.file, p.published, p.target])).toEqual([['compose.yaml', 5002, 5432]]);
  });

  it('lints as portreg lint does: the registry found from cwd, the whole tree, or the files given', async () => {
    const { dir, cleanup } = await tempDir('portreg-lib-lint-');
    try {
      await cp(new URL('../fixtures/lint/fleet', import.meta.url).pathname, dir, { recursive: true });
      const now = new Date('2026-11-25T12:00:00Z');
      const brief = (f: portreg.LintFinding) => `${f.file}:${f.line}:${f.column} ${f.severity} ${f.ruleId}${f.fixable ? ' (fixable)' : ''}: ${f.message}`;
      const all = await portreg.runLint({ cwd: path.join(dir, 'web'), env: {}, now });
      expect(all.findings.map(brief)).toEqual(FLEET_BRIEF);
      expect(all).toMatchObject({ top: dir, skipped: [], registryReadable: true, registryChanged: null });
      const one = await portreg.runLint({ cwd: dir, env: {}, now, paths: ['web/.env.example'] });
      expect(one.findings.map(brief)).toEqual(FLEET_BRIEF.filter((b) => b.startsWith('web/.env.example:')));
      expect(one.skipped.map((s) => s.ruleId)).toEqual(['port-conflict', 'reference-stale', 'port-unowned', 'registry-unused']);
    } finally {
      await cleanup();
    }
  });
});
