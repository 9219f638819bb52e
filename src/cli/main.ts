#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { ExitCode, PortregError } from '../errors.js';
import type { CommandContext } from './context.js';
import { allocateCommand, releaseCommand } from './commands/allocate.js';
import { initCommand } from './commands/init.js';
import { listCommand } from './commands/list.js';
import { projectCommand } from './commands/project.js';
import { registryCommand } from './commands/registry.js';
import { scanCommand } from './commands/scan.js';
import { lintCommand } from './commands/lint.js';
import { whoCommand } from './commands/who.js';
import { mcpCommand } from './commands/mcp.js';
import { psCommand } from './commands/ps.js';
import { doctorCommand } from './commands/doctor.js';
import { reassignCommand } from './commands/reassign.js';
import { migrateCommand } from './commands/migrate.js';
import { generateCommand } from './commands/generate.js';

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function wantsJson(argv: string[]): boolean {
  return argv.includes('--json') || argv.some((a, i) => (a === '--format' && argv[i + 1] === 'json') || a === '--format=json');
}

export function buildProgram(ctx: CommandContext): Command {
  const program = new Command('portreg')
    .description('Keep network ports straight across projects that share machines: a port registry in git, a safe allocator, and checks for configs.')
    .version(packageVersion(), '-v, --version')
    .showSuggestionAfterError()
    .configureOutput({ writeOut: ctx.stdout, writeErr: ctx.stderr })
    .addHelpText(
      'after',
      `
Exit codes: 0 done, 1 findings or a refusal, 2 usage, configuration or an unreadable registry, 3 the registry lock could not be had in time.`,
    );
  for (const cmd of [initCommand(ctx), registryCommand(ctx), projectCommand(ctx), allocateCommand(ctx), releaseCommand(ctx), whoCommand(ctx), listCommand(ctx), scanCommand(ctx), lintCommand(ctx), psCommand(ctx), doctorCommand(ctx), mcpCommand(ctx), reassignCommand(ctx), migrateCommand(ctx), generateCommand(ctx)]) {
    program.addCommand(cmd);
  }
  // Commander exits with 1 on usage errors; ours is 2. Apply to every subcommand.
  const override = (c: Command) => {
    c.exitOverride();
    c.commands.forEach(override);
  };
  override(program);
  return program;
}

export async function run(argv: string[], ctx: CommandContext): Promise<number> {
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.Ok;
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
