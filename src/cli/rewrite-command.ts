/**
 * The common body of reassign, project move and migrate: plan, show (dry run by default) or
 * write (--write), verify, report.
 */
import type { CommandContext } from './context.js';
import { commitChangeSet, uncommittedPolicy } from '../fix/commit.js';
import type { PortMove } from '../registry/moves.js';
import type { RegistryChange } from '../registry/operations.js';
import type { Registry } from '../registry/types.js';
import { prepareRewrite, rewriteChanges, verifyCommitted, type PreparedRewrite } from '../rewrite/execute.js';
import type { SelectOptions } from '../rewrite/occurrences.js';
import { selectOccurrences } from '../rewrite/occurrences.js';
import { diffText, formatTable, planJson, skippedNotes, summaryRows, unreadNotes, type RegistryPreview, type SummaryRow } from '../rewrite/report.js';
import type { Workspace } from '../rewrite/workspace.js';

export interface RewriteOptions {
  write?: boolean;
  allowDirty?: boolean;
  json: boolean;
  color: boolean;
}

export interface RunRewriteInput {
  ctx: CommandContext;
  ws: Workspace;
  options: RewriteOptions;
  /** The registry before the move: it says which service each occurrence belongs to. */
  attribution: Registry;
  moves: PortMove[];
  select?: SelectOptions;
  /** The registry change (planned again under the lock), or null when the registry stays as it is. */
  registry: { preview: RegistryPreview; change: RegistryChange<unknown> } | null;
  /** More rows for the table (migrate: removed services). */
  extraRows?: SummaryRow[];
  /** More fields for --format json. */
  json?: Record<string, unknown>;
  warnings?: string[];
}

export async function runRewrite(input: RunRewriteInput): Promise<void> {
  const { ctx, ws, options } = input;
  const prepared = await prepareRewrite(ws, input.attribution, input.moves, input.select ?? {});
  const rows = [...summaryRows(prepared), ...(input.extraRows ?? []).map((r) => withLeftovers(r, prepared.scan, input.attribution))];
  const registryChanges = input.registry !== null && input.registry.preview.before !== input.registry.preview.after;
  const nothing = prepared.rewrite.edits.length === 0 && !registryChanges;
  const notes = [...(input.warnings ?? []).map((w) => `warning: ${w}`), ...unreadNotes(ws, prepared), ...skippedNotes(ws, prepared)];

  if (!options.write) {
    if (options.json) {
      ctx.stdout(
        JSON.stringify(planJson(ws, prepared, { ...(input.json ?? {}), write: false, written: [], rows, registry: input.registry?.preview ?? null }), null, 2) +
          '\n',
      );
    } else {
      ctx.stdout(diffText(ws, prepared, input.registry?.preview ?? null, options.color));
      if (rows.length > 0) ctx.stdout(`${prepared.rewrite.edits.length ? '\n' : ''}${formatTable(rows)}`);
    }
    for (const n of notes) ctx.stderr(`portreg: ${n}\n`);
    if (prepared.dirty.length > 0 && !options.allowDirty) {
      ctx.stderr(
        `portreg: ${prepared.dirty.map((f) => ws.shown(f)).join(', ')} ${prepared.dirty.length === 1 ? 'has' : 'have'} uncommitted changes: --write will refuse ${prepared.dirty.length === 1 ? 'it' : 'them'} unless --allow-dirty\n`,
      );
    }
    ctx.stderr(nothing ? 'portreg: nothing to change\n' : 'portreg: dry run, nothing was written; run again with --write to apply\n');
    return;
  }

  let written: string[] = [];
  if (!nothing) {
    const result = await commitChangeSet({
      root: ws.root,
      files: rewriteChanges(prepared),
      ...(registryChanges ? { registry: input.registry!.change } : {}),
      uncommitted: uncommittedPolicy(options.allowDirty, '--allow-dirty'),
      verify: () => verifyCommitted(ws, prepared),
      shown: ws.shown,
    });
    written = result.written;
  }
  if (options.json) {
    ctx.stdout(
      JSON.stringify(planJson(ws, prepared, { ...(input.json ?? {}), write: true, written, rows, registry: input.registry?.preview ?? null }), null, 2) + '\n',
    );
  } else if (rows.length > 0) {
    ctx.stdout(formatTable(rows));
  }
  for (const n of notes) ctx.stderr(`portreg: ${n}\n`);
  if (nothing) {
    ctx.stderr('portreg: nothing to change\n');
    return;
  }
  if (registryChanges) for (const n of input.registry!.preview.notes) ctx.stderr(`portreg: ${ws.shown(ws.registryFile)}: ${n}\n`);
  ctx.stderr(
    `portreg: wrote ${written.length} file${written.length === 1 ? '' : 's'}${written.length ? `: ${written.map((f) => ws.shown(f)).join(', ')}` : ''}${registryChanges ? `, and ${ws.shown(ws.registryFile)}` : ''}; a second scan finds every port where the plan put it\n`,
  );
}

/** A removed service's row says how many files still name its port (they are not changed: there is no new port). */
function withLeftovers(row: SummaryRow, scanned: PreparedRewrite['scan'], attribution: Registry): SummaryRow {
  if (row.new !== null || row.old === null) return row;
  // A move to port 0 finds the occurrences; nothing is planned from it.
  const found = selectOccurrences(scanned, attribution, [{ project: row.project, service: row.service, from: row.old, to: 0 }]);
  const files = new Set([...found.occurrences, ...found.skipped].map((o) => o.fact.file));
  return files.size ? { ...row, note: `${row.note ? `${row.note}; ` : ''}still named in ${files.size} file${files.size === 1 ? '' : 's'}` } : row;
}
