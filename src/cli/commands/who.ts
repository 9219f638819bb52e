import { Command } from 'commander';
import { describePort } from '../../registry/allocator.js';
import { loadRegistry } from '../../registry/load.js';
import { assertWritable } from '../../registry/store.js';
import { formatRange, reservationRange } from '../../registry/types.js';
import { outputFormat, parsePort, printJson, resolveRegistry, withCommonOptions, type CommandContext, type CommonOptions } from '../context.js';

export function whoCommand(ctx: CommandContext): Command {
  return withCommonOptions(
    new Command('who')
      .description('who owns a port: the service, the reservation and its reason, or free')
      .argument('<port>', 'a port number'),
  ).action(async (portArg: string, options: CommonOptions) => {
    const port = parsePort(portArg);
    const located = await resolveRegistry(ctx, options);
    const registry = assertWritable(await loadRegistry(located.path, { now: ctx.now(), cwd: ctx.cwd }));
    const info = describePort(registry, port, { now: ctx.now() });
    if (outputFormat(options) === 'json') {
      printJson(ctx, info);
      return;
    }
    const lines: string[] = [];
    for (const o of info.owners) {
      lines.push(`${port}/${o.protocol.join(',')}: service "${o.service}" of project "${o.project}" (${o.purpose})`);
    }
    for (const r of info.reservations) {
      const sev = (r.severity ?? 'error') === 'error' ? 'reserved' : 'to avoid';
      lines.push(`${port}: ${sev}: ${r.reason} (${formatRange(reservationRange(r))}${r.owner ? `, for ${r.owner}` : ''})`);
    }
    if (info.quarantine) {
      const q = info.quarantine;
      lines.push(`${port}: in quarantine until ${q.until} (${q.what} by service "${q.service}" of project "${q.project}" on ${q.since})`);
    }
    if (info.rangeOf) {
      const r = registry.projects[info.rangeOf]!.range;
      lines.push(`${port}: in the range of project "${info.rangeOf}" (${formatRange(r)})${info.owners.length ? '' : ', not allocated'}`);
    }
    if (info.free && !info.rangeOf) lines.push(`${port}: free (no project's range holds it)`);
    ctx.stdout(lines.join('\n') + '\n');
  });
}
