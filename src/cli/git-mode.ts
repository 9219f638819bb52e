/**
 * The CLI side of `--git` (registry/remote.ts does the work, and words what the user is told): the
 * flags, and which target a command writes to.
 */
import type { Command } from 'commander';
import { remoteTargetOf } from '../config/load-config.js';
import type { LocatedRegistry } from '../config/locate-registry.js';
import type { RemoteTarget } from '../registry/remote.js';

export function withGitOptions<C extends Command>(cmd: C): C {
  return cmd
    .option(
      '--git',
      'make the change on the git remote: fetch, change the registry at the tip of the branch of record, commit it alone and push ("git" in portreg.config.json)',
    )
    .option('--no-git', 'change the local registry, even when portreg.config.json has "git"');
}

/** The remote this command writes through, or undefined for the local registry. */
export function remoteTargetFor(cmd: Command, located: LocatedRegistry, options: { git?: boolean }): RemoteTarget | undefined {
  return remoteTargetOf(located.config, cmd.getOptionValueSource('git') === 'cli' ? options.git : undefined);
}

export { refuseWithGit, remoteLines, remoteSummary } from '../registry/remote.js';
