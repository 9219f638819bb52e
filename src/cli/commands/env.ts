import { Command } from 'commander';
import { outputFormat, printJson, type CommandContext } from '../context.js';
import { leaseLines, sessionOptions, withCheckoutOptions } from './slot.js';

export function envCommand(ctx: CommandContext): Command {
  return withCheckoutOptions(
    new Command('env')
      .description("the checkout's env for its slot: each service's port variable and COMPOSE_PROJECT_NAME (leasing the slot if it holds none)")
      .option('--write', "write them into the checkout's env files as a managed block (the project folder's .env and the project's envFiles)")
      .option('--shell', 'print export lines, for eval "$(portreg env --shell)"'),
  )
    .addHelpText(
      'after',
      `
--write is idempotent: the block between "# portreg:slot-start" and "# portreg:slot-end" is
replaced, lines elsewhere in the file that set its variables (a .env copied from the main checkout)
are removed, and everything else stays byte for byte. Slot 0 keeps the plain project name.
Without --write, --shell or --json: the variables as dotenv lines.
Exit codes: 0 done, 1 refused (every slot taken, the project has no slots), 2 usage or registry error, 3 the lease file is locked.`,
    )
    .action(async (options: Parameters<typeof sessionOptions>[1] & { write?: boolean; shell?: boolean }) => {
      const { acquireForCheckout } = await import('../../slots/session.js');
      const r = await acquireForCheckout({ ...sessionOptions(ctx, options), write: options.write });
      if (outputFormat(options) === 'json') {
        printJson(ctx, {
          project: r.view.project,
          slot: r.view.slot,
          worktree: r.view.worktree,
          env: Object.fromEntries(r.values),
          written: r.written,
          unchanged: r.unchanged,
        });
        return;
      }
      if (options.write) {
        for (const f of r.written) ctx.stderr(`portreg: wrote ${f} (slot ${r.view.slot} of project "${r.view.project}")\n`);
        for (const f of r.unchanged) ctx.stderr(`portreg: ${f} is up to date (slot ${r.view.slot} of project "${r.view.project}")\n`);
      }
      if (options.shell) ctx.stdout(r.values.map(([k, v]) => `export ${k}=${shellQuote(v)}\n`).join(''));
      else if (!options.write) ctx.stdout(r.values.map(([k, v]) => `${k}=${v}\n`).join(''));
      else ctx.stdout(`${leaseLines(r.view).join('\n')}\n`);
    });
}

/** A value as one shell word (ports and Compose names need no quotes; anything else gets single quotes). */
function shellQuote(value: string): string {
  return /^[A-Za-z0-9_.:/-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
