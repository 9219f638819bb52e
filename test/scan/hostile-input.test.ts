/**
 * Hostile input (issue 18): files nested 100,000 deep, hundreds of thousands of lines, 10 MB
 * lines, alias bombs, NUL bytes, invalid UTF-8, CRLF and BOM mixes. Each ends in findings that
 * name the limit hit (docs/limits.md), with the exit code of findings, never in
 * `internal error`, a hang or gigabytes of memory.
 *
 * The built CLI runs in a child process with a generous hang guard and a 1 GiB heap
 * (`--max-old-space-size`): a stack overflow, a hang or a heap past it fails the case. No
 * timing is asserted. Inputs are generated into temporary folders, never committed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CLI, tempDir, testEnv } from '../helpers/cli.js';
import { writeRegistry } from '../helpers/registry-fixture.js';
import type { Finding } from '../../src/findings.js';
import type { PortFact, ScanResult } from '../../src/scan/scan.js';

/** Far past what any case needs on a loaded machine: only a hang reaches it. */
const HANG_GUARD_MS = 180_000;
const HEAP_MB = 1024;

const GOOD_FILE = 'projects/ok/docker-compose.yml';
const GOOD_TEXT = 'services:\n  web:\n    image: nginx\n    ports:\n      - "5001:80"\n';

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The CLI in a fresh process under the heap cap; killed by the guard only if it hangs. */
function runGuarded(args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_MB}`, CLI, ...args], { cwd, env: testEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const guard = setTimeout(() => child.kill('SIGKILL'), HANG_GUARD_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

let base: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir: base, cleanup } = await tempDir('portreg-hostile-'));
});
afterAll(() => cleanup());

/** A repository with project ok (5000-5099, web on 5001), its good compose file, and the given files. */
async function repo(files: Record<string, string | Buffer>, registryText?: string): Promise<string> {
  const root = await mkdtemp(path.join(base, 'case-'));
  for (const [file, content] of Object.entries({ [GOOD_FILE]: GOOD_TEXT, ...files })) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), content);
  }
  if (registryText !== undefined) await writeFile(path.join(root, 'ports.registry.json'), registryText);
  else {
    await writeRegistry(root, {
      ok: { range: { from: 5000, to: 5099 }, path: 'projects/ok', services: { web: { port: 5001, purpose: 'Web server', containerPort: 80 } } },
    });
  }
  return root;
}

/** A finding as one line: place, severity, rule, message. */
function show(f: Finding): string {
  return `${f.file}:${f.line}:${f.column} ${f.severity} ${f.ruleId}: ${f.message}`;
}

/** `scan --json` on the tree: no crash, no signal, JSON out. */
async function scanJson(root: string): Promise<{ code: number | null; findings: string[]; ports: PortFact[] }> {
  const r = await runGuarded(['scan', '--json'], root);
  expect({ signal: r.signal, stderr: r.stderr }).toEqual({ signal: null, stderr: '' });
  const json = JSON.parse(r.stdout) as ScanResult;
  return { code: r.code, findings: json.findings.map(show), ports: json.ports };
}

/** The good file's port is still read, whatever the hostile file next to it did. */
function expectGoodPort(ports: PortFact[]): void {
  expect(ports.filter((p) => p.file === GOOD_FILE).map((p) => `${p.line}:${p.column} ${p.published}:${p.target}`)).toEqual(['5:10 5001:80']);
}

const F = 'projects/ok';
const tenMB = 10_000_000;

describe('hostile input: nesting', () => {
  it('a registry nested 100,000 deep (arrays, then objects): exit 2 naming the place and the limit, from scan and lint', async () => {
    const arrays = `{"version": 1, "projects": {"ok": ${'['.repeat(100_000)}${']'.repeat(100_000)}}}`;
    const objects = `{"version": 1, "x": ${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`;
    for (const [text, column] of [
      [arrays, 161],
      [objects, 656],
    ] as const) {
      const root = await repo({}, text);
      const scanned = await runGuarded(['scan', '--json'], root);
      expect(scanned.code).toBe(2);
      expect(scanned.stderr).toBe(
        'portreg: cannot use ports.registry.json: it has 1 error; fix it in the registry (portreg registry check shows each), then run the command again:\n' +
          `  ports.registry.json:1:${column}: JSON nested deeper than 128 levels (portreg's limit): not read (registry-parse)\n`,
      );
      const linted = await runGuarded(['lint', '--format', 'json'], root);
      expect(linted.code).toBe(2);
      expect(linted.stderr).not.toContain('internal error');
      const findings = (JSON.parse(linted.stdout) as { findings: Finding[] }).findings.map(show);
      expect(findings).toEqual([`ports.registry.json:1:${column} error registry-parse: JSON nested deeper than 128 levels (portreg's limit): not read`]);
    }
  });

  it('a compose file nested 100,000 deep (flow, one bracket a line), and 1,000 deep (block): not read, said at the first level past 128', async () => {
    const flow = `services:\n  a:\n    ports:\n${'      [\n'.repeat(100_000)}`;
    const block = `services:\n${Array.from({ length: 1_000 }, (_, i) => `${' '.repeat(i + 2)}k${i}:\n`).join('')}`;
    const root = await repo({ [`${F}/flow/compose.yaml`]: flow, [`${F}/block/compose.yaml`]: block });
    const { code, findings, ports } = await scanJson(root);
    expect(code).toBe(0);
    expect(findings).toEqual([
      `${F}/block/compose.yaml:129:130 warning scan-degraded: ${F}/block/compose.yaml nests deeper than 128 levels (the limit): not read, its ports are not checked`,
      `${F}/flow/compose.yaml:128:7 warning scan-degraded: ${F}/flow/compose.yaml nests deeper than 128 levels (the limit): not read, its ports are not checked`,
    ]);
    expectGoodPort(ports);
    expect(ports).toHaveLength(1);
  });

  it('a package.json nested 100,000 deep: not read, said at the place', async () => {
    const root = await repo({ [`${F}/package.json`]: `{"scripts": ${'['.repeat(100_000)}${']'.repeat(100_000)}}` });
    const { code, findings, ports } = await scanJson(root);
    expect(code).toBe(0);
    expect(findings).toEqual([
      `${F}/package.json:1:140 warning scan-degraded: ${F}/package.json nests deeper than 128 levels (the limit): not read, its ports are not checked`,
    ]);
    expectGoodPort(ports);
  });
});

