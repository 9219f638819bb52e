#!/usr/bin/env node
/**
 * Bundles the CLI (`npm run build` runs it after tsc): dist/bundle/main.js plus one chunk per
 * lazily loaded part (a command, the scanner, the Markdown parser, the MCP server, ...), so a
 * command loads a few files instead of about 120 modules and their package.json look-ups.
 * The package's `bin` is the bundle; `dist/` as tsc writes it stays the library (`main`,
 * `exports`). TypeScript and ts-morph (code scanning only) stay outside: they are big and loaded
 * only with --code. test/cli/bundle.test.ts checks that both builds answer byte for byte alike.
 */
import { chmod, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/bundle`;
await rm(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  // The parse worker sits next to the chunks, where the scanner's chunk looks for it (src/scan/parallel-parse.ts).
  entryPoints: { main: 'src/cli/main.ts', 'chunks/parse-worker': 'src/scan/parse-worker.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  // ESM builds where a package ships both (jsonc-parser's UMD build requires itself dynamically).
  mainFields: ['module', 'main'],
  external: ['ts-morph', 'typescript'],
  // Bundled CommonJS dependencies call require(); in an ES module it must be made.
  banner: { js: "import { createRequire as __portregCreateRequire } from 'node:module';\nconst require = __portregCreateRequire(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
});
await chmod(`${outdir}/main.js`, 0o755);
