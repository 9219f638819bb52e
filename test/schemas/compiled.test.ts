import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { REPO_ROOT } from '../helpers/cli.js';

describe('the compiled schema validators', () => {
  it('are up to date with schemas/', () => {
    // Exits non-zero, naming the file, when a schema changed without `npm run build`.
    expect(() => execFileSync(process.execPath, ['scripts/compile-schemas.mjs', '--check'], { cwd: REPO_ROOT, stdio: 'pipe' })).not.toThrow();
  });
});
