import { Command } from 'commander';
import { usageError } from '../../errors.js';
import { loadRegistry } from '../../registry/load.js';
import { moveProject, reassignService, type PortMove } from '../../registry/moves.js';
import { serializeRegistry } from '../../registry/serialize.js';
import { projectMoveChange, reassignmentChange } from '../../registry/operations.js';
import { assertWritable } from '../../registry/store.js';
import { formatRange } from '../../registry/types.js';
import { commitMessage } from '../../registry/remote.js';
import { remoteTargetFor, withGitOptions } from '../git-mode.js';
import { outputFormat, parsePort, parseRangeArg, storeOptions, withCommonOptions, type CommandContext, type CommonOptions } from '../context.js';

interface RewriteFlags extends CommonOptions {
  write?: boolean;
  allowDirty?: boolean;
}

const REWRITE_HELP = `
Dry run by default: prints a unified diff of every file (and the registry) and a table
project | service | old | new | files changed; --write applies it. Only the occurrences that
belong to the service change: the host side of a compose mapping, an interpolation default, the
env template's value, URLs and README mentions the scanner ties to the service or its port, and
references to it from other projects. Container ports, versions and bare numbers stay.
Files first, all or nothing, then the registry; if the registry cannot be written, the files are
restored. After writing, the tree is scanned again and must show every port where the plan put it.
The generated text that exists (regions between portreg markers, .supervisor-specific files, the
configured TypeScript module) and that the move changes is refreshed in the same step; none is created.
Files with uncommitted changes are refused unless --allow-dirty.
--git (or "git" in portreg.config.json): the registry change is pushed to the remote's branch of
record first (this tree's registry must be that branch's: git pull first), then this tree is
rewritten the same way; commit it and git pull. See docs/git-allocation.md.
Exit codes: 0 done (or planned), 1 refused, 2 usage or registry error, 3 registry locked.`;

function rewriteOptions(ctx: CommandContext, options: RewriteFlags) {
  return { write: options.write, allowDirty: options.allowDirty, json: outputFormat(options) === 'json', color: ctx.color && options.color !== false };
}

/** Probing is advisory: on by default, off in CI (as for allocate). */
async function livePortsFor(ctx: CommandContext, cmd: Command, options: { probe?: boolean }): Promise<Set<string> | undefined> {
  const explicit = cmd.getOptionValueSource('probe') === 'cli';
  const probe = explicit ? options.probe !== false : !ctx.env.CI;
  if (!probe) return undefined;
  const { livePorts } = await import('../../live/listeners.js');
  return livePorts({ includeProcesses: false });
}

export function reassignCommand(ctx: CommandContext): Command {
  const cmd = withGitOptions(
    withCommonOptions(
      new Command('reassign')
        .description('move a service to another port: the registry (old port kept in its history, in quarantine) and every config that uses it')
        .option('--project <name>', 'the project (default: "project" in portreg.config.json)')
        .requiredOption('--service <name>', 'the service')
        .option('--port <n>', 'the new port (checked: in range, free, not reserved, not in quarantine)')
        .option('--next', "the allocator's choice: the lowest free port of the project's range")
        .option('--reason <text>', 'why, kept with the old port in the history')
        .option('--write', 'apply the changes (default: show them)')
        .option('--allow-dirty', 'rewrite files that have uncommitted changes')
        .option('--code', 'also move port literals in TypeScript and JavaScript (or "code": true in portreg.config.json)')
        .option('--probe', 'with --next, skip ports something listens on right now (default, except when CI is set)')
        .option('--no-probe', 'do not look at the ports in use on this machine'),
    ),
  ).addHelpText('after', REWRITE_HELP);
  cmd.action(
    async (
      options: RewriteFlags & {
        project?: string;
        service: string;
        port?: string;
        next?: boolean;
        reason?: string;
        probe?: boolean;
        code?: boolean;
        git?: boolean;
      },
    ) => {
      if ((options.port === undefined) === !options.next) throw usageError('usage', 'give either --port N or --next');
      const { runRewrite, openWorkspace, reassignNote } = await rewriteEngine();
      const ws = await openWorkspace({ cwd: ctx.cwd, env: ctx.env, registry: options.registry, ...(options.code ? { code: true } : {}) });
      const target = remoteTargetFor(cmd, ws.located, options);
      const project = options.project ?? ws.located.project;
      if (!project) throw usageError('usage', 'required option \'--project <name>\' not specified (or set "project" in portreg.config.json)');
      const port = options.port !== undefined ? parsePort(options.port) : undefined;
      const loaded = await loadRegistry(ws.located.path, { now: ctx.now(), cwd: ctx.cwd });
      const registry = assertWritable(loaded);
      const live = port === undefined ? await livePortsFor(ctx, cmd, options) : undefined;
      const planned = reassignService(registry, { project, service: options.service, port, reason: options.reason }, { now: ctx.now(), livePorts: live });
      if (!planned.changed) {
        if (outputFormat(options) === 'json')
          ctx.stdout(JSON.stringify({ dryRun: !options.write, changed: false, project, service: options.service, port: planned.to }, null, 2) + '\n');
        ctx.stderr(`portreg: service "${options.service}" of project "${project}" already has port ${planned.to}; nothing to change\n`);
        return;
      }
      if (planned.skippedLive.length) ctx.stderr(`portreg: skipped ${planned.skippedLive.join(', ')}: in use on this machine right now\n`);
      const move: PortMove = { project, service: options.service, from: planned.from, to: planned.to };
      await runRewrite({
        ctx,
        command: 'reassign',
        ws,
        options: rewriteOptions(ctx, options),
        attribution: registry,
        next: planned.registry,
        moves: [move],
        warnings: planned.warnings,
        json: { project, service: options.service, old: planned.from, new: planned.to },
        ...(target ? { remote: { target, message: commitMessage.reassign } } : {}),
        registry: {
          preview: {
            before: loaded.text,
            after: serializeRegistry(planned.registry),
            notes: [reassignNote(move)],
          },
          change: reassignmentChange(ws.located.path, { ...move, reason: options.reason }, storeOptions(ctx)),
        },
      });
    },
  );
  return cmd;
}