describe('hostile input: many lines and items', () => {
  it('200,000 repeated env lines X_PORT=5100: the first 10,000 read, each repeat a duplicate, the rest said not read', async () => {
    const root = await repo({ [`${F}/.env.example`]: 'X_PORT=5100\n'.repeat(200_000) });
    const { code, findings, ports } = await scanJson(root);
    expect(code).toBe(0);
    const duplicates = Array.from(
      { length: 9_999 },
      (_, i) => `${F}/.env.example:${i + 2}:1 warning env-duplicate-key: X_PORT is set again (first on line 1); the last value wins`,
    );
    expect(findings).toEqual([
      ...duplicates,
      `${F}/.env.example:10001:1 warning scan-degraded: ${F}/.env.example has over 10,000 lines (the limit): lines 1-10,000 read, the rest not`,
    ]);
    expect(ports.filter((p) => p.file === `${F}/.env.example`)).toHaveLength(10_000);
    expectGoodPort(ports);
  });

  it('200,000 env lines ended by a lone CR (a line break to dotenv): the same limit, the rest said not read', async () => {
    const root = await repo({ [`${F}/.env.example`]: 'X_PORT=5100\r'.repeat(200_000) });
    const { code, findings, ports } = await scanJson(root);
    expect(code).toBe(0);
    // Positions count \n only (as git and most tools do): every line is on line 1, 12 columns further.
    expect(findings).toHaveLength(10_000);
    expect(findings.at(-1)).toBe(
      `${F}/.env.example:1:120001 warning scan-degraded: ${F}/.env.example has over 10,000 lines (the limit): lines 1-10,000 read, the rest not`,
    );
    expect(ports.filter((p) => p.file === `${F}/.env.example`)).toHaveLength(10_000);
    expectGoodPort(ports);
  });

  it('a compose file with 50,000 services: not read, with the item limit named', async () => {
    const services = Array.from({ length: 50_000 }, (_, i) => `  s${i}:\n    image: x\n    ports:\n      - "${5000 + (i % 100)}:80"\n`).join('');
    const root = await repo({ [`${F}/big/compose.yaml`]: `services:\n${services}` });
    const { code, findings, ports } = await scanJson(root);
    expect(code).toBe(0);
    expect(findings).toEqual([
      `${F}/big/compose.yaml:1:1 warning scan-degraded: ${F}/big/compose.yaml has over 50,000 YAML items (lines and flow entries, the limit): not read, its ports are not checked`,
    ]);
    expectGoodPort(ports);
    expect(ports).toHaveLength(1);
  });

  it('60,000 suppression comments in one compose file: every one found at its line, in linear time', async () => {
    const comments = '      # portreg-disable-next-line docs-stale -- an old note\n'.repeat(60_000);
    const root = await repo({ [`${F}/noted/compose.yaml`]: `services:\n  web:\n    ports:\n${comments}      - "5002:80"\n` });
    const r = await runGuarded(['scan', '--json'], root);
    expect({ signal: r.signal, stderr: r.stderr }).toEqual({ signal: null, stderr: '' });
    const json = JSON.parse(r.stdout) as ScanResult;
    const directives = json.directives.filter((d) => d.file === `${F}/noted/compose.yaml`);
    expect(directives).toHaveLength(60_000);
    expect(directives.at(-1)).toEqual({
      file: `${F}/noted/compose.yaml`,
      line: 60_003,
      column: 7,
      targetLine: 60_004,
      rules: ['docs-stale'],
      reason: 'an old note',
    });
    expect(json.ports.filter((p) => p.file === `${F}/noted/compose.yaml`).map((p) => `${p.line}:${p.column} ${p.published}`)).toEqual(['60004:10 5002']);
  });

  it('40,000 findings and 40,000 suppression comments in one file: lint matches them in linear time', async () => {
    // Each comment names a rule that does not fire on its line: every finding stays, every comment is unused.
    const entries = '      # portreg-disable-next-line port-legacy\n      - "x:80"\n'.repeat(40_000);
    const root = await repo({ [`${F}/noted/compose.yaml`]: `services:\n  web:\n    ports:\n${entries}` });
    const linted = await runGuarded(['lint', '--format', 'json'], root);
    expect({ signal: linted.signal, code: linted.code }).toEqual({ signal: null, code: 1 });
    const findings = (JSON.parse(linted.stdout) as { findings: { file: string; ruleId: string; line: number }[] }).findings.filter(
      (f) => f.file === `${F}/noted/compose.yaml`,
    );
    const count = (ruleId: string) => findings.filter((f) => f.ruleId === ruleId).length;
    expect([count('parse-error'), count('unused-suppression')]).toEqual([40_000, 40_000]);
    expect(findings.find((f) => f.ruleId === 'parse-error')?.line).toBe(5);
  });

  it('a compose file of 10,000 services (under the limits) is read whole: every port, in linear time', async () => {
    const services = Array.from({ length: 10_000 }, (_, i) => `  s${i}:\n    ports: ["${5000 + (i % 100)}:80"]\n`).join('');
    const root = await repo({ [`${F}/big/compose.yaml`]: `services:\n${services}` });
    const { findings, ports } = await scanJson(root);
    expect(findings.filter((f) => f.includes('scan-degraded') || f.includes('parse-error'))).toEqual([]);
    expect(ports.filter((p) => p.file === `${F}/big/compose.yaml`)).toHaveLength(10_000);
  });

  it('a README over 256 KiB that needs the full parser (a link reference definition): read as plain text, every port found', async () => {
    const lines = Array.from({ length: 9_000 }, (_, i) => `see http://localhost:${5000 + (i % 100)}/ now`).join('\n');
    const root = await repo({ [`${F}/README.md`]: `[site]: https://example.com\n\n${lines}\n` });
    const { code, findings, ports } = await scanJson(root);
    expect(code).toBe(0);
    expect(findings).toEqual([
      `${F}/README.md:1:1 warning scan-degraded: ${F}/README.md has over 256 KiB of Markdown that needs the full parser (the limit): read as plain text, so tables and code blocks are not recognised`,
    ]);
    expect(ports.filter((p) => p.file === `${F}/README.md`)).toHaveLength(9_000);
    expectGoodPort(ports);
  });

  it('a README with 20,000 port mentions (a list the simple reader takes, no full parser): the first 10,000 kept', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `- see http://localhost:${5000 + (i % 100)}/`).join('\n');
    const root = await repo({ [`${F}/README.md`]: `# Ports\n\n${lines}\n` });
    const { code, findings, ports } = await scanJson(root);
    expect(code).toBe(0);
    expect(findings).toEqual([
      `${F}/README.md:10003:1 warning scan-degraded: ${F}/README.md names over 10,000 ports (the limit): the first 10,000 read, the ones from line 10003 on not`,
    ]);
    expect(ports.filter((p) => p.file === `${F}/README.md`)).toHaveLength(10_000);
    expectGoodPort(ports);
  });
});

