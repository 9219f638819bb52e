import type { Command } from 'commander';
import { PortregCommand } from '../command.js';
import type { LeaseView } from '../../slots/leases.js';
import { outputFormat, printJson, storeOptions, withCommonOptions, type CommandContext, type CommonOptions } from '../context.js';

interface CheckoutOptions extends CommonOptions {
  worktree?: string;
  project?: string;
}

/** --worktree and --project, as every command about one checkout takes them. */
export function withCheckoutOptions<C extends Command>(cmd: C): C {
  return withCommonOptions(
    cmd
      .option('--worktree <path>', 'a folder of the checkout (default: the working folder)')
      .option(
        '--project <name>',
        'the project (default: "project" in portreg.config.json, the project whose folder holds the working folder, or the one project with slots)',
      ),
  );
}

export function sessionOptions(ctx: CommandContext, options: CheckoutOptions) {
  return {
    cwd: ctx.cwd,
    env: ctx.env,
    worktree: options.worktree,
    project: options.project,
    registry: options.registry,
    now: ctx.now(),
    lock: storeOptions(ctx).lock,
  };
}

/** `slot 2 of project "billing" for /src/app-feature` and one line per port. */
export function leaseLines(v: LeaseView): string[] {
  const width = Math.max(...v.ports.map((p) => p.service.length), 0);
  return [
    `slot ${v.slot} of project "${v.project}" for ${v.worktree}${v.present ? '' : ' (folder gone)'}`,
    ...v.ports.map(
      (p) => `  ${p.service.padEnd(width)}  ${p.port}  ${p.url}${p.env ? `  ${p.env}` : ''}${p.shared ? '  shared' : ''}${p.listening ? '  listening' : ''}`,
    ),
  ];
}

export function slotCommand(ctx: CommandContext): Command {
  const cmd = new PortregCommand('slot').description(
    'slots of projects for parallel checkouts (git worktrees, agent sessions): each checkout leases one, and its ports are the registered ones moved by slot * width',
  );

  withCheckoutOptions(cmd.command('acquire').description("lease the checkout's slot (the one it holds, else the lowest free one) and print its ports"))
    .addHelpText(
      'after',
      `
Sticky: the same checkout always gets its slot back. The main checkout starts at slot 0 (the
registered ports), a linked worktree at slot 1. A slot whose ports something listens on is never
given to another checkout. Leases live in $XDG_STATE_HOME/portreg/leases.json (else
~/.local/state/portreg/leases.json). "portreg env --write" also writes the checkout's .env.
Exit codes: 0 leased, 1 refused (every slot taken, the project has no slots), 2 usage or registry error, 3 the lease file is locked.`,
    )
    .action(async (options: CheckoutOptions) => {
      const { acquireForCheckout } = await import('../../slots/session.js');
      const r = await acquireForCheckout(sessionOptions(ctx, options));
      if (outputFormat(options) === 'json') {
        printJson(ctx, { ...r.view, created: r.acquired.created, skippedListening: r.acquired.skippedListening });
        return;
      }
      for (const s of r.acquired.skippedListening) ctx.stderr(`portreg: skipped slot ${s.slot}: something listens on ${s.ports.join(', ')}\n`);
      ctx.stdout(`${leaseLines(r.view).join('\n')}\n`);
    });

  withCheckoutOptions(
    cmd.command('release').description("give the checkout's slot back").option('--force', 'release it even while something listens on its ports'),
  )
    .addHelpText('after', '\nExit codes: 0 released (or held none), 1 refused (its ports are in use), 2 usage or registry error, 3 the lease file is locked.')
    .action(async (options: CheckoutOptions & { force?: boolean }) => {
      const { releaseForCheckout } = await import('../../slots/session.js');
      const { target, released } = await releaseForCheckout({ ...sessionOptions(ctx, options), force: options.force });
      if (outputFormat(options) === 'json') {
        printJson(ctx, { project: target.project, worktree: target.checkout.worktree, released: released.released, slot: released.lease?.slot ?? null });
        return;
      }
      ctx.stdout(
        released.released
          ? `released slot ${released.lease!.slot} of project "${target.project}" for ${target.checkout.worktree}\n`
          : `${target.checkout.worktree} holds no slot of project "${target.project}"; nothing to release\n`,
      );
    });

  withCommonOptions(cmd.command('list').description('every lease on this machine, with its ports, their URLs and whether they listen')).action(
    async (options: CommonOptions) => {
      const [{ listSlots }, { probeLivePorts }] = await Promise.all([import('../../slots/leases.js'), import('../../live/probe.js')]);
      const { file, leases } = await listSlots({ env: ctx.env, live: await probeLivePorts() });
      if (outputFormat(options) === 'json') {
        printJson(ctx, { file, leases });
        return;
      }
      if (leases.length === 0) {
        ctx.stdout(`no slots leased on this machine (${file})\n`);
        return;
      }
      ctx.stdout(`${leases.flatMap((v) => [...leaseLines(v), `  since ${v.since}, last by pid ${v.holder.pid} (${v.holder.command})`]).join('\n')}\n`);
    },
  );

  withCommonOptions(
    cmd.command('gc').description('release the slots of checkouts that are gone (git worktree list no longer has them), unless their ports are in use'),
  ).action(async (options: CommonOptions) => {
    const [{ collectSlots }, { probeLivePorts }] = await Promise.all([import('../../slots/leases.js'), import('../../live/probe.js')]);
    const r = await collectSlots({ env: ctx.env, live: await probeLivePorts(), now: ctx.now(), lock: storeOptions(ctx).lock });
    if (outputFormat(options) === 'json') {
      const brief = (l: { project: string; slot: number; worktree: string }) => ({ project: l.project, slot: l.slot, worktree: l.worktree });
      printJson(ctx, { released: r.released.map(brief), kept: r.kept.map((k) => ({ ...brief(k.lease), reason: k.reason })) });
      return;
    }
    for (const l of r.released) ctx.stdout(`released slot ${l.slot} of project "${l.project}": ${l.worktree} is gone\n`);
    for (const k of r.kept) ctx.stdout(`kept slot ${k.lease.slot} of project "${k.lease.project}" (${k.lease.worktree}): ${k.reason}\n`);
    if (r.released.length === 0 && r.kept.length === 0) ctx.stdout('nothing to collect: every leased checkout is still there\n');
  });
  return cmd;
}
