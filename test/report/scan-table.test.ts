/**
 * The scan table: its header, the marks and their legend (only the marks used), colour when asked
 * (and only then), and, on a real terminal, colour unless NO_COLOR or --no-color says otherwise.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatScanTable, writeScanTable } from '../../src/report/scan-table.js';
import type { ScanResult } from '../../src/scan/scan.js';
import { CLI, REPO_ROOT, testEnv } from '../helpers/cli.js';

type Port = ScanResult['ports'][number];

/** The text without its SGR escapes (ESC [ n m). */
const stripAnsi = (s: string) => s.replace(new RegExp(`${String.fromCharCode(27)}\\[\\d+m`, 'g'), '');

function port(p: Partial<Port>): Port {
  return {
    kind: 'published',
    published: null,
    publishedEnd: null,
    target: null,
    resolved: true,
    variable: null,
    project: 'billing',
    service: null,
    composeService: null,
    referencedProject: null,
    file: 'billing/compose.yaml',
    line: 1,
    column: 1,
    raw: '',
    ...p,
  } as Port;
}

const RESULT = {
  files: [{ path: 'billing/compose.yaml' }, { path: 'billing/.env.example' }],
  ports: [
    port({ published: 5001, service: 'api', line: 4, column: 10, raw: '5001:8080' }),
    port({ kind: 'url', target: 5432, service: 'api', line: 7, column: 41, raw: 'postgres://postgres:5432' }),
    port({ resolved: false, variable: 'WORKER_PORT', composeService: 'worker', line: 12, column: 10, raw: '${WORKER_PORT}:9000' }),
    port({
      kind: 'reference',
      published: 5200,
      service: 'amqp',
      referencedProject: 'queue',
      file: 'billing/.env.example',
      line: 2,
      column: 20,
      raw: 'amqp://localhost:5200',
    }),
  ],
} as unknown as ScanResult;

describe('the scan table', () => {
  it('has a header, the marks and a legend of each mark it uses', () => {
    expect(formatScanTable(RESULT, { color: false })).toBe(
      [
        '  PORT          KIND       SERVICE       WHERE                       AS WRITTEN',
        'billing',
        '  5001          published  api           billing/compose.yaml:4:10   5001:8080',
        '  (5432)        url        api           billing/compose.yaml:7:41   postgres://postgres:5432',
        '  $WORKER_PORT  published  worker        billing/compose.yaml:12:10  ${WORKER_PORT}:9000',
        '  5200          reference  → queue/amqp  billing/.env.example:2:20   amqp://localhost:5200',
        '',
        '4 ports in 2 files',
        "Legend: PORT is the port on this machine; (5432): a container port, not published on this machine; $VAR: a port from a variable that has no value; → project/service: another project's port.",
        '',
      ].join('\n'),
    );
  });

  it('with colour: the header and project bold, the marks set apart, the columns still aligned', () => {
    const text = formatScanTable(RESULT, { color: true });
    const lines = text.split('\n');
    expect(lines[0]).toBe('\u001b[1m  PORT          KIND       SERVICE       WHERE                       AS WRITTEN\u001b[22m');
    expect(lines[1]).toBe('\u001b[1mbilling\u001b[22m');
    expect(lines[3]).toBe(
      '  \u001b[2m(5432)      \u001b[22m  \u001b[2murl      \u001b[22m  api           billing/compose.yaml:7:41   \u001b[2mpostgres://postgres:5432\u001b[22m',
    );
    expect(lines[4]!.startsWith('  \u001b[33m$WORKER_PORT\u001b[39m  ')).toBe(true);
    // Without the escapes, the same text as without colour.
    expect(stripAnsi(text)).toBe(formatScanTable(RESULT, { color: false }));
  });

  it('is written in pieces of about 64 KiB, never as one string: the pieces make the same table', () => {
    // 3,000 projects of 2 ports: about 300 KB of table.
    const ports = Array.from({ length: 6000 }, (_, i) =>
      port({ project: `p${String(i >> 1).padStart(4, '0')}`, published: 5000 + i, service: i % 2 ? 'web' : 'api', line: i + 1, raw: `${5000 + i}:80` }),
    );
    const big = { files: [{ path: 'billing/compose.yaml' }], ports } as unknown as ScanResult;
    const pieces: string[] = [];
    writeScanTable(big, { color: false }, (piece) => pieces.push(piece));
    expect(pieces.join('')).toBe(formatScanTable(big, { color: false }));
    expect(pieces.length).toBeGreaterThan(3);
    // Each piece but the last reaches 64 KiB by at most one line, and ends with a whole line.
    for (const piece of pieces.slice(0, -1)) {
      expect(piece.length).toBeGreaterThanOrEqual(64 * 1024);
      expect(piece.length).toBeLessThan(64 * 1024 + 200);
      expect(piece.endsWith('\n')).toBe(true);
    }
    expect(pieces.join('').split('\n').slice(0, 3)).toEqual([
      // Widths from the whole table: port 10999, line 6000.
      '  PORT   KIND       SERVICE  WHERE                        AS WRITTEN',
      'p0000',
      '  5000   published  api      billing/compose.yaml:1:1     5000:80',
    ]);
  });

  it('an empty inventory: no header, no legend', () => {
    expect(formatScanTable({ files: [], ports: [] } as unknown as ScanResult, { color: false })).toBe('\n0 ports in 0 files\n');
  });
});

const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;

describe.runIf(hasScript)('portreg scan on a terminal (util-linux script gives it one)', () => {
  const attribution = path.join(REPO_ROOT, 'test/fixtures/scan/attribution');
  const onTty = (args: string, env: Record<string, string | undefined> = {}) =>
    spawnSync('script', ['-qec', `node ${CLI} scan ${args}`, '/dev/null'], {
      cwd: attribution,
      env: testEnv(env),
      encoding: 'utf8',
      timeout: 60_000,
    }).stdout.replace(/\r\n/g, '\n');

  it('uses colour on a terminal; NO_COLOR and --no-color turn it off', () => {
    const coloured = onTty('');
    expect(coloured.split('\n')[1]).toBe('\u001b[1mqueue\u001b[22m');
    const plain = onTty('', { NO_COLOR: '1' });
    expect(plain).not.toContain('\u001b[');
    expect(plain.split('\n')[1]).toBe('queue');
    expect(stripAnsi(coloured)).toBe(plain);
    expect(onTty('--no-color')).toBe(plain);
  });
});
