/**
 * What `generate --check` judges: the generated text a tree has, found by the markers module's own
 * rule (a marker alone on its line), not by the word appearing somewhere in prose.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { scenario } from '../helpers/scenario.js';

const registry = {
  version: 1,
  projects: { billing: { range: { from: 5000, to: 5099 }, path: 'billing', services: { api: { port: 5001, purpose: 'REST API', env: 'API_PORT' } } } },
};

describe('generate --check', () => {
  it('does not take a README that only mentions the marker in prose for generated text', async () => {
    const s = await scenario({
      registry,
      files: {
        'billing/README.md': '# billing\n\nThe generated table goes between `<!-- portreg:start -->` and its end marker.\n',
        'billing/.env.example': 'API_PORT=5001\n',
      },
    });
    const check = await runCli(['generate', 'docs', '--check'], { cwd: s.root });
    expect(check.code).toBe(0);
    expect(check.stdout).toBe('');
    expect(check.stderr).toBe(
      'portreg: not generated yet, so not judged (generate docs --write adds them; --strict judges them too): billing/README.md, README.md\nportreg: every generated file is current\n',
    );
    expect((await runCli(['generate', 'docs', '--check', '--strict'], { cwd: s.root })).code).toBe(1);
  });
});
