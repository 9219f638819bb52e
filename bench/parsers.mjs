#!/usr/bin/env node
/**
 * Parser micro-benchmark: each parser over the files of one synthetic monorepo, in one process
 * after a JIT warm-up, per file. Shows what each parser costs inside scan, next to the bare
 * libraries (mdast tree vs micromark events; yaml Documents vs yaml.parse).
 *
 *   node --expose-gc bench/parsers.mjs [projects, default 5000]   (uses or generates the cached monorepo)
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import fg from 'fast-glob';
import YAML from 'yaml';
import { parseMarkdown } from '../dist/parse/markdown.js';
import { parseCompose } from '../dist/parse/compose.js';
import { parseEnv } from '../dist/parse/env.js';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmTableFromMarkdown } from 'mdast-util-gfm-table';
import { gfmTable } from 'micromark-extension-gfm-table';
import { parse, preprocess, postprocess } from 'micromark';
import { ensureMonorepo } from './generate.mjs';
const { root } = await ensureMonorepo(Number(process.argv[2] ?? 5000));
console.log(`files of ${root}`);
const load = async (pat) => Promise.all((await fg(pat, { cwd: root, dot: true })).map((f) => readFile(path.join(root, f), 'utf8')));
const md = await load('projects/*/README.md'),
  yml = await load('projects/*/docker-compose.yml'),
  env = await load('projects/*/.env.example');
// Rows are measured round-robin, ROUNDS times, and the fastest round is kept: the machine is shared.
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const rows = [];
const time = (name, fn, texts) => rows.push({ name, fn, texts, best: Infinity });
time('parseMarkdown (portreg)', (t) => parseMarkdown(t, 'README.md'), md);
time('fromMarkdown + gfm table (mdast tree)', (t) => fromMarkdown(t, { extensions: [gfmTable()], mdastExtensions: [gfmTableFromMarkdown()] }), md);
time(
  'micromark events only (no mdast)',
  (t) =>
    postprocess(
      parse({ extensions: [gfmTable()] })
        .document()
        .write(preprocess()(t, undefined, true)),
    ),
  md,
);
time('regex prefilter /localhost|:\\d|port/i', (t) => /localhost|127\.0\.0\.1|:\d{2,5}\b|port/i.test(t), md);
time('parseCompose (portreg)', (t) => parseCompose(t, 'docker-compose.yml', { env: {} }), yml);
time('YAML.parseAllDocuments (what parseCompose uses)', (t) => YAML.parseAllDocuments(t, { merge: true, uniqueKeys: true, prettyErrors: false }), yml);
time('YAML.parse (baseline)', (t) => YAML.parse(t, { merge: true }), yml);
time('parseEnv (portreg)', (t) => parseEnv(t, '.env.example'), env);
for (const r of rows) for (const t of r.texts.slice(0, 200)) r.fn(t); // JIT warm-up
for (let round = 0; round < ROUNDS; round++) {
  for (const r of rows) {
    globalThis.gc?.(); // with --expose-gc, no row pays for the garbage of the one before
    const t0 = performance.now();
    for (const t of r.texts) r.fn(t);
    r.best = Math.min(r.best, performance.now() - t0);
  }
}
for (const r of rows) {
  console.log(
    `${r.name.padEnd(48)} ${r.best.toFixed(0).padStart(6)} ms  ${((1000 * r.best) / r.texts.length).toFixed(0).padStart(5)} µs/file  (${r.texts.length} files)`,
  );
}
