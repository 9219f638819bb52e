#!/usr/bin/env node
/**
 * The fuzz harness (issue 18): mutates the example tree's and the test fixtures' files (byte
 * flips, truncation, repetition, deep nesting, long lines, huge values, port-spec shaped noise,
 * encodings) and runs `portreg scan --json` and `portreg lint --format json` on each mutated tree,
 * each in a fresh process of the bundled CLI (or, with --per-process N, up to N inputs in one CLI
 * process: see below), under a time guard and a memory guard. Every crash
 * (`internal error`, an exit code other than 0/1/2, a signal), hang, peak RSS over the memory
 * limit and invalid JSON output is recorded, with the input that caused it, in the out folder.
 *
 *   npm run fuzz -- --seed 1 --count 5000 --out /tmp/portreg-fuzz
 *   node scripts/fuzz.mjs --seed 1 --only 1234 --out /tmp/one     (one input again, kept)
 *
 * Options: --seed N (1), --count N (500), --start N (0), --only N, --out DIR (a temp folder),
 * --workers N (the cores, at most 2 by default), --timeout-ms N (60000), --memory-mib N (1024),
 * --max-input-mib N (11: the largest mutated file; huge lines and values are sized within it),
 * --cli FILE (dist/bundle/main.js; a copy of the built tree keeps a long run off later builds),
 * --keep (keep every case's tree), --json (the summary as JSON on stdout), --per-process N (1).
 *
 * --per-process N: the runs of up to N inputs go, one after another, to one CLI process
 * (scripts/fuzz-worker.mjs calls the bundle's `run`, as the MCP server does), which saves a Node
 * start and a load of the bundle per run. The same guards watch each run; the process is replaced
 * after any run with a problem (so a peak RSS over the limit is the run's own), and every input
 * with a problem is run again in fresh processes: the fresh runs are what is recorded, plus any
 * problem seen only in the shared process ("in a shared process: ..."), which is one too.
 *
 * Input i is made from (seed, i) alone, so any one of them can be made again with --only.
 * Exit status: 0 without problems, 1 with any, 2 on bad usage. Needs `npm run build` first.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const BUILT_CLI = path.join(REPO, 'dist/bundle/main.js');
const RSS_PRELOAD = path.join(REPO, 'bench/rss-at-exit.mjs');
const SHARED_WORKER = path.join(REPO, 'scripts/fuzz-worker.mjs');
const MIB = 1024 * 1024;
/** A mutated file is kept under this size by default: a little past the scanner's 10 MiB file limit, so both sides of it are tried. */
const MAX_INPUT_MIB = 11;

// ---- options ------------------------------------------------------------------------------------

function parseArgs(argv) {
  const options = {
    seed: 1,
    count: 500,
    start: 0,
    only: null,
    out: null,
    maxInputMib: MAX_INPUT_MIB,
    cli: BUILT_CLI,
    workers: Math.min(2, os.availableParallelism?.() ?? os.cpus().length),
    timeoutMs: 60_000,
    memoryMib: 1024,
    keep: false,
    json: false,
    perProcess: 1,
  };
  const number = (name, value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) usage(`${name} takes a whole number, not "${value}"`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => (i + 1 < argv.length ? argv[++i] : usage(`${arg} needs a value`));
    if (arg === '--seed') options.seed = number(arg, value());
    else if (arg === '--count') options.count = number(arg, value());
    else if (arg === '--start') options.start = number(arg, value());
    else if (arg === '--only') options.only = number(arg, value());
    else if (arg === '--out') options.out = path.resolve(value());
    else if (arg === '--workers') options.workers = Math.max(1, number(arg, value()));
    else if (arg === '--timeout-ms') options.timeoutMs = number(arg, value());
    else if (arg === '--memory-mib') options.memoryMib = number(arg, value());
    else if (arg === '--max-input-mib') options.maxInputMib = Math.max(1, number(arg, value()));
    else if (arg === '--cli') options.cli = path.resolve(value());
    else if (arg === '--keep') options.keep = true;
    else if (arg === '--json') options.json = true;
    else if (arg === '--per-process') options.perProcess = Math.max(1, number(arg, value()));
    else usage(`unknown option ${arg}`);
  }
  return options;
}

