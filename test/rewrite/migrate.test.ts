import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCli, tempDir } from '../helpers/cli.js';
import { copyFixture } from '../helpers/scenario.js';
import { git } from '../helpers/git.js';
import { BASIC, copyTree, NOW, readTree, treeText } from './helpers.js';

let root: string;
let cleanup: () => Promise<void>;
let n = 0;

beforeAll(async () => {
  ({ dir: root, cleanup } = await tempDir('portreg-migrate-'));
});
afterAll(() => cleanup());

const cli = (args: string[], cwd: string) => runCli(args, { cwd, env: { PORTREG_NOW: NOW } });

/** Edits the registry of `dir` as a person would, by hand: replaces text. */
async function editRegistry(dir: string, ...pairs: [string, string][]): Promise<void> {
  const file = path.join(dir, 'ports.registry.json');
  let text = await readFile(file, 'utf8');
  for (const [from, to] of pairs) {
    if (!text.includes(from)) throw new Error(`not in the registry: ${from}`);
    text = text.replace(from, to);
  }
  await writeFile(file, text);
}

const POSTGRES_TO_5033: [string, string] = ['"postgres": { "port": 5032,', '"postgres": { "port": 5033,'];

describe('portreg migrate --from FILE', () => {
  it('rewrites the configs of every service whose port changed, records the history, and a second run is a no-op', async () => {
    const dir = await copyFixture(path.join(BASIC, 'before'));
    const old = path.join(root, `old${n++}.json`);
    await writeFile(old, await readFile(path.join(dir, 'ports.registry.json')));
    await editRegistry(dir, POSTGRES_TO_5033, ['"api": { "port": 5001,', '"api": { "port": 5010,']);

    const dry = await cli(['migrate', '--from', old], dir);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('-      - 127.0.0.1:5032:5432/tcp\n+      - 127.0.0.1:5033:5432/tcp\n');
    expect(
      dry.stdout.endsWith(
        [
          'project | service  | old  | new  | files changed',
          '--------|----------|------|------|--------------',
          'billing | api      | 5001 | 5010 | 6',
          'billing | postgres | 5032 | 5033 | 8',
          '',
        ].join('\n'),
      ),
    ).toBe(true);

    const r = await cli(['migrate', '--from', old, '--write'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('wrote 9 files');
    const t = await treeText(dir);
    const golden = await treeText(path.join(BASIC, 'after-reassign'));
    // postgres exactly as reassign leaves it, api moved as well
    for (const file of ['projects/billing/compose.ci.yaml', 'projects/billing/compose.prod.yaml', 'projects/billing/compose.test.yaml'])
      expect(t[file]).toBe(golden[file]);
    expect(t['projects/billing/docker-compose.yml']).toBe(golden['projects/billing/docker-compose.yml']!.replace('${API_PORT:-5001}', '${API_PORT:-5010}'));
    expect(t['projects/frontend/.env.example']).toBe(
      golden['projects/frontend/.env.example']!.replace('API_URL=http://localhost:5001', 'API_URL=http://localhost:5010'),
    );
    const registry = JSON.parse(t['ports.registry.json']!);
    expect(registry.projects.billing.services.postgres.history).toEqual([{ port: 5032, until: NOW, reason: 'migrate' }]);
    expect(registry.projects.billing.services.api.history).toEqual([{ port: 5001, until: NOW, reason: 'migrate' }]);

    const after = await readTree(dir);
    const again = await cli(['migrate', '--from', old, '--write'], dir);
    expect(again.code).toBe(0);
    expect(again.stderr).toBe('portreg: nothing to change\n');
    expect(again.stdout).toContain('billing | postgres | 5032 | 5033 | 0');
    expect(await readTree(dir)).toEqual(after);
  });

  it('reports removed services with the files that still name them, and records their release', async () => {
    const dir = await copyFixture(path.join(BASIC, 'before'));
    const old = path.join(root, `old${n++}.json`);
    await writeFile(old, await readFile(path.join(dir, 'ports.registry.json')));
    await editRegistry(dir, ['        "redis": { "port": 5002, "purpose": "Cache", "env": "REDIS_PORT", "containerPort": 6379 },\n', '']);
    const r = await cli(['migrate', '--from', old, '--write'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'project | service | old  | new | files changed',
        '--------|---------|------|-----|-----------------------------------',
        'billing | redis   | 5002 | -   | 0 (removed; still named in 1 file)',
        '',
      ].join('\n'),
    );
    const registry = JSON.parse(await readFile(path.join(dir, 'ports.registry.json'), 'utf8'));
    expect(registry.released).toEqual([{ project: 'billing', service: 'redis', port: 5002, releasedAt: NOW }]);
    expect((await cli(['migrate', '--from', old, '--write'], dir)).stderr).toBe('portreg: nothing to change\n');
  });

  it('a swap: structure decides compose and env values; a mention by number alone is left, and said', async () => {
    const dir = await copyFixture(path.join(BASIC, 'before'));
    const old = path.join(root, `old${n++}.json`);
    await writeFile(old, await readFile(path.join(dir, 'ports.registry.json')));
    await editRegistry(dir, ['"api": { "port": 5001,', '"api": { "port": 5003,'], ['"worker": { "port": 5003,', '"worker": { "port": 5001,']);
    const r = await cli(['migrate', '--from', old, '--write'], dir);
    expect(r.code).toBe(0);
    const t = await treeText(dir);
    expect(t['projects/billing/.env.example']).toContain('API_PORT=5003\n');
    expect(t['projects/billing/.env.example']).toContain('WORKER_PORT=5001\n');
    expect(t['projects/billing/docker-compose.yml']).toContain('"${API_PORT:-5003}:8080"');
    expect(t['projects/billing/README.md']).toContain('| api      | 5001 |');
    expect(r.stderr).toContain('portreg: warning: port 5001 changed hands: it is now the port of service "worker" of project "billing"');
    expect(r.stderr).toContain('portreg: projects/billing/README.md:9:14: left as it is: port 5001 now belongs to service "worker" of project "billing"');
    const after = await readTree(dir);
    expect((await cli(['migrate', '--from', old, '--write'], dir)).code).toBe(0);
    expect(await readTree(dir)).toEqual(after);
  });

  it('a range moved by hand without its ports: each service takes its offset in the new range, registry and configs together', async () => {
    const dir = await copyFixture(path.join(BASIC, 'before'));
    git(dir, 'init', '-q');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'before');
    await editRegistry(dir, ['"range": { "from": 5200, "to": 5299 }', '"range": { "from": 5400, "to": 5499 }']);
    git(dir, 'commit', '-q', '-am', 'analytics moves to 5400-5499');
    // The registry as edited fails its checks: clickhouse's 5232 is outside the new range.
    expect((await cli(['registry', 'check'], dir)).code).toBe(1);

    const dry = await cli(['migrate', '--from', 'HEAD~1'], dir);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(
      '-        "clickhouse": { "port": 5232, "purpose": "ClickHouse", "env": "CLICKHOUSE_PORT", "containerPort": 8123 }\n' +
        '+        "clickhouse": { "port": 5432, "purpose": "ClickHouse", "env": "CLICKHOUSE_PORT", "containerPort": 8123, "history": [{ "port": 5232, "until": "2025-06-01T12:00:00.000Z", "reason": "project moved from 5200-5299 to 5400-5499" }] }\n',
    );
    expect(dry.stdout.endsWith('analytics | clickhouse | 5232 | 5432 | 2\n')).toBe(true);
    expect(git(dir, 'status', '--porcelain')).toBe('');

    const r = await cli(['migrate', '--from', 'HEAD~1', '--write'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'portreg: ports.registry.json: service "clickhouse" of project "analytics": port 5232 → 5432, its offset in the new range 5400-5499\n',
    );
    expect(r.stderr).toContain('wrote 2 files: projects/analytics/docker-compose.yml, projects/analytics/README.md, and ports.registry.json');
    expect(await readFile(path.join(dir, 'projects/analytics/docker-compose.yml'), 'utf8')).toContain('"${CLICKHOUSE_PORT:-5432}:8123"');
    expect((await cli(['registry', 'check'], dir)).code).toBe(0);
    // A second run changes nothing.
    const after = await readTree(dir);
    expect(await cli(['migrate', '--from', 'HEAD~1', '--write'], dir)).toMatchObject({
      code: 0,
      stderr: 'portreg: warning: project "analytics" moved from 5200-5299 to 5400-5499\nportreg: nothing to change\n',
    });
    expect(await readTree(dir)).toEqual(after);
  });

  it('a range moved onto another project: refused with what would still be wrong, nothing written', async () => {
    const dir = await copyFixture(path.join(BASIC, 'before'));
    const old = path.join(root, `old${n++}.json`);
    await writeFile(old, await readFile(path.join(dir, 'ports.registry.json')));
    await editRegistry(dir, ['"range": { "from": 5200, "to": 5299 }', '"range": { "from": 5100, "to": 5199 }']);
    const before = await readTree(dir);
    const r = await cli(['migrate', '--from', old, '--write'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'portreg: ports.registry.json: project "analytics" moved from 5200-5299 to 5100-5199 without its ports; with each service at its offset in the new range, the registry would still have 1 error; ' +
        'fix it in the registry first (or give the services their ports yourself), nothing was written:\n' +
        '  range 5100-5199 of project "frontend" overlaps range 5100-5199 of project "analytics" (registry-range-overlap)\n',
    );
    expect(await readTree(dir)).toEqual(before);
  });
});

describe('portreg migrate --from REV', () => {
  it('reads the registry at a git revision (two commits), and refuses what git cannot give', async () => {
    const dir = await copyFixture(path.join(BASIC, 'before'));
    git(dir, 'init', '-q');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'before the reallocation');
    await editRegistry(dir, POSTGRES_TO_5033);
    git(dir, 'commit', '-q', '-am', 'reallocate postgres');

    const r = await cli(['migrate', '--from', 'HEAD~1', '--write', '--format', 'json'], dir);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ dryRun: false, from: 'HEAD~1:ports.registry.json' });
    expect(report.moves).toMatchObject([{ project: 'billing', service: 'postgres', old: 5032, new: 5033, filesChanged: 8 }]);
    expect(report.written).toHaveLength(8);
    const golden = await treeText(path.join(BASIC, 'after-reassign'));
    const t = await treeText(dir);
    for (const file of Object.keys(golden).filter((f) => f !== 'ports.registry.json')) expect(t[file]).toBe(golden[file]);
    git(dir, 'commit', '-q', '-am', 'migrate');
    // idempotent: the previous registry is still HEAD~2 now
    const again = await cli(['migrate', '--from', 'HEAD~2', '--write'], dir);
    expect(again).toMatchObject({ code: 0, stderr: 'portreg: nothing to change\n' });
    expect(git(dir, 'status', '--porcelain')).toBe('');

    const missing = await cli(['migrate', '--from', 'no-such-rev'], dir);
    expect(missing).toMatchObject({ code: 2, stderr: 'portreg: --from no-such-rev: there is no such file, and git does not know the revision no-such-rev\n' });
  });

  it('names a revision that lacks the registry', async () => {
    const dir = path.join(root, `case${n++}`);
    await mkdir(dir);
    git(dir, 'init', '-q');
    await writeFile(path.join(dir, 'README.md'), '# nothing yet\n');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'first');
    await copyTree(path.join(BASIC, 'before'), dir);
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'registry');
    const r = await cli(['migrate', '--from', 'HEAD~1'], dir);
    expect(r).toMatchObject({
      code: 2,
      stderr: 'portreg: --from HEAD~1: ports.registry.json does not exist at HEAD~1; name a revision that has the registry, or a file\n',
    });
  });

  it('on a shallow clone without the revision: says so, and how to fetch it (exit 2)', async () => {
    const origin = await copyFixture(path.join(BASIC, 'before'));
    git(origin, 'init', '-q');
    git(origin, 'add', '.');
    git(origin, 'commit', '-q', '-m', 'before');
    await editRegistry(origin, POSTGRES_TO_5033);
    git(origin, 'commit', '-q', '-am', 'reallocate');
    const shallow = path.join(root, `shallow${n++}`);
    git(root, 'clone', '-q', '--depth', '1', pathToFileURL(origin).href, shallow);

    const r = await cli(['migrate', '--from', 'HEAD~1'], shallow);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'portreg: --from HEAD~1: this clone is shallow and does not have HEAD~1; fetch the history it needs and run again: git fetch --deepen=1 (one more commit), or git fetch --unshallow (all of it); in GitHub Actions: actions/checkout with fetch-depth: 0\n',
    );
    // and once fetched, it works
    git(shallow, 'fetch', '-q', '--deepen=1');
    const fetched = await cli(['migrate', '--from', 'HEAD~1'], shallow);
    expect(fetched.code).toBe(0);
    expect(fetched.stdout).toContain('billing | postgres | 5032 | 5033 | 8');
  });
});
