/**
 * `portreg lint --fix` on a project with slots: slot-literal-port's fix writes the compose host
 * port as `${API_PORT:-port}` and lists API_PORT in the env template, both in one change set (a
 * failed rename leaves neither changed), after which lint and generate all --check pass; a
 * generated template that lists the variable already is left as it is.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { FROM, slotRepo } from './fixture.js';

const literal = `services:\n  api:\n    ports:\n      - "${FROM + 1}:8080"\n  db:\n    ports:\n      - "\${DB_PORT:-${FROM + 2}}:5432"\n`;
const moved = `services:\n  api:\n    ports:\n      - "\${API_PORT:-${FROM + 1}}:8080"\n  db:\n    ports:\n      - "\${DB_PORT:-${FROM + 2}}:5432"\n`;
const TEMPLATE = `# billing: copy to .env\nDB_PORT=${FROM + 2}\n`;

const repoOf = () => slotRepo({ files: { 'billing/docker-compose.yml': literal, 'billing/.env.example': TEMPLATE } });

describe('lint --fix of slot-literal-port', () => {
  it('rewrites the host port and appends the variable to the template, exact bytes; lint and generate all --check pass after', async () => {
    const repo = await repoOf();
    const before = await repo.cli(['lint']);
    expect(before.stdout).toContain(`4:10  warning  host port ${FROM + 1} is written as a number`);
    const fixed = await repo.cli(['lint', '--fix']);
    expect(fixed.code).toBe(0);
    expect(fixed.stderr).toBe('portreg: fixed 2 files: billing/.env.example, billing/docker-compose.yml\n');
    expect(await repo.main.read('billing/docker-compose.yml')).toBe(moved);
    expect(await repo.main.read('billing/.env.example')).toBe(`${TEMPLATE}API_PORT=${FROM + 1}\n`);
    const lint = await repo.cli(['lint']);
    expect([lint.code, lint.stdout]).toEqual([0, '0 problems in 3 files\n']);
    expect((await repo.cli(['generate', 'all', '--check'])).code).toBe(0);
  });

  it('is one change set: when the second file cannot be renamed into place, neither file changes', async () => {
    const repo = await repoOf();
    const r = await runCli(['lint', '--fix'], { cwd: repo.main.root, env: { ...repo.env, PORTREG_TEST_FAIL_RENAME_AT: '1' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('portreg: cannot write billing/docker-compose.yml: rename failed (PORTREG_TEST_FAIL_RENAME_AT); nothing was changed\n');
    expect(await repo.main.read('billing/docker-compose.yml')).toBe(literal);
    expect(await repo.main.read('billing/.env.example')).toBe(TEMPLATE);
  });

  it('a generated template that lists the variable keeps its bytes; only the compose file changes', async () => {
    const repo = await repoOf();
    expect((await repo.cli(['generate', 'env', '--write'])).code).toBe(0);
    const generated = await repo.main.read('billing/.env.example');
    expect(generated).toContain(`\nAPI_PORT=${FROM + 1}\n`);
    const fixed = await repo.cli(['lint', '--fix']);
    expect(fixed.stderr).toBe('portreg: fixed 1 file: billing/docker-compose.yml\n');
    expect(await repo.main.read('billing/docker-compose.yml')).toBe(moved);
    expect(await repo.main.read('billing/.env.example')).toBe(generated);
    expect((await repo.cli(['lint'])).code).toBe(0);
    expect((await repo.cli(['generate', 'all', '--check'])).code).toBe(0);
  });
});