function usage(message) {
  process.stderr.write(
    `fuzz: ${message}\nusage: node scripts/fuzz.mjs [--seed N] [--count N] [--start N] [--only N] [--out DIR] [--workers N] [--timeout-ms N] [--memory-mib N] [--max-input-mib N] [--cli FILE] [--keep] [--json] [--per-process N]\n`,
  );
  process.exit(2);
}

// ---- a seeded PRNG --------------------------------------------------------------------------------

/** sfc32, seeded from (seed, index) through splitmix32: every input has its own stream. */
export function rng(seed, index) {
  let s = (seed * 0x9e3779b1 + index * 0x85ebca6b) >>> 0;
  const split = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split();
  let b = split();
  let c = split();
  let d = split();
  const next = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  return {
    float: next,
    int: (n) => Math.floor(next() * n),
    pick: (list) => list[Math.floor(next() * list.length)],
    /** Log-uniform in [lo, hi]: small sizes as often as huge ones. */
    size: (lo, hi) => Math.floor(Math.exp(Math.log(lo) + next() * (Math.log(hi) - Math.log(lo)))),
    chance: (p) => next() < p,
  };
}

// ---- the corpus -----------------------------------------------------------------------------------

/** Where a file of each kind goes in the case tree (a copy of the example tree). */
const PLACE = {
  compose: 'example/projects/billing/docker-compose.yml',
  env: 'example/projects/billing/.env.example',
  markdown: 'example/projects/billing/README.md',
  registry: 'ports.registry.json',
  config: 'portreg.config.json',
  'package-json': 'example/projects/billing/package.json',
  devcontainer: 'example/projects/billing/.devcontainer/devcontainer.json',
};

/** Seeds for the kinds no fixture holds. */
const BUILT_IN = [
  {
    kind: 'package-json',
    name: 'package.json (built in)',
    bytes: Buffer.from(
      `${JSON.stringify({ name: 'billing', scripts: { dev: 'PORT=5001 vite --port 5001', api: 'cross-env API_PORT=5002 node server.js', docs: 'serve -l 5032', open: 'open http://localhost:5001/' } }, null, 2)}\n`,
    ),
  },
  {
    kind: 'devcontainer',
    name: 'devcontainer.json (built in)',
    bytes: Buffer.from(
      '{\n  // dev container\n  "forwardPorts": [5001, "db:5432", "localhost:5002"],\n  "appPort": ["5032:5432"],\n  "runArgs": ["-p", "5001:80", "--publish=127.0.0.1:5002:6379"],\n  "portsAttributes": { "5001": { "label": "api" }, "5000-5010": {} },\n}\n',
    ),
  },
];

function kindOf(file) {
  const name = path.basename(file);
  if (/\.ya?ml$/i.test(name)) return 'compose';
  if (/^\.env|\.env$/i.test(name)) return 'env';
  if (/\.md$/i.test(name)) return 'markdown';
  if (name === 'portreg.config.json') return 'config';
  if (name === 'ports.registry.json' || file.includes(`${path.sep}registry${path.sep}`)) return 'registry';
  return null;
}

function corpus() {
  const files = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const kind = kindOf(p);
        if (kind && statSync(p).size < 256 * 1024) files.push({ kind, name: path.relative(REPO, p), bytes: readFileSync(p) });
      }
    }
  };
  walk(path.join(REPO, 'example'));
  walk(path.join(REPO, 'test/fixtures'));
  files.push({ kind: 'registry', name: 'ports.registry.json', bytes: readFileSync(path.join(REPO, 'ports.registry.json')) });
  files.push(...BUILT_IN);
  return files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

