/**
 * Commands return their exit code: an action gives back an ExitCode, or nothing for 0. Commander
 * drops what an action returns, so commands are PortregCommands, which keep it on the program for
 * `run` to return (no process.exitCode, which would leak from one in-process run to the next).
 */
import { Command } from 'commander';
import type { ExitCode } from '../errors.js';

/** What an action gives back: its exit code, or nothing for 0. */
export type ActionResult = ExitCode | undefined;

export class PortregCommand extends Command {
  #returned: ExitCode | undefined;

  /** Subcommands made with `.command(name)` are PortregCommands too. */
  override createCommand(name?: string): PortregCommand {
    return new PortregCommand(name);
  }

  // biome-ignore lint/suspicious/noConfusingVoidType: an action that returns nothing has Commander's own type.
  override action(fn: (this: this, ...args: never[]) => ActionResult | void | Promise<ActionResult | void>): this {
    return super.action(async (...args: unknown[]) => {
      const code = await fn.apply(this, args as never[]);
      if (code === undefined) return;
      let program: Command = this;
      while (program.parent) program = program.parent;
      (program instanceof PortregCommand ? program : this).#returned = code;
    });
  }

  /** The exit code the action that ran returned (on the program: whichever of its commands ran). */
  get returnedExitCode(): ExitCode | undefined {
    return this.#returned;
  }
}
