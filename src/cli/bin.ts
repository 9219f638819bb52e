#!/usr/bin/env node
/**
 * The package's bin once bundled (dist/bundle/main.js, built by scripts/bundle.mjs): it runs the
 * CLI's one CommonJS bundle through vm.Script with a V8 code cache.
 *
 * Why: a command spent much of its start-up compiling the ~1 MB of ES modules it loads, then each
 * function on its first call (a lint of 3 files: 60 of its 256 ms; bench/README.md). A code cache
 * taken after a run holds the bytecode of every function that run compiled; V8 checks it against
 * its own version and flags and rejects a cache that does not fit, and the name of each cache
 * carries the bundle's content hash, the Node version, the architecture and the flags, so no run
 * ever gets another build's bytecode.
 *
 * The build writes the cache for the Node that built it (a lint of the example). Any other Node,
 * or other flags, compiles as usual and writes its own cache when the run ends: to a temporary
 * file renamed into place, so concurrent runs never read half a cache; when the folder cannot be
 * written (a read-only install), nothing is cached and nothing is said. PORTREG_CODE_CACHE=off
 * runs without a cache (the benchmark's A/B, and a way out should a cache ever be suspected).
 *
 * Imported by nothing in src/: the bundler gives it the bundle's file name (PORTREG_CLI_BUNDLE).
 */
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

/** The bundle's file name in chunks/, content-hashed: set by scripts/bundle.mjs. */
declare const PORTREG_CLI_BUNDLE: string;

const chunks = path.join(path.dirname(fileURLToPath(import.meta.url)), 'chunks');
const bundle = path.join(chunks, PORTREG_CLI_BUNDLE);
const useCache = process.env.PORTREG_CODE_CACHE !== 'off';
const cacheFile = path.join(chunks, `${path.basename(bundle, '.cjs')}-${process.version}-${process.arch}-${flagsKey()}.cache`);

const script = compile();
const cjsModule = { exports: {} };
// The bundle is wrapped as Node wraps a CommonJS module (scripts/bundle.mjs).
(script.runInThisContext() as (...args: unknown[]) => void)(cjsModule.exports, createRequire(bundle), cjsModule, bundle, chunks);
/** The CLI's `run(argv, ctx)`, for a caller that runs many commands in one process (scripts/fuzz-worker.mjs), as the MCP server does. */
export const run = (cjsModule.exports as { run: unknown }).run;

/** The bundle compiled, from the cache when it fits; the cache's bytes are not kept once read. */
function compile(): vm.Script {
  // The bundle is ASCII (the build makes it so): read as latin1, it is a one-byte string, half the memory.
  const source = readFileSync(bundle, 'latin1');
  const cachedData = useCache ? readOrUndefined(cacheFile) : undefined;
  // No import() is left in the bundle (scripts/bundle.mjs makes each a require()): code taken from
  // a cache could not call it.
  const compiled = new vm.Script(source, { filename: bundle, cachedData });
  if (useCache && (cachedData === undefined || compiled.cachedDataRejected === true)) {
    // At exit: the cache then holds every function this run compiled, not only the top level.
    process.once('exit', () => writeCache(compiled.createCachedData()));
  }
  return compiled;
}

function readOrUndefined(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

function writeCache(data: Buffer): void {
  const temporary = `${cacheFile}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, data);
    renameSync(temporary, cacheFile);
  } catch {
    // A folder that cannot be written: the next run compiles as this one did.
    try {
      unlinkSync(temporary);
    } catch {
      // Never made.
    }
  }
}

/** V8 flags change the code it makes: runs with other flags (node --max-old-space-size=..., NODE_OPTIONS) keep their own cache. */
function flagsKey(): string {
  const flags = `${process.execArgv.join(' ')}|${process.env.NODE_OPTIONS ?? ''}`;
  let hash = 0x811c9dc5;
  for (let i = 0; i < flags.length; i++) hash = Math.imul(hash ^ flags.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}