// ---- mutations ------------------------------------------------------------------------------------

const NOISE = [
  '5001:80',
  '"5001:80"',
  '127.0.0.1:5001:80/udp',
  '5000-5010:80-90',
  '99999:80',
  '5010-5000:80',
  '${API_PORT:-5001}',
  '${API_PORT:?missing}',
  '$${X}',
  '${',
  'localhost:5001',
  'http://localhost:5001/',
  'http://[::1]:5001/',
  'postgres://u:p@db:5432/app',
  '0.0.0.0:5000-5010->80-90/tcp',
  '-p 5001:80',
  '--publish=5001:80',
  'port 5001',
  'API_PORT=5001',
  '`5001`',
  '*5001*',
  '[5001](http://localhost:5001',
  '<http://localhost:5001>',
  '| Port |\n|---|\n| 5001 |',
  '```yaml\nports: ["5001:80"]\n',
  '<!-- portreg:start -->',
  '<!-- portreg:end -->',
  '&a ',
  '*a',
  '<<: *a',
  '!override ',
  '!reset ',
  '- ',
  ': ',
  '? ',
  '{',
  '}',
  '[',
  ']',
  '"',
  "'",
  '\\',
  '#',
  '\t',
  '\r',
  '\r\n',
  '\u2028',
  '\uFEFF',
  '\u0000',
  '22:22',
  '0',
  '65536',
];

/** Byte offsets of line starts, for mutations that work on lines. */
function lineStarts(bytes) {
  const starts = [0];
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) starts.push(i + 1);
  return starts;
}

function insertAt(bytes, at, chunk) {
  return Buffer.concat([bytes.subarray(0, at), Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk), bytes.subarray(at)]);
}

/** A place to insert at: the start of a random line, or any byte. */
function place(r, bytes) {
  if (bytes.length === 0) return 0;
  if (r.chance(0.7)) return r.pick(lineStarts(bytes));
  return r.int(bytes.length + 1);
}

/** Text that opens `depth` levels in a file of `kind`, and the text that closes them (or nothing: unbalanced). */
function nesting(r, kind, depth) {
  const balanced = r.chance(0.5);
  if (kind === 'registry' || kind === 'config' || kind === 'package-json' || kind === 'devcontainer') {
    return r.chance(0.5) ? ['['.repeat(depth), balanced ? ']'.repeat(depth) : ''] : ['{"a":'.repeat(depth), balanced ? `1${'}'.repeat(depth)}` : ''];
  }
  if (kind === 'markdown') {
    const shape = r.pick(['> ', '- ', '1. ', '  ', '[', '*', '`', '<']);
    return r.chance(0.5)
      ? [`${shape.repeat(depth)}localhost:5001\n`, '']
      : [Array.from({ length: Math.min(depth, 20_000) }, (_, i) => `${shape.repeat(i % 200)}port 5001`).join('\n'), '\n'];
  }
  if (kind === 'env') return [`X_PORT=${'${X_PORT:-'.repeat(depth)}5001${balanced ? '}'.repeat(depth) : ''}\n`, ''];
  // YAML: flow brackets, a block ladder or compact sequences.
  const shape = r.int(3);
  if (shape === 0) return [`x: ${'[\n'.repeat(depth)}`, balanced ? ']'.repeat(depth) : ''];
  if (shape === 1) return [Array.from({ length: Math.min(depth, 3_000) }, (_, i) => `${' '.repeat(i)}k${i}:\n`).join(''), ''];
  return [`x: ${'- '.repeat(depth)}"5001:80"\n`, ''];
}

