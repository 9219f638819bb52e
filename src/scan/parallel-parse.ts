/**
 * Parsing on a second core. A scan of many files hands its Markdown and package.json files to a
 * parse worker (parse-worker.ts) and reads the env and compose files on its own thread meanwhile
 * (the two kinds need nothing from the others; compose files need the env templates); it then takes
 * the worker's results in file order, as if it had read them itself, so the inventory is the same
 * byte for byte (test/scan/parse-worker.test.ts). A worker that cannot start or stops early
 * leaves the files it did not answer for to the scanner's own thread: slower, never different.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import type { LocatedFile } from './file-facts.js';

/** The kinds of file a worker parses. */
export type WorkerFileKind = 'markdown' | 'package-json';

/** What the scanner asks of the worker: these files, relative to `root`. */
export interface ParseJob {
  root: string;
  files: { path: string; kind: WorkerFileKind }[];
  maxFileBytes: number;
}

/** One file's answer: its located facts, or why it could not be read. */
export type ParseOutcome = { path: string; ok: true; located: LocatedFile } | { path: string; ok: false; message: string; line?: number; column?: number };

export interface WorkerMessage {
  results: ParseOutcome[];
  done?: true;
}

/**
 * auto: a worker when there are enough files and cores to spare; always: a worker whenever there
 * is a file; never: one thread. PORTREG_PARSE_WORKER=1 or 0 makes auto always or never.
 */
export type ParseWorkerMode = 'auto' | 'always' | 'never';

/**
 * Below this many Markdown files a worker costs more than it saves: its start (a thread, its
 * modules compiled cold) takes as long as the scanner's own thread needs for the env and compose
 * files of a few hundred projects, and it adds about 18 MiB (at 276 projects: no faster).
 */
export const MIN_WORKER_FILES = 1000;

/**
 * Cores a worker needs: one besides the scanner's. On two, the scanner's own thread slows down
 * beside it (V8 compiles and collects garbage on other threads too: at 5,000 projects its env and
 * compose files took 1.5x as long), yet the whole is faster (bench/whole.mjs at 5,000 projects,
 * alternate runs with and without: scan 2.76 -> 2.52 s, lint 3.31 -> 2.98 s, peak memory 0-3% more).
 */
export const MIN_WORKER_CORES = 2;

// Next to this module in both builds: dist/scan/ (tsc) and dist/bundle/chunks/ (scripts/bundle.mjs).
// Absent when the sources run directly (vitest): one thread then.
const WORKER_URL = new URL('./parse-worker.js', import.meta.url);

/** Whether to parse `files` Markdown files on a worker: enough of them, cores to spare, and the built worker. */
export function useParseWorker(mode: ParseWorkerMode, files: number, env: NodeJS.ProcessEnv = process.env, cores = availableParallelism()): boolean {
  const chosen = mode === 'auto' && env.PORTREG_PARSE_WORKER === '1' ? 'always' : mode === 'auto' && env.PORTREG_PARSE_WORKER === '0' ? 'never' : mode;
  if (files === 0 || chosen === 'never') return false;
  if (chosen === 'auto' && (files < MIN_WORKER_FILES || cores < MIN_WORKER_CORES)) return false;
  return existsSync(fileURLToPath(WORKER_URL));
}

/** A parse worker, started with its files, then asked for its answers. */
export class ParseWorker {
  private readonly outcomes = new Map<string, ParseOutcome>();
  private readonly worker: Worker;
  private readonly settled: Promise<void>;

  /** worker_threads loads here, not with the scanner: most scans have no worker. */
  static async start(job: ParseJob): Promise<ParseWorker> {
    const { Worker } = await import('node:worker_threads');
    return new ParseWorker(new Worker(WORKER_URL), job);
  }

  private constructor(worker: Worker, job: ParseJob) {
    this.worker = worker;
    this.settled = new Promise<void>((resolve) => {
      this.worker.on('message', (message: WorkerMessage) => {
        for (const outcome of message.results) this.outcomes.set(outcome.path, outcome);
        if (message.done) resolve();
      });
      // A worker that fails (it could not load, a parser threw) has answered for some files at most.
      this.worker.once('error', () => resolve());
      this.worker.once('exit', () => resolve());
    });
    this.worker.postMessage(job);
  }

  /** Every answer the worker gave, by path; a file without one is the caller's to read. */
  async results(): Promise<Map<string, ParseOutcome>> {
    await this.settled;
    // Done or failed: it must not keep the process alive (it exits by itself once done).
    this.worker.unref();
    return this.outcomes;
  }
}
