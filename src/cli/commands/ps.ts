import { Command } from 'commander';
import { readRegistry } from '../../registry/operations.js';
import { outputFormat, printJson, resolveRegistry, withCommonOptions, type CommandContext, type CommonOptions } from '../context.js';

export function psCommand(ctx: CommandContext): Command {
  return withCommonOptions(
    new Command('ps').description(
      'what listens on this machine right now, joined with the registry: each listener and its owner (or unregistered), registered services not listening, listeners on reserved ports',
    ),
  ).action(async (options: CommonOptions) => {
    const [{ listListeners }, { liveReport, describeOwner, formatEndpoint, formatProcess }] = await Promise.all([
      import('../../live/listeners.js'),
      import('../../live/report.js'),
    ]);
    const located = await resolveRegistry(ctx, options);
    const registry = await readRegistry(located.path, { now: ctx.now(), cwd: ctx.cwd });
    // The slots leased on this machine name the checkout behind a slot's port; a lease file that cannot be read names none.
    const { readLeases } = await import('../../slots/state.js');
    const holders = await readLeases(ctx.env).then(
      (r) => r.leases,
      () => [],
    );
    const report = liveReport(registry, await listListeners(), holders);
    if (outputFormat(options) === 'json') {
      printJson(ctx, report);
      return;
    }
    const out: string[] = [];
    out.push(`listening (${report.listeners.length}):`);
    const rows = report.listeners.map((l) => [
      l.protocol,
      formatEndpoint(l.address, l.port),
      l.pid === null ? '-' : String(l.pid),
      commandColumn(l),
      describeOwner(l),
    ]);
    out.push(...table([['PROTO', 'ADDRESS', 'PID', 'COMMAND', 'OWNER'], ...rows]).map((line) => `  ${line}`));
    if (report.onReserved.length) {
      out.push('', `on reserved ports (${report.onReserved.length}):`);
      for (const l of report.onReserved) {
        const r = l.reservations[0]!;
        out.push(
          `  ${l.protocol} ${formatEndpoint(l.address, l.port)} ${formatProcess(l)}: ${r.severity === 'error' ? 'reserved' : 'to avoid'}: ${r.reason}${r.owner ? ` (for ${r.owner})` : ''}`,
        );
      }
    }
    out.push('', `registered but not listening (${report.notListening.length}):`);
    out.push(...table(report.notListening.map((s) => [`${s.port}/${s.protocol}`, `${s.project}/${s.service}`, s.purpose])).map((line) => `  ${line}`));
    ctx.stdout(out.join('\n') + '\n');
  });
}

/** `node`; `docker-proxy (container billing-api-1)`; `container billing-api-1` without a proxy. */
function commandColumn(l: { pid: number | null; command: string | null; container: string | null }): string {
  const command = l.command ?? (l.pid === null && !l.container ? '(not visible)' : '');
  if (!l.container) return command;
  return command ? `${command} (container ${l.container})` : `container ${l.container}`;
}

/** Aligned columns, the last one ragged. */
function table(rows: string[][]): string[] {
  if (rows.length === 0) return [];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) =>
    r
      .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd(),
  );
}
