/**
 * The bad-input corpus: every way a file can be broken becomes a finding (with its line and
 * column where there is one), the scan goes on with the other files, never hangs and never
 * throws; the CLI exits 1 for findings and 2 only when the scan itself cannot run.
 *
 * Each case is a small temporary repository holding the bad file and a good
 * projects/ok/docker-compose.yml that publishes "5001:80". Fixtures are written at run time:
 * nothing binary is committed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmod, mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { existsSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { scan, type PortFact, type ScanOptions, type ScanResult } from '../../src/scan/scan.js';
import { compareFindings, type Finding } from '../../src/findings.js';
import { spawnSync } from 'node:child_process';
import { CLI, REPO_ROOT, runCli, tempDir, testEnv } from '../helpers/cli.js';
import { writeRegistry } from '../helpers/registry-fixture.js';

const GOOD_FILE = 'projects/ok/docker-compose.yml';
const GOOD_TEXT = 'services:\n  web:\n    image: nginx\n    ports:\n      - "5001:80"\n';
/** The good file's one port, as every case must still find it. */
const GOOD_PORT = {
  file: GOOD_FILE,
  line: 5,
  column: 10,
  endLine: 5,
  endColumn: 14,
  source: 'compose',
  kind: 'published',
  composeService: 'web',
  hostIp: null,
  published: 5001,
  publishedEnd: null,
  target: 80,
  targetEnd: null,
  protocol: 'tcp',
  variable: null,
  resolved: true,
  raw: '5001:80',
};
const isRoot = process.getuid?.() === 0;

/** `portreg scan --format json` as a user without root's power to read any file. */
async function scanWithoutOverride(root: string): Promise<{ code: number | null; json: ScanResult }> {
  const cli = [process.execPath, CLI, 'scan', '--format', 'json'];
  const argv = isRoot ? ['setpriv', '--bounding-set=-dac_override,-dac_read_search', '--', ...cli] : cli;
  const { stdout, status } = spawnSync(argv[0]!, argv.slice(1), { cwd: root, env: testEnv(), encoding: 'utf8' });
  return { code: status, json: JSON.parse(stdout) as ScanResult };
}

let base: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir: base, cleanup } = await tempDir('portreg-bad-input-'));
});
afterAll(() => cleanup());

/** A fresh repository with the good file and the given files. */
async function repo(files: Record<string, string | Buffer> = {}): Promise<string> {
  const root = await mkdtemp(path.join(base, 'case-'));
  await writeFiles(root, { [GOOD_FILE]: GOOD_TEXT, ...files });
  return root;
}

async function writeFiles(root: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), content);
  }
}

type Where = Pick<Finding, 'ruleId' | 'severity' | 'file' | 'line' | 'column' | 'endLine' | 'endColumn' | 'message'>;

/** What a finding says and where (byte offsets are another suite's business). */
function where(f: Finding): Where {
  return {
    ruleId: f.ruleId,
    severity: f.severity,
    file: f.file,
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    endColumn: f.endColumn,
    message: f.message,
  };
}

/** A finding at the start of a file that could not be read at all. */
function unread(ruleId: string, file: string, message: string): Where {
  // A file the scan chose not to read is a warning; one it could not read is an error.
  return {
    ruleId,
    severity: ruleId === 'scan-skipped' ? 'warning' : 'error',
    file,
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 1,
    message: `${file} ${message}`,
  };
}

function portOf(p: PortFact) {
  const keys = Object.keys(GOOD_PORT) as (keyof typeof GOOD_PORT)[];
  return Object.fromEntries(keys.map((k) => [k, p[k]]));
}

/** scan() must resolve (a bad file is a finding, never an exception); a hang is caught by the test's timeout. */
async function scanOrFail(options: ScanOptions): Promise<ScanResult> {
  try {
    return await scan(options);
  } catch (err) {
    throw new Error(`scan() threw instead of reporting a finding: ${(err as Error).stack ?? String(err)}`);
  }
}

/** The good file is still read, its port found exactly, and nothing is said about it. */
function expectGoodFileScanned(r: ScanResult): void {
  expect(r.files.map((f) => f.path)).toContain(GOOD_FILE);
  expect(r.ports.filter((p) => p.file === GOOD_FILE).map(portOf)).toEqual([GOOD_PORT]);
  expect(r.findings.filter((f) => f.file === GOOD_FILE)).toEqual([]);
}

// ---- the corpus ------------------------------------------------------------------------------

