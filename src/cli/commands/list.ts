import { Command } from 'commander';
import { listing } from '../../registry/listing.js';
import { loadRegistry } from '../../registry/load.js';
import { assertReadable } from '../../registry/store.js';
import { formatRange } from '../../registry/types.js';
import { outputFormat, printJson, resolveRegistry, withCommonOptions, type CommandContext, type CommonOptions } from '../context.js';

export { listing } from '../../registry/listing.js';

export function listCommand(ctx: CommandContext): Command {
  return withCommonOptions(
    new Command('list').description('list projects, their ranges and their ports').option('--project <name>', 'only this project'),
  ).action(async (options: CommonOptions & { project?: string }) => {
    const located = await resolveRegistry(ctx, options);
    const registry = assertReadable(await loadRegistry(located.path, { now: ctx.now(), cwd: ctx.cwd }));
    const projects = listing(registry, options.project);
    if (outputFormat(options) === 'json') {
      printJson(ctx, { projects });
      return;
    }
    if (projects.length === 0) {
      ctx.stdout('no projects yet: add one with "portreg project add NAME"\n');
      return;
    }
    const out: string[] = [];
    for (const p of projects) {
      out.push(`${p.project}  ${formatRange(p.range)}  (${p.used} of ${p.size} used)${p.path ? `  ${p.path}` : ''}`);
      const rows = p.services.map((s) => [
        s.service,
        `${s.port}/${s.protocol.join(',')}`,
        s.env ?? '',
        `${s.purpose}${s.containerPort ? ` (container ${s.containerPort})` : ''}`,
      ]);
      out.push(...table(rows).map((line) => `  ${line}`));
    }
    ctx.stdout(out.join('\n') + '\n');
  });
}

/** Aligned columns; a column that is empty in every row takes no space. */
function table(rows: string[][]): string[] {
  if (rows.length === 0) return [];
  const columns = rows[0]!.length;
  const widths = Array.from({ length: columns }, (_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) =>
    r
      .map((cell, c) => (c === columns - 1 ? cell : cell.padEnd(widths[c]!)))
      .filter((_, c) => widths[c]! > 0)
      .join('  ')
      .trimEnd(),
  );
}
