/**
 * The change-set commit on real temporary folders (and real git where uncommitted changes
 * matter): each phase's refusal leaves the tree byte for byte as it was (no temporary file, no
 * folder made), and a failed registry step takes back the files, new files and folders included.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFile, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PortregError } from '../../src/errors.js';
import { ABSENT, commitChangeSet, type ChangeSet, type FileChange } from '../../src/fix/commit.js';
import { allocatePort } from '../../src/registry/allocator.js';
import { loadRegistry } from '../../src/registry/load.js';
import { allocateAndWrite, allocationChange } from '../../src/registry/operations.js';
import { serializeRegistry } from '../../src/registry/serialize.js';
import { tempDir } from '../helpers/cli.js';
import { writeRegistry } from '../helpers/registry-fixture.js';
import { gitInitCommit } from '../helpers/git.js';
import { readTree } from '../rewrite/helpers.js';

const NOW = new Date('2025-06-01T12:00:00.000Z');

let root: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir: root, cleanup } = await tempDir('portreg-commit-'));
  await writeFile(path.join(root, 'a.yml'), 'ports: ["5000:80"]\n');
  await writeFile(path.join(root, 'b.env'), 'API_PORT=5000\n');
});
afterEach(async () => {
  delete process.env.PORTREG_TEST_FAIL_RENAME_AT;
  await cleanup();
});

const edits: FileChange[] = [
  { file: 'a.yml', before: Buffer.from('ports: ["5000:80"]\n'), after: Buffer.from('ports: ["5001:80"]\n') },
  { file: 'b.env', before: Buffer.from('API_PORT=5000\n'), after: Buffer.from('API_PORT=5001\n') },
];
const created: FileChange = { file: 'billing/.supervisor-specific/ports.json', before: ABSENT, after: Buffer.from('{"api":5001}\n') };

function commit<R>(set: Partial<ChangeSet<R>> & Pick<ChangeSet<R>, 'files'>) {
  return commitChangeSet<R>({ root, uncommitted: { refuse: false }, ...set });
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => expect.fail('the commit should have been refused'),
    (e: unknown) => e as PortregError,
  );

/** Allocates a port for `service` and writes the registry as a hand edit would: no lock (the commit holds it). */
async function allocateWithoutLock(file: string, service: string): Promise<void> {
  const r = allocatePort((await loadRegistry(file)).data!, { project: 'billing', service, purpose: service }, { now: NOW });
  await writeFile(file, serializeRegistry(r.registry));
}

/** A registry with project billing (5000-5099), whose next free port is 5001 (5000 is on the default avoid list). */
async function registry(): Promise<string> {
  return writeRegistry(root, { billing: { range: { from: 5000, to: 5099 } } });
}