const MUTATIONS = {
  /** A few bytes set to random values. */
  flip(r, bytes) {
    const out = Buffer.from(bytes);
    const n = 1 + r.int(8);
    for (let k = 0; k < n && out.length > 0; k++) out[r.int(out.length)] = r.int(256);
    return out;
  },
  truncate(r, bytes) {
    return bytes.subarray(0, r.int(bytes.length + 1));
  },
  /** A run of lines repeated up to hundreds of thousands of times. */
  repeat(r, bytes, _kind, _files, cap) {
    const starts = lineStarts(bytes);
    const from = r.int(starts.length);
    const to = Math.min(starts.length, from + 1 + r.int(4));
    const chunk = bytes.subarray(starts[from], to < starts.length ? starts[to] : bytes.length);
    if (chunk.length === 0) return bytes;
    const times = Math.min(r.size(2, 300_000), Math.floor(cap / 2 / chunk.length));
    return insertAt(bytes, starts[from], Buffer.concat(Array.from({ length: Math.max(1, times) }, () => chunk)));
  },
  deep(r, bytes, kind) {
    const [open, close] = nesting(r, kind, r.size(50, 100_000));
    const at = place(r, bytes);
    return insertAt(insertAt(bytes, at, open), at + Buffer.byteLength(open), close);
  },
  /** One line of up to 10 MB. */
  longLine(r, bytes, _kind, _files, cap) {
    const unit = r.pick(['a', ' ', '5', 'localhost:5001 ', '*', '[', '`', '-', '\t', '5001:80,', 'é', '\u{1F600}']);
    const length = r.size(1_000, Math.min(10 * 1_000_000, cap));
    return insertAt(bytes, place(r, bytes), `${unit.repeat(Math.max(1, Math.floor(length / unit.length)))}\n`);
  },
  /** A value of up to 10 MB where values go in this kind of file. */
  hugeValue(r, bytes, kind, _files, cap) {
    const length = r.size(10_000, Math.min(10 * 1_000_000, cap));
    const body = r.pick(['a', 'localhost:5001 ', '5001,', '${X}', '\\"', '5']).repeat(1);
    const value = body.repeat(Math.max(1, Math.floor(length / body.length)));
    const text =
      kind === 'env'
        ? `HUGE_PORT=${r.chance(0.5) ? `"${value}"` : value}\n`
        : kind === 'compose'
          ? `  huge: "${value}"\n`
          : kind === 'markdown'
            ? `${value}\n`
            : `"${value.replace(/"/g, '')}"`;
    return insertAt(bytes, place(r, bytes), text);
  },
  /** Port-spec shaped tokens, a few or thousands. */
  noise(r, bytes) {
    const n = r.size(1, 50_000);
    const parts = [];
    for (let k = 0; k < n; k++) parts.push(r.pick(NOISE), r.pick([' ', '', '\n', ', ', '\n- ', '\n  ']));
    return insertAt(bytes, place(r, bytes), parts.join(''));
  },
  /** Another corpus file's bytes spliced in. */
  splice(r, bytes, _kind, files) {
    const other = r.pick(files).bytes;
    const from = r.int(other.length + 1);
    return insertAt(bytes, place(r, bytes), other.subarray(from, from + r.int(other.length - from + 1)));
  },
  /** A YAML alias bomb or merge-key bomb. */
  aliases(r, bytes) {
    const width = 2 + r.int(9);
    const depth = 2 + r.int(12);
    const merge = r.chance(0.5);
    const lines = [merge ? 'b0: &b0\n  ports: ["5001:80"]' : 'b0: &b0 ["5001:80"]'];
    for (let i = 1; i <= depth; i++) {
      const refs = Array.from({ length: width }, () => `*b${i - 1}`).join(', ');
      lines.push(merge ? `b${i}: &b${i}\n  <<: [${refs}]` : `b${i}: &b${i} [${refs}]`);
    }
    lines.push(merge ? `services:\n  bomb:\n    <<: *b${depth}` : `services:\n  bomb:\n    ports: *b${depth}`);
    return Buffer.concat([Buffer.from(`${lines.join('\n')}\n`), r.chance(0.5) ? bytes : Buffer.alloc(0)]);
  },
  /** Line endings, a BOM, NUL and bytes that are not UTF-8. */
  encoding(r, bytes) {
    const choice = r.int(5);
    if (choice === 0) return Buffer.from(bytes.toString('latin1').replace(/\n/g, r.pick(['\r\n', '\r', '\n\r'])), 'latin1');
    if (choice === 1) return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
    if (choice === 2) return insertAt(bytes, r.int(bytes.length + 1), Buffer.from([0]));
    if (choice === 3) return insertAt(bytes, r.int(bytes.length + 1), Buffer.from([r.pick([0xc0, 0xff, 0xed, 0xf8, 0x80]), r.int(256)]));
    return insertAt(bytes, 8192 + r.int(8192), Buffer.alloc(1 + r.int(4)));
  },
};

