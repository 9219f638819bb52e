import { Command, Option } from 'commander';
import { shouldProbe, probeLivePorts } from '../../live/probe.js';
import { allocationSummary, type Allocation, type Release } from '../../registry/operations.js';
import { formatRange } from '../../registry/types.js';
import type { Protocol } from '../../protocol.js';
import { refuseWithGit, remoteLines, remoteSummary, remoteTargetFor, withGitOptions } from '../git-mode.js';
import {
  branchClaimsFor,
  outputFormat,
  parsePort,
  printJson,
  resolveRegistry,
  storeOptions,
  withCommonOptions,
  type CommandContext,
  type CommonOptions,
} from '../context.js';

interface AllocateOptions extends CommonOptions {
  project?: string;
  service: string;
  purpose: string;
  port?: string;
  env?: string;
  protocol?: Protocol;
  containerPort?: string;
  composeService?: string;
  probe?: boolean;
  update?: boolean;
  allowDirty?: boolean;
  branchClaims?: boolean;
  git?: boolean;
}

export function allocateCommand(ctx: CommandContext): Command {
  const cmd = withGitOptions(
    withCommonOptions(
      new Command('allocate')
        .description("give a service the next available port in its project's range (or check and take --port)")
        .option('--project <name>', 'the project (default: "project" in portreg.config.json)')
        .requiredOption('--service <name>', 'the service, for example api or postgres')
        .requiredOption('--purpose <text>', 'what the port is for')
        .option('--port <n>', 'take this port, after checking it is in range, not reserved and not taken')
        .option('--env <VAR>', 'the environment variable that carries the port, for example API_PORT')
        .addOption(new Option('--protocol <protocol>', 'the protocol').choices(['tcp', 'udp', 'sctp']).default('tcp'))
        .option('--container-port <n>', 'the port inside the container')
        .option('--compose-service <name>', 'the compose service, when its name differs from --service')
        .option('--probe', 'skip ports something listens on right now (default, except when CI is set)')
        .option('--no-probe', 'do not look at the ports in use on this machine')
        .option(
          '--update',
          "also update the project's configs in the same all-or-nothing step: the compose ports entry, .env.example and the README port table",
        )
        .option('--allow-dirty', 'with --update: update files that have uncommitted changes')
        .option(
          '--branch-claims',
          'skip ports that the registry of another remote-tracking branch gives to another service (default; "branchClaims" in portreg.config.json)',
        )
        .option('--no-branch-claims', 'do not read the registry of other branches'),
    ),
  ).addHelpText(
    'after',
    `
Ports that the registry at the tip of another remote-tracking branch (not merged into HEAD) gives to
another service are skipped, as of the last git fetch (--no-branch-claims: not read).
Plain output is the port number alone, so PORT=$(portreg allocate ...) works.
The same project and service get their existing port back (idempotent).
Without --update, the generated text that exists and that the allocation changes (README and env
template regions between portreg markers, .supervisor-specific files, the configured TypeScript
module) is refreshed in the same step (named on stderr); no generated file is created.
--update: the files are planned against the new allocation and written all or nothing, then the
registry; if the registry cannot be written, the files get their previous bytes back. What changed
goes to stderr (the port alone stays on stdout). Without a compose service of that name, it says
which file to add it to and prints the snippet. Files with uncommitted changes are refused (exit 1,
nothing written, no port allocated) unless --allow-dirty.
--git (or "git" in portreg.config.json): the allocation is made on the remote's branch of record and
pushed as a commit of the registry alone; this working tree is not written (git pull brings it in);
see docs/git-allocation.md. Not with --update.
Exit codes: 0 allocated, 1 refused (range full, port taken, unknown project), 2 usage or registry error
(remote unreachable), 3 registry locked.`,
  );
  cmd.action(async (options: AllocateOptions) => {
    const located = await resolveRegistry(ctx, options);
    const project = options.project ?? located.project;
    if (!project) {
      cmd.error('error: required option \'--project <name>\' not specified (or set "project" in portreg.config.json)', { exitCode: 2 });
    }
    const explicitPort = options.port !== undefined ? parsePort(options.port) : undefined;
    const containerPort = options.containerPort !== undefined ? parsePort(options.containerPort, 'container port') : undefined;
    const explicitProbe = cmd.getOptionValueSource('probe') === 'cli' ? options.probe !== false : undefined;
    const live = shouldProbe(ctx.env, explicitProbe) ? await probeLivePorts() : undefined;
    const claims = await branchClaimsFor(ctx, located, cmd.getOptionValueSource('branchClaims') === 'cli' ? options.branchClaims : undefined);
    const request = {
      project: project!,
      service: options.service,
      purpose: options.purpose,
      port: explicitPort,
      env: options.env,
      protocol: options.protocol,
      containerPort,
      composeService: options.composeService,
    };
    const target = remoteTargetFor(cmd, located, options);
    if (target) {
      if (options.update)
        refuseWithGit(
          target,
          '--update',
          'run allocate --git without --update, git pull, then portreg allocate --update (the repeat keeps the port and writes the files), or run it without --git',
        );
      const [{ allocationChange }, { writeThroughRemote, commitMessage }] = await Promise.all([
        import('../../registry/operations.js'),
        import('../../registry/remote.js'),
      ]);
      const store = storeOptions(ctx);
      const write = await writeThroughRemote(allocationChange(located.path, request, { ...store, livePorts: live, claims }), target, commitMessage.allocate);
      return printAllocation(ctx, options, write.result, { git: remoteSummary(target, write) }, remoteLines(target, write));
    }
    let updated: import('../../generate/update.js').AllocateUpdateResult | undefined;
    let refreshed: string[] = [];
    let notes: string[] = [];
    let result: Allocation;
    if (options.update) {
      const [{ allocateWithUpdate }, { uncommittedPolicy }] = await Promise.all([import('../../generate/update.js'), import('../../fix/commit.js')]);
      const store = storeOptions(ctx);
      updated = await allocateWithUpdate(request, {
        cwd: ctx.cwd,
        env: ctx.env,
        registry: options.registry,
        now: store.now,
        lock: store.lock,
        livePorts: live,
        claims,
        uncommitted: uncommittedPolicy(options.allowDirty, '--allow-dirty'),
      });
      result = updated.allocation;
    } else {
      // The generated text the allocation changes comes along (generate/refresh.ts).
      const { allocateAndRefresh } = await import('../../generate/refresh.js');
      ({
        allocation: result,
        refreshed,
        notes,
      } = await allocateAndRefresh(request, {
        ...storeOptions(ctx),
        env: ctx.env,
        registry: options.registry,
        livePorts: live,
        claims,
      }));
    }
    const { refreshedLine } = await import('../../generate/refresh.js');
    const lines = [...refreshedLine(refreshed), ...notes.map((n) => `note: ${n}`)];
    if (updated) lines.push(...(await import('../../generate/update.js')).updateLines(updated));
    const extra = updated ? { update: (await import('../../generate/update.js')).updateSummary(updated) } : { refreshed };
    printAllocation(ctx, options, result, extra, lines);
  });
  return cmd;
}