describe('hostile input: nested interpolation', () => {
  it('a compose value with ${A:-...} nested 1,000 deep (5 KB, under the value limit): said at the first reference past 128 levels, the rest of the file read', async () => {
    const nested = `${'${A:-'.repeat(1_000)}5001${'}'.repeat(1_000)}`;
    const root = await repo({ [`${F}/deep/compose.yaml`]: `services:\n  a:\n    ports:\n      - "${nested}:80"\n      - "5002:80"\n` });
    const { code, findings, ports } = await scanJson(root);
    expect(code).toBe(1);
    expect(findings).toEqual([`${F}/deep/compose.yaml:4:650 error parse-error: a \${...} reference nested deeper than 128 levels (the limit): not read`]);
    expect(ports.filter((p) => p.file === `${F}/deep/compose.yaml`).map((p) => `${p.line}:${p.column} ${p.published}`)).toEqual(['5:10 5002']);
  });
});

describe('hostile input: long lines and values', () => {
  it('a 10 MB line in each file kind: compose not read, env/script/forwarded values not searched, Markdown line blanked, registry read', async () => {
    const root = await repo({
      [`${F}/compose.override.yml`]: `services:\n  web:\n    image: ${'a'.repeat(tenMB)}\n`,
      [`${F}/.env.example`]: `API_URL=${'http://localhost:5001/ '.repeat(tenMB / 22)}\nAPI_PORT=5001\n`,
      [`${F}/README.md`]: `# Ok\n\n${'localhost:5001 '.repeat(tenMB / 15)}\n\nThe API is on http://localhost:5001/.\n`,
      [`${F}/package.json`]: JSON.stringify({ scripts: { dev: 'vite --port 5001 '.repeat(tenMB / 17) } }),
      [`${F}/.devcontainer/devcontainer.json`]: JSON.stringify({ forwardPorts: [`${'5'.repeat(tenMB)}`, 5001] }),
    });
    const { code, findings, ports } = await scanJson(root);
    expect(code).toBe(0);
    expect(findings).toEqual([
      `${F}/.devcontainer/devcontainer.json:1:18 warning scan-degraded: a forwardPorts entry is 9.5 MiB long, over the 8 KiB limit: not searched for ports`,
      `${F}/.env.example:1:1 warning scan-degraded: the value of API_URL is 10.0 MiB long, over the 8 KiB limit: not searched for ports`,
      `${F}/compose.override.yml:3:1 warning scan-degraded: ${F}/compose.override.yml has a line longer than 64 KiB (the limit): not read, its ports are not checked`,
      `${F}/package.json:1:19 warning scan-degraded: script "dev" is 9.5 MiB long, over the 8 KiB limit: not searched for ports`,
      `${F}/README.md:3:1 warning scan-degraded: line 3 is longer than 64 KiB (the limit): not read`,
    ]);
    // What the limits left readable is still read: the env port, the README's last line, the forwarded number.
    expect(ports.filter((p) => p.file !== GOOD_FILE).map((p) => `${p.file}:${p.line}:${p.column} ${p.published}`)).toEqual([
      `${F}/.devcontainer/devcontainer.json:1:10000021 5001`,
      `${F}/.env.example:2:10 5001`,
      `${F}/README.md:5:32 5001`,
    ]);
    expectGoodPort(ports);
  });

  it('a registry with a 10 MB description is read as usual', async () => {
    const registry = {
      version: 1,
      projects: {
        ok: {
          range: { from: 5000, to: 5099 },
          path: 'projects/ok',
          description: 'd'.repeat(tenMB),
          services: { web: { port: 5001, purpose: 'Web server', containerPort: 80 } },
        },
      },
    };
    const root = await repo({}, JSON.stringify(registry));
    const { code, findings, ports } = await scanJson(root);
    expect({ code, findings }).toEqual({ code: 0, findings: [] });
    expect(ports.map((p) => p.service)).toEqual(['web']);
  });

  it('a 50 MB env value: the file is over the size limit and not read', async () => {
    const root = await repo({ [`${F}/.env.example`]: `X=${'a'.repeat(50_000_000)}\n` });
    const { code, findings, ports } = await scanJson(root);
    expect(code).toBe(1);
    expect(findings).toEqual([`${F}/.env.example:1:1 error parse-error: ${F}/.env.example is 47.7 MiB, over the 10.0 MiB a config file may have: not read`]);
    expectGoodPort(ports);
  });

  it('a 9 MB env value (under the size limit): not searched, the next line still read', async () => {
    const root = await repo({ [`${F}/.env.example`]: `X="${'localhost:5001 '.repeat(600_000)}"\nWEB_PORT=5001\n` });
    const { findings, ports } = await scanJson(root);
    expect(findings).toEqual([`${F}/.env.example:1:1 warning scan-degraded: the value of X is 8.6 MiB long, over the 8 KiB limit: not searched for ports`]);
    expect(ports.filter((p) => p.file === `${F}/.env.example`).map((p) => `${p.line}:${p.column} ${p.variable}`)).toEqual(['2:10 WEB_PORT']);
  });
});

