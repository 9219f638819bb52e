#!/usr/bin/env node
/**
 * The floor a portreg run is measured against: the least work any tool reading these files must
 * do, as one whole process. fast-glob the patterns portreg's discovery uses (passed in by the
 * caller, so the two never drift) with its ignore rules, read each file synchronously, parse the
 * compose files with yaml's parseDocument, keep nothing once a file is done, exit.
 *
 *   node bench/floor.mjs <root> <patterns as JSON> [folder...]
 *
 * With folders, the patterns are taken below each folder only (what a lint of given files reads).
 * Prints one line of JSON: files, bytes, compose documents and the services they name.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fg from 'fast-glob';
import { parseDocument } from 'yaml';

const [root, patternsJson, ...folders] = process.argv.slice(2);
const base = JSON.parse(patternsJson);
const patterns = folders.length ? folders.flatMap((folder) => base.map((p) => `${fg.escapePath(folder)}/${p}`)) : base;
const files = fg.sync(patterns, {
  cwd: root,
  dot: true,
  ignore: ['**/node_modules/**', '**/.git/**'],
  followSymbolicLinks: false,
  onlyFiles: true,
  caseSensitiveMatch: false,
  suppressErrors: true,
  unique: true,
});
const COMPOSE = /(?:^|\/)(?:docker-)?compose(?:\.[^/]+)?\.ya?ml$/i;
let bytes = 0;
let documents = 0;
let services = 0;
for (const file of files) {
  const text = readFileSync(path.join(root, file), 'utf8');
  bytes += text.length;
  if (COMPOSE.test(file)) {
    const doc = parseDocument(text);
    documents++;
    const s = doc.get('services');
    services += s && typeof s === 'object' && 'items' in s ? s.items.length : 0;
  }
}
process.stdout.write(`${JSON.stringify({ files: files.length, bytes, documents, services })}\n`);
