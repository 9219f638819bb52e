#!/usr/bin/env node
/**
 * Bundles the CLI (`npm run build` runs it after tsc) into dist/bundle:
 * - chunks/cli-<hash>.cjs: the whole CLI as one CommonJS bundle, wrapped as Node wraps a module;
 * - main.js (the package's bin, src/cli/bin.ts): runs that bundle through vm.Script with a V8 code
 *   cache (chunks/cli-<hash>-<node>-<arch>-<flags>.cache), which spares each run the compiling of
 *   the code it runs: bin.ts says how the cache is kept;
 * - chunks/parse-worker.js: the parse worker's thread (src/scan/parse-worker.ts), found next to the
 *   bundle (src/scan/parallel-parse.ts).
 * Then one lint of the example writes the cache for this Node. One bundle, not a chunk per
 * command: with a code cache, the code a command does not run costs only its bytes, and one
 * bundle keeps one copy of each class (an error thrown in one part is `instanceof` in another).
 * TypeScript and ts-morph (code scanning only) stay outside: big, and loaded only with --code.
 * test/cli/bundle.test.ts checks that the bundle answers byte for byte as the tsc build does.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/bundle`;
await rm(outdir, { recursive: true, force: true });
await mkdir(`${outdir}/chunks`, { recursive: true });

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  // ESM builds where a package ships both (jsonc-parser's UMD build requires itself dynamically).
  mainFields: ['module', 'main'],
  // yaml's ES module build (its exports map gives Node the CommonJS one): bundled as ES modules, its
  // classes and functions are called directly, where the CommonJS build put a getter in front of
  // each use (`new Scalar()` for every scalar of every compose file: 35 ms at 5,000 projects). The
  // same code; it differs in warnings (console.warn, not process.emitWarning) and !!binary values
  // (Uint8Array, not Buffer), neither of which portreg reads. test/cli/bundle.test.ts compares.
  alias: { yaml: path.join(path.dirname(createRequire(import.meta.url).resolve('yaml/package.json')), 'browser/index.js') },
  external: ['ts-morph', 'typescript'],
  legalComments: 'none',
  logLevel: 'warning',
  // Non-ASCII in strings and patterns written as escapes: bin.ts reads the bundle as one-byte text.
  charset: 'ascii',
  write: false,
};

// The CLI: CommonJS, so that vm.Script compiles it (and takes a code cache); import.meta.url is the bundle's own URL.
const [cli] = (
  await build({
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: `${outdir}/chunks/cli.cjs`,
    format: 'cjs',
    // import() becomes require(): V8 gives a function taken from a code cache no way to call import()
    // (node's ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING), and what is left outside (node:*, ts-morph) is CommonJS.
    supported: { 'dynamic-import': false },
    define: { 'import.meta.url': '__portregBundleUrl' },
    banner: {
      js: "(function (exports, require, module, __filename, __dirname) { const __portregBundleUrl = require('node:url').pathToFileURL(__filename).href;",
    },
    footer: { js: '\n})' },
  })
).outputFiles;
// Comments may keep a non-ASCII character (esbuild escapes only code): a comment loses nothing as '?'.
const cliText = cli.text.replace(/[\u0080-\uffff]/g, '?');
if (/\bimport\(/.test(cliText.replace(/\/\/.*|\/\*[\s\S]*?\*\/|(["'`])(?:\\.|(?!\1)[^\\])*\1/g, ''))) {
  throw new Error('bundle: the CLI bundle still calls import(), which fails in code taken from a code cache');
}
const cliName = `cli-${createHash('sha256').update(cliText).digest('hex').slice(0, 12)}.cjs`;
await writeFile(`${outdir}/chunks/${cliName}`, cliText);

const [bin] = (
  await build({
    ...common,
    entryPoints: ['src/cli/bin.ts'],
    outfile: `${outdir}/main.js`,
    format: 'esm',
    define: { PORTREG_CLI_BUNDLE: JSON.stringify(cliName) },
  })
).outputFiles;
await writeFile(`${outdir}/main.js`, bin.text);
await chmod(`${outdir}/main.js`, 0o755);

const [worker] = (
  await build({
    ...common,
    entryPoints: ['src/scan/parse-worker.ts'],
    outfile: `${outdir}/chunks/parse-worker.js`,
    format: 'esm',
    // Bundled CommonJS dependencies call require(); in an ES module it must be made.
    banner: { js: "import { createRequire as __portregCreateRequire } from 'node:module';\nconst require = __portregCreateRequire(import.meta.url);" },
  })
).outputFiles;
await writeFile(`${outdir}/chunks/parse-worker.js`, worker.text);

// The code cache for this Node: written when a run of the bundle ends, here a lint of the example.
const lint = spawnSync(process.execPath, [`${outdir}/main.js`, 'lint', '--format', 'json'], {
  cwd: root,
  encoding: 'utf8',
  env: { ...process.env, PORTREG_CODE_CACHE: 'on' },
});
// A bundle that cannot run is a broken build; a lint that only says no (no registry in a copy
// without the example) still leaves a cache, and without one the first run of the bin writes it.
if (lint.error || lint.status === null || lint.stderr.includes('internal error')) {
  process.stderr.write(`bundle: the bundle failed to run a lint of the example (exit ${lint.status}):\n${lint.error ?? lint.stderr}\n`);
  process.exit(1);
}
if (!(await readdir(`${outdir}/chunks`)).some((f) => f.endsWith('.cache')))
  process.stderr.write('bundle: no code cache was written; the first run of the bin writes it\n');
