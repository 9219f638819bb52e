/**
 * `portreg generate` without --write, for people: the supervisor files' reservation lists are the
 * same in every project, so a change to them is shown once, not once per project; the other files
 * that change only there are named in one line. --write and --format json are untouched: every
 * file gets (and the JSON diff shows) its whole text.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { copyTree } from '../rewrite/helpers.js';

const EXPECTED = path.join(import.meta.dirname, '../fixtures/generate/basic-expected');

let root: string;
let cleanup: () => Promise<void>;
let n = 0;
beforeAll(async () => ({ dir: root, cleanup } = await tempDir('portreg-generate-fold-')));
afterAll(() => cleanup());

/** The generated fleet, with one reservation more in the registry. */
async function withNewReservation(): Promise<string> {
  const dir = await copyTree(EXPECTED, path.join(root, `case${n++}`));
  const registry = path.join(dir, 'ports.registry.json');
  const text = await readFile(registry, 'utf8');
  await writeFile(registry, text.replace('"severity": "warning" }\n  ],', '"severity": "warning" },\n    { "port": 9999, "reason": "Metrics agent" }\n  ],'));
  return dir;
}

describe('generate: the reservations shown once', () => {
  it("a new reservation: the diff shows it in the first project's files only, and names the others", async () => {
    const dir = await withNewReservation();
    const r = await runCli(['generate', 'supervisor'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        '--- a/billing/.supervisor-specific/ports.json',
        '+++ b/billing/.supervisor-specific/ports.json',
        '@@ -9,6 +9,7 @@',
        '   "reserved": [',
        '     {"range":{"from":22,"to":22},"reason":"SSH","severity":"error","owner":null,"protocol":null},',
        '     {"range":{"from":8000,"to":8099},"reason":"Supervisor infrastructure (MCP server, etc.)","severity":"error","owner":"supervisor","protocol":null},',
        '-    {"range":{"from":5000,"to":5000},"reason":"macOS AirPlay receiver","severity":"warning","owner":null,"protocol":null}',
        '+    {"range":{"from":5000,"to":5000},"reason":"macOS AirPlay receiver","severity":"warning","owner":null,"protocol":null},',
        '+    {"range":{"from":9999,"to":9999},"reason":"Metrics agent","severity":"error","owner":null,"protocol":null}',
        '   ]',
        ' }',
        '',
        '--- a/billing/.supervisor-specific/PORTS.md',
        '+++ b/billing/.supervisor-specific/PORTS.md',
        '@@ -21,5 +21,6 @@',
        ' | 22 | SSH | error | - |',
        ' | 8000-8099 | Supervisor infrastructure (MCP server, etc.) | error | supervisor |',
        ' | 5000 | macOS AirPlay receiver | warning | - |',
        '+| 9999 | Metrics agent | error | - |',
        ' ',
        ' <!-- portreg:end -->',
        '(1 more file changes only in the reservations shown above for billing/.supervisor-specific/ports.json: web-app/.supervisor-specific/ports.json)',
        '(1 more file changes only in the reservations shown above for billing/.supervisor-specific/PORTS.md: web-app/.supervisor-specific/PORTS.md)',
        '',
      ].join('\n'),
    );
    expect(r.stderr).toBe('portreg: 4 files would change: run with --write to write them\n');
    expect(r.stdout.match(/Metrics agent/g)).toHaveLength(2);

    // The JSON answer keeps every file's diff; --write writes every file whole.
    const json = JSON.parse((await runCli(['generate', 'supervisor', '--json'], { cwd: dir })).stdout) as { diff: string };
    expect(json.diff.match(/Metrics agent/g)).toHaveLength(4);
    expect((await runCli(['generate', 'supervisor', '--write'], { cwd: dir })).code).toBe(0);
    for (const p of ['billing', 'web-app'])
      expect(await readFile(path.join(dir, p, '.supervisor-specific/PORTS.md'), 'utf8')).toContain('| 9999 | Metrics agent | error | - |\n');
    expect(await runCli(['generate', 'all', '--check'], { cwd: dir })).toMatchObject({ code: 0 });
  });

  it("files created: the second project's files show one line where the reservations are", async () => {
    const dir = await withNewReservation();
    for (const p of ['billing', 'web-app']) await rm(path.join(dir, p, '.supervisor-specific'), { recursive: true });
    const r = await runCli(['generate', 'supervisor'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout.match(/Metrics agent/g)).toHaveLength(2);
    expect(r.stdout).toContain('+++ b/web-app/.supervisor-specific/PORTS.md\n');
    expect(r.stdout).toContain('\n+(the reservations: the same as in billing/.supervisor-specific/PORTS.md)\n+<!-- portreg:end -->\n');
    expect(r.stdout).toContain('\n+  "reserved": "(the same as in billing/.supervisor-specific/ports.json)"\n+}\n');
    expect(r.stdout).not.toContain('more file');
  });
});