interface Case {
  name: string;
  files?: Record<string, string | Buffer>;
  setup?: (root: string) => Promise<void>;
  /** Every finding of the scan (the good file has none), in report order. */
  findings: Where[];
  check?: (r: ScanResult) => void;
}

/** Reported where yaml notices the missing `]`: the next line's key. */
const INVALID_YAML = {
  file: 'projects/invalid/docker-compose.yml',
  text: 'services:\n  api:\n    ports: ["5002:80"\n    image: nginx\n',
  finding: {
    ruleId: 'parse-error',
    severity: 'error',
    file: 'projects/invalid/docker-compose.yml',
    line: 4,
    column: 5,
    endLine: 4,
    endColumn: 6,
    message: 'YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
  } satisfies Where,
};

const aliasBomb = (() => {
  const lines = ['x-bomb:', '  a0: &a0 "lol"'];
  for (let i = 1; i <= 10; i++)
    lines.push(
      `  a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]`,
    );
  lines.push('services:', '  api:', '    image: nginx', '    ports: *a10');
  return lines.join('\n') + '\n';
})();

/** The same bomb through merge keys, which the walker does expand: 10^10 maps if it followed them all. */
const mergeKeyBomb = (() => {
  const lines = ['x-bomb:', '  a0: &a0 {image: nginx}'];
  for (let i = 1; i <= 10; i++)
    lines.push(
      `  a${i}: &a${i} {<<: [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]}`,
    );
  lines.push('services:', '  api:', '    <<: *a10', '    ports: ["5002:80"]');
  return lines.join('\n') + '\n';
})();

/** 100,000 characters of inline delimiters: emphasis, links, code spans, autolinks, HTML. */
const inlineFlood = '**__[[`<a>`]]__** ![x](y "z") [a]: <b> _*_*_ `` ` `` <!-- c -->\n'.repeat(2000).slice(0, 100_000);