describe('the files, all or nothing', () => {
  it('writes every changed file byte-exact, and a new file in new folders; the unchanged file is not touched', async () => {
    const same: FileChange = { file: 'c.md', before: Buffer.from('same\n'), after: Buffer.from('same\n') };
    await writeFile(path.join(root, 'c.md'), 'same\n');
    const r = await commit({ files: [...edits, same, created] });
    expect(r).toEqual({ written: ['a.yml', 'b.env', 'billing/.supervisor-specific/ports.json'], registry: undefined });
    const tree = await readTree(root);
    expect(Object.fromEntries([...tree].map(([f, b]) => [f, b.toString()]))).toEqual({
      'a.yml': 'ports: ["5001:80"]\n',
      'b.env': 'API_PORT=5001\n',
      'billing/.supervisor-specific/ports.json': '{"api":5001}\n',
      'c.md': 'same\n',
    });
  });

  it('a rename that fails midway: the files already renamed get their bytes back, the new folders go, no temporary file stays', async () => {
    const before = await readTree(root);
    process.env.PORTREG_TEST_FAIL_RENAME_AT = '2';
    const err = await failure(commit({ files: [created, ...edits] }));
    expect(err).toMatchObject({ code: 'write-failed', exitCode: 1 });
    expect(err.message).toBe('cannot write b.env: rename failed (PORTREG_TEST_FAIL_RENAME_AT); nothing was changed');
    expect(await readTree(root)).toEqual(before);
    expect(await readTree(root).then((t) => [...t.keys()])).toEqual(['a.yml', 'b.env']);
  });

  it('a file changed between the plan and the commit is refused, and nothing is written', async () => {
    await appendFile(path.join(root, 'b.env'), 'WEB_PORT=5002\n');
    const before = await readTree(root);
    const err = await failure(commit({ files: [created, ...edits] }));
    expect(err).toMatchObject({ code: 'file-changed', exitCode: 1, message: 'b.env changed since it was read; nothing was written' });
    expect(await readTree(root)).toEqual(before);
  });

  it('a new file whose place was taken meanwhile is refused', async () => {
    await mkdir(path.join(root, 'billing/.supervisor-specific'), { recursive: true });
    await writeFile(path.join(root, 'billing/.supervisor-specific/ports.json'), 'mine\n');
    const err = await failure(commit({ files: [...edits, created] }));
    expect(err).toMatchObject({ code: 'file-exists', exitCode: 1, message: 'billing/.supervisor-specific/ports.json exists already; nothing was written' });
    expect((await readFile(path.join(root, 'a.yml'), 'utf8')).includes('5000')).toBe(true);
  });

  it('refuses a file below a symbolic link to a folder, even one inside the root', async () => {
    await mkdir(path.join(root, 'real'));
    await writeFile(path.join(root, 'real/c.env'), 'X=1\n');
    await symlink('real', path.join(root, 'linked'));
    const before = await readTree(root);
    const err = await failure(commit({ files: [...edits, { file: 'linked/c.env', before: Buffer.from('X=1\n'), after: Buffer.from('X=2\n') }] }));
    expect(err).toMatchObject({
      code: 'file-symlink',
      exitCode: 1,
      message: 'linked/c.env: the folder linked is a symbolic link: portreg never writes through one; nothing was written',
    });
    expect(await readTree(root)).toEqual(before);
    expect(await readFile(path.join(root, 'real/c.env'), 'utf8')).toBe('X=1\n');
  });

  it('refuses a path that leaves the root', async () => {
    const err = await failure(commit({ files: [{ file: '../elsewhere.env', before: ABSENT, after: Buffer.from('X=1\n') }] }));
    expect(err).toMatchObject({ code: 'file-outside', exitCode: 1 });
    expect(err.message).toMatch(/^\.\.\/elsewhere\.env lies outside .*; nothing was written$/);
  });
});

describe('files with uncommitted changes', () => {
  it('are refused with one message naming them and how to allow it; allowed, they are written', async () => {
    gitInitCommit(root, 'before');
    await writeFile(path.join(root, 'a.yml'), 'ports: ["5000:80"]\n# wip\n');
    await writeFile(path.join(root, 'b.env'), 'API_PORT=5000\n# wip\n');
    const wip = (f: FileChange): FileChange => ({ ...f, before: Buffer.concat([f.before as Buffer, Buffer.from('# wip\n')]) });
    const before = await readTree(root);

    const two = await failure(commitChangeSet({ root, files: [...edits.map(wip), created], uncommitted: { refuse: true, allowWith: '--allow-dirty' } }));
    expect(two).toMatchObject({ code: 'files-dirty', exitCode: 1, details: { files: ['a.yml', 'b.env'] } });
    expect(two.message).toBe(
      '2 files to write have uncommitted changes; commit or stash them first (or pass --allow-dirty); nothing was written:\n  a.yml\n  b.env',
    );
    const one = await failure(commitChangeSet({ root, files: [wip(edits[0]!)], uncommitted: { refuse: true, allowWith: 'allowDirty: true' } }));
    expect(one.message).toBe('a file to write has uncommitted changes; commit or stash them first (or pass allowDirty: true); nothing was written:\n  a.yml');
    expect(await readTree(root)).toEqual(before);

    const allowed = await commitChangeSet({ root, files: edits.map(wip), uncommitted: { refuse: false } });
    expect(allowed.written).toEqual(['a.yml', 'b.env']);
  });
});