export function projectMoveCommand(ctx: CommandContext): Command {
  const cmd = withGitOptions(
    withCommonOptions(
      new Command('move')
        .description('give a project a new range; each service keeps its offset, and its configs move with it')
        .argument('<name>', 'project name')
        .requiredOption('--range <from-to>', 'the new range, for example 5300-5399')
        .option('--port <service=port...>', "a service's port in the new range, instead of its old offset (repeatable)")
        .option('--write', 'apply the changes (default: show them)')
        .option('--allow-dirty', 'rewrite files that have uncommitted changes'),
    ),
  ).addHelpText('after', REWRITE_HELP);
  cmd.action(async (name: string, options: RewriteFlags & { range: string; port?: string[]; git?: boolean }) => {
    const range = parseRangeArg(options.range);
    const ports = parseServicePorts(options.port ?? []);
    const { runRewrite, openWorkspace } = await rewriteEngine();
    const ws = await openWorkspace({ cwd: ctx.cwd, env: ctx.env, registry: options.registry });
    const target = remoteTargetFor(cmd, ws.located, options);
    const loaded = await loadRegistry(ws.located.path, { now: ctx.now(), cwd: ctx.cwd });
    const registry = assertWritable(loaded);
    const planned = moveProject(registry, name, range, { now: ctx.now() }, ports);
    if (!planned.changed) {
      if (outputFormat(options) === 'json') ctx.stdout(JSON.stringify({ dryRun: !options.write, changed: false, project: name, range }, null, 2) + '\n');
      ctx.stderr(`portreg: project "${name}" already has range ${formatRange(range)}; nothing to change\n`);
      return;
    }
    await runRewrite({
      ctx,
      command: 'project move',
      ws,
      options: rewriteOptions(ctx, options),
      attribution: registry,
      next: planned.registry,
      moves: planned.moves,
      warnings: planned.warnings,
      json: { project: name, from: planned.from, to: planned.to },
      ...(target ? { remote: { target, message: commitMessage.projectMove } } : {}),
      registry: {
        preview: {
          before: loaded.text,
          after: serializeRegistry(planned.registry),
          notes: [
            `project "${name}": range ${formatRange(planned.from)} → ${formatRange(planned.to)}`,
            ...planned.moves.map((m) => `service "${m.service}": port ${m.from} → ${m.to}; ${m.from} stays in its history (quarantine)`),
          ],
        },
        change: projectMoveChange(ws.located.path, { project: name, range, ports, moves: planned.moves }, storeOptions(ctx)),
      },
    });
  });
  return cmd;
}

/** The rewrite engine brings the scanner and its parsers: loaded only when a command runs. */
async function rewriteEngine() {
  const [{ runRewrite }, { openWorkspace }, { reassignNote }] = await Promise.all([
    import('../rewrite-command.js'),
    import('../../rewrite/workspace.js'),
    import('../../rewrite/report.js'),
  ]);
  return { runRewrite, openWorkspace, reassignNote };
}

/** `--port api=5310 --port db=5332` into { api: 5310, db: 5332 }. */
function parseServicePorts(values: string[]): Record<string, number> {
  const ports: Record<string, number> = {};
  for (const value of values) {
    const m = /^([^=\s]+)=(\d{1,5})$/.exec(value);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) throw usageError('usage', `--port takes SERVICE=PORT, for example --port api=5310 (got "${value}")`);
    if (m[1]! in ports) throw usageError('usage', `--port names service "${m[1]}" twice`);
    ports[m[1]!] = Number(m[2]);
  }
  return ports;
}
