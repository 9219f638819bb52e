/**
 * Helpers shared by the scan benchmark (run.mjs) and the lint benchmark (lint.mjs): child
 * processes, medians, tables, the environment line and the results file.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const here = path.dirname(fileURLToPath(import.meta.url));
export const CHILD_TIMEOUT_MS = 10 * 60 * 1000;
const RSS = path.join(here, 'rss-at-exit.mjs');

/**
 * One whole process, `node --import rss-at-exit.mjs ...args`: wall time from spawn to exit, and the
 * peak RSS it reported (bench/rss-at-exit.mjs writes it to `rssFile`). Exit codes in `ok` are results.
 */
export async function timedProcess(args, cwd, rssFile, ok = [0], env = {}) {
  const started = process.hrtime.bigint();
  const { code, stderr } = await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', pathToFileURL(RSS).href, ...args], {
      cwd,
      env: { ...process.env, BENCH_RSS_FILE: rssFile, CI: '1', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('exit', (c, signal) => resolve({ code: c ?? signal, stderr: err }));
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (!ok.includes(code)) throw new Error(`node ${args.join(' ')} exited ${code}:\n${stderr}`);
  return { ms, rssKiB: Number(await readFile(rssFile, 'utf8')) };
}

/**
 * Runs `node <args>` in a fresh process and resolves with its stdout, exit code and the
 * parent-side elapsed time (spawn to exit: start-up included). Rejects on a crash: an exit code
 * not in `okCodes`, a signal or the timeout.
 */
export function runNode(args, { cwd, okCodes = [0], label = args.join(' ') } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    execFile(process.execPath, args, { cwd, timeout: CHILD_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      const processMs = performance.now() - started;
      const code = err ? err.code : 0;
      if (err && (err.killed || typeof code !== 'number' || !okCodes.includes(code))) {
        reject(new Error(`${label} failed (${err.killed ? 'timed out' : `exit ${code ?? err.signal}`}):\n${stderr || err.message}`));
        return;
      }
      resolve({ stdout, stderr, code, processMs });
    });
  });
}

/** One bench/measure.mjs child; resolves with its JSON plus the parent-side elapsed time. */
export async function measure(mode, root, extra = []) {
  const label = `${mode} on ${root}`;
  const { stdout, stderr, processMs } = await runNode([path.join(here, 'measure.mjs'), mode, root, ...extra], { label });
  try {
    const line = stdout.trim().split('\n').pop();
    return { ...JSON.parse(line), processMs };
  } catch {
    throw new Error(`${label} printed no JSON:\n${stdout}\n${stderr}`);
  }
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
export const mib = (b) => b / 1024 / 1024;
export const fmt = (n, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** Medians (max for RSS) of measure.mjs runs; fields a mode does not report are left out. */
export function summarize(runs) {
  const med = (k) => (runs[0][k] === undefined ? {} : { [k]: median(runs.map((r) => r[k])) });
  return {
    wallMs: median(runs.map((r) => r.wallMs)),
    totalMs: median(runs.map((r) => r.totalMs)),
    processMs: median(runs.map((r) => r.processMs)),
    importMs: median(runs.map((r) => r.importMs)),
    cpuMs: median(runs.map((r) => r.cpuUserMs + r.cpuSystemMs)),
    maxRssBytes: Math.max(...runs.map((r) => r.maxRssBytes)),
    files: runs[0].files,
    ports: runs[0].ports,
    ...med('registryMs'),
    ...med('scanMs'),
    ...med('lintMs'),
    ...(runs[0].findings !== undefined ? { findings: runs[0].findings } : {}),
  };
}

export function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  return rows
    .map((r, i) => {
      const line = r.map((cell, c) => (c === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join('  ');
      return i === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}

export function environment() {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model,
    loadavg: os.loadavg(),
    totalMemBytes: os.totalmem(),
  };
}

export function environmentLine() {
  const e = environment();
  return `node ${e.node}, ${e.cpus} × ${e.cpuModel ?? 'cpu'}, load ${e.loadavg.map((l) => l.toFixed(2)).join(' ')}`;
}

/** Writes bench/results/<name> and returns its path relative to the working directory. */
export async function writeResults(name, data) {
  const out = path.join(here, 'results', name);
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, JSON.stringify(data, null, 2) + '\n');
  return path.relative(process.cwd(), out) || out;
}

/** A goal line: `goal NAME: MET (ratio 1.23)`. */
export function goalLine(g, notMeasured = 'not measured') {
  return `goal ${g.name}: ${g.met === null ? notMeasured : `${g.met ? 'MET' : 'NOT MET'} (ratio ${g.ratio.toFixed(2)})`}`;
}
