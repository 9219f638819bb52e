/** The resolve hook of record-loads.mjs: it runs on the loader thread and appends to the log. */
import { appendFileSync } from 'node:fs';

let log;

export function initialize(data) {
  log = data.log;
}

export async function resolve(specifier, context, next) {
  appendFileSync(log, `import ${specifier}\n`);
  return next(specifier, context);
}
