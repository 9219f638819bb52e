/**
 * "scanning: 120 of 5000 files" on a terminal's stderr, for scans long enough to wonder about.
 * Quiet unless stderr is a terminal, and never in CI or for JSON: machines read those outputs.
 */
import type { CommandContext } from './context.js';

export interface ProgressOptions {
  enabled: boolean;
  write: (text: string) => void;
  now?: () => number;
  /** Show nothing for scans shorter than this. */
  afterMs?: number;
  /** Redraw at most this often: a terminal is slower than the scanner. */
  everyMs?: number;
}

export interface Progress {
  update: (read: number, total: number) => void;
  /** Erases the line, so the report starts on a clean terminal. */
  done: () => void;
}

export function createProgress(options: ProgressOptions): Progress {
  const now = options.now ?? Date.now;
  const afterMs = options.afterMs ?? 1000;
  const everyMs = options.everyMs ?? 100;
  const started = now();
  let shown = false;
  let last = -Infinity;
  return {
    update: (read, total) => {
      if (!options.enabled) return;
      const t = now();
      if (t - started < afterMs || t - last < everyMs) return;
      last = t;
      shown = true;
      options.write(`\rscanning: ${read} of ${total} files`);
    },
    done: () => {
      if (shown) options.write('\r\x1b[K');
    },
  };
}

/** The CLI's progress: on stderr when it is a terminal, outside CI, for text output. */
export function terminalProgress(ctx: CommandContext, json: boolean): Progress {
  // PORTREG_TEST_PROGRESS_AFTER_MS lets the end-to-end test see the line on a tiny tree.
  const testAfter = ctx.env.PORTREG_TEST_PROGRESS_AFTER_MS;
  return createProgress({
    enabled: !json && !ctx.env.CI && Boolean(process.stderr.isTTY),
    write: (text) => void process.stderr.write(text),
    afterMs: testAfter === undefined ? undefined : Number(testAfter),
    everyMs: testAfter === undefined ? undefined : 0,
  });
}