const CASES: Case[] = [
  {
    name: 'invalid YAML (an unclosed flow sequence)',
    files: { [INVALID_YAML.file]: INVALID_YAML.text },
    findings: [INVALID_YAML.finding],
  },
  {
    name: 'duplicate keys',
    files: { 'projects/duplicate/docker-compose.yml': 'services:\n  api:\n    image: nginx\n    image: httpd\n    ports: ["5002:80"]\n' },
    findings: [
      {
        ruleId: 'parse-error',
        severity: 'error',
        file: 'projects/duplicate/docker-compose.yml',
        line: 4,
        column: 5,
        endLine: 4,
        endColumn: 6,
        message: 'YAML: Map keys must be unique',
      },
    ],
  },
  {
    name: 'tab indentation',
    files: { 'projects/tabs/docker-compose.yml': 'services:\n\tapi:\n\t\tports: ["5002:80"]\n' },
    findings: [
      {
        ruleId: 'parse-error',
        severity: 'error',
        file: 'projects/tabs/docker-compose.yml',
        line: 2,
        column: 1,
        endLine: 2,
        endColumn: 2,
        message: 'YAML: Tabs are not allowed as indentation',
      },
      {
        ruleId: 'parse-error',
        severity: 'error',
        file: 'projects/tabs/docker-compose.yml',
        line: 3,
        column: 1,
        endLine: 3,
        endColumn: 3,
        message: 'YAML: Tabs are not allowed as indentation',
      },
    ],
  },
  {
    name: 'a binary file with a compose name',
    files: {
      'projects/binary/docker-compose.yml': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00, 0xff, 0xfe, 0x0a, 0x00, 0x35, 0x30]),
    },
    findings: [unread('parse-error', 'projects/binary/docker-compose.yml', 'is a binary file: not read')],
    check: (r) => expect(r.files.map((f) => f.path)).not.toContain('projects/binary/docker-compose.yml'),
  },
  {
    name: 'invalid UTF-8 (byte 0xFF on line 3)',
    files: {
      'projects/latin1/docker-compose.yml': Buffer.concat([
        Buffer.from('services:\n  api:\n    image: caf'),
        Buffer.from([0xff]),
        Buffer.from('\n    ports: ["5002:80"]\n'),
      ]),
    },
    findings: [
      {
        ruleId: 'parse-error',
        severity: 'error',
        file: 'projects/latin1/docker-compose.yml',
        line: 3,
        column: 15,
        endLine: 3,
        endColumn: 15,
        message: 'projects/latin1/docker-compose.yml is not valid UTF-8: not read',
      },
    ],
  },
  {
    // A U+FFFD written on purpose (valid UTF-8: EF BF BD) comes first; the bad byte is what is reported.
    name: 'invalid UTF-8 after a literal U+FFFD',
    files: {
      'projects/mixed/docker-compose.yml': Buffer.concat([Buffer.from('# \uFFFD is fine here\nservices:\n  api:'), Buffer.from([0xff]), Buffer.from('\n')]),
    },
    findings: [
      {
        ruleId: 'parse-error',
        severity: 'error',
        file: 'projects/mixed/docker-compose.yml',
        line: 3,
        column: 7,
        endLine: 3,
        endColumn: 7,
        message: 'projects/mixed/docker-compose.yml is not valid UTF-8: not read',
      },
    ],
  },
  {
    // Ten levels of ten aliases under x-bomb, used as a service's ports: one finding, not one per alias.
    name: 'a YAML alias bomb referenced from ports',
    files: { 'projects/bomb/docker-compose.yml': aliasBomb },
    findings: [
      {
        ruleId: 'parse-error',
        severity: 'error',
        file: 'projects/bomb/docker-compose.yml',
        line: 11,
        column: 11,
        endLine: 11,
        endColumn: 61,
        message: 'service "api": a port entry must be a string, a number or a mapping',
      },
    ],
  },
  {
    // The alias budget stops the expansion: that is said once, not once per alias refused.
    name: 'a YAML alias bomb through merge keys',
    files: { 'projects/merge-bomb/docker-compose.yml': mergeKeyBomb },
    findings: [
      {
        ruleId: 'parse-error',
        severity: 'error',
        file: 'projects/merge-bomb/docker-compose.yml',
        line: 3,
        column: 62,
        endLine: 3,
        endColumn: 65,
        message: 'too many YAML aliases (an alias bomb?): aliases from here on are not followed',
      },
    ],
  },
  {
    name: 'a symlink loop named compose.yaml (a -> b, b -> a)',
    setup: async (root) => {
      await mkdir(path.join(root, 'loop'));
      await symlink('b', path.join(root, 'loop/compose.yaml'));
      await symlink('compose.yaml', path.join(root, 'loop/b'));
    },
    findings: [unread('parse-error', 'loop/compose.yaml', 'is a symbolic link loop')],
  },
  {
    // Folder links are not followed: the loop is never entered and the real file is read once.
    name: 'a directory symlink loop',
    files: { 'dirs/x/compose.yaml': 'services:\n  s:\n    ports: ["5002:80"]\n' },
    setup: async (root) => {
      await mkdir(path.join(root, 'dirs/y'), { recursive: true });
      await symlink('../y', path.join(root, 'dirs/x/to-y'));
      await symlink('../x', path.join(root, 'dirs/y/to-x'));
      await symlink('.', path.join(root, 'dirs/self'));
    },
    findings: [],
    check: (r) => {
      expect(r.ports.filter((p) => p.published === 5002).map((p) => `${p.file}:${p.line}:${p.column}`)).toEqual(['dirs/x/compose.yaml:3:14']);
    },
  },
  {
    name: 'a folder symlink named compose.yaml that points at its own folder',
    setup: async (root) => {
      await mkdir(path.join(root, 'dirlink'));
      await symlink('.', path.join(root, 'dirlink/compose.yaml'));
    },
    findings: [unread('parse-error', 'dirlink/compose.yaml', 'is not a regular file')],
  },
  {
    name: 'a symlink pointing outside the root',
    setup: async (root) => {
      const outside = await mkdtemp(path.join(base, 'outside-'));
      await writeFile(path.join(outside, 'compose.yaml'), 'services:\n  s:\n    ports: ["5009:80"]\n');
      await mkdir(path.join(root, 'escape'));
      await symlink(path.join(outside, 'compose.yaml'), path.join(root, 'escape/compose.yaml'));
    },
    findings: [unread('scan-skipped', 'escape/compose.yaml', 'is a symbolic link that leads outside the root: not read')],
    check: (r) => expect(r.ports.map((p) => p.published)).not.toContain(5009),
  },
  {
    // A link to nothing did not vanish mid-scan: it never had a target.
    name: 'a dangling symlink named compose.yaml',
    setup: async (root) => {
      await mkdir(path.join(root, 'dangling'));
      await symlink('missing.yaml', path.join(root, 'dangling/compose.yaml'));
    },
    findings: [unread('parse-error', 'dangling/compose.yaml', 'is a broken symbolic link: not read')],
  },
  {
    // Harmless to the inventory (an empty override is common); Compose only refuses a project with no content at all.
    name: 'an empty compose file',
    files: { 'projects/empty/compose.override.yaml': '' },
    findings: [],
    check: (r) => {
      expect(r.files.map((f) => f.path)).toContain('projects/empty/compose.override.yaml');
      expect(r.ports.filter((p) => p.file === 'projects/empty/compose.override.yaml')).toEqual([]);
    },
  },
  {
    // Compose: "Top-level object must be a mapping".
    name: 'a compose file that is just a scalar',
    files: { 'projects/scalar/docker-compose.yml': 'hello\n' },
    findings: [
      {
        ruleId: 'parse-error',
        severity: 'error',
        file: 'projects/scalar/docker-compose.yml',
        line: 1,
        column: 1,
        endLine: 1,
        endColumn: 6,
        message: 'the top level of a compose file must be a mapping',
      },
    ],
  },
  {
    name: 'an env template with garbage lines',
    files: { 'projects/env/.env.example': 'API_PORT=5003\nthis is garbage\n=novalue\n!!!\n\u0001\u0002\u0003\nWEB_PORT=5004\n' },
    findings: [
      {
        ruleId: 'parse-error',
        severity: 'warning',
        file: 'projects/env/.env.example',
        line: 2,
        column: 1,
        endLine: 2,
        endColumn: 16,
        message: 'line 2 is not KEY=VALUE (no "=" after "this"), so dotenv ignores it',
      },
      {
        ruleId: 'parse-error',
        severity: 'warning',
        file: 'projects/env/.env.example',
        line: 3,
        column: 1,
        endLine: 3,
        endColumn: 9,
        message: 'line 3 is not KEY=VALUE (it does not start with a key of letters, digits, "_", "." or "-"), so dotenv ignores it',
      },
      {
        ruleId: 'parse-error',
        severity: 'warning',
        file: 'projects/env/.env.example',
        line: 4,
        column: 1,
        endLine: 4,
        endColumn: 4,
        message: 'line 4 is not KEY=VALUE (it does not start with a key of letters, digits, "_", "." or "-"), so dotenv ignores it',
      },
      {
        ruleId: 'parse-error',
        severity: 'warning',
        file: 'projects/env/.env.example',
        line: 5,
        column: 1,
        endLine: 5,
        endColumn: 4,
        message: 'line 5 is not KEY=VALUE (it does not start with a key of letters, digits, "_", "." or "-"), so dotenv ignores it',
      },
    ],
    check: (r) => {
      // The good lines around the garbage are still read.
      expect(r.ports.filter((p) => p.file === 'projects/env/.env.example').map((p) => `${p.line}:${p.column} ${p.variable}=${p.published}`)).toEqual([
        '1:10 API_PORT=5003',
        '6:10 WEB_PORT=5004',
      ]);
    },
  },
  {
    name: 'a README with 100,000 characters of adversarial inline text',
    files: { 'projects/docs/README.md': inlineFlood },
    findings: [
      {
        ruleId: 'scan-degraded',
        severity: 'warning',
        file: 'projects/docs/README.md',
        line: 1,
        column: 1,
        endLine: 1,
        endColumn: 1,
        message:
          'projects/docs/README.md has over 3000 emphasis and link delimiters (* _ [ ] ` <): read as plain text, so tables and code blocks are not recognised',
      },
    ],
  },
];