describe('hostile input: Markdown built to stall a parser around port specs', () => {
  it('emphasis, links, code spans and autolinks wrapped around every port: plain text, the mentions still found', async () => {
    const line = '`localhost:5001` *[localhost:5001](http://localhost:5001* _<http://localhost:5001>_ [`5001`] ';
    const root = await repo({ [`${F}/README.md`]: `${Array.from({ length: 2_000 }, () => line).join('\n')}\n` });
    const { code, findings, ports } = await scanJson(root);
    expect(code).toBe(0);
    expect(findings).toEqual([
      `${F}/README.md:1:1 warning scan-degraded: ${F}/README.md has over 3000 emphasis and link delimiters (* _ [ ] \` <): read as plain text, so tables and code blocks are not recognised`,
    ]);
    // Four mentions a line: two localhost:5001, two URLs.
    expect(ports.filter((p) => p.file === `${F}/README.md`)).toHaveLength(8_000);
  });

  it('brackets nested 100,000 deep around a port on one line: the line is not read', async () => {
    const root = await repo({ [`${F}/README.md`]: `${'['.repeat(100_000)}localhost:5001${']'.repeat(100_000)}\nSee localhost:5001.\n` });
    const { findings, ports } = await scanJson(root);
    expect(findings).toEqual([`${F}/README.md:1:1 warning scan-degraded: line 1 is longer than 64 KiB (the limit): not read`]);
    expect(ports.filter((p) => p.file === `${F}/README.md`).map((p) => `${p.line}:${p.column}`)).toEqual(['2:15']);
  });

  it('quotes nested 30,000 deep, a line each: plain text', async () => {
    const root = await repo({ [`${F}/README.md`]: `${Array.from({ length: 30_000 }, (_, i) => `${'> '.repeat(Math.min(i, 40))}port 5001`).join('\n')}\n` });
    const { findings } = await scanJson(root);
    expect(findings).toEqual([
      `${F}/README.md:1:1 warning scan-degraded: ${F}/README.md has a line nested over 16 lists or quotes deep (line 18): read as plain text, so tables and code blocks are not recognised`,
    ]);
  });
});

