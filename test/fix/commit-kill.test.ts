/**
 * Every writer killed (SIGKILL, a real process) at every step of its change set: before the
 * journal is ready, before each rename, and around the registry write. The next command, whatever
 * it is (lint, list, scan, who, generate --check), finds the journal first and leaves the tree
 * exactly the old one (killed before the first rename) or the new one (killed after), byte for
 * byte, with no temporary file, kept original or journal left, and says on stderr what it did.
 * The new tree is the one a run that was not killed writes, at the same clock.
 *
 * The crash points are PORTREG_TEST_CRASH_AT (src/util/test-hooks.ts).
 */
import { cp, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { createPortregMcpServer } from '../../src/mcp/server.js';
import { runCli } from '../helpers/cli.js';
import { conflictedMerge } from '../helpers/conflicted-registry.js';
import { git } from '../helpers/git.js';
import { readTree } from '../rewrite/helpers.js';

const FIXTURE = path.join(import.meta.dirname, '../fixtures/generate/basic-expected');
const NOW = '2025-06-01T12:00:00.000Z';
const env = (extra: Record<string, string> = {}) => ({ PORTREG_NOW: NOW, ...extra });

interface Writer {
  name: string;
  /** As the recovery names it. */
  command: string;
  args: string[];
  /** A git work tree (the journal goes to .git/portreg/) or not (beside the registry). */
  git: boolean;
  /** The tree to start from, made once (with its own .git) and copied for each case; default: the fixture. */
  from?: () => Promise<string>;
  /** Makes the tree the writer changes (after the commit, in a git tree). */
  setup?: (dir: string) => Promise<void>;
  /** How many files the change set writes (the registry aside): one kill before each rename. */
  files: number;
  registry: boolean;
  /** The command run after the kill: each finds the journal first. */
  next: string[];
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
}

const edit = async (dir: string, file: string, from: string | RegExp, to: string) => {
  const text = await readFile(path.join(dir, file), 'utf8');
  const changed = text.replace(from, to);
  expect(changed, `${file}: ${from}`).not.toBe(text);
  await writeFile(path.join(dir, file), changed);
};

const WRITERS: Writer[] = [
  {
    name: 'reassign --write',
    command: 'reassign',
    args: ['reassign', '--project', 'billing', '--service', 'api', '--port', '5005', '--write'],
    git: true,
    files: 6,
    registry: true,
    next: ['lint'],
  },
  {
    name: 'project move --write',
    command: 'project move',
    args: ['project', 'move', 'web-app', '--range', '5200-5299', '--write'],
    git: false,
    files: 6,
    registry: true,
    next: ['list'],
  },
  {
    name: 'migrate --write',
    command: 'migrate',
    args: ['migrate', '--from', 'HEAD', '--write'],
    git: true,
    // The registry moved by hand: migrate moves the files after it.
    setup: (dir) => edit(dir, 'ports.registry.json', '"api": { "port": 5001', '"api": { "port": 5005'),
    files: 6,
    registry: true,
    next: ['scan'],
  },
  {
    name: 'lint --fix',
    command: 'lint --fix',
    args: ['lint', '--fix'],
    git: false,
    setup: async (dir) => {
      await edit(dir, 'billing/.env.example', 'API_PORT=5001', 'API_PORT=5009');
      await edit(dir, 'billing/compose.yaml', '5001}:8080', '5009}:8080');
      await edit(dir, 'web-app/.env.example', 'WEB_PORT=5100', 'WEB_PORT=5109');
    },
    files: 3,
    registry: false,
    next: ['who', '5001'],
  },
  {
    name: 'generate all --write',
    command: 'generate all --write',
    args: ['generate', 'all', '--write'],
    git: true,
    setup: async (dir) => {
      await edit(dir, 'ports.registry.json', 'REST API', 'Public REST API');
      await edit(dir, 'ports.registry.json', 'Vite dev server', 'Vite server');
    },
    files: 8,
    registry: false,
    next: ['generate', 'all', '--check'],
  },
  {
    name: 'generate all --write, two new files in a new folder',
    command: 'generate all --write',
    args: ['generate', 'all', '--write'],
    git: false,
    setup: async (dir) => {
      await rm(path.join(dir, 'web-app/.supervisor-specific'), { recursive: true });
      await edit(dir, 'ports.registry.json', 'Vite dev server', 'Vite server');
    },
    files: 4,
    registry: false,
    next: ['scan'],
  },
  {
    name: 'allocate --update',
    command: 'allocate --update',
    args: [
      'allocate',
      '--project',
      'billing',
      '--service',
      'worker',
      '--purpose',
      'Background jobs',
      '--env',
      'WORKER_PORT',
      '--container-port',
      '9000',
      '--update',
    ],
    git: false,
    setup: async (dir) =>
      writeFile(path.join(dir, 'billing/compose.yaml'), `${await readFile(path.join(dir, 'billing/compose.yaml'), 'utf8')}  worker:\n    image: worker\n`),
    files: 6,
    registry: true,
    next: ['lint'],
  },
  {
    name: 'registry resolve, after a real git merge left conflict markers',
    command: 'registry resolve',
    args: ['registry', 'resolve'],
    git: true,
    // Made once: two branches allocate 5002 with the CLI, and the merge conflicts (the index holds the three sides).
    from: once(async () => (await conflictedMerge()).root),
    files: 3,
    registry: true,
    next: ['list'],
  },
];

/** Every point a writer is killed at, in the order it passes them. */
function crashPoints(w: Writer): string[] {
  return [
    'staged',
    ...Array.from({ length: w.files }, (_, i) => `rename:${i}`),
    'registry:before',
    ...(w.registry ? ['after-temp-write', 'after-rename'] : []),
    'registry:after',
  ];
}

let base: string;
let n = 0;
beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'portreg-kill-'));
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