async function buildCase(c: Case, root: string): Promise<void> {
  if (c.files) await writeFiles(root, c.files);
  await c.setup?.(root);
}

describe('scan(): one bad file among good ones', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const root = await repo();
      await buildCase(c, root);
      const r = await scanOrFail({ root });
      expect(r.findings.map(where)).toEqual(c.findings);
      expectGoodFileScanned(r);
      c.check?.(r);
    });
  }

  it('a 50 MB compose file is skipped by its size, without being read', async () => {
    const line = '# ' + 'x'.repeat(97) + '\n';
    const root = await repo({ 'projects/huge/docker-compose.yml': Buffer.alloc(50 * 1024 * 1024, line) });
    const r = await scanOrFail({ root });
    expect(r.findings.map(where)).toEqual([
      unread('parse-error', 'projects/huge/docker-compose.yml', 'is 50.0 MiB, over the 10.0 MiB a config file may have: not read'),
    ]);
    expectGoodFileScanned(r);
  });

  it('a file that vanishes mid-scan', async () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 100; i++) many[`projects/many/compose.p${String(i).padStart(3, '0')}.yaml`] = `services:\n  s${i}:\n    image: nginx\n`;
    const root = await repo(many);
    // Discovery is done when the first file has been read; the last of the many is not read yet.
    const victim = 'projects/many/compose.p099.yaml';
    let deleted = false;
    const r = await scanOrFail({
      root,
      onProgress: (read) => {
        if (read === 1) {
          unlinkSync(path.join(root, victim));
          deleted = true;
        }
      },
    });
    expect(deleted).toBe(true);
    expect(r.findings.map(where)).toEqual([unread('parse-error', victim, 'vanished while the scan was running')]);
    expect(r.files.map((f) => f.path)).not.toContain(victim);
    expect(r.files.filter((f) => f.path.startsWith('projects/many/'))).toHaveLength(99);
    expectGoodFileScanned(r);
  });

  // Root reads anything: run as root would, but without the capabilities that override file
  // modes (setpriv), so mode 000 means for the test what it means for a user.
  it('an unreadable file (mode 000) is an error; the good file is still read', async () => {
    const root = await repo({ 'projects/locked/docker-compose.yml': 'services:\n  api:\n    ports: ["5002:80"]\n' });
    const locked = path.join(root, 'projects/locked/docker-compose.yml');
    await chmod(locked, 0o000);
    try {
      const r = await scanWithoutOverride(root);
      expect(r.code).toBe(1);
      expect(r.json.findings.map(where)).toEqual([unread('parse-error', 'projects/locked/docker-compose.yml', 'cannot be read: permission denied')]);
      expect(r.json.ports.map(portOf)).toEqual([GOOD_PORT]);
    } finally {
      await chmod(locked, 0o644);
    }
  });

  it('an unreadable folder (mode 000) is a warning naming it; the rest of the tree is still read', async () => {
    const root = await repo({ 'projects/locked/docker-compose.yml': 'services:\n  api:\n    ports: ["5002:80"]\n' });
    const locked = path.join(root, 'projects/locked');
    await chmod(locked, 0o000);
    try {
      const r = await scanWithoutOverride(root);
      expect(r.code).toBe(0);
      expect(r.json.findings.map(where)).toEqual([
        unread('scan-skipped', 'projects/locked', 'is a folder that cannot be read (permission denied): nothing below it was scanned'),
      ]);
      expect(r.json.ports.map(portOf)).toEqual([GOOD_PORT]);
    } finally {
      await chmod(locked, 0o755);
    }
  });

  it('every bad file at once: each says what it says alone, and the good file is still read', async () => {
    const alone: Finding[] = [];
    for (const c of CASES) {
      const root = await repo();
      await buildCase(c, root);
      alone.push(...(await scanOrFail({ root })).findings);
    }
    const root = await repo();
    for (const c of CASES) await buildCase(c, root);
    const r = await scanOrFail({ root });
    expect(r.findings.map(where)).toEqual([...alone].sort(compareFindings).map(where));
    expectGoodFileScanned(r);
  });
});

