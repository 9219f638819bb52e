/**
 * A registry change made on the git remote instead of the working tree (`--git`, or "git" in
 * portreg.config.json; docs/git-allocation.md): fetch the branch of record, plan the change on the
 * registry at its tip (the same RegistryChange the local write uses, from operations.ts), commit
 * only the registry with plumbing on a private index, and push without force. The push is the
 * compare-and-set: when the branch moved meanwhile it is rejected, and the change is planned
 * again on the new tip after a jittered backoff, up to `tries` times.
 *
 * The user's working tree, index and branches are never touched: the only local refs that move
 * are the remote-tracking ref that fetch and push update. Everything runs under the local
 * registry's lock, so two writers in one clone take turns. A remote that cannot be reached stops
 * the command before anything is committed.
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { ExitCode, PortregError, refusal, usageError } from '../errors.js';
import { commitOneFile, fetchBranch, gitTopLevel, pushCommit, readObjects } from '../util/git.js';
import { beforePushForTest, lockDisabledForTest } from '../util/test-hooks.js';
import { displayPathFor, parseRegistryText } from './load.js';
import { acquireLock } from './lock.js';
import type { Allocation, RegistryChange, Release } from './operations.js';
import type { MoveProjectResult, ReassignResult } from './moves.js';
import { formatRange, type PortRange } from './types.js';
import { serializeRegistry } from './serialize.js';
import { assertWritable, refuseBrokenResult } from './store.js';

export interface RemoteTarget {
  remote: string;
  branch: string;
  /** How many times a rejected push is tried again from the new tip (at least 1). */
  tries: number;
}

export interface RemoteWrite<T> {
  result: T;
  /** The commit pushed; null when the change was a no-op (nothing committed or pushed). */
  commit: string | null;
  /** Pushes tried (1 when the first one went through). */
  attempts: number;
  /** The registry file in the repository (as on the remote branch). */
  file: string;
  /** The registry text at the remote tip after the command (the pushed one, or the one read). */
  text: string;
}

