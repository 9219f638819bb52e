/**
 * git for tests, one way everywhere: run in a folder, with none of the caller's GIT_* settings (a
 * hook's GIT_DIR, say), no global or system config, a fixed identity and clock (so commits are
 * reproducible), no signing, and `main` as the first branch. Returns stdout; throws with git's
 * stderr when git fails.
 */
import { execFileSync } from 'node:child_process';

const IDENTITY = {
  GIT_AUTHOR_NAME: 'portreg tests',
  GIT_AUTHOR_EMAIL: 'tests@portreg.invalid',
  GIT_AUTHOR_DATE: '2026-11-20T12:00:00Z',
  GIT_COMMITTER_NAME: 'portreg tests',
  GIT_COMMITTER_EMAIL: 'tests@portreg.invalid',
  GIT_COMMITTER_DATE: '2026-11-20T12:00:00Z',
};

/** The environment git runs in (see above). */
export function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_')) env[k] = v;
  return { ...env, ...IDENTITY, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
}

export function git(cwd: string, ...args: string[]): string {
  try {
    return execFileSync('git', ['-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', '-c', 'core.autocrlf=false', ...args], {
      cwd,
      env: gitEnv(),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    const e = err as { stderr?: string; status?: number };
    throw new Error(`git ${args.join(' ')} (in ${cwd}) failed with ${e.status}: ${e.stderr ?? (err as Error).message}`);
  }
}

/** `git init`, then one commit of everything in the folder. */
export function gitInitCommit(cwd: string, message = 'initial'): void {
  git(cwd, 'init', '-q');
  git(cwd, 'add', '-A');
  git(cwd, 'commit', '-q', '--allow-empty', '-m', message);
}
