/**
 * Files a compose file names (env_file, include, extends) that are not there: said where they are
 * named, not as a file that "vanished". An env_file is often made by each checkout (a .env copied
 * from .env.example and never committed): a warning, or nothing with `required: false`. A missing
 * include stops Compose: an error. Found on real repositories (bench/dclint.mjs's corpus).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { scan } from '../../src/scan/scan.js';
import { runCli, tempDir } from '../helpers/cli.js';

let root: string;
let cleanup: () => Promise<void>;

const COMPOSE = [
  'services:',
  '  api:',
  '    image: api',
  '    env_file: .env',
  '    ports:',
  '      - "5001:80"',
  '  worker:',
  '    image: worker',
  '    env_file:',
  '      - path: ./local.env',
  '        required: false',
  '      - path: ./shared.env',
  'include:',
  '  - ./extra/compose.yaml',
  '',
].join('\n');

beforeAll(async () => {
  ({ dir: root, cleanup } = await tempDir('portreg-named-files-'));
  await mkdir(path.join(root, 'app'), { recursive: true });
  await writeFile(path.join(root, 'app/docker-compose.yml'), COMPOSE);
  await writeFile(path.join(root, 'app/shared.env'), 'SHARED=1\n');
});
afterAll(() => cleanup());

describe('files a compose file names that are not there', () => {
  it('are said at the reference: a missing env_file a warning, one not required nothing, a missing include an error', async () => {
    const result = await scan({ root });
    expect(result.findings.map((f) => `${f.file}:${f.line}:${f.column}-${f.endLine}:${f.endColumn} ${f.severity} ${f.ruleId}: ${f.message}`)).toEqual([
      'app/docker-compose.yml:4:15-4:19 warning scan-skipped: env_file ".env" (app/.env) does not exist: not read, so the values it would set are unknown (a file each checkout makes? then `required: false` says so)',
      'app/docker-compose.yml:14:5-14:25 error parse-error: include "./extra/compose.yaml" names app/extra/compose.yaml, which does not exist',
    ]);
    // The file that is there is read; the port is found.
    expect(result.files.map((f) => f.path)).toEqual(['app/docker-compose.yml', 'app/shared.env']);
    expect(result.ports.map((p) => `${p.file}:${p.line}:${p.column} ${p.published}`)).toEqual(['app/docker-compose.yml:6:10 5001']);
  });

  it('portreg scan exits 1 for the missing include only, and says both in the report', async () => {
    const r = await runCli(['scan', '--format', 'json'], { cwd: root });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings.map((f: { ruleId: string; line: number }) => `${f.ruleId}@${f.line}`)).toEqual(['scan-skipped@4', 'parse-error@14']);
  });
});