describe('the registry step', () => {
  it('refused under the lock, before the first rename: no file is written, the temporary files and the folders made for the new file go', async () => {
    const file = await registry();
    await allocateAndWrite(file, { project: 'billing', service: 'api', purpose: 'API' }, { now: NOW });
    const before = await readTree(root);
    // Planned for 5002, but "api" has 5001 already.
    const change = allocationChange(file, { project: 'billing', service: 'api', purpose: 'API' }, { now: NOW, expectPort: 5002 });
    const err = await failure(commit({ files: [...edits, created], registry: change }));
    expect(err).toMatchObject({ code: 'registry-changed', exitCode: 1 });
    expect(err.message).toBe('the registry changed meanwhile: service "api" of project "billing" would now get port 5001, not 5002; run the command again');
    expect(await readTree(root)).toEqual(before);
    expect([...(await readTree(root)).keys()]).toEqual(['a.yml', 'b.env', 'ports.registry.json']);
  });

  it('the re-plan under the lock differs (the registry changed after the files were written): refused, the files restored', async () => {
    const file = await registry();
    const before = await readTree(root);
    const change = allocationChange(file, { project: 'billing', service: 'web', purpose: 'Web' }, { now: NOW, expectPort: 5001 });
    const err = await failure(
      commit({
        files: [...edits, created],
        registry: change,
        // Someone takes 5001 after the files were renamed, without the lock (by hand, or an old portreg).
        hooks: { beforeRegistry: () => allocateWithoutLock(file, 'api') },
      }),
    );
    expect(err).toMatchObject({ code: 'registry-changed', exitCode: 1 });
    expect(err.message).toBe(
      'the registry changed meanwhile: service "web" of project "billing" would now get port 5002, not 5001; run the command again\nthe 3 files written were restored; nothing was changed',
    );
    const after = await readTree(root);
    expect(after.get('ports.registry.json')!.toString()).toContain('"api": { "port": 5001');
    after.delete('ports.registry.json');
    before.delete('ports.registry.json');
    expect(after).toEqual(before);
  });

  it('succeeds: its result is returned, and the verify step runs after it', async () => {
    const file = await registry();
    const steps: string[] = [];
    const r = await commit({
      files: edits,
      registry: allocationChange(file, { project: 'billing', service: 'api', purpose: 'API' }, { now: NOW, expectPort: 5001 }),
      verify: async () =>
        void steps.push(`verify: ${(await readFile(file, 'utf8')).includes('"api": { "port": 5001') ? 'registry written' : 'registry not written'}`),
    });
    expect(r.written).toEqual(['a.yml', 'b.env']);
    expect(r.registry).toMatchObject({ port: 5001, created: true });
    expect(steps).toEqual(['verify: registry written']);
  });

  it('a file edited after it was written is not overwritten by the restore: the refusal says which to put back by hand', async () => {
    const file = await registry();
    const change = allocationChange(file, { project: 'billing', service: 'web', purpose: 'Web' }, { now: NOW, expectPort: 5001 });
    const beforeRegistry = async () => {
      await appendFile(path.join(root, 'b.env'), 'MINE=1\n');
      await allocateWithoutLock(file, 'api');
    };
    const err = await failure(commit({ files: [...edits, created], registry: change, hooks: { beforeRegistry } }));
    expect(err).toMatchObject({ code: 'restore-failed', exitCode: 2 });
    expect(err.message).toBe(
      'the registry changed meanwhile: service "web" of project "billing" would now get port 5002, not 5001; run the command again\n' +
        'the registry was not written, and 1 of the 3 files written could not be restored (changed since, or not writable): b.env; it holds the new contents while the registry holds the old: put it back by hand (git checkout -- b.env)',
    );
    expect(await readFile(path.join(root, 'a.yml'), 'utf8')).toBe('ports: ["5000:80"]\n');
    expect(await readFile(path.join(root, 'b.env'), 'utf8')).toBe('API_PORT=5001\nMINE=1\n');
    expect([...(await readTree(root)).keys()]).toEqual(['a.yml', 'b.env', 'ports.registry.json']);
  });
});
