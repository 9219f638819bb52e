import type { Command } from 'commander';
import { PortregCommand } from '../command.js';
import { outputFormat, printJson, withCommonOptions, type CommandContext, type CommonOptions } from '../context.js';
import { sessionOptions } from './slot.js';

export function hooksCommand(ctx: CommandContext): Command {
  const cmd = new PortregCommand('hooks').description('git hooks that give every new checkout (git worktree add) its slot and its .env');

  withCommonOptions(
    cmd.command('install').description("add portreg's lines to the repository's post-checkout hook (idempotent; other lines of the hook are kept)"),
  )
    .addHelpText(
      'after',
      `
The hook runs "portreg hooks run post-checkout" on every branch checkout, git worktree add
included: the checkout gets its slot and "portreg env --write" writes its .env. It never fails
the checkout and prints nothing unless something went wrong. core.hooksPath is respected; the
hook is shared by every worktree of the repository.
Exit codes: 0 installed (or already), 2 not in a git checkout.`,
    )
    .action(async (options: CommonOptions) => {
      const { installHook } = await import('../../slots/hooks.js');
      const r = await installHook(ctx.cwd, process.execPath, process.argv[1] ?? 'portreg');
      if (outputFormat(options) === 'json') {
        printJson(ctx, r);
        return;
      }
      ctx.stdout(
        r.status === 'unchanged'
          ? `${r.file}: already installed, nothing to change\n`
          : `${r.file}: ${r.status === 'created' ? 'created' : 'portreg lines added or updated'}\n`,
      );
    });

  cmd
    .command('run')
    .description('what the installed hooks run (not for people): post-checkout PREVIOUS NEW BRANCH-FLAG')
    .argument('<hook>', 'the hook')
    .argument('[args...]', "git's arguments to the hook")
    .action(async (hook: string, args: string[]) => {
      // Never fails the checkout: every problem is one line on stderr and exit 0.
      if (hook !== 'post-checkout' || args[2] !== '1') return;
      try {
        const { acquireForEveryProject } = await import('../../slots/session.js');
        await acquireForEveryProject({ ...sessionOptions(ctx, {}), write: true });
      } catch (err) {
        ctx.stderr(`portreg: post-checkout: no slot for this checkout: ${(err as Error).message.split('\n')[0]}\n`);
      }
    });
  return cmd;
}
