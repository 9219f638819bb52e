#!/usr/bin/env node
import { type Command, CommanderError } from 'commander';
import { packageVersion } from '../package-info.js';
import { ExitCode, PortregError } from '../errors.js';
import { PortregCommand } from './command.js';
import type { CommandContext } from './context.js';

type CommandFactory = (ctx: CommandContext) => Promise<Command>;

/**
 * Every command, in the order help lists them. Each module is imported only when its command runs
 * (help and unknown commands load them all): `portreg lint` does not load the MCP server or the
 * migration planner, and `portreg --version` loads no command at all.
 */
const COMMANDS: [name: string, load: CommandFactory][] = [
  ['init', async (ctx) => (await import('./commands/init.js')).initCommand(ctx)],
  ['registry', async (ctx) => (await import('./commands/registry.js')).registryCommand(ctx)],
  ['project', async (ctx) => (await import('./commands/project.js')).projectCommand(ctx)],
  ['allocate', async (ctx) => (await import('./commands/allocate.js')).allocateCommand(ctx)],
  ['release', async (ctx) => (await import('./commands/allocate.js')).releaseCommand(ctx)],
  ['who', async (ctx) => (await import('./commands/who.js')).whoCommand(ctx)],
  ['list', async (ctx) => (await import('./commands/list.js')).listCommand(ctx)],
  ['scan', async (ctx) => (await import('./commands/scan.js')).scanCommand(ctx)],
  ['lint', async (ctx) => (await import('./commands/lint.js')).lintCommand(ctx)],
  ['ps', async (ctx) => (await import('./commands/ps.js')).psCommand(ctx)],
  ['doctor', async (ctx) => (await import('./commands/doctor.js')).doctorCommand(ctx)],
  ['slot', async (ctx) => (await import('./commands/slot.js')).slotCommand(ctx)],
  ['env', async (ctx) => (await import('./commands/env.js')).envCommand(ctx)],
  ['hooks', async (ctx) => (await import('./commands/hooks.js')).hooksCommand(ctx)],
  ['map', async (ctx) => (await import('./commands/map.js')).mapCommand(ctx)],
  ['mcp', async (ctx) => (await import('./commands/mcp.js')).mcpCommand(ctx)],
  ['reassign', async (ctx) => (await import('./commands/reassign.js')).reassignCommand(ctx)],
  ['migrate', async (ctx) => (await import('./commands/migrate.js')).migrateCommand(ctx)],
  ['generate', async (ctx) => (await import('./commands/generate.js')).generateCommand(ctx)],
  ['schema', async (ctx) => (await import('./commands/schema.js')).schemaCommand(ctx)],
  ['git', async (ctx) => (await import('./commands/git.js')).gitCommand(ctx)],
];

/** The commands `argv` needs: the one it names, none for a bare --version, all otherwise (help, suggestions). */
function commandsFor(argv: string[]): [string, CommandFactory][] {
  // The program's own options (--version, --help) take no value: the first other word names the command.
  const first = argv.find((a) => !a.startsWith('-'));
  const named = first === undefined ? undefined : COMMANDS.find(([name]) => name === first);
  if (named) return [named];
  if (first === undefined && argv.length > 0 && argv.every((a) => a === '-v' || a === '--version')) return [];
  return COMMANDS;
}

function wantsJson(argv: string[]): boolean {
  return argv.includes('--json') || argv.some((a, i) => (a === '--format' && argv[i + 1] === 'json') || a === '--format=json');
}

export async function buildProgram(ctx: CommandContext, argv?: string[]): Promise<PortregCommand> {
  const program = new PortregCommand('portreg')
    .description('Keep network ports straight across projects that share machines: a port registry in git, a safe allocator, and checks for configs.')
    .version(packageVersion(), '-v, --version')
    .showSuggestionAfterError()
    .addHelpText(
      'after',
      `
Exit codes: 0 done, 1 findings or a refusal, 2 usage, configuration or an unreadable registry, 3 the registry lock could not be had in time.`,
    );
  const wanted = argv ? commandsFor(argv) : COMMANDS;
  for (const cmd of await Promise.all(wanted.map(([, load]) => load(ctx)))) program.addCommand(cmd);
  // Commander exits with 1 on usage errors; ours is 2. Its output goes where the context says, and
  // its errors read as ours do. Apply to every subcommand (addCommand does not pass settings on).
  const output = { writeOut: ctx.stdout, writeErr: ctx.stderr, outputError: (text: string, write: (t: string) => void) => write(usageMessage(text)) };
  const override = (c: Command) => {
    c.exitOverride();
    c.configureOutput(output);
    c.commands.forEach(override);
  };
  override(program);
  return program;
}

/**
 * Commander's usage error as portreg says errors: `portreg: unknown command 'registy' (did you mean
 * registry?)` on one line, instead of `error: unknown command 'registy'` and a second line.
 */
export function usageMessage(text: string): string {
  const [first = '', ...rest] = text.trimEnd().split('\n');
  const hint = rest.map((l) => /^\(Did you mean (.+)\?\)$/.exec(l.trim())).find(Boolean);
  const others = rest.filter((l) => !/^\(Did you mean .+\?\)$/.test(l.trim()));
  const message = first.replace(/^error: /, '');
  const help = !hint && message.startsWith('unknown command') ? ' (portreg --help lists the commands)' : '';
  const head = `portreg: ${message}${hint ? ` (did you mean ${hint[1]}?)` : help}`;
  return [head, ...others].join('\n') + '\n';
}

export async function run(argv: string[], ctx: CommandContext): Promise<number> {
  try {
    const program = await buildProgram(ctx, argv);
    await program.parseAsync(argv, { from: 'user' });
    return program.returnedExitCode ?? ExitCode.Ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return ExitCode.Ok;
      return err.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    }
    if (err instanceof PortregError) {
      if (wantsJson(argv)) {
        ctx.stdout(JSON.stringify({ error: { code: err.code, message: err.message, ...(err.details ?? {}) } }, null, 2) + '\n');
      }
      ctx.stderr(`portreg: ${err.message}\n`);
      return err.exitCode;
    }
    ctx.stderr(`portreg: internal error: ${(err as Error).stack ?? String(err)}\n`);
    return ExitCode.Usage;
  }
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain || process.argv[1]?.endsWith('/portreg') || process.argv[1]?.endsWith('/main.js')) {
  // `portreg scan | head`: a closed pipe is the reader's choice, not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  const ctx: CommandContext = {
    cwd: process.cwd(),
    env: process.env,
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
    now: () => (process.env.PORTREG_NOW ? new Date(process.env.PORTREG_NOW) : new Date()),
  };
  run(process.argv.slice(2), ctx).then((code) => {
    process.exitCode = code;
  });
}
