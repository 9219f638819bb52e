/**
 * Preloaded with `node --import` by the lazy-loading test: records every module the process
 * loads into the file named by PORTREG_TEST_LOAD_LOG, one per line:
 * - `import <specifier>`: every ESM import and dynamic import() (a resolve hook, node:module register);
 * - `cjs <path>`: every CommonJS module in the require cache at exit (ts-morph requires its
 *   bundled TypeScript compiler this way, which the resolve hook does not see).
 */
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const log = process.env.PORTREG_TEST_LOAD_LOG;
if (log) {
  register('./record-loads-hooks.mjs', import.meta.url, { data: { log } });
  const require = createRequire(import.meta.url);
  process.on('exit', () => {
    appendFileSync(
      log,
      Object.keys(require.cache)
        .map((p) => `cjs ${p}\n`)
        .join(''),
    );
  });
}
