import { type Command, Option } from 'commander';
import { PortregCommand } from '../command.js';
import { countBySeverity } from '../../findings.js';
import { ExitCode } from '../../errors.js';
import { loadRegistry } from '../../registry/load.js';
import { assertWritable, updateRegistry } from '../../registry/store.js';
import { slotCount } from '../../registry/slots.js';
import { CURRENT_REGISTRY_VERSION, formatRange, type Registry } from '../../registry/types.js';
import { formatStylish } from '../../report/stylish.js';
import { outputFormat, plural, printJson, resolveRegistry, storeOptions, withCommonOptions, type CommandContext, type CommonOptions } from '../context.js';

export function registryCommand(ctx: CommandContext): Command {
  const cmd = new PortregCommand('registry').description('check or upgrade the registry file');

  withCommonOptions(
    cmd
      .command('check')
      .description('validate the registry: schema, overlapping ranges, reserved ports, duplicate ports, ...')
      .addOption(new Option('--max-warnings <n>', 'exit 1 when there are more warnings than this').argParser((v) => Number(v))),
  )
    .addHelpText('after', '\nExit codes: 0 no errors (and warnings within --max-warnings), 1 findings, 2 the registry cannot be read or parsed.')
    .action(async (options: CommonOptions & { maxWarnings?: number }) => {
      const located = await resolveRegistry(ctx, options);
      const loaded = await loadRegistry(located.path, { now: ctx.now(), cwd: ctx.cwd });
      const { errors, warnings } = countBySeverity(loaded.findings);
      const unparsable = loaded.findings.some((f) => f.ruleId === 'registry-parse' || f.ruleId === 'registry-merge-conflict');
      const slots = loaded.data ? slotSummary(loaded.data) : [];
      if (outputFormat(options) === 'json') {
        printJson(ctx, { version: 1, registry: loaded.displayPath, errorCount: errors, warningCount: warnings, findings: loaded.findings, slots });
      } else if (loaded.findings.length > 0) {
        ctx.stdout(formatStylish(loaded.findings, { color: ctx.color && options.color !== false }));
      } else {
        const projects = loaded.data ? Object.keys(loaded.data.projects).length : 0;
        ctx.stdout(`${loaded.displayPath}: ok (${plural(projects, 'project')})\n`);
      }
      if (outputFormat(options) !== 'json') {
        for (const s of slots) {
          ctx.stdout(
            `project "${s.project}": ${plural(s.count, 'slot')} of ${s.width} ports in range ${formatRange(s.range)} (slot 0 is the registered ports; ${plural(s.shared.length, 'shared service')}${s.shared.length ? `: ${s.shared.join(', ')}` : ''})\n`,
          );
        }
      }
      if (unparsable) return ExitCode.Usage;
      return errors > 0 || (options.maxWarnings !== undefined && warnings > options.maxWarnings) ? ExitCode.Refused : ExitCode.Ok;
    });

  withCommonOptions(cmd.command('upgrade').description(`rewrite an older registry in the current format (version ${CURRENT_REGISTRY_VERSION})`)).action(
    async (options: CommonOptions) => {
      const located = await resolveRegistry(ctx, options);
      const before = await loadRegistry(located.path, { now: ctx.now(), cwd: ctx.cwd });
      assertWritable(before);
      const { written } = await updateRegistry(
        located.path,
        (registry) => ({ registry: { ...registry, version: CURRENT_REGISTRY_VERSION }, result: null }),
        storeOptions(ctx),
      );
      const from = before.fileVersion ?? CURRENT_REGISTRY_VERSION;
      if (outputFormat(options) === 'json') {
        printJson(ctx, { registry: before.displayPath, fromVersion: from, toVersion: CURRENT_REGISTRY_VERSION, written });
      } else if (written && from < CURRENT_REGISTRY_VERSION) {
        ctx.stdout(`${before.displayPath}: upgraded from format version ${from} to ${CURRENT_REGISTRY_VERSION}\n`);
      } else if (written) {
        ctx.stdout(`${before.displayPath}: already format version ${CURRENT_REGISTRY_VERSION}; rewritten in the canonical style\n`);
      } else {
        ctx.stdout(`${before.displayPath}: already format version ${CURRENT_REGISTRY_VERSION}, nothing to do\n`);
      }
    },
  );
  return cmd;
}

/** Each project with slots: its width, how many slots its range holds, and its shared services. */
function slotSummary(registry: Registry) {
  return Object.entries(registry.projects)
    .filter(([, p]) => p.slots)
    .map(([project, p]) => ({
      project,
      range: p.range,
      width: p.slots!.width,
      count: slotCount(p),
      shared: Object.entries(p.services ?? {})
        .filter(([, s]) => s.shared)
        .map(([name]) => name),
    }));
}