/** The answer of allocate: JSON, or the port alone on stdout and the rest on stderr. */
function printAllocation(ctx: CommandContext, options: CommonOptions, result: Allocation, extra: Record<string, unknown>, lines: string[]): void {
  if (outputFormat(options) === 'json') {
    printJson(ctx, { ...allocationSummary(result), ...extra });
    return;
  }
  for (const line of lines) ctx.stderr(`portreg: ${line}\n`);
  for (const w of result.warnings) ctx.stderr(`portreg: warning: ${w}\n`);
  if (result.skippedLive.length) {
    ctx.stderr(`portreg: skipped ${result.skippedLive.join(', ')}: in use on this machine right now\n`);
  }
  if (!result.created) {
    ctx.stderr(`portreg: service "${result.service}" of project "${result.project}" already has port ${result.port} (range ${formatRange(result.range)})\n`);
  }
  ctx.stdout(`${result.port}\n`);
}

export function releaseCommand(ctx: CommandContext): Command {
  const cmd = withGitOptions(
    withCommonOptions(
      new Command('release')
        .description("remove a service's allocation; its port stays in quarantine before anyone else may have it")
        .option('--project <name>', 'the project (default: "project" in portreg.config.json)')
        .requiredOption('--service <name>', 'the service'),
    ),
  ).addHelpText(
    'after',
    `
The generated text that exists (README and env template regions between portreg markers,
.supervisor-specific files, the configured TypeScript module) is refreshed in the same step; no
generated file is created. Releasing a service released already says so and changes nothing.
--git (or "git" in portreg.config.json): released on the remote's branch of record, as allocate --git.
Exit codes: 0 released (or released already), 1 refused (unknown project or service), 2 usage or registry error, 3 registry locked.`,
  );
  cmd.action(async (options: CommonOptions & { project?: string; service: string; git?: boolean }) => {
    const located = await resolveRegistry(ctx, options);
    const project = options.project ?? located.project;
    if (!project) cmd.error("error: required option '--project <name>' not specified", { exitCode: 2 });
    const target = remoteTargetFor(cmd, located, options);
    if (target) {
      const [{ releaseChange }, { writeThroughRemote, commitMessage }] = await Promise.all([
        import('../../registry/operations.js'),
        import('../../registry/remote.js'),
      ]);
      const write = await writeThroughRemote(releaseChange(located.path, project!, options.service, storeOptions(ctx)), target, commitMessage.release);
      return printRelease(ctx, options, write.result, { git: remoteSummary(target, write) }, remoteLines(target, write));
    }
    const { releaseAndRefresh, refreshedLine } = await import('../../generate/refresh.js');
    const { release, refreshed, notes } = await releaseAndRefresh(project!, options.service, {
      ...storeOptions(ctx),
      env: ctx.env,
      registry: options.registry,
    });
    printRelease(ctx, options, release, { refreshed }, [...refreshedLine(refreshed), ...notes.map((n) => `note: ${n}`)]);
  });
  return cmd;
}

function printRelease(ctx: CommandContext, options: CommonOptions, release: Release, extra: Record<string, unknown>, lines: string[]): void {
  const { project, service, port, released } = release;
  if (outputFormat(options) === 'json') {
    printJson(ctx, { project, service, port, released, ...extra });
    return;
  }
  for (const line of lines) ctx.stderr(`portreg: ${line}\n`);
  ctx.stdout(
    released
      ? `released port ${port} of service "${service}" of project "${project}"\n`
      : `service "${service}" of project "${project}" is already released (port ${port} stays in quarantine); nothing to change\n`,
  );
}
