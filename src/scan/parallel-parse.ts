/**
 * Parsing on a second core. A scan of many files hands its Markdown and package.json files to a
 * parse worker (parse-worker.ts) and reads the env and compose files on its own thread meanwhile
 * (the two kinds need nothing from the others; compose files need the env templates); it then takes
 * the worker's results in file order, as if it had read them itself, so the inventory is the same
 * byte for byte (test/scan/parse-worker.test.ts). A scan read in groups asks for one group's files
 * at a time, a group ahead, so the worker's answers in memory are a group's or two. A worker that
 * cannot start or stops early leaves the files it did not answer for to the scanner's own thread:
 * slower, never different.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import type { LocatedFile } from './file-facts.js';

/** The kinds of file a worker parses. */
export type WorkerFileKind = 'markdown' | 'package-json';

/** What the scanner asks of the worker: these files, relative to `root`; after the `last` job it exits. */
export interface ParseJob {
  id: number;
  root: string;
  files: { path: string; kind: WorkerFileKind }[];
  maxFileBytes: number;
  last: boolean;
}

/** One file's answer: its located facts, or why it could not be read. */
export type ParseOutcome = { path: string; ok: true; located: LocatedFile } | { path: string; ok: false; message: string; line?: number; column?: number };

/** Answers to job `id`; `done` with its last ones. */
export interface WorkerMessage {
  id: number;
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

/**
 * The worker's young generation. Nearly all it makes dies at once (a file's parse) or is posted
 * away (its facts), so a small one does as well: at 5,000 projects a lint took the same time with
 * 8 MB as with V8's default and peaked 8 MiB lower (4 alternating runs each).
 */
const WORKER_YOUNG_GENERATION_MB = 8;

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

/** A parse worker, asked for one set of files after another; each answer comes in the order asked. */
export class ParseWorker {
  private readonly pending = new Map<number, { outcomes: Map<string, ParseOutcome>; resolve: (outcomes: Map<string, ParseOutcome>) => void }>();
  private nextId = 0;
  private stopped = false;

  /** worker_threads loads here, not with the scanner: most scans have no worker. */
  static async start(options: { root: string; maxFileBytes: number }): Promise<ParseWorker> {
    const { Worker } = await import('node:worker_threads');
    return new ParseWorker(new Worker(WORKER_URL, { resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } }), options);
  }

  private constructor(
    private readonly worker: Worker,
    private readonly options: { root: string; maxFileBytes: number },
  ) {
    this.worker.on('message', (message: WorkerMessage) => {
      const job = this.pending.get(message.id);
      if (!job) return;
      for (const outcome of message.results) job.outcomes.set(outcome.path, outcome);
      if (message.done) {
        this.pending.delete(message.id);
        job.resolve(job.outcomes);
      }
    });
    // A worker that fails (it could not load, a parser threw) has answered for some files at most.
    const stop = () => {
      this.stopped = true;
      for (const job of this.pending.values()) job.resolve(job.outcomes);
      this.pending.clear();
    };
    this.worker.once('error', stop);
    this.worker.once('exit', stop);
  }

  /**
   * Its answers for these files, by path; a file without one is the caller's to read. After the
   * `last` set the worker exits by itself.
   */
  ask(files: ParseJob['files'], last: boolean): Promise<Map<string, ParseOutcome>> {
    if (this.stopped) return Promise.resolve(new Map());
    const id = this.nextId++;
    const answers = new Promise<Map<string, ParseOutcome>>((resolve) => this.pending.set(id, { outcomes: new Map(), resolve }));
    this.worker.postMessage({ id, root: this.options.root, files, maxFileBytes: this.options.maxFileBytes, last } satisfies ParseJob);
    if (!last) return answers;
    // Answered for everything: it must not keep the process alive (it exits by itself once done).
    return answers.then((outcomes) => {
      this.worker.unref();
      return outcomes;
    });
  }

  /** No more questions: stops at once, unanswered. */
  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}
