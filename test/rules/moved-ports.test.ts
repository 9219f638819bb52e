/**
 * Ports that services moved away from (their `history`), as `portreg init --import` leaves them:
 * two projects both left 5432 and 8000, and their configs still use the old ports. Each
 * project's own old ports are its own (docs-stale, env-drift, port-mismatch, port-reserved),
 * never the other project's (reference-stale), and --fix moves each to its own service's port.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { lint, type LintResult } from '../../src/lint/lint.js';
import { loadRegistry } from '../../src/registry/load.js';
import { planFixes } from '../../src/fix/plan.js';
import { previewPlan } from '../../src/fix/apply.js';
import { writeAll } from '../helpers/write-all.js';
import { tempDir } from '../helpers/cli.js';

const history = (port: number) => [{ port, until: '2026-11-20' }];
const REGISTRY = {
  version: 1,
  reserved: [{ range: { from: 8000, to: 8099 }, reason: 'Supervisor infrastructure' }],
  projects: {
    alpha: {
      range: { from: 5000, to: 5099 },
      path: 'alpha',
      services: {
        api: { port: 5001, purpose: 'API', env: 'API_PORT', history: history(8000) },
        db: { port: 5032, purpose: 'DB', history: history(5432) },
      },
    },
    beta: {
      range: { from: 5100, to: 5199 },
      path: 'beta',
      services: {
        api: { port: 5101, purpose: 'API', history: history(8000) },
        db: { port: 5132, purpose: 'DB', history: history(5432) },
      },
    },
  },
};

const FILES: Record<string, string> = {
  'alpha/docker-compose.yml': 'services:\n  api:\n    ports:\n      - "${API_PORT:-8000}:8000"\n  db:\n    ports:\n      - "5432:5432"\n',
  'alpha/.env.example': 'API_PORT=8000\nDATABASE_URL=postgres://localhost:5432/alpha\n',
  'beta/docker-compose.yml':
    'services:\n  api:\n    ports:\n      - "8000:8000"\n    environment:\n      DB_URL: postgres://db:5432/beta\n      LOCAL_DB: postgres://localhost:5432/beta\n  db:\n    ports:\n      - "5432:5432"\n',
  'beta/README.md': '# Beta\n\nThe API is at http://localhost:8000.\n',
};

let root: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir: root, cleanup } = await tempDir('portreg-moved-'));
  await writeFile(path.join(root, 'ports.registry.json'), JSON.stringify(REGISTRY, null, 2));
  for (const [file, text] of Object.entries(FILES)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
});
afterEach(() => cleanup());

async function lintTree(): Promise<LintResult> {
  const registry = await loadRegistry(path.join(root, 'ports.registry.json'), { now: new Date('2026-11-25T12:00:00Z') });
  return lint({ root, registry });
}
const brief = (r: LintResult) => r.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId}${f.fixable ? ' (fixable)' : ''}: ${f.message}`);

describe('ports that services moved away from', () => {
  it("are each project's own: reserved ones get the fix to the service's port, config URLs are docs-stale, never a reference to the other project", async () => {
    expect(brief(await lintTree())).toEqual([
      'alpha/.env.example:1:10 port-reserved (fixable): port 8000 is reserved: Supervisor infrastructure (8000-8099)',
      'alpha/.env.example:2:35 docs-stale (fixable): port 5432 was service "db"\'s until it moved to 5032: update the mention',
      'alpha/docker-compose.yml:4:22 port-reserved (fixable): port 8000 is reserved: Supervisor infrastructure (8000-8099)',
      'alpha/docker-compose.yml:7:10 port-mismatch (fixable): service "db" of project "alpha" is registered on port 5032, but alpha/docker-compose.yml gives it 5432',
      'beta/docker-compose.yml:4:10 port-conflict: host port 8000/tcp of service "api" is also published by service "api" of project "alpha" (alpha/docker-compose.yml:4:22)',
      'beta/docker-compose.yml:4:10 port-reserved (fixable): port 8000 is reserved: Supervisor infrastructure (8000-8099)',
      'beta/docker-compose.yml:7:38 docs-stale (fixable): port 5432 was service "db"\'s until it moved to 5132: update the mention',
      'beta/docker-compose.yml:10:10 port-conflict: host port 5432/tcp of service "db" is also published by service "db" of project "alpha" (alpha/docker-compose.yml:7:10)',
      'beta/docker-compose.yml:10:10 port-mismatch (fixable): service "db" of project "beta" is registered on port 5132, but beta/docker-compose.yml gives it 5432',
      'beta/README.md:3:32 docs-stale (fixable): port 8000 was service "api"\'s until it moved to 5101: update the mention',
    ]);
  });

  it("--fix moves every one to its own service's port; a container-side URL (db:5432) stays", async () => {
    const r = await lintTree();
    await writeAll(root, await previewPlan(root, planFixes(r.findings.filter((f) => f.fix).map((f) => f.fix!))));
    const read = (f: string) => readFile(path.join(root, f), 'utf8');
    expect(await read('alpha/docker-compose.yml')).toBe(
      'services:\n  api:\n    ports:\n      - "${API_PORT:-5001}:8000"\n  db:\n    ports:\n      - "5032:5432"\n',
    );
    expect(await read('alpha/.env.example')).toBe('API_PORT=5001\nDATABASE_URL=postgres://localhost:5032/alpha\n');
    expect(await read('beta/docker-compose.yml')).toBe(
      'services:\n  api:\n    ports:\n      - "5101:8000"\n    environment:\n      DB_URL: postgres://db:5432/beta\n      LOCAL_DB: postgres://localhost:5132/beta\n  db:\n    ports:\n      - "5132:5432"\n',
    );
    expect(await read('beta/README.md')).toBe('# Beta\n\nThe API is at http://localhost:5101.\n');
    expect(brief(await lintTree())).toEqual([]);
  });

  it('a reserved port the service never had keeps its error without a fix', async () => {
    await writeFile(path.join(root, 'beta/docker-compose.yml'), 'services:\n  db:\n    ports:\n      - "8080:5432"\n');
    const found = (await lintTree()).findings.filter((f) => f.file === 'beta/docker-compose.yml');
    expect(found.map((f) => [f.ruleId, f.line, f.column, f.fixable])).toEqual([['port-reserved', 4, 10, false]]);
  });
});
