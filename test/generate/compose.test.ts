/**
 * The compose ports entry, inserted with byte-exact edits in the file's own style: appended to
 * an existing list (quotes, plain, flow, long syntax), or a new `ports:` key indented like the
 * service's keys; a service that publishes its port already is left; a missing service gets a
 * snippet and the file to add it to.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { applyToBuffer } from '../../src/fix/plan.js';
import { planCompose } from '../../src/generate/compose.js';
import type { Registry, Service } from '../../src/registry/types.js';
import { scan } from '../../src/scan/scan.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { writeRegistry } from '../helpers/registry-fixture.js';

let root: string;
let cleanup: () => Promise<void>;
let n = 0;
beforeAll(async () => ({ dir: root, cleanup } = await tempDir('portreg-compose-')));
afterAll(() => cleanup());

async function fleet(services: Record<string, Service>, compose: Record<string, string>): Promise<{ dir: string; registry: Registry }> {
  const dir = path.join(root, `case${n++}`);
  await mkdir(path.join(dir, 'billing'), { recursive: true });
  const registry: Registry = { version: 1, projects: { billing: { range: { from: 5000, to: 5099 }, path: 'billing', services } } };
  await writeFile(path.join(dir, 'ports.registry.json'), JSON.stringify(registry));
  for (const [file, text] of Object.entries(compose)) await writeFile(path.join(dir, 'billing', file), text);
  return { dir, registry };
}

async function plan(services: Record<string, Service>, compose: Record<string, string>, only?: string[]) {
  const { dir, registry } = await fleet(services, compose);
  const scanned = await scan({ root: dir, registry, registryDir: dir });
  const result = await planCompose({ root: dir, registry, scan: scanned, project: 'billing', services: only });
  for (const f of result.files) expect(applyToBuffer(f.before, f.edits).equals(f.after)).toBe(true);
  return { ...result, after: Object.fromEntries(result.files.map((f) => [f.file, f.after.toString('utf8')])) };
}

const worker: Service = { port: 5003, purpose: 'jobs', env: 'WORKER_PORT', containerPort: 9000 };

describe('compose ports entries', () => {
  it('appends to a double-quoted list in its indentation', async () => {
    const r = await plan(
      { api: { port: 5001, purpose: 'API', env: 'API_PORT' }, 'api-metrics': { ...worker, composeService: 'api' } },
      {
        'compose.yaml': 'services:\n  api:\n    build: .\n    ports:\n      - "${API_PORT:-5001}:8080"\n    environment:\n      A: b\n',
      },
    );
    expect(r.services.map((s) => [s.service, s.status])).toEqual([
      ['api', 'present'],
      ['api-metrics', 'insert'],
    ]);
    expect(r.after['billing/compose.yaml']).toBe(
      'services:\n  api:\n    build: .\n    ports:\n      - "${API_PORT:-5001}:8080"\n      - "${WORKER_PORT:-5003}:9000"\n    environment:\n      A: b\n',
    );
  });

  it('follows plain and single-quoted items, a flow list, and the long syntax', async () => {
    const plain = await plan({ w: { ...worker } }, { 'compose.yaml': 'services:\n  w:\n    ports:\n    - 127.0.0.1:5009:80\n' });
    expect(plain.after['billing/compose.yaml']).toBe('services:\n  w:\n    ports:\n    - 127.0.0.1:5009:80\n    - ${WORKER_PORT:-5003}:9000\n');
    const single = await plan({ w: { ...worker, env: undefined, containerPort: 30 } }, { 'compose.yaml': "services:\n  w:\n    ports:\n      - '5009:80'\n" });
    expect(single.after['billing/compose.yaml']).toBe("services:\n  w:\n    ports:\n      - '5009:80'\n      - '5003:30'\n");
    const flow = await plan({ w: { ...worker } }, { 'compose.yaml': 'services:\n  w:\n    ports: ["5009:80"]\n' });
    expect(flow.after['billing/compose.yaml']).toBe('services:\n  w:\n    ports: ["5009:80", "${WORKER_PORT:-5003}:9000"]\n');
    const long = await plan(
      { w: { ...worker, protocol: 'udp' } },
      { 'compose.yaml': 'services:\n  w:\n    ports:\n      - target: 80\n        published: "5009"\n' },
    );
    expect(long.after['billing/compose.yaml']).toBe(
      'services:\n  w:\n    ports:\n      - target: 80\n        published: "5009"\n      - target: 9000\n        published: "${WORKER_PORT:-5003}"\n        protocol: udp\n',
    );
  });

  it("adds a ports key after the service, indented like its keys and the file's lists, with CRLF kept", async () => {
    const r = await plan(
      { w: { ...worker }, x: { port: 5004, purpose: 'x' } },
      {
        'docker-compose.yml': 'services:\r\n    w:\r\n        image: w\r\n        command:\r\n        - run\r\n    x:\r\n        image: x',
      },
    );
    expect(r.after['billing/docker-compose.yml']).toBe(
      'services:\r\n    w:\r\n        image: w\r\n        command:\r\n        - run\r\n        ports:\r\n        - "${WORKER_PORT:-5003}:9000"\r\n    x:\r\n        image: x\r\n        ports:\r\n        - "5004:5004"\r\n',
    );
  });

  it('prefers the base file to an override, and names the file and the snippet for a missing service', async () => {
    const r = await plan(
      { w: { ...worker }, ghost: { port: 5005, purpose: 'g', env: 'GHOST_PORT' } },
      {
        'compose.yaml': 'services:\n  w:\n    image: w\n',
        'compose.override.yaml': 'services:\n  w:\n    environment:\n      A: b\n',
      },
    );
    expect(Object.keys(r.after)).toEqual(['billing/compose.yaml']);
    expect(r.services.find((s) => s.service === 'ghost')).toEqual({
      project: 'billing',
      service: 'ghost',
      composeService: 'ghost',
      entries: ['${GHOST_PORT:-5005}:5005'],
      status: 'missing',
      file: 'billing/compose.yaml',
      message: 'no compose service "ghost" in billing/compose.yaml, billing/compose.override.yaml: add it to billing/compose.yaml with:',
      snippet: 'services:\n  ghost:\n    ports:\n      - "${GHOST_PORT:-5005}:5005"\n',
    });
  });

  it('leaves a host-network service to the user, with the snippet', async () => {
    const r = await plan({ w: { ...worker } }, { 'compose.yaml': 'services:\n  w:\n    network_mode: host\n' });
    expect(r.files).toEqual([]);
    expect(r.services[0]).toMatchObject({
      status: 'manual',
      message: 'w in billing/compose.yaml: it uses network_mode: host, where ports are not published; add by hand:',
    });
  });

  it('portreg generate compose --write inserts; a second run finds it present', async () => {
    const dir = path.join(root, `cli${n++}`);
    await mkdir(path.join(dir, 'billing'), { recursive: true });
    await writeRegistry(dir, { billing: { range: { from: 5000, to: 5099 }, path: 'billing', services: { w: worker } } });
    await writeFile(path.join(dir, 'billing/compose.yaml'), 'services:\n  w:\n    image: w\n');
    const check = await runCli(['generate', 'compose', '--project', 'billing', '--check'], { cwd: dir });
    expect(check.code).toBe(1);
    expect(check.stdout).toBe(
      '--- a/billing/compose.yaml\n+++ b/billing/compose.yaml\n@@ -1,3 +1,5 @@\n services:\n   w:\n     image: w\n+    ports:\n+      - "${WORKER_PORT:-5003}:9000"\n',
    );
    const write = await runCli(['generate', 'compose', '--project', 'billing', '--write'], { cwd: dir });
    expect([write.code, write.stdout]).toEqual([0, 'wrote billing/compose.yaml\n']);
    const again = await runCli(['generate', 'compose', '--project', 'billing', '--check'], { cwd: dir });
    expect([again.code, again.stdout, again.stderr]).toEqual([0, '', 'portreg: every generated file is current\n']);
  });

  it('generate compose --check counts only entries it would insert: a missing service, a host-network one and a different port exit 0', async () => {
    const dir = path.join(root, `cli${n++}`);
    await mkdir(path.join(dir, 'billing'), { recursive: true });
    await writeRegistry(dir, {
      billing: {
        range: { from: 5000, to: 5099 },
        path: 'billing',
        services: { w: worker, ghost: { port: 5005, purpose: 'g' }, h: { port: 5006, purpose: 'h' }, api: { port: 5001, purpose: 'api' } },
      },
    });
    await writeFile(
      path.join(dir, 'billing/compose.yaml'),
      'services:\n  w:\n    image: w\n    ports:\n      - "${WORKER_PORT:-5003}:9000"\n  h:\n    network_mode: host\n  api:\n    ports:\n      - "5009:80"\n',
    );
    const check = await runCli(['generate', 'compose', '--project', 'billing', '--check'], { cwd: dir });
    expect([check.code, check.stdout]).toEqual([0, '']);
    expect(check.stderr).toBe(
      [
        'portreg: no compose service "ghost" in billing/compose.yaml: add it to billing/compose.yaml with:',
        'services:',
        '  ghost:',
        '    ports:',
        '      - "5005:5005"',
        'portreg: h in billing/compose.yaml: it uses network_mode: host, where ports are not published; add by hand:',
        'services:',
        '  h:',
        '    ports:',
        '      - "5006:5006"',
        'portreg: every generated file is current',
        '',
      ].join('\n'),
    );
    // And --help says so.
    const help = await runCli(['generate', '--help'], { cwd: dir });
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('compose --check counts only the entries it would insert into an existing compose service');
  });
});
