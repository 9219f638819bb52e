import { Command, Option } from 'commander';
import { formatRange, type PortRange } from '../../registry/types.js';
import { remoteLines, remoteSummary, remoteTargetFor, withGitOptions } from '../git-mode.js';
import { projectMoveCommand } from './reassign.js';
import {
  outputFormat,
  parseRangeArg,
  printJson,
  resolveRegistry,
  storeOptions,
  withCommonOptions,
  type CommandContext,
  type CommonOptions,
} from '../context.js';

export function projectCommand(ctx: CommandContext): Command {
  const cmd = new Command('project').description('manage projects and their port ranges');
  const add = withCommonOptions(
    cmd
      .command('add')
      .description('give a project the next free aligned block of the project space')
      .argument('<name>', 'project name')
      .option('--path <dir>', "the project's folder, relative to the registry's folder")
      .addOption(new Option('--size <n>', "number of ports (default: the registry's rangeSize, 100)").argParser((v) => Number(v)))
      .option('--range <from-to>', 'an explicit range instead of the next free block, for example 5100-5199')
      .option('--description <text>', 'what the project is'),
  );
  withGitOptions(add)
    .addHelpText(
      'after',
      `
Repeating the command for an existing project with the same settings is a no-op (exit 0).
The generated text that exists and that the new project changes (the root table of projects) is
refreshed in the same step.
A block in which no port could be allocated now (every port reserved, to avoid, taken or in
quarantine) is skipped, with a warning that says why; a --range like that is kept, with the warning.
--git (or "git" in portreg.config.json): added on the remote's branch of record, as allocate --git.`,
    )
    .action(async (name: string, options: CommonOptions & { path?: string; size?: number; range?: string; description?: string; git?: boolean }) => {
      const range = options.range ? parseRangeArg(options.range) : undefined;
      const request = { name, path: options.path?.split('\\').join('/'), size: options.size, range, description: options.description };
      const located = await resolveRegistry(ctx, options);
      const target = remoteTargetFor(add, located, options);
      if (target) {
        const [{ projectAddChange }, { writeThroughRemote, commitMessage }] = await Promise.all([
          import('../../registry/operations.js'),
          import('../../registry/remote.js'),
        ]);
        const write = await writeThroughRemote(projectAddChange(located.path, request, storeOptions(ctx)), target, commitMessage.projectAdd(name));
        return printAdded(ctx, options, name, write.result, { git: remoteSummary(target, write) }, remoteLines(target, write));
      }
      // The generated text the new project changes (the root table of projects) comes along.
      const { addProjectAndRefresh, refreshedLine } = await import('../../generate/refresh.js');
      const { project: result, refreshed, notes } = await addProjectAndRefresh(request, { ...storeOptions(ctx), env: ctx.env, registry: options.registry });
      printAdded(ctx, options, name, result, { refreshed }, [...refreshedLine(refreshed), ...notes.map((n) => `note: ${n}`)]);
    });
  cmd.addCommand(projectMoveCommand(ctx));
  return cmd;
}

function printAdded(
  ctx: CommandContext,
  options: CommonOptions,
  name: string,
  result: { range: PortRange; created: boolean; warnings: string[] },
  extra: Record<string, unknown>,
  lines: string[],
): void {
  if (outputFormat(options) === 'json') {
    printJson(ctx, { project: name, range: result.range, created: result.created, warnings: result.warnings, ...extra });
    return;
  }
  for (const line of lines) ctx.stderr(`portreg: ${line}\n`);
  for (const w of result.warnings) ctx.stderr(`portreg: warning: ${w}\n`);
  ctx.stdout(result.created ? `project ${name}: range ${formatRange(result.range)}\n` : `project ${name} already has range ${formatRange(result.range)}\n`);
}