/** Backoff before try n+1: a random wait up to 25 ms × 2^n, at most 1 s, so colliding writers spread out. */
function backoff(attempt: number): Promise<void> {
  const ceiling = Math.min(1000, 25 * 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}

/** Where the registry lives in its repository: the top folder and the path git knows it by. */
async function registryInRepository(file: string): Promise<{ top: string; rel: string }> {
  const dir = await realpath(path.dirname(file)).catch(() => path.dirname(file));
  const top = await gitTopLevel(dir);
  if (!top) {
    throw usageError(
      'git-not-a-repository',
      `--git: ${file} is not in a git repository, so there is no remote to allocate through; run the command without --git (or remove "git" from portreg.config.json)`,
    );
  }
  return {
    top,
    rel: path
      .relative(top, path.join(dir, path.basename(file)))
      .split(path.sep)
      .join('/'),
  };
}

/**
 * Runs `change` on the registry at the tip of `target.branch` of `target.remote` and pushes it.
 * `message(result)` is the commit message (it names project, service and port).
 */
export async function writeThroughRemote<T>(
  change: RegistryChange<T>,
  target: RemoteTarget,
  message: (result: T) => string,
  expect: { text?: string } = {},
): Promise<RemoteWrite<T>> {
  const absolute = path.resolve(change.options.cwd ?? process.cwd(), change.file);
  const { top, rel } = await registryInRepository(absolute);
  const where = `${target.remote}/${target.branch}`;
  const shownFile = displayPathFor(absolute, change.options.cwd);
  const lock = lockDisabledForTest() ? null : await acquireLock(absolute, change.options.lock);
  try {
    for (let attempt = 1; ; attempt++) {
      const fetched = await fetchBranch(top, target.remote, target.branch);
      if ('error' in fetched) {
        if (fetched.missing) {
          throw usageError(
            'git-branch-missing',
            `--git: remote "${target.remote}" has no branch "${target.branch}" (${fetched.error}); nothing was changed. Push the registry to that branch first, or name the branch of record in portreg.config.json ("git": { "remote": "${target.remote}", "branch": "..." })`,
          );
        }
        throw new PortregError(
          `--git: cannot fetch branch "${target.branch}" of remote "${target.remote}": ${fetched.error}. Nothing was changed: not the remote, not ${shownFile}, not your working tree. Check the remote (git remote -v, the network, your credentials) and run the command again, or run it without --git to change the local registry only`,
          ExitCode.Usage,
          'git-remote-unreachable',
        );
      }
      const [blob] = await readObjects(top, [`${fetched.commit}:${rel}`]);
      if (!blob) {
        throw usageError(
          'git-registry-missing',
          `--git: branch ${where} has no ${rel}; nothing was changed. Commit the registry to that branch first, or name the branch that holds it in portreg.config.json ("git": { "branch": "..." })`,
        );
      }
      const shown = `${where}:${rel}`;
      // A change planned on this tree's registry (reassign's file edits) needs the tip to be that
      // registry when it starts; a tip moved by our own lost race is judged by the replan below.
      if (attempt === 1 && expect.text !== undefined && blob.toString('utf8') !== expect.text) {
        throw refusal(
          'git-behind',
          `--git: ${shownFile} here differs from ${shown}; nothing was changed: bring this tree up to date first (commit or stash your changes, git pull), then run the command again`,
        );
      }
      const options = { now: change.options.now, cwd: change.options.cwd, displayPath: shown };
      const loaded = parseRegistryText(blob.toString('utf8'), absolute, options);
      const planned = change.replan(assertWritable(loaded), loaded);
      if ('differs' in planned) throw refusal('registry-changed', `${planned.differs}; run the command again`);
      const text = planned.registry ? serializeRegistry(planned.registry) : loaded.text;
      if (text === loaded.text) return { result: planned.result, commit: null, attempts: attempt, file: rel, text };
      refuseBrokenResult(parseRegistryText(text, absolute, options), shown);

      const made = await commitOneFile(top, { parent: fetched.commit, file: rel, content: text, message: message(planned.result) });
      if ('error' in made) {
        throw usageError(
          'git-commit-failed',
          `--git: cannot commit the registry change: ${made.error}; nothing was pushed (set your git identity: git config user.name / user.email)`,
        );
      }
      beforePushForTest(top);
      const pushed = await pushCommit(top, target.remote, made.commit, target.branch);
      if (pushed === 'pushed') return { result: planned.result, commit: made.commit, attempts: attempt, file: rel, text };
      if (pushed !== 'rejected') {
        throw new PortregError(
          `--git: the push to ${where} failed: ${pushed.error}. Nothing was pushed: the remote, ${shownFile} and your working tree are as they were; fix what git says and run the command again`,
          ExitCode.Usage,
          'git-push-failed',
        );
      }
      if (attempt >= target.tries) {
        throw refusal(
          'git-push-rejected',
          `--git: ${where} moved under each of ${target.tries} tries (others are writing it); nothing was pushed: run the command again, or allow more tries ("git": { "tries": N } in portreg.config.json)`,
        );
      }
      await backoff(attempt);
    }
  } finally {
    await lock?.release();
  }
}

// ---- what the faces say (the CLI and the MCP server word it alike) ----

/**
 * A change of this working tree's files cannot go with --git, which changes only the registry on
 * the remote (the two could not be one step): refused, with what to do instead.
 */
export function refuseWithGit(target: RemoteTarget | undefined, what: string, instead: string): void {
  if (target) {
    throw usageError(
      'git-unsupported',
      `${what} changes files of this working tree, and --git changes only the registry on ${target.remote}/${target.branch}, so the two cannot be one step; nothing was changed: ${instead} (--no-git when portreg.config.json has "git")`,
    );
  }
}

/** What the command prints on stderr after a change through the remote. */
export function remoteLines<T>(target: RemoteTarget, write: RemoteWrite<T>): string[] {
  const where = `${target.remote}/${target.branch}`;
  if (!write.commit) return [`nothing to change on ${where}`];
  return [
    `pushed ${write.commit.slice(0, 12)} to ${where} (${write.file} only${write.attempts > 1 ? `, after ${write.attempts - 1} rejected push${write.attempts > 2 ? 'es' : ''}` : ''}); this working tree is unchanged: git pull brings the change in`,
  ];
}

/** The JSON output's account of it. */
export function remoteSummary<T>(target: RemoteTarget, write: RemoteWrite<T>) {
  return { remote: target.remote, branch: target.branch, commit: write.commit, attempts: write.attempts };
}

/** The commit messages: each names what changed, so `git log` on the branch of record reads as a ledger. */
export const commitMessage = {
  allocate: (a: Allocation) => `portreg allocate: port ${a.port} to service "${a.service}" of project "${a.project}"`,
  release: (r: Release) => `portreg release: port ${r.port} of service "${r.service}" of project "${r.project}"`,
  projectAdd: (name: string) => (r: { range: PortRange }) => `portreg project add: project "${name}" with range ${formatRange(r.range)}`,
  reassign: (r: ReassignResult) => `portreg reassign: service "${r.service}" of project "${r.project}" from port ${r.from} to ${r.to}`,
  projectMove: (r: MoveProjectResult) => `portreg project move: project "${r.project}" from ${formatRange(r.from)} to ${formatRange(r.to)}`,
};
