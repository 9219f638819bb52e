import { type Command, Option } from 'commander';
import { PortregCommand } from '../command.js';
import { countBySeverity } from '../../findings.js';
import { ExitCode } from '../../errors.js';
import { loadRegistry } from '../../registry/load.js';
import { assertWritable, updateRegistry } from '../../registry/store.js';
import { slotCount } from '../../registry/slots.js';
import { CURRENT_REGISTRY_VERSION, formatRange, type Registry } from '../../registry/types.js';
import { formatStylish } from '../../report/stylish.js';
import type { ResolveOptions } from './registry-merge.js';
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
  withCommonOptions(
    cmd
      .command('resolve')
      .description(
        'settle a registry that a merge or rebase left conflicted: both sides merged entry by entry, a port both took kept for ours, theirs moved with its configs',
      )
      .argument('[files...]', "BASE OURS THEIRS: the three sides as files (default: git's index stages 1, 2 and 3 of the registry)")
      .option('--dry-run', 'show what it would write, write nothing'),
  )
    .addHelpText(
      'after',
      `
Reads the base, ours and theirs of the registry (git's index during a merge or rebase, or three files),
merges projects, services, reservations, history and release records entry by entry, field by field:
what one side changed is taken from that side. Where both sides gave one port and protocol (or
overlapping ranges) to different services (projects), ours keeps it and theirs moves to the next free
port of its range (block), with the old port in its history; that service's configs are rewritten as
"portreg reassign" does, with the registry, as one change set (files with uncommitted changes included:
a merge leaves them so). A field both sides changed differently is a true conflict: it is reported and
nothing is written. "git add" is left to you. Run again, it changes nothing.
During a rebase "ours" is the branch being rebased onto and "theirs" the commit being replayed.
Exit codes: 0 resolved (or nothing to resolve), 1 a conflict only a person can settle, 2 usage or unreadable sides, 3 registry locked.`,
    )
    .action(async (files: string[], options: ResolveOptions) => (await import('./registry-merge.js')).resolveAction(ctx, options, files));

  cmd
    .command('merge-driver')
    .description('the registry\'s git merge driver (installed by "portreg git install"): merges %A with %B from base %O, entry by entry')
    .argument('<base>', '%O: the common ancestor')
    .argument('<ours>', '%A: ours; the merge is written here')
    .argument('<theirs>', '%B: theirs')
    .argument('[path]', '%P: the path in the repository, for messages')
    .addHelpText(
      'after',
      `
Exit codes: 0 merged (a port both sides took moved on theirs: its configs need "portreg lint --fix" after the merge),
1 a true conflict: %A is left with git's conflict markers, for "portreg registry resolve" or a hand edit.`,
    )
    .action(async (base: string, ours: string, theirs: string, shownPath: string | undefined) =>
      (await import('./registry-merge.js')).mergeDriverAction(ctx, base, ours, theirs, shownPath),
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
