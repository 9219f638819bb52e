/**
 * `registry resolve`, `registry merge-driver` and `git install` on real git repositories: two
 * branches each allocate the "next free" port with the CLI and write configs that use it; the merge
 * conflicts (or, on different lines, would merge into a duplicate); the tool settles it: ours keeps
 * the port, theirs moves with its configs, and the tree passes `registry check`, `lint` and
 * `generate all --check` after.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolutionChange, writeRegistryChange } from '../../src/registry/operations.js';
import type { Registry } from '../../src/registry/types.js';
import { CLI, runCli } from '../helpers/cli.js';
import { API_README, compose, gitNow, gitNowWith, MERGE_NOW as NOW, twoBranches, WORKER_README } from '../helpers/conflicted-registry.js';
import { scenario, type Scenario } from '../helpers/scenario.js';

const LATER = '2026-12-02T08:00:00.000Z';
const env = { PORTREG_NOW: NOW };

async function cli(s: Scenario, args: string[], extra: Record<string, string> = {}) {
  return runCli(args, { cwd: s.root, env: { ...env, ...extra } });
}

const MOVED_WORKER = {
  port: 5003,
  purpose: 'Queue worker',
  env: 'WORKER_PORT',
  history: [{ port: 5002, until: NOW, reason: 'merge: port 5002 stayed with service "api" of project "shop"' }],
};

async function expectClean(s: Scenario): Promise<void> {
  for (const args of [['registry', 'check'], ['lint'], ['generate', 'all', '--check']]) {
    const r = await cli(s, args);
    expect(r.code, `${args.join(' ')}\n${r.stdout}${r.stderr}`).toBe(0);
  }
}

describe('registry resolve after a conflicted merge', () => {
  it('names the conflict in every command, then merges both sides, moves theirs with its configs, and changes nothing the second time', async () => {
    const s = await twoBranches();
    const merge = gitNow(s, 'merge', '-q', 'worker');
    expect(merge.code).toBe(1);
    expect(merge.stdout).toContain('CONFLICT (content): Merge conflict in ports.registry.json');

    const conflict =
      /ports\.registry\.json:\d+:1: merge conflict \(lines \d+-\d+: ours at lines? [\d-]+, theirs at lines? [\d-]+\): run "portreg registry resolve"/;
    for (const args of [['list'], ['who', '5002'], ['allocate', '--project', 'shop', '--service', 'x', '--purpose', 'x']]) {
      const r = await cli(s, args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(conflict);
    }
    const lint = await cli(s, ['lint']);
    expect(lint.code).toBe(2);
    expect(lint.stdout).toMatch(/\d+:1 {2}error {4}merge conflict \(lines \d+-\d+: .*run "portreg registry resolve".*registry-merge-conflict\n/);

    const conflicted = await s.read('ports.registry.json');
    const dry = await cli(s, ['registry', 'resolve', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stderr).toContain('portreg: dry run, nothing was written; run again without --dry-run to apply\n');
    expect(await s.read('ports.registry.json')).toBe(conflicted);

    const r = await cli(s, ['registry', 'resolve']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      [
        'ports.registry.json: port 5002: both sides gave it away; service "api" of project "shop" (ours) keeps it, service "worker" of project "shop" (theirs) moves to 5003',
        'project | service | old  | new  | files changed',
        '--------|---------|------|------|--------------',
        'shop    | worker  | 5002 | 5003 | 3',
        '',
      ].join('\n'),
    );
    expect(r.stderr).toBe(
      'portreg: wrote 3 files: shop/worker/.env.example, shop/worker/compose.yaml, shop/worker/README.md, and ports.registry.json; a second scan finds every port where the plan put it\n' +
        'portreg: resolved; check the result ("portreg lint"), then "git add ports.registry.json shop/worker/.env.example shop/worker/compose.yaml shop/worker/README.md" and go on with the merge or rebase\n',
    );
    // Theirs' configs moved, every byte else as it was; ours' untouched (its README's URL is on the same port).
    expect(await s.read('shop/worker/compose.yaml')).toBe(compose('worker', 5003, 9000));
    expect(await s.read('shop/worker/.env.example')).toBe('WORKER_PORT=5003\n');
    expect(await s.read('shop/worker/README.md')).toBe(WORKER_README(5003));
    expect(await s.read('shop/api/compose.yaml')).toBe(compose('api', 5002, 8080));
    expect(await s.read('shop/api/.env.example')).toBe('API_PORT=5002\n');
    expect(await s.read('shop/api/README.md')).toBe(API_README);
    const resolved = await s.read('ports.registry.json');
    expect(JSON.parse(resolved).projects.shop.services).toEqual({
      web: { port: 5001, purpose: 'Web UI', env: 'WEB_PORT' },
      api: { port: 5002, purpose: 'REST API', env: 'API_PORT' },
      worker: MOVED_WORKER,
    });
    await expectClean(s);
    // git add is the user's.
    expect(s.git('status', '--porcelain', '--', 'ports.registry.json')).toBe('UU ports.registry.json\n');

    // Again, a day later: the same result, nothing written.
    const again = await cli(s, ['registry', 'resolve'], { PORTREG_NOW: LATER });
    expect(again.code).toBe(0);
    expect(again.stderr).toBe('portreg: nothing to change\n');
    expect(await s.read('ports.registry.json')).toBe(resolved);
    expect(await s.read('shop/worker/compose.yaml')).toBe(compose('worker', 5003, 9000));

    s.git('add', '-A');
    s.git('commit', '-q', '--no-edit');
    const after = await cli(s, ['registry', 'resolve']);
    expect([after.code, after.stdout]).toEqual([0, 'ports.registry.json: no merge conflict to resolve\n']);
  });

  it('settles a rebase: the commit being replayed is theirs, so the branch brought up to date moves', async () => {
    const s = await twoBranches();
    s.git('checkout', '-q', 'worker');
    const rebase = gitNow(s, 'rebase', 'main');
    expect(rebase.code).toBe(1);
    const r = await cli(s, ['registry', 'resolve']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(
      'ports.registry.json: port 5002: both sides gave it away; service "api" of project "shop" (ours) keeps it, service "worker" of project "shop" (theirs) moves to 5003',
    );
    expect(await s.read('shop/worker/compose.yaml')).toBe(compose('worker', 5003, 9000));
    expect(await s.read('shop/worker/README.md')).toBe(WORKER_README(5003));
    expect(await s.read('shop/api/README.md')).toBe(API_README);
    await expectClean(s);
    s.git('add', '-A');
    expect(gitNow(s, '-c', 'core.editor=true', 'rebase', '--continue').code).toBe(0);
    expect(JSON.parse(s.git('show', 'HEAD:ports.registry.json')).projects.shop.services.worker).toEqual(MOVED_WORKER);
  });

  it('reports a true conflict on one field, exits 1 and writes nothing', async () => {
    const s = await scenario({
      registry: { version: 1, projects: { shop: { range: { from: 5000, to: 5099 }, services: { web: { port: 5001, purpose: 'Web UI' } } } } },
      git: true,
    });
    s.git('checkout', '-q', '-b', 'other');
    await s.write('ports.registry.json', (await s.read('ports.registry.json')).replace('"Web UI"', '"Storefront"'));
    s.commit('storefront');
    s.git('checkout', '-q', 'main');
    await s.write('ports.registry.json', (await s.read('ports.registry.json')).replace('"Web UI"', '"Shop front"'));
    s.commit('shop front');
    expect(gitNow(s, 'merge', '-q', 'other').code).toBe(1);
    const conflicted = await s.read('ports.registry.json');
    const r = await cli(s, ['registry', 'resolve']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'portreg: ports.registry.json: conflict: service "web" of project "shop": its purpose: ours has "Shop front", theirs has "Storefront" (it was "Web UI")\n' +
        'portreg: a conflict that only a person can settle; nothing was written: edit ports.registry.json (ours is the branch you are on, theirs the one merged in), then "portreg registry check" and "git add ports.registry.json"\n',
    );
    expect(await s.read('ports.registry.json')).toBe(conflicted);
  });

  it('merges three files given as arguments', async () => {
    const s = await twoBranches();
    const side = (rev: string) => s.git('show', `${rev}:ports.registry.json`);
    const base = s.git('merge-base', 'main', 'worker').trim();
    await s.write('sides/base.json', side(base));
    await s.write('sides/ours.json', side('main'));
    await s.write('sides/theirs.json', side('worker'));
    // Theirs' configs in the tree, as a merge brings them (no git merge here: the files say it all).
    s.git('checkout', '-q', 'worker', '--', 'shop/worker');
    s.commit('worker files');
    const r = await cli(s, ['registry', 'resolve', 'sides/base.json', 'sides/ours.json', 'sides/theirs.json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(await s.read('ports.registry.json')).projects.shop.services.worker).toEqual(MOVED_WORKER);
    expect(await s.read('shop/worker/compose.yaml')).toBe(compose('worker', 5003, 9000));
    expect(await s.read('shop/worker/.env.example')).toBe('WORKER_PORT=5003\n');
    // Without git's view of which lines came from where, a URL on 5002 may mean either service: left, and said.
    expect(await s.read('shop/worker/README.md')).toBe(WORKER_README(5002));
    expect(r.stderr).toContain('shop/worker/README.md:3:28');
    expect(r.stderr).toContain('shop/worker/README.md:3:72');
    expect(r.stderr).toContain('port 5002 now belongs to service "api" of project "shop"');
    const again = await cli(s, ['registry', 'resolve', 'sides/base.json', 'sides/ours.json', 'sides/theirs.json'], { PORTREG_NOW: LATER });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('portreg: nothing to change\n');
  });

  it('writes over the file it planned from, and nothing else: a file changed since is refused under the lock', async () => {
    const s = await scenario({ registry: '<<<<<<< ours\n=======\n>>>>>>> theirs\n' });
    const merged: Registry = { version: 1, projects: {} };
    const file = s.path('ports.registry.json');
    await expect(writeRegistryChange(resolutionChange(file, { readText: 'something else', merged }, { now: new Date(NOW) }))).rejects.toThrow(
      'ports.registry.json changed since the merge was planned; run the command again',
    );
    await writeRegistryChange(resolutionChange(file, { readText: await s.read('ports.registry.json'), merged }, { now: new Date(NOW) }));
    expect(await s.read('ports.registry.json')).toBe('{\n  "version": 1,\n  "projects": {}\n}\n');
  });

  it('refuses a wrong number of files, and a side that is not a registry', async () => {
    const s = await scenario({ registry: { version: 1, projects: {} } });
    await s.write('a.json', '{ "version": 1, "projects": {} }\n');
    await s.write('broken.json', '{ "version": 1, "projects": \n');
    const two = await cli(s, ['registry', 'resolve', 'a.json', 'a.json']);
    expect([two.code, two.stderr]).toEqual([2, 'portreg: give no files (during a merge or rebase: git has the three sides), or three: BASE OURS THEIRS\n']);
    const broken = await cli(s, ['registry', 'resolve', 'a.json', 'a.json', 'broken.json']);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(
      /^portreg: broken\.json is not a registry portreg can read, so the merge cannot be made entry by entry:\n {2}broken\.json:2:/,
    );
  });
});

describe('the merge driver', () => {
  async function install(s: Scenario) {
    return cli(s, ['git', 'install', '--command', `${process.execPath} ${CLI}`]);
  }

  it('is installed by git install, once', async () => {
    const s = await twoBranches();
    const first = await install(s);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe(
      [
        'git config merge.portreg.name "portreg: the port registry, merged entry by entry"',
        `git config merge.portreg.driver "${process.execPath} ${CLI} registry merge-driver %O %A %B %P"`,
        '.gitattributes: ports.registry.json merge=portreg',
        'installed: git merges and rebases now merge ports.registry.json entry by entry; commit .gitattributes, and run "portreg git install" in each clone (git config is not shared). Hosted merge buttons ignore merge drivers: keep "portreg registry check" as a required check.',
        '',
      ].join('\n'),
    );
    expect(await s.read('.gitattributes')).toBe('ports.registry.json merge=portreg\n');
    const config = await readFile(path.join(s.root, '.git/config'), 'utf8');
    const second = await install(s);
    expect([second.code, second.stdout]).toEqual([
      0,
      'the registry merge driver is installed already (ports.registry.json merge=portreg); nothing to change\n',
    ]);
    expect(await s.read('.gitattributes')).toBe('ports.registry.json merge=portreg\n');
    expect(await readFile(path.join(s.root, '.git/config'), 'utf8')).toBe(config);
  });

  it('keeps what .gitattributes says, adding its line once', async () => {
    const s = await scenario({ registry: { version: 1, projects: {} }, files: { '.gitattributes': '*.png binary' }, git: true });
    expect((await install(s)).code).toBe(0);
    expect(await s.read('.gitattributes')).toBe('*.png binary\nports.registry.json merge=portreg\n');
  });

  it('merges a conflicting allocation during a real git merge: ours keeps the port, theirs moves; lint --fix moves its configs', async () => {
    const s = await twoBranches();
    expect((await install(s)).code).toBe(0);
    s.commit('merge driver');
    const merge = gitNow(s, 'merge', '--no-edit', 'worker');
    expect(merge.code, merge.stderr).toBe(0);
    expect(merge.stderr).toContain(
      'portreg: ports.registry.json: port 5002: both sides gave it away; service "api" of project "shop" (ours) keeps it, service "worker" of project "shop" (theirs) moves to 5003\n',
    );
    expect(merge.stderr).toContain('portreg: ports.registry.json: the configs of "worker" of project "shop" (5002 → 5003) still name the old port');
    // git committed the merge with the driver's result.
    const merged = s.git('show', 'HEAD:ports.registry.json');
    expect(merged).not.toContain('<<<<<<<');
    expect(JSON.parse(merged).projects.shop.services.worker).toEqual(MOVED_WORKER);
    expect((await cli(s, ['registry', 'check'])).code).toBe(0);
    const lint = await cli(s, ['lint']);
    expect(lint.code).toBe(1);
    expect(lint.stdout).toContain('WORKER_PORT is 5002 in shop/worker/.env.example, but registered as 5003');
    expect((await cli(s, ['lint', '--fix'])).code).toBe(0);
    expect(await s.read('shop/worker/compose.yaml')).toBe(compose('worker', 5003, 9000));
    expect(await s.read('shop/worker/.env.example')).toBe('WORKER_PORT=5003\n');
    await expectClean(s);
  });

  it.each(['merge-driver:before-write', 'merge-driver:written'])(
    'killed at %s: git calls it a conflict, no file is left behind, and registry resolve merges from the index',
    async (point) => {
      const s = await twoBranches();
      expect((await install(s)).code).toBe(0);
      s.commit('merge driver');
      const merge = gitNowWith(s, { PORTREG_TEST_CRASH_AT: point }, 'merge', '--no-edit', 'worker');
      expect(merge.code).toBe(1);
      expect(merge.stdout).toContain('CONFLICT (content): Merge conflict in ports.registry.json');
      // The registry in conflict, the worker's files merged, and no temporary file of the killed driver anywhere.
      const status = s.git('status', '--porcelain', '--untracked-files=all', '--ignored').split('\n').filter(Boolean);
      expect(status.filter((l) => !l.startsWith('A  shop/worker/'))).toEqual(['UU ports.registry.json']);
      const resolved = await cli(s, ['registry', 'resolve']);
      expect(resolved.code, resolved.stderr).toBe(0);
      expect(JSON.parse(await s.read('ports.registry.json')).projects.shop.services.worker).toEqual(MOVED_WORKER);
      // resolve moved the worker's configs with its port: nothing drifts.
      await expectClean(s);
    },
  );

  it('fixes a merge git would make cleanly into a duplicate (the allocations on different lines)', async () => {
    // 5002/udp is taken, 5002/tcp free: api sorts before dns, worker after it, so git sees two separate insertions.
    const services = {
      web: { port: 5001, purpose: 'Web UI', env: 'WEB_PORT' },
      dns: { port: 5002, purpose: 'DNS', protocol: 'udp' },
      cache: { port: 5010, purpose: 'Cache' },
    };
    const plain = await twoBranches(services);
    expect(gitNow(plain, 'merge', '--no-edit', 'worker').code).toBe(0);
    const duplicate = await cli(plain, ['registry', 'check']);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stdout).toContain('registry-port-duplicate');

    const s = await twoBranches(services);
    expect((await install(s)).code).toBe(0);
    s.commit('merge driver');
    const merge = gitNow(s, 'merge', '--no-edit', 'worker');
    expect(merge.code, merge.stderr).toBe(0);
    expect(JSON.parse(s.git('show', 'HEAD:ports.registry.json')).projects.shop.services.worker).toEqual(MOVED_WORKER);
    expect((await cli(s, ['registry', 'check'])).code).toBe(0);
  });

  it('leaves git conflict markers and fails on a true conflict', async () => {
    const s = await scenario({
      registry: { version: 1, projects: { shop: { range: { from: 5000, to: 5099 }, services: { web: { port: 5001, purpose: 'Web UI' } } } } },
      git: true,
    });
    expect((await install(s)).code).toBe(0);
    s.commit('merge driver');
    s.git('checkout', '-q', '-b', 'other');
    await s.write('ports.registry.json', (await s.read('ports.registry.json')).replace('"Web UI"', '"Storefront"'));
    s.commit('storefront');
    s.git('checkout', '-q', 'main');
    await s.write('ports.registry.json', (await s.read('ports.registry.json')).replace('"Web UI"', '"Shop front"'));
    s.commit('shop front');
    const merge = gitNow(s, 'merge', '--no-edit', 'other');
    expect(merge.code).toBe(1);
    expect(merge.stderr).toContain(
      'portreg: ports.registry.json: conflict: service "web" of project "shop": its purpose: ours has "Shop front", theirs has "Storefront"',
    );
    const text = await s.read('ports.registry.json');
    expect(text).toContain('<<<<<<< ours\n');
    expect(text).toContain('>>>>>>> theirs\n');
    expect(s.git('status', '--porcelain', '--', 'ports.registry.json')).toBe('UU ports.registry.json\n');
  });

  it('runs on three files as git calls it, writing the merge into ours', async () => {
    const s = await scenario({ registry: { version: 1, projects: {} } });
    const reg = (services: object) => `${JSON.stringify({ version: 1, projects: { shop: { range: { from: 5000, to: 5099 }, services } } }, null, 2)}\n`;
    await writeFile(s.path('O'), reg({}));
    await writeFile(s.path('A'), reg({ api: { port: 5000, purpose: 'API' } }));
    await writeFile(s.path('B'), reg({ worker: { port: 5000, purpose: 'Worker' } }));
    const r = await cli(s, ['registry', 'merge-driver', 'O', 'A', 'B', 'ports.registry.json']);
    expect(r.code, r.stderr).toBe(0);
    expect(await s.read('A')).toBe(
      `{
  "version": 1,
  "projects": {
    "shop": {
      "range": { "from": 5000, "to": 5099 },
      "services": {
        "api": { "port": 5000, "purpose": "API" },
        "worker": { "port": 5001, "purpose": "Worker", "history": [{ "port": 5000, "until": "${NOW}", "reason": "merge: port 5000 stayed with service \\"api\\" of project \\"shop\\"" }] }
      }
    }
  }
}
`,
    );
  });
});