describe('hostile input: YAML alias bombs', () => {
  it('a billion-laughs list and a merge-key bomb: each said once, nothing multiplied', async () => {
    const levels = Array.from({ length: 9 }, (_, i) => `x${i + 1}: &a${i + 1} [${Array.from({ length: 9 }, () => `*a${i}`).join(', ')}]`).join('\n');
    const laughs = `x0: &a0 ["5001:80"]\n${levels}\nservices:\n  a:\n    ports: *a9\n`;
    const maps = Array.from(
      { length: 30 },
      (_, i) => `m${i + 1}: &m${i + 1}\n  <<: [${Array.from({ length: 9 }, () => `*m${i}`).join(', ')}]\n  k${i + 1}: 1`,
    ).join('\n');
    const merges = `m0: &m0\n  ports: ["5001:80"]\n${maps}\nservices:\n  b:\n    <<: *m30\n`;
    const root = await repo({ [`${F}/laughs/compose.yaml`]: laughs, [`${F}/merges/compose.yaml`]: merges });
    const { code, findings, ports } = await scanJson(root);
    expect(code).toBe(1);
    expect(findings).toEqual([
      `${F}/laughs/compose.yaml:9:9 error parse-error: service "a": a port entry must be a string, a number or a mapping`,
      `${F}/merges/compose.yaml:4:8 error parse-error: too many YAML aliases (an alias bomb?): aliases from here on are not followed`,
    ]);
    expectGoodPort(ports);
  });
});

