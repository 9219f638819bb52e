import type { Command } from 'commander';
import { Option } from 'commander';
import { usageError } from '../errors.js';
import { locateRegistry, type LocatedRegistry } from '../config/locate-registry.js';
import { branchClaimsEnabled } from '../config/load-config.js';
import type { BranchClaim } from '../registry/port-index.js';
import type { LockOptions } from '../registry/lock.js';

/** What every command gets: where it runs, how to print, and the registry it works on. */
export interface CommandContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Colour on a terminal unless NO_COLOR or --no-color. */
  color: boolean;
  now: () => Date;
}

export interface CommonOptions {
  registry?: string;
  format?: 'text' | 'json';
  json?: boolean;
  color?: boolean;
}

export type OutputFormat = 'text' | 'json';

/** --registry, --format and --json on every command, so they may follow the command name. */
export function withCommonOptions<C extends Command>(cmd: C, formats: string[] = ['text', 'json']): C {
  return cmd
    .option('--registry <path>', 'the registry file (default: PORTREG_REGISTRY, the config file, or the nearest ports.registry.json upward)')
    .addOption(new Option('--format <format>', 'output format').choices(formats))
    .option('--json', 'short for --format json')
    .option('--no-color', 'no colours in the output');
}

export function outputFormat(options: CommonOptions): OutputFormat {
  if (options.json) return 'json';
  return options.format === 'json' ? 'json' : 'text';
}

export function printJson(ctx: CommandContext, value: unknown): void {
  ctx.stdout(JSON.stringify(value, null, 2) + '\n');
}

export async function resolveRegistry(ctx: CommandContext, options: CommonOptions): Promise<LocatedRegistry> {
  return locateRegistry({ cwd: ctx.cwd, explicit: options.registry, env: ctx.env, report: ctx.stderr });
}

export function parsePort(value: string, what = 'port'): number {
  if (!/^\d+$/.test(value)) throw usageError('port-invalid', `${what} "${value}" is not a number`);
  const n = Number(value);
  if (n < 1 || n > 65535) throw usageError('port-invalid', `${what} ${n} is outside 1-65535`);
  return n;
}

export function parseRangeArg(value: string): { from: number; to: number } {
  const m = /^(\d+)-(\d+)$/.exec(value.trim());
  if (!m) throw usageError('range-invalid', `range "${value}" must look like FROM-TO, for example 5100-5199`);
  const from = parsePort(m[1]!, 'range start');
  const to = parsePort(m[2]!, 'range end');
  if (from > to) throw usageError('range-invalid', `range ${value} runs backwards`);
  return { from, to };
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Options for registry writes. PORTREG_LOCK_TIMEOUT (seconds, default 10) is how long a
 * command waits for another one's lock: a busy CI may want longer, a test shorter.
 */
export function storeOptions(ctx: CommandContext): { now: Date; cwd: string; lock: LockOptions } {
  const seconds = Number(ctx.env.PORTREG_LOCK_TIMEOUT);
  const timeout = Number.isFinite(seconds) && seconds >= 0 && ctx.env.PORTREG_LOCK_TIMEOUT ? { timeoutMs: seconds * 1000 } : {};
  // A wait of more than a second says who holds the lock, so the command does not just seem to hang.
  return { now: ctx.now(), cwd: ctx.cwd, lock: { ...timeout, onWait: (holder) => ctx.stderr(`portreg: waiting for the registry lock, held by ${holder}\n`) } };
}

/**
 * The ports other remote-tracking branches give away, for allocate: `flag` is --branch-claims /
 * --no-branch-claims when given; otherwise the config's "branchClaims" (default on).
 */
export async function branchClaimsFor(ctx: CommandContext, located: LocatedRegistry, flag: boolean | undefined): Promise<BranchClaim[] | undefined> {
  if (!branchClaimsEnabled(located.config, flag)) return undefined;
  const { readBranchClaims } = await import('../registry/branch-claims.js');
  return readBranchClaims(located.path, { now: ctx.now(), cwd: ctx.cwd });
}
