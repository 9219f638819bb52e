import { Command } from 'commander';
import { refusal } from '../../errors.js';
import { diffRegistries, migrateRegistry, type MigrationChange } from '../../registry/moves.js';
import { serializeRegistry } from '../../registry/serialize.js';
import { migrationChange } from '../../registry/operations.js';
import { assertWritable } from '../../registry/store.js';
import { loadRegistry, parseRegistryText } from '../../registry/load.js';
import { portIndexOf } from '../../registry/port-index.js';
import { formatRange, type Registry } from '../../registry/types.js';
import { outputFormat, storeOptions, withCommonOptions, type CommandContext, type CommonOptions } from '../context.js';

/** Old ports that someone holds in the new registry: facts tied to a service by their number alone are ambiguous. */
function heldNow(registry: Registry, changes: MigrationChange[]): Map<number, string> {
  const held = new Map<number, string>();
  const leaving = new Set(changes.map((c) => c.from));
  for (const h of portIndexOf(registry).holdings()) {
    if (!leaving.has(h.port)) continue;
    const who = `service "${h.service}" of project "${h.project}"${h.protocols.join(',') !== 'tcp' ? ` (${h.protocols.join(', ')})` : ''}`;
    const before = held.get(h.port);
    held.set(h.port, before ? `${before} and ${who}` : who);
  }
  return held;
}

export function migrateCommand(ctx: CommandContext): Command {
  const cmd = withCommonOptions(
    new Command('migrate')
      .description('after a reallocation: rewrite the configs of every service whose port changed since a previous registry')
      .requiredOption('--from <old>', 'the previous registry: a file, or a git revision (HEAD~1 reads ports.registry.json at that revision)')
      .option('--write', 'apply the changes (default: show them)')
      .option('--allow-dirty', 'rewrite files that have uncommitted changes'),
  ).addHelpText(
    'after',
    `
Compares the previous registry with this one: services whose port changed, projects whose range
moved, and removed services (reported; their port recorded as released). A range moved by hand
without its ports (the services still on their old ports, outside it) is completed: each service
gets the port at its offset in the new range, written in the registry with the rest. Then
rewrites every occurrence of each old port that belongs to its service, as "portreg reassign" does: dry run by default, --write applies, all or nothing.
A second run finds nothing to change. Files with uncommitted changes are refused unless --allow-dirty.
The generated text that exists (regions between portreg markers, .supervisor-specific files, the
configured TypeScript module) and that the migration changes is refreshed in the same step.
Exit codes: 0 done (or planned), 1 refused, 2 usage, registry or git error (a shallow clone that
lacks the revision), 3 registry locked.`,
  );
  cmd.action(async (options: CommonOptions & { from: string; write?: boolean; allowDirty?: boolean }) => {
    const { runRewrite, openWorkspace, readPreviousRegistry } = await rewriteEngine();
    const ws = await openWorkspace({ cwd: ctx.cwd, env: ctx.env, registry: options.registry });
    const loaded = await loadRegistry(ws.located.path, { now: ctx.now(), cwd: ctx.cwd });
    const previous = await readPreviousRegistry(options.from, ws.located.path, ctx.cwd);
    // A range moved by hand without its ports fails the registry's checks; the migration gives
    // each service its offset in the new range, and may write the registry only if that repairs it.
    const current = loaded.data ?? assertWritable(loaded);
    const diff = diffRegistries(previous.registry, current);
    const registryStep = migrateRegistry(current, diff, { now: ctx.now() });
    const repairs = diff.changes.some((c) => c.how === 'offset');
    if (repairs) {
      const migrated = parseRegistryText(serializeRegistry(registryStep.registry ?? current), ws.located.path, { now: ctx.now(), cwd: ctx.cwd });
      const left = migrated.findings.filter((f) => f.severity === 'error');
      if (left.length > 0) {
        throw refusal(
          'registry-invalid',
          `${loaded.displayPath}: ${diff.rangeMoves.map((r) => `project "${r.project}" moved from ${formatRange(r.from)} to ${formatRange(r.to)}`).join(', ')} without its ports; ` +
            `with each service at its offset in the new range, the registry would still have ${left.length} error${left.length === 1 ? '' : 's'}; fix ${left.length === 1 ? 'it' : 'them'} in the registry first (or give the services their ports yourself), nothing was written:\n` +
            left.map((f) => `  ${f.message} (${f.ruleId})`).join('\n'),
        );
      }
    } else {
      assertWritable(loaded);
    }
    const ambiguous = heldNow(registryStep.registry ?? current, diff.changes);
    const warnings = [
      ...diff.rangeMoves.map((r) => `project "${r.project}" moved from ${formatRange(r.from)} to ${formatRange(r.to)}`),
      ...[...ambiguous].map(
        ([port, who]) => `port ${port} changed hands: it is now the port of ${who}; occurrences tied to a service only by the number are left alone`,
      ),
    ];
    await runRewrite({
      ctx,
      command: 'migrate',
      ws,
      options: { write: options.write, allowDirty: options.allowDirty, json: outputFormat(options) === 'json', color: ctx.color && options.color !== false },
      // The configs still say what the previous registry said: it tells whose each port is.
      attribution: previous.registry,
      next: registryStep.registry ?? current,
      moves: diff.changes.map(({ project, service, from, to }) => ({ project, service, from, to })),
      select: { ambiguous },
      extraRows: diff.removed.map((r) => ({ project: r.project, service: r.service, old: r.port, new: null, filesChanged: 0, note: 'removed' })),
      warnings,
      json: { from: previous.label, rangeMoves: diff.rangeMoves, removed: diff.removed },
      registry: registryStep.registry
        ? {
            preview: { before: loaded.text, after: serializeRegistry(registryStep.registry), notes: registryStep.notes },
            change: migrationChange(ws.located.path, { previous: previous.registry, changes: diff.changes, repair: repairs }, storeOptions(ctx)),
          }
        : null,
    });
  });
  return cmd;
}

/** The rewrite engine brings the scanner and its parsers: loaded only when a command runs. */
async function rewriteEngine() {
  const [{ runRewrite }, { openWorkspace }, { readPreviousRegistry }] = await Promise.all([
    import('../rewrite-command.js'),
    import('../../rewrite/workspace.js'),
    import('../../rewrite/previous-registry.js'),
  ]);
  return { runRewrite, openWorkspace, readPreviousRegistry };
}