/** The tree a writer starts from. */
async function start(w: Writer): Promise<string> {
  const dir = path.join(base, `case${n++}`);
  await cp(w.from ? await w.from() : FIXTURE, dir, { recursive: true });
  if (w.git && !w.from) {
    git(dir, 'init', '-q');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'before');
  }
  await w.setup?.(dir);
  return dir;
}

/** Every file (but .git) with its bytes, and every folder: an empty folder left behind shows too. */
async function snapshot(dir: string): Promise<{ files: Map<string, Buffer>; folders: string[] }> {
  const folders: string[] = [];
  const walk = async (rel: string) => {
    for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
      if (e.name === '.git' || !e.isDirectory()) continue;
      folders.push(path.posix.join(rel, e.name));
      await walk(path.posix.join(rel, e.name));
    }
  };
  await walk('');
  return { files: await readTree(dir), folders: folders.sort() };
}

/** What the journal folder under .git holds (nothing once a change set is done or recovered). */
const gitJournals = async (dir: string) => readdir(path.join(dir, '.git/portreg')).catch(() => [] as string[]);

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe.each(WRITERS)('$name killed at every step', (w) => {
  let before: Awaited<ReturnType<typeof snapshot>>;
  let after: Awaited<ReturnType<typeof snapshot>>;

  beforeAll(async () => {
    const dir = await start(w);
    before = await snapshot(dir);
    const clean = await runCli(w.args, { cwd: dir, env: env() });
    expect(clean.code, clean.stderr).toBe(0);
    after = await snapshot(dir);
    // The change set this writer makes: `files` files, and the registry when it has a change.
    const changed = [...after.files.keys()].filter((f) => !before.files.get(f)?.equals(after.files.get(f)!));
    expect(changed.filter((f) => f !== 'ports.registry.json').length).toBe(w.files);
    expect(changed.includes('ports.registry.json')).toBe(w.registry);
    // The project's rule for every writer: lint and generate --check pass on what it leaves.
    expect((await runCli(['lint'], { cwd: dir, env: env() })).code).toBe(0);
    expect((await runCli(['generate', 'all', '--check'], { cwd: dir, env: env() })).code).toBe(0);
    expect(await gitJournals(dir)).toEqual([]);
  });

  it.each(crashPoints(w))('at %s: the next command leaves the old tree or the new one, byte for byte, and says which', async (point) => {
    const dir = await start(w);
    const killed = await runCli(w.args, { cwd: dir, env: env({ PORTREG_TEST_CRASH_AT: point }) });
    expect(killed.signal).toBe('SIGKILL');

    const next = await runCli(w.next, { cwd: dir, env: env() });
    const files = `${w.files} files`;
    const registry = w.registry ? ' and ports.registry.json' : '';
    if (point === 'staged') {
      expect(next.stderr.split('\n')[0]).toBe(`portreg: rolled back an interrupted ${w.command} of ${files}: it had changed none of them yet`);
      expect(await snapshot(dir)).toEqual(before);
    } else {
      expect(next.stderr.split('\n')[0]).toBe(`portreg: finished an interrupted ${w.command} of ${files}${registry}`);
      expect(await snapshot(dir)).toEqual(after);
    }
    // No journal is left (beside the registry, the snapshot shows it), so the next command has nothing to recover.
    expect(await gitJournals(dir)).toEqual([]);
  });

  if (w.command === 'reassign') {
    it('an MCP tool call is the next command: it finishes the change set and logs what it did', async () => {
      const dir = await start(w);
      await runCli(w.args, { cwd: dir, env: env({ PORTREG_TEST_CRASH_AT: 'rename:3' }) });
      const logged: string[] = [];
      const server = createPortregMcpServer({ cwd: dir, env: {}, probe: false, now: () => new Date(NOW), log: (line) => logged.push(line) });
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      const client = new Client({ name: 'portreg-test', version: '1.0.0' });
      await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
      try {
        await client.listTools();
        const r = await client.callTool({ name: 'list_ports', arguments: { projectName: 'billing' } });
        expect(r.isError).toBeFalsy();
        expect(JSON.stringify(r.structuredContent)).toContain('"port":5005');
      } finally {
        await client.close();
      }
      expect(logged).toEqual(['portreg: finished an interrupted reassign of 6 files and ports.registry.json']);
      expect(await snapshot(dir)).toEqual(after);
      expect(await gitJournals(dir)).toEqual([]);
    });

    it('a rename fails, and the process is killed while it puts the files back: the next command finishes taking the change back', async () => {
      const dir = await start(w);
      const killed = await runCli(w.args, { cwd: dir, env: env({ PORTREG_TEST_FAIL_RENAME_AT: '3', PORTREG_TEST_CRASH_AT: 'restoring' }) });
      expect(killed.signal).toBe('SIGKILL');
      // Three files hold their new bytes, the rest their old ones: the journal says restoring.
      const mixed = await snapshot(dir);
      expect(
        [...mixed.files.keys()].filter((f) => after.files.get(f)?.equals(mixed.files.get(f)!) && !before.files.get(f)?.equals(mixed.files.get(f)!)).length,
      ).toBe(3);
      const next = await runCli(['lint'], { cwd: dir, env: env() });
      expect(next.stderr).toBe('portreg: rolled back an interrupted reassign of 6 files\n');
      expect(await snapshot(dir)).toEqual(before);
      expect(await gitJournals(dir)).toEqual([]);
    });

    it('the registry write fails: every file renamed is put back, the registry untouched, and the command says so', async () => {
      const dir = await start(w);
      const failed = await runCli(w.args, { cwd: dir, env: env({ PORTREG_TEST_FAIL_REGISTRY_WRITE: '1' }) });
      expect(failed.code).toBe(2);
      expect(failed.stderr).toContain('the 6 files written were restored; nothing was changed\n');
      expect(await snapshot(dir)).toEqual(before);
      expect(await gitJournals(dir)).toEqual([]);
    });

    // Killed while it puts the files back after the registry's write failed: before the first and
    // before each next one. The journal says restoring: the next command takes the rest back.
    it.each(['restoring', ...Array.from({ length: w.files - 1 }, (_, i) => `restore:${i + 1}`)])(
      'the registry write fails and the process is killed while restoring, at %s: the next command leaves the old tree, byte for byte',
      async (point) => {
        const dir = await start(w);
        const killed = await runCli(w.args, { cwd: dir, env: env({ PORTREG_TEST_FAIL_REGISTRY_WRITE: '1', PORTREG_TEST_CRASH_AT: point }) });
        expect(killed.signal).toBe('SIGKILL');
        // Every file was renamed; `restore:n` had put n of them back: the rest hold their new bytes.
        const mixed = await snapshot(dir);
        const put = point === 'restoring' ? 0 : Number(point.split(':')[1]);
        expect([...mixed.files].filter(([f, bytes]) => !before.files.get(f)?.equals(bytes) && after.files.get(f)?.equals(bytes)).length).toBe(w.files - put);
        expect(mixed.files.get('ports.registry.json')).toEqual(before.files.get('ports.registry.json'));
        const next = await runCli(['lint'], { cwd: dir, env: env() });
        expect(next.stderr).toBe('portreg: rolled back an interrupted reassign of 6 files\n');
        expect(next.code).toBe(0);
        expect(await snapshot(dir)).toEqual(before);
        expect(await gitJournals(dir)).toEqual([]);
      },
    );

    it('the journal names each target, its temporary file and kept original, the hashes of its old and new bytes, and the registry change', async () => {
      const dir = await start(w);
      await runCli(w.args, { cwd: dir, env: env({ PORTREG_TEST_CRASH_AT: 'rename:2' }) });
      const [name, ...more] = await gitJournals(dir);
      expect(more).toEqual([]);
      const journal = JSON.parse(await readFile(path.join(dir, '.git/portreg', name!), 'utf8'));
      expect(journal).toMatchObject({ version: 1, command: 'reassign', phase: 'renaming', folders: [], host: hostname() });
      // The pid of the writer, as its name gives it: a recovery on this host asks whether it still runs.
      expect(name).toBe(`.portreg-journal.${journal.pid}.${name!.split('.')[3]}.json`);
      const changed = [...after.files.keys()].filter((f) => f !== 'ports.registry.json' && !before.files.get(f)!.equals(after.files.get(f)!));
      expect(journal.files.map((f: { shown: string }) => f.shown).sort()).toEqual(changed.sort());
      for (const f of journal.files) {
        expect(f.before).toBe(sha(before.files.get(f.shown)!));
        expect(f.after).toBe(sha(after.files.get(f.shown)!));
        expect(path.dirname(f.temp)).toBe(path.dirname(f.absolute));
      }
      expect(journal.registry).toEqual({
        file: path.join(dir, 'ports.registry.json'),
        shown: 'ports.registry.json',
        before: sha(before.files.get('ports.registry.json')!),
        after: sha(after.files.get('ports.registry.json')!),
        text: after.files.get('ports.registry.json')!.toString(),
      });
    });

    it('a journal written on another host is left alone while that host may still write, writers refuse, and it is finished once it went quiet', async () => {
      const dir = await start(w);
      await runCli(w.args, { cwd: dir, env: env({ PORTREG_TEST_CRASH_AT: 'rename:3' }) });
      // As a writer on another host sharing this folder leaves it; its pid is a process that runs here (this one).
      const [name] = await gitJournals(dir);
      const file = path.join(dir, '.git/portreg', name!);
      const journal = JSON.parse(await readFile(file, 'utf8'));
      await writeFile(file, JSON.stringify({ ...journal, host: 'build-07', pid: process.pid }));
      // Its lock too, left beside the registry: naming a write in progress takes no lock, so it stays until the recovery.
      const mixed = await snapshot(dir);
      expect(mixed.files.has('ports.registry.json.lock')).toBe(true);

      const busy = new RegExp(
        `^portreg: a reassign on host build-07 \\(process ${process.pid}\\) is writing this tree \\(its journal ${file.replace(/[.]/g, '\\.')} changed \\d+ s ago\\)`,
      );
      const read = await runCli(['list'], { cwd: dir, env: env() });
      expect(read.stderr.split('\n')[0]).toMatch(busy);
      expect(read.stderr.split('\n')[0]).toMatch(
        /: what this command reads may be half old, half new; run it again once that write is done \(if build-07 is down, .*\)$/,
      );
      expect(read.code).toBe(0);
      const write = await runCli(['lint', '--fix'], { cwd: dir, env: env() });
      expect(write.code).toBe(3);
      const [warned, refused, ...rest] = write.stderr.split('\n');
      expect(warned).toMatch(busy);
      expect(refused).toMatch(busy);
      expect(refused).toMatch(/; nothing was written: run the command again once that write is done \(if build-07 is down, .*\)$/);
      expect(rest).toEqual(['']);
      // Nothing was finished, taken back or written: the temporary files and kept originals wait for that host.
      expect(await snapshot(dir)).toEqual(mixed);
      expect(await gitJournals(dir)).toEqual([name]);

      // No sign of life for longer than the lock's stale time: that host is gone, the write is finished here.
      const quiet = new Date(Date.now() - 31_000);
      await utimes(file, quiet, quiet);
      const next = await runCli(['list'], { cwd: dir, env: env() });
      expect(next.stderr.split('\n')[0]).toBe(
        `portreg: finished an interrupted reassign of 6 files and ports.registry.json (begun by process ${process.pid} on host build-07, its journal unchanged for over 30 s)`,
      );
      expect(await snapshot(dir)).toEqual(after);
      expect(await gitJournals(dir)).toEqual([]);
    });

    it('a target edited by hand after the kill is left alone and named; the rest of the change is finished', async () => {
      const dir = await start(w);
      await runCli(w.args, { cwd: dir, env: env({ PORTREG_TEST_CRASH_AT: 'rename:2' }) });
      const [name] = await gitJournals(dir);
      const journal = JSON.parse(await readFile(path.join(dir, '.git/portreg', name!), 'utf8'));
      // One file renamed already (new bytes) and one not yet (old bytes), each edited since.
      const renamed = journal.files[0].shown as string;
      const pending = journal.files[4].shown as string;
      const edited = new Map([
        [renamed, Buffer.concat([after.files.get(renamed)!, Buffer.from('\n# edited by hand\n')])],
        [pending, Buffer.concat([before.files.get(pending)!, Buffer.from('\n# edited by hand\n')])],
      ]);
      for (const [f, bytes] of edited) await writeFile(path.join(dir, f), bytes);

      const next = await runCli(['lint'], { cwd: dir, env: env() });
      const why = 'because it changed since (it holds neither its old contents nor its new ones): check it';
      expect(next.stderr.split('\n').slice(0, 3)).toEqual([
        'portreg: finished an interrupted reassign of 6 files and ports.registry.json, except 2 left alone',
        `portreg: left ${renamed} alone ${why}`,
        `portreg: left ${pending} alone ${why}`,
      ]);
      const expected = new Map(after.files);
      for (const [f, bytes] of edited) expected.set(f, bytes);
      expect(await snapshot(dir)).toEqual({ files: expected, folders: after.folders });
      expect(await gitJournals(dir)).toEqual([]);
    });
  }
});