// ---- a README that would stall the Markdown parser -------------------------------------------

/**
 * 100,000 characters of block structure with few inline delimiters: setext underlines, nested
 * ordered lists and blockquotes, deep indentation, a long table, fences, backslashes, entities.
 */
function blockFlood(): string {
  const segments = [
    'a\n=\n'.repeat(5000),
    '1. '.repeat(5000),
    '> '.repeat(5000),
    Array.from({ length: 95 }, (_, i) => ' '.repeat(i * 2) + '- a').join('\n'),
    '| Port |\n|---|\n' + '| 5000 |\n'.repeat(1000),
    '\\'.repeat(6000),
    '&#'.repeat(3000),
    '~~~\n'.repeat(1500),
    'a*'.repeat(2000),
  ];
  const text = segments.join('\n\n');
  if (text.length > 100_000) throw new Error(`the flood is ${text.length} characters`);
  return text.padEnd(100_000, ' ');
}

/**
 * The built library's scan() in a worker thread, so that a parser stuck in synchronous code
 * fails this test at the deadline instead of stalling the whole run.
 */
async function scanInWorker(root: string, deadlineMs: number): Promise<ScanResult> {
  const entry = path.join(REPO_ROOT, 'dist/index.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run "npm run build" first`);
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    import(workerData.entry)
      .then((m) => m.scan({ root: workerData.root }))
      .then((result) => parentPort.postMessage({ result }), (err) => parentPort.postMessage({ error: String((err && err.stack) || err) }));
  `;
  const worker = new Worker(code, { eval: true, workerData: { entry: pathToFileURL(entry).href, root } });
  try {
    const message = await new Promise<{ result?: ScanResult; error?: string }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`scan() did not finish within ${deadlineMs / 1000} s: it hangs`)), deadlineMs);
      worker.once('message', (m) => {
        clearTimeout(timer);
        resolve(m);
      });
      worker.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    if (message.error) throw new Error(`scan() threw instead of reporting a finding: ${message.error}`);
    return message.result!;
  } finally {
    await worker.terminate();
  }
}

describe('scan(): a README built to stall a Markdown parser', () => {
  it('finishes in bounded time; the README is at most read as plain text, with a warning', async () => {
    const text = blockFlood();
    expect(text).toHaveLength(100_000);
    const root = await repo({ 'projects/docs/README.md': text });
    // The worker is stopped after 20 s: a parser that stalls fails the test instead of hanging the run.
    const r = await scanInWorker(root, 20_000);
    // Either parsed (fast) with nothing to say, or read as plain text with the scan-degraded warning.
    const said = r.findings.map(where);
    expect(said.length).toBeLessThanOrEqual(1);
    for (const f of said) {
      expect(f).toEqual({
        ruleId: 'scan-degraded',
        severity: 'warning',
        file: 'projects/docs/README.md',
        line: 1,
        column: 1,
        endLine: 1,
        endColumn: 1,
        message: expect.stringMatching(/^projects\/docs\/README\.md .*: read as plain text, so tables and code blocks are not recognised$/),
      });
    }
    expectGoodFileScanned(r);
  });
});

// ---- the CLI: exit 1 for findings, 2 only when the scan cannot run ----------------------------

describe('portreg scan: exit codes on bad input', () => {
  async function cliRepo(files: Record<string, string> = {}): Promise<string> {
    const root = await repo(files);
    await writeRegistry(root, {
      ok: { range: { from: 5000, to: 5099 }, path: 'projects/ok', services: { web: { port: 5001, purpose: 'Web server', containerPort: 80 } } },
    });
    return root;
  }

  it('exits 1 with the findings as JSON when a file is broken, and still lists the good port', async () => {
    const cwd = await cliRepo({ [INVALID_YAML.file]: INVALID_YAML.text });
    const r = await runCli(['scan', '--json'], { cwd });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 1, stderr: '' });
    const out = JSON.parse(r.stdout) as ScanResult;
    expect(out.findings.map(where)).toEqual([INVALID_YAML.finding]);
    expect(out.ports.map((p) => ({ ...portOf(p), project: p.project, service: p.service }))).toEqual([{ ...GOOD_PORT, project: 'ok', service: 'web' }]);
  });

  it('exits 0 on a clean tree', async () => {
    const cwd = await cliRepo();
    const r = await runCli(['scan', '--json'], { cwd });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const out = JSON.parse(r.stdout) as ScanResult;
    expect(out.findings).toEqual([]);
    expect(out.ports.map(portOf)).toEqual([GOOD_PORT]);
  });

  it('exits 2 when the root does not exist', async () => {
    const cwd = await cliRepo();
    const missing = [path.join(cwd, 'no-such-folder'), ...(existsSync('/nonexistent') ? [] : ['/nonexistent'])];
    for (const root of missing) {
      const r = await runCli(['scan', root, '--json'], { cwd });
      expect(r).toMatchObject({ code: 2, stderr: `portreg: cannot scan ${root}: no such folder\n` });
      expect(JSON.parse(r.stdout)).toEqual({ error: { code: 'root-missing', message: `cannot scan ${root}: no such folder` } });
    }
  });

  it('exits 2 when the registry cannot be read, naming the file and the place', async () => {
    const cwd = await cliRepo();
    await writeFile(path.join(cwd, 'broken.json'), '{ "version": 1,\n');
    const r = await runCli(['scan', '--json', '--registry', 'broken.json'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^portreg: cannot use broken\.json: it has 1 error; fix it in the registry \(portreg registry check shows each\), then run the command again:\n/,
    );
    expect(r.stderr).toContain('broken.json:2:1: JSON syntax error');
    expect(JSON.parse(r.stdout).error.code).toBe('registry-invalid');
  });
});