const MUTATION_NAMES = Object.keys(MUTATIONS);

/** Input i of a seed: a corpus file, one to three mutations, and where the result goes. */
export function makeInput(seed, index, files, cap = MAX_INPUT_MIB * MIB) {
  const r = rng(seed, index);
  const source = r.pick(files);
  let bytes = source.bytes;
  const applied = [];
  const n = 1 + r.int(3);
  for (let k = 0; k < n; k++) {
    const name = r.pick(MUTATION_NAMES);
    bytes = MUTATIONS[name](r, bytes, source.kind, files, cap);
    if (bytes.length > cap) bytes = bytes.subarray(0, cap);
    applied.push(name);
  }
  return { index, source: source.name, kind: source.kind, target: PLACE[source.kind], mutations: applied, bytes };
}

// ---- running --------------------------------------------------------------------------------------

const COMMANDS = [
  ['scan', '--json'],
  ['lint', '--format', 'json'],
];

/** The case tree: the example tree, its registry and config, with the mutated file in place. */
function caseTree(dir, input) {
  for (const entry of ['example', 'ports.registry.json', 'portreg.config.json']) cpSync(path.join(REPO, entry), path.join(dir, entry), { recursive: true });
  const target = path.join(dir, input.target);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, input.bytes);
}

/** The VmRSS of a live process, in bytes (0 when it is gone): the guard that kills a process before it eats the machine. */
function currentRss(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * The guards of one run of a process: killed past the time limit (a hang) or past the hard memory
 * limit (resident, sampled every 100 ms). `stop` ends the watch and says what it saw.
 */
function guard(child, options) {
  let killedFor = null;
  let peakSeen = 0;
  const hard = (options.memoryMib + 512) * MIB;
  const watch = setInterval(() => {
    const rss = currentRss(child.pid);
    peakSeen = Math.max(peakSeen, rss);
    if (rss > hard && !killedFor) {
      killedFor = 'memory';
      child.kill('SIGKILL');
    }
  }, 100);
  const timer = setTimeout(() => {
    killedFor ??= 'hang';
    child.kill('SIGKILL');
  }, options.timeoutMs);
  return {
    stop() {
      clearInterval(watch);
      clearTimeout(timer);
      return { killedFor, peakSeen };
    },
  };
}

/** The heap may grow past the limit so that a real excess is measured (and stopped by the guard), not turned into a crash. */
const heapFlag = (options) => `--max-old-space-size=${Math.max(options.memoryMib * 2, 512)}`;

/** One run in a fresh process of the CLI. */
function runOnce(cwd, args, options) {
  return new Promise((resolve) => {
    const rssFile = path.join(cwd, `.rss-${args[0]}`);
    const child = spawn(process.execPath, [heapFlag(options), '--import', RSS_PRELOAD, options.cli, ...args], {
      cwd,
      env: { ...cleanEnv(), BENCH_RSS_FILE: rssFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = [];
    const err = [];
    let outBytes = 0;
    child.stdout.on('data', (d) => {
      outBytes += d.length;
      if (outBytes <= 256 * MIB) out.push(d);
    });
    child.stderr.on('data', (d) => err.push(d));
    const watched = guard(child, options);
    const started = Date.now();
    child.on('close', (code, signal) => {
      const { killedFor, peakSeen } = watched.stop();
      let maxRss = peakSeen;
      if (existsSync(rssFile)) maxRss = Math.max(maxRss, Number(readFileSync(rssFile, 'utf8')) * 1024);
      resolve({
        code,
        signal,
        killedFor,
        ms: Date.now() - started,
        maxRss,
        stdout: Buffer.concat(out).toString('utf8'),
        outBytes,
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

/**
 * A CLI process that runs up to `options.perProcess` runs, one after another
 * (scripts/fuzz-worker.mjs), under the same guards as a fresh one. It is replaced after a run with
 * a problem, and after its last run.
 */
function sharedProcess(options) {
  let current = null;
  let nextId = 0;
  const start = () => {
    const child = spawn(process.execPath, [heapFlag(options), SHARED_WORKER, options.cli], {
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    const proc = { child, runs: 0, stderr: [], ended: false };
    // Ended between runs (a stray timer's error after its answer): the next run starts another.
    child.on('exit', () => {
      proc.ended = true;
    });
    child.on('error', () => {});
    // Anything the process writes beside a run's answer (a Node warning, a stray write) goes with the run.
    child.stdout.on('data', (d) => proc.stderr.push(d));
    child.stderr.on('data', (d) => proc.stderr.push(d));
    proc.ready = new Promise((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code, signal) =>
        reject(new Error(`${SHARED_WORKER} ended before it was ready (${signal ?? `exit code ${code}`}): ${Buffer.concat(proc.stderr).toString('utf8')}`)),
      );
    });
    return proc;
  };
  const retire = () => {
    current?.child.kill('SIGKILL');
    current = null;
  };
  return {
    async run(cwd, args) {
      if (current?.ended) current = null;
      current ??= start();
      const proc = current;
      await proc.ready;
      proc.stderr.length = 0;
      const id = nextId++;
      const watched = guard(proc.child, options);
      const started = Date.now();
      const answer = await new Promise((resolve) => {
        const done = (value) => {
          proc.child.off('message', onMessage);
          proc.child.off('exit', onExit);
          resolve(value);
        };
        const onMessage = (m) => m.id === id && done({ m });
        const onExit = (code, signal) => done({ code, signal });
        proc.child.on('message', onMessage);
        proc.child.on('exit', onExit);
        // A process that ended a moment ago cannot take the run: that is its end, as if during it.
        proc.child.send({ id, cwd, args }, (err) => err && done({ code: proc.child.exitCode, signal: proc.child.signalCode }));
      });
      const { killedFor, peakSeen } = watched.stop();
      const extra = Buffer.concat(proc.stderr).toString('utf8');
      const record = answer.m
        ? {
            code: answer.m.code,
            signal: null,
            killedFor,
            ms: Date.now() - started,
            maxRss: Math.max(peakSeen, answer.m.maxRss),
            stdout: answer.m.stdout,
            outBytes: Buffer.byteLength(answer.m.stdout),
            stderr: answer.m.stderr + extra,
          }
        : {
            code: answer.code,
            signal: answer.signal,
            killedFor,
            died: true,
            ms: Date.now() - started,
            maxRss: peakSeen,
            stdout: '',
            outBytes: 0,
            stderr: extra,
          };
      if (!answer.m || problemsOf(record, options).length > 0 || ++proc.runs >= options.perProcess * COMMANDS.length) retire();
      return record;
    },
    stop: retire,
  };
}

/** No runner's PORTREG_* settings, no live probing (CI=1), no colours. */
function cleanEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PORTREG_') && k !== 'FORCE_COLOR') env[k] = v;
  env.CI = '1';
  env.NO_COLOR = '1';
  return env;
}

/** What is wrong with one run, or an empty list. */
export function problemsOf(run, options) {
  const problems = [];
  if (run.killedFor === 'hang') problems.push(`hang: killed after ${options.timeoutMs} ms`);
  else if (run.killedFor === 'memory') problems.push(`memory: killed at over ${options.memoryMib + 512} MiB resident`);
  else if (run.signal) problems.push(`crash: signal ${run.signal}`);
  if (run.stderr.includes('internal error')) problems.push(`crash: ${firstLine(run.stderr.slice(run.stderr.indexOf('internal error')))}`);
  if (!run.killedFor && !run.signal && ![0, 1, 2].includes(run.code)) problems.push(`crash: exit code ${run.code}`);
  else if (run.died && !run.killedFor && !run.signal) problems.push(`crash: the process ended during the run (exit code ${run.code})`);
  if (run.maxRss > options.memoryMib * MIB && run.killedFor !== 'memory') problems.push(`memory: peak RSS ${Math.round(run.maxRss / MIB)} MiB`);
  if (!run.killedFor && !run.signal && !run.died) {
    if (run.outBytes > 256 * MIB) problems.push(`invalid JSON: over 256 MiB of output`);
    else {
      try {
        JSON.parse(run.stdout);
      } catch (e) {
        problems.push(`invalid JSON: ${e.message}`);
      }
    }
  }
  return problems;
}

function firstLine(s) {
  return s.split('\n')[0];
}

async function runInput(input, options, workRoot, shared) {
  const dir = mkdtempSync(path.join(workRoot, `case-${input.index}-`));
  const results = [];
  const record = (args, run, problems) =>
    results.push({
      command: `portreg ${args.join(' ')}`,
      code: run.code,
      signal: run.signal,
      ms: run.ms,
      maxRss: run.maxRss,
      problems,
      stderr: run.stderr.slice(0, 4000),
    });
  try {
    caseTree(dir, input);
    const runs = [];
    for (const args of COMMANDS) {
      const run = await (shared ? shared.run(dir, args) : runOnce(dir, args, options));
      runs.push({ args, run, problems: problemsOf(run, options) });
    }
    if (shared && runs.some((r) => r.problems.length > 0)) {
      // Seen in a shared process: the input again, each run in a fresh process, on a fresh tree.
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir);
      caseTree(dir, input);
      for (const { args, problems: inShared } of runs) {
        const run = await runOnce(dir, args, options);
        const fresh = problemsOf(run, options);
        const kinds = new Set(fresh.map((p) => p.split(':')[0]));
        record(args, run, [...fresh, ...inShared.filter((p) => !kinds.has(p.split(':')[0])).map((p) => `in a shared process: ${p}`)]);
      }
    } else for (const { args, run, problems } of runs) record(args, run, problems);
  } finally {
    if (!options.keep) rmSync(dir, { recursive: true, force: true });
  }
  const problems = results.flatMap((r) => r.problems.map((p) => `${r.command}: ${p}`));
  if (problems.length > 0) saveProblem(input, results, options);
  return { index: input.index, source: input.source, mutations: input.mutations, size: input.bytes.length, results, problems };
}

/** The input that caused a problem, where it goes, and what each run did. */
function saveProblem(input, results, options) {
  const dir = path.join(options.out, `seed-${options.seed}-input-${input.index}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, path.basename(input.target)), input.bytes);
  const about = {
    seed: options.seed,
    index: input.index,
    source: input.source,
    kind: input.kind,
    target: input.target,
    mutations: input.mutations,
    size: input.bytes.length,
    results,
  };
  const cap = options.maxInputMib === MAX_INPUT_MIB ? '' : ` --max-input-mib ${options.maxInputMib}`;
  about.reproduce = `node scripts/fuzz.mjs --seed ${options.seed} --only ${input.index}${cap} --keep --out ${dir}`;
  writeFileSync(path.join(dir, 'problem.json'), `${JSON.stringify(about, null, 2)}\n`);
}

export async function fuzz(options) {
  if (!existsSync(options.cli)) usage(`${options.cli} is missing: run npm run build first`);
  options.out ??= mkdtempSync(path.join(os.tmpdir(), 'portreg-fuzz-'));
  mkdirSync(options.out, { recursive: true });
  const workRoot = mkdtempSync(path.join(os.tmpdir(), 'portreg-fuzz-cases-'));
  const files = corpus();
  const indices = options.only !== null ? [options.only] : Array.from({ length: options.count }, (_, i) => options.start + i);
  const outcomes = [];
  let next = 0;
  const started = Date.now();
  const worker = async () => {
    const shared = options.perProcess > 1 ? sharedProcess(options) : null;
    try {
      await lane(shared);
    } finally {
      shared?.stop();
    }
  };
  const lane = async (shared) => {
    while (next < indices.length) {
      const index = indices[next++];
      const outcome = await runInput(makeInput(options.seed, index, files, options.maxInputMib * MIB), options, workRoot, shared);
      outcomes.push(outcome);
      // A long run can be read while it goes: the figures so far, every 50 inputs.
      if (outcomes.length % 50 === 0)
        writeFileSync(path.join(options.out, 'progress.json'), `${JSON.stringify(figures(outcomes, options, indices, started))}\n`);
      if (!options.json && (outcome.problems.length > 0 || outcomes.length % 100 === 0)) {
        process.stderr.write(
          `fuzz: ${outcomes.length}/${indices.length} inputs${outcome.problems.length > 0 ? `; input ${index}: ${outcome.problems.join('; ')}` : ''}\n`,
        );
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(options.workers, indices.length) }, worker));
  } finally {
    rmSync(workRoot, { recursive: true, force: true });
  }
  outcomes.sort((a, b) => a.index - b.index);
  const summary = figures(outcomes, options, indices, started);
  writeFileSync(path.join(options.out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

/** The figures of the inputs run so far. */
function figures(outcomes, options, indices, started) {
  const runs = outcomes.flatMap((o) => o.results);
  const count = (prefix) => outcomes.filter((o) => o.problems.some((p) => p.includes(`: ${prefix}`))).length;
  // The slowest run and its input: a run near the hang guard is worth a look before it crosses it.
  let slowest = null;
  for (const o of outcomes) {
    for (const r of o.results)
      if (!slowest || r.ms > slowest.ms) slowest = { ms: r.ms, index: o.index, source: o.source, mutations: o.mutations, command: r.command };
  }
  return {
    seed: options.seed,
    inputs: outcomes.length,
    runs: runs.length,
    first: indices[0] ?? null,
    last: indices.at(-1) ?? null,
    crashes: count('crash'),
    hangs: count('hang'),
    overMemory: count('memory'),
    invalidJson: count('invalid JSON'),
    inputsWithProblems: outcomes
      .filter((o) => o.problems.length > 0)
      .map((o) => ({ index: o.index, source: o.source, mutations: o.mutations, problems: o.problems })),
    exitCodes: Object.fromEntries([...new Set(runs.map((r) => String(r.code)))].sort().map((c) => [c, runs.filter((r) => String(r.code) === c).length])),
    peakRssMiB: Math.round(runs.reduce((max, r) => Math.max(max, r.maxRss), 0) / MIB),
    slowestRunMs: slowest?.ms ?? 0,
    slowestRun: slowest ? { index: slowest.index, source: slowest.source, mutations: slowest.mutations, command: slowest.command } : null,
    largestInputBytes: outcomes.reduce((max, o) => Math.max(max, o.size), 0),
    wallSeconds: Math.round((Date.now() - started) / 1000),
    out: options.out,
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const options = parseArgs(process.argv.slice(2));
  const summary = await fuzz(options);
  if (options.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else {
    const { inputsWithProblems, ...figures } = summary;
    process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
    for (const p of inputsWithProblems) process.stdout.write(`input ${p.index} (${p.source}; ${p.mutations.join(', ')}): ${p.problems.join('; ')}\n`);
  }
  process.exitCode = summary.inputsWithProblems.length > 0 ? 1 : 0;
}
