/**
 * Exit codes shared by every command (see README "Exit codes").
 * 0 done; 1 findings or a refusal; 2 usage, configuration or unreadable registry; 3 lock not had in time.
 */
export const ExitCode = {
  Ok: 0,
  Refused: 1,
  Usage: 2,
  LockTimeout: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * An error meant for the user: its message is printed as is, and it carries the exit code.
 * Anything else that is thrown is a bug and is reported with its stack.
 */
export class PortregError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    /** A stable machine-readable code for --format json and MCP results. */
    readonly code: string = 'error',
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'PortregError';
  }
}

/** A refusal: the request was understood but cannot be granted (range full, port taken). Exit 1. */
export function refusal(code: string, message: string, details?: Record<string, unknown>): PortregError {
  return new PortregError(message, ExitCode.Refused, code, details);
}

/** Usage, configuration or unreadable input. Exit 2. */
export function usageError(code: string, message: string, details?: Record<string, unknown>): PortregError {
  return new PortregError(message, ExitCode.Usage, code, details);
}
