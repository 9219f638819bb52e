/**
 * `portreg env`: the checkout's variables for its slot, and the managed block written into its
 * env files, idempotently, correcting a `.env` copied from the main checkout; the tree still
 * lints clean and its generated text is still current afterwards.
 */
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/parse/env.js';
import { withSlotBlock } from '../../src/slots/env-file.js';
import { FROM, slotRepo } from './fixture.js';

const API0 = FROM + 1;
const API1 = FROM + 11;
const DB = FROM + 2;

const block = (slot: number, name: string, api: number) =>
  [
    `# portreg:slot-start (written by "portreg env --write": slot ${slot} of project "billing" on this machine; edits inside are replaced)`,
    `COMPOSE_PROJECT_NAME=${name}`,
    `API_PORT=${api}`,
    `DB_PORT=${DB}`,
    '# portreg:slot-end',
    '',
  ].join('\n');

describe('portreg env', () => {
  it('prints the variables as dotenv lines, export lines or JSON, leasing the slot', async () => {
    const repo = await slotRepo();
    const a = repo.addWorktree('a');
    const plain = await repo.cli(['env'], a);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toBe(`COMPOSE_PROJECT_NAME=billing-1\nAPI_PORT=${API1}\nDB_PORT=${DB}\n`);
    expect((await repo.cli(['env', '--shell'], a)).stdout).toBe(`export COMPOSE_PROJECT_NAME=billing-1\nexport API_PORT=${API1}\nexport DB_PORT=${DB}\n`);
    expect(JSON.parse((await repo.cli(['env', '--json'], a)).stdout)).toEqual({
      project: 'billing',
      slot: 1,
      worktree: a,
      env: { COMPOSE_PROJECT_NAME: 'billing-1', API_PORT: String(API1), DB_PORT: String(DB) },
      written: [],
      unchanged: [],
    });
    // The main checkout keeps the plain Compose name and the registered ports.
    expect((await repo.cli(['env'])).stdout).toBe(`COMPOSE_PROJECT_NAME=billing\nAPI_PORT=${API0}\nDB_PORT=${DB}\n`);
  });

  it('--write twice: the second run changes no byte', async () => {
    const repo = await slotRepo();
    const a = repo.addWorktree('a');
    const first = await repo.cli(['env', '--write'], a);
    expect(first.code).toBe(0);
    expect(first.stderr).toBe('portreg: wrote billing/.env (slot 1 of project "billing")\n');
    const bytes = await readFile(path.join(a, 'billing/.env'));
    expect(bytes.toString('utf8')).toBe(block(1, 'billing-1', API1));
    const second = await repo.cli(['env', '--write'], a);
    expect(second.code).toBe(0);
    expect(second.stderr).toBe('portreg: billing/.env is up to date (slot 1 of project "billing")\n');
    expect(await readFile(path.join(a, 'billing/.env'))).toEqual(bytes);
  });

  it("corrects a .env copied from the main checkout (its block, or plain lines with the main checkout's ports), keeping the rest byte for byte", async () => {
    const repo = await slotRepo();
    // The main checkout's own .env: its secrets and its slot-0 block.
    await repo.main.write('billing/.env', '# local settings\r\nSECRET=abc\r\n');
    expect((await repo.cli(['env', '--write'])).code).toBe(0);
    expect(await repo.main.read('billing/.env')).toBe(`# local settings\r\nSECRET=abc\r\n\r\n${block(0, 'billing', API0).replace(/\n/g, '\r\n')}`);
    // .worktreeinclude-style copy into a new worktree, then the hook's step.
    const a = repo.addWorktree('a');
    await copyFile(repo.main.path('billing/.env'), path.join(a, 'billing/.env'));
    expect((await repo.cli(['env', '--write'], a)).code).toBe(0);
    expect(await readFile(path.join(a, 'billing/.env'), 'utf8')).toBe(
      `# local settings\r\nSECRET=abc\r\n\r\n${block(1, 'billing-1', API1).replace(/\n/g, '\r\n')}`,
    );
    // A hand-made copy without a block: the lines that set the slot's variables make way for it.
    const b = repo.addWorktree('b');
    await writeFile(path.join(b, 'billing/.env'), `API_PORT=${API0}\nSECRET=abc\nexport COMPOSE_PROJECT_NAME=billing\n`);
    expect((await repo.cli(['env', '--write'], b)).code).toBe(0);
    expect(await readFile(path.join(b, 'billing/.env'), 'utf8')).toBe(`${block(2, 'billing-2', FROM + 21)}SECRET=abc\n`);
  });

  it('writes the configured envFiles of the project too, and the tree still lints clean and generate all --check passes', async () => {
    // The config makes lint read the real .env files: their slot blocks must not read as drift from the registry.
    const repo = await slotRepo({ config: { envFiles: ['billing/.env', 'billing/.env.local'] } });
    const a = repo.addWorktree('a');
    const r = await repo.cli(['env', '--write'], a);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      ['portreg: wrote billing/.env (slot 1 of project "billing")', 'portreg: wrote billing/.env.local (slot 1 of project "billing")', ''].join('\n'),
    );
    expect(await readFile(path.join(a, 'billing/.env.local'), 'utf8')).toBe(block(1, 'billing-1', API1));
    const lint = await repo.cli(['lint', '--format', 'json'], a);
    expect(lint.code, lint.stdout).toBe(0);
    // lint did read the .env files (they are in the scan), and found nothing in them.
    const scan = JSON.parse((await repo.cli(['scan', '--json'], a)).stdout);
    expect(scan.files.map((f: { path: string }) => f.path)).toEqual(expect.arrayContaining(['billing/.env', 'billing/.env.local']));
    expect(JSON.parse(lint.stdout).findings.filter((f: { severity: string }) => f.severity === 'error')).toEqual([]);
    const check = await repo.cli(['generate', 'all', '--check'], a);
    expect(check.code, check.stderr).toBe(0);
  });
});

describe('the slot block in the env parser and writer', () => {
  it('leaves the block out of the port facts, and nothing else', () => {
    const text = `API_PORT=${API0}\n${block(1, 'billing-1', API1)}WEB_PORT=3000\n`;
    expect(parseEnv(text, '.env').facts.map((f) => [f.variable, f.published])).toEqual([
      ['API_PORT', API0],
      ['WEB_PORT', 3000],
    ]);
  });

  it('replaces the block in place, drops a second one, keeps a file without a final line break without one', () => {
    const values: [string, string][] = [
      ['COMPOSE_PROJECT_NAME', 'billing-1'],
      ['API_PORT', String(API1)],
      ['DB_PORT', String(DB)],
    ];
    const old = block(0, 'billing', API0);
    expect(withSlotBlock(`A=1\n${old}B=2\n${old}`, 'billing', 1, values)).toBe(`A=1\n${block(1, 'billing-1', API1)}B=2\n`);
    expect(withSlotBlock(`A=1\nAPI_PORT=${API0}`, 'billing', 1, values)).toBe(`A=1\n${block(1, 'billing-1', API1).slice(0, -1)}`);
    expect(withSlotBlock('', 'billing', 1, values)).toBe(block(1, 'billing-1', API1));
  });
});