describe('hostile input: bytes', () => {
  it('NUL bytes early and late, invalid UTF-8 in each kind: not read, said at the place', async () => {
    const nul = Buffer.from([0]);
    const bad = Buffer.from([0xc0, 0xaf]);
    const root = await repo({
      [`${F}/early/compose.yaml`]: Buffer.concat([Buffer.from('services:\n'), nul, Buffer.from('  a:\n')]),
      [`${F}/late/compose.yaml`]: Buffer.concat([Buffer.from(`services:\n  a:\n    ports: ["5001:80"]\n${'#\n'.repeat(5_000)}x: "`), nul, Buffer.from('"\n')]),
      [`${F}/.env.example`]: Buffer.concat([Buffer.from('WEB_PORT=5001\nX='), bad, Buffer.from('\n')]),
      [`${F}/README.md`]: Buffer.concat([Buffer.from('# Ok\n\nport 5001 '), bad, Buffer.from('\n')]),
      [`${F}/package.json`]: Buffer.concat([Buffer.from('{"scripts": {"dev": "vite --port 5001'), bad, Buffer.from('"}}')]),
    });
    const { code, findings, ports } = await scanJson(root);
    expect(code).toBe(1);
    expect(findings).toEqual([
      `${F}/.env.example:2:3 error parse-error: ${F}/.env.example is not valid UTF-8: not read`,
      `${F}/early/compose.yaml:1:1 error parse-error: ${F}/early/compose.yaml is a binary file: not read`,
      `${F}/package.json:1:38 error parse-error: ${F}/package.json is not valid UTF-8: not read`,
      `${F}/README.md:3:11 error parse-error: ${F}/README.md is not valid UTF-8: not read`,
    ]);
    expectGoodPort(ports);
    // A NUL past the first 8 KiB, inside a quoted YAML string, is a character like any other: the file is read.
    expect(ports.filter((p) => p.file === `${F}/late/compose.yaml`).map((p) => `${p.line}:${p.column} ${p.published}`)).toEqual(['3:14 5001']);
  });

  it('CRLF, lone CR, LF and a BOM mixed in compose, env and Markdown: every port at its own line and column', async () => {
    const root = await repo({
      [`${F}/mixed/compose.yaml`]: '\uFEFFservices:\r\n  a:\n    ports:\r\n      - "5001:80"\r\n      - "5002:81"\n',
      [`${F}/.env.example`]: '\uFEFFWEB_PORT=5001\r\nOTHER_PORT=5002\rTHIRD_PORT=5003\n\r\n',
      [`${F}/README.md`]: '\uFEFF# Ok\r\n\r\nOpen http://localhost:5001/ now.\rThen localhost:5002.\n',
    });
    const { findings, ports } = await scanJson(root);
    expect(findings).toEqual([]);
    expect(ports.filter((p) => p.file !== GOOD_FILE).map((p) => `${p.file}:${p.line}:${p.column} ${p.published}`)).toEqual([
      // The BOM keeps its column (parse/env.ts), as an editor that shows it does.
      `${F}/.env.example:1:11 5001`,
      `${F}/.env.example:2:12 5002`,
      `${F}/.env.example:2:28 5003`,
      `${F}/README.md:3:23 5001`,
      `${F}/README.md:3:49 5002`,
      `${F}/mixed/compose.yaml:4:10 5001`,
      `${F}/mixed/compose.yaml:5:10 5002`,
    ]);
  });
});
