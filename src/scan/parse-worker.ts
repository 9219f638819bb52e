/**
 * The parse worker: a thread that reads and parses a scan's Markdown and package.json files while
 * the scanner's own thread reads the env and compose files (parallel-parse.ts starts it). These
 * kinds need nothing from the others (compose files interpolate with their env templates' values),
 * and Markdown is the largest part of a scan. It posts each file's located facts (file-facts.ts),
 * plain data, in batches, then `{ done: true }`; after the job marked last it exits.
 */
import path from 'node:path';
import { parentPort } from 'node:worker_threads';
import { parsePackageScripts } from '../parse/package-scripts.js';
import { locateFile, MarkdownReader } from './file-facts.js';
import type { ParseJob, ParseOutcome, WorkerMessage } from './parallel-parse.js';
import { readTextFile } from './read-file.js';
import { logParseWorkerForTest, parseWorkerExitAfterForTest } from '../util/test-hooks.js';

/** Files per message: few enough that the scanner takes them in between its own files. */
const BATCH = 32;

const port = parentPort;
if (port) {
  const markdown = new MarkdownReader();
  const exitAfter = parseWorkerExitAfterForTest();
  let answered = 0;
  // One job at a time, in the order asked: the scanner takes the answers in that order.
  let queue = Promise.resolve();
  const answer = async (job: ParseJob) => {
    const post = (message: WorkerMessage) => port.postMessage(message);
    let batch: ParseOutcome[] = [];
    for (const file of job.files) {
      if (answered++ === exitAfter) {
        post({ id: job.id, results: batch });
        process.exit(1);
      }
      const outcome = readTextFile(path.join(job.root, file.path), job.maxFileBytes);
      if (!outcome.ok) batch.push({ path: file.path, ok: false, message: outcome.message, line: outcome.line, column: outcome.column });
      else {
        const parsed = file.kind === 'markdown' ? await markdown.facts(outcome.text, file.path) : parsePackageScripts(outcome.text, file.path);
        batch.push({ path: file.path, ok: true, located: locateFile(file.path, outcome.text, outcome.byteLength, parsed).located });
      }
      if (batch.length === BATCH) {
        post({ id: job.id, results: batch });
        batch = [];
      }
    }
    post({ id: job.id, results: batch, done: true });
    if (job.last) {
      logParseWorkerForTest(answered);
      // Nothing more will come: the thread ends once its messages are out.
      port.close();
    }
  };
  port.on('message', (job: ParseJob) => {
    queue = queue.then(() => answer(job));
  });
}
