import type { Command } from 'commander';
import { PortregCommand } from '../command.js';
import path from 'node:path';
import { ExitCode, usageError } from '../../errors.js';
import { findConfig } from '../../config/load-config.js';
import { readRegistry } from '../../registry/operations.js';
import { outputFormat, printJson, resolveRegistry, withCommonOptions, type CommandContext, type CommonOptions } from '../context.js';

export function doctorCommand(ctx: CommandContext): Command {
  const cmd = withCommonOptions(
    new PortregCommand('doctor')
      .description(
        "pre-flight check before docker compose up: is every host port the project's stacks publish free right now, and if not, who holds it and where to move",
      )
      .option('--project <name>', 'the project (default: "project" in portreg.config.json)'),
  ).addHelpText('after', '\nExit codes: 0 every published port is free, 1 some port is held (the stack would fail to bind), 2 usage or registry error.');
  cmd.action(async (options: CommonOptions & { project?: string }) => {
    const [{ listListeners }, { doctorReport, projectScanTarget, scanProject }] = await Promise.all([
      import('../../live/listeners.js'),
      import('../../live/doctor.js'),
    ]);
    const located = await resolveRegistry(ctx, options);
    const project = options.project ?? located.project;
    if (!project) throw usageError('usage', 'doctor needs --project NAME (or "project" in portreg.config.json)');
    const registry = await readRegistry(located.path, { now: ctx.now(), cwd: ctx.cwd });
    const config = located.config ?? (await findConfig(ctx.cwd));
    const target = projectScanTarget({ registry, registryPath: located.path, project, config, fromConfig: located.source === 'config' });
    // With slots: the leases name the checkout behind a held port, and a checkout that leases a
    // slot is checked on the slot's ports (what portreg env --write gives Compose), not slot 0's.
    const slotted = registry.projects[project]?.slots !== undefined;
    const { leases, mine } = slotted ? await (await import('../../slots/session.js')).leasesAround(ctx.cwd, project, ctx.env) : { leases: [], mine: null };
    const extraEnv = mine ? Object.fromEntries((await import('../../slots/env-file.js')).slotEnvValues(project, mine.slot, mine.ports)) : undefined;
    const scan = await scanProject(registry, located.path, target, config?.config, extraEnv);
    const shown = (file: string) => path.relative(ctx.cwd, path.join(scan.root, file)).split(path.sep).join('/') || '.';
    const checkout = mine ? { worktree: mine.worktree, slot: mine.slot } : null;
    const report = doctorReport({ registry, project, scan, listeners: await listListeners(), now: ctx.now(), shown, holders: leases, checkout });
    const code = report.held > 0 ? ExitCode.Refused : ExitCode.Ok;
    if (outputFormat(options) === 'json') {
      printJson(ctx, report);
      return code;
    }
    const out: string[] = [];
    if (report.checkout) out.push(`checkout ${report.checkout.worktree}: slot ${report.checkout.slot} of "${project}", its ports checked`);
    if (report.stacks.length === 0) out.push(`project "${project}": no compose stack found (nothing to check)`);
    else if (report.ports.length === 0) out.push(`project "${project}": its stacks publish no host ports (${report.stacks.join(', ')})`);
    for (const p of report.ports) out.push(`${p.status === 'held' ? 'HELD' : p.status === 'free' ? 'ok  ' : '??  '}  ${p.message}`);
    if (report.ports.length) {
      out.push(
        report.held
          ? `\n${report.held} of ${report.ports.length} published port${report.ports.length === 1 ? '' : 's'} held: docker compose up would fail to bind`
          : `\nall ${report.ports.length} published port${report.ports.length === 1 ? ' is' : 's are'} free`,
      );
    }
    ctx.stdout(out.join('\n') + '\n');
    return code;
  });
  return cmd;
}
