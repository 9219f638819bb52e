/**
 * The common body of reassign, project move and migrate: plan, show (dry run by default) or
 * write (--write), verify, report.
 */
import type { CommandContext } from './context.js';
import { PortregError } from '../errors.js';
import { changeOf, commitChangeSet, uncommittedPolicy } from '../fix/commit.js';
import { planRefresh, plannedFrom, refreshedLine, withRefreshed } from '../generate/refresh.js';
import type { PortMove } from '../registry/moves.js';
import type { RegistryChange } from '../registry/operations.js';
import type { RemoteTarget, RemoteWrite } from '../registry/remote.js';
import type { Registry } from '../registry/types.js';
import { prepareRewrite, verifyCommitted, type PreparedRewrite } from '../rewrite/execute.js';
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
  /** The command as a recovery of its interrupted write names it ("reassign", "project move", "migrate"). */
  command: string;
  ws: Workspace;
  options: RewriteOptions;
  /** The registry before the move: it says which service each occurrence belongs to (and what the generated text says). */
  attribution: Registry;
  /** The registry as the command leaves it: the generated text that exists is refreshed to it. */
  next: Registry;
  moves: PortMove[];
  select?: SelectOptions;
  /** The registry change (planned again under the lock), or null when the registry stays as it is. */
  registry: { preview: RegistryPreview; change: RegistryChange<unknown> } | null;
  /** More rows for the table (migrate: removed services). */
  extraRows?: SummaryRow[];
  /** More fields for --format json. */
  json?: Record<string, unknown>;
  warnings?: string[];
  /** What a dry run says to do to apply it (default: run again with --write). */
  applyHint?: string;
  /**
   * --git: the registry change is pushed to the remote's branch of record first (its commit
   * message from `message`), then the files and the local registry are written the same way, so
   * this tree agrees with itself and with the remote.
   */
  remote?: { target: RemoteTarget; message: (result: never) => string };
}

/** Runs the rewrite; returns the files written (root-relative), none in a dry run. */
export async function runRewrite(input: RunRewriteInput): Promise<string[]> {
  const { ctx, ws, options } = input;
  const prepared = await prepareRewrite(ws, input.attribution, input.moves, input.select ?? {});
  // The generated text the move changes is written with it, placed in the rewritten bytes.
  const refresh = await planRefresh({
    tree: ws,
    before: input.attribution,
    after: input.next,
    contents: new Map(prepared.applied.map((f) => [f.file, f.after])),
  });
  const changes = withRefreshed(prepared.applied, refresh.files);
  const regenerated = new Set(refresh.files.map((f) => f.file));
  const rows = [...summaryRows(prepared), ...(input.extraRows ?? []).map((r) => withLeftovers(r, prepared.scan, input.attribution))];
  const registryChanges = input.registry !== null && input.registry.preview.before !== input.registry.preview.after;
  const nothing = changes.every((f) => f.before.equals(f.after)) && !registryChanges;
  const notes = [
    ...(input.warnings ?? []).map((w) => `warning: ${w}`),
    ...unreadNotes(ws, prepared),
    ...skippedNotes(ws, prepared),
    ...refresh.notes.map((n) => `note: ${n}`),
    ...(input.remote && !options.write
      ? [
          `--git: with --write, the registry change is pushed to ${input.remote.target.remote}/${input.remote.target.branch} first, then this tree is rewritten the same way`,
        ]
      : []),
  ];
  const refreshed = refresh.files.map((f) => ws.shown(f.file));

  if (!options.write) {
    if (options.json) {
      ctx.stdout(
        JSON.stringify(
          planJson(ws, prepared, { ...(input.json ?? {}), write: false, written: [], rows, registry: input.registry?.preview ?? null, refreshed }),
          null,
          2,
        ) + '\n',
      );
    } else {
      ctx.stdout(diffText(ws, changes, input.registry?.preview ?? null, options.color));
      if (rows.length > 0) ctx.stdout(`${prepared.rewrite.edits.length ? '\n' : ''}${formatTable(rows)}`);
    }
    for (const n of notes) ctx.stderr(`portreg: ${n}\n`);
    if (prepared.dirty.length > 0 && !options.allowDirty) {
      ctx.stderr(
        `portreg: ${prepared.dirty.map((f) => ws.shown(f)).join(', ')} ${prepared.dirty.length === 1 ? 'has' : 'have'} uncommitted changes: --write will refuse ${prepared.dirty.length === 1 ? 'it' : 'them'} unless --allow-dirty\n`,
      );
    }
    ctx.stderr(nothing ? 'portreg: nothing to change\n' : `portreg: dry run, nothing was written; ${input.applyHint ?? 'run again with --write to apply'}\n`);
    return [];
  }

  let written: string[] = [];
  let pushed: RemoteWrite<unknown> | undefined;
  if (!nothing) {
    const change = input.registry?.change;
    const remote = input.remote;
    const ofRecord =
      remote && registryChanges && change
        ? async () => {
            const { writeThroughRemote } = await import('../registry/remote.js');
            pushed = await writeThroughRemote(change, remote.target, remote.message as (r: unknown) => string, { text: input.registry!.preview.before });
          }
        : undefined;
    const result = await commitChangeSet({
      ...(ofRecord ? { ofRecord } : {}),
      root: ws.root,
      files: changes.map(changeOf),
      // Generated files describe the registry planned from: under the lock it must still be that one.
      ...(registryChanges && change ? { registry: regenerated.size ? plannedFrom(change, input.registry!.preview.before) : change } : {}),
      uncommitted: uncommittedPolicy(options.allowDirty, '--allow-dirty'),
      verify: () => verifyCommitted(ws, prepared, regenerated),
      shown: ws.shown,
      journal: { command: input.command, registryFile: ws.located.path },
    }).catch((err: unknown) => {
      // Pushed, then this tree could not follow: the remote has the move, so say where things stand.
      if (pushed?.commit && err instanceof PortregError && input.remote) {
        const { target } = input.remote;
        throw new PortregError(
          `${err.message}\nthe registry change is on ${target.remote}/${target.branch} already (${pushed.commit.slice(0, 12)}): git pull, then run portreg lint --fix (or the same command without --git) to bring the configs here along`,
          err.exitCode,
          err.code,
        );
      }
      throw err;
    });
    written = result.written;
  }
  if (options.json) {
    ctx.stdout(
      JSON.stringify(
        planJson(ws, prepared, { ...(input.json ?? {}), write: true, written, rows, registry: input.registry?.preview ?? null, refreshed }),
        null,
        2,
      ) + '\n',
    );
  } else if (rows.length > 0) {
    ctx.stdout(formatTable(rows));
  }
  for (const n of notes) ctx.stderr(`portreg: ${n}\n`);
  if (nothing) {
    ctx.stderr('portreg: nothing to change\n');
    return [];
  }
  if (registryChanges) for (const n of input.registry!.preview.notes) ctx.stderr(`portreg: ${ws.shown(ws.registryFile)}: ${n}\n`);
  for (const line of refreshedLine(refreshed)) ctx.stderr(`portreg: ${line}\n`);
  if (pushed?.commit && input.remote) {
    const { target } = input.remote;
    ctx.stderr(
      `portreg: pushed ${pushed.commit.slice(0, 12)} to ${target.remote}/${target.branch} (${pushed.file} only${pushed.attempts > 1 ? `, after ${pushed.attempts - 1} rejected push${pushed.attempts > 2 ? 'es' : ''}` : ''}); this tree was rewritten the same way: commit it, then git pull\n`,
    );
    // Others pushed between our fetch and our push: the remote holds their changes too, so the
    // registry here is not the pushed one and the pull merges two different texts.
    if (pushed.attempts > 1)
      ctx.stderr(
        `portreg: note: ${target.remote}/${target.branch} moved meanwhile: if git pull reports a conflict in ${pushed.file}, portreg registry resolve settles it\n`,
      );
  }
  ctx.stderr(
    `portreg: wrote ${written.length} file${written.length === 1 ? '' : 's'}${written.length ? `: ${written.map((f) => ws.shown(f)).join(', ')}` : ''}${registryChanges ? `, and ${ws.shown(ws.registryFile)}` : ''}; a second scan finds every port where the plan put it\n`,
  );
  return written;
}

/** A removed service's row says how many files still name its port (they are not changed: there is no new port). */
function withLeftovers(row: SummaryRow, scanned: PreparedRewrite['scan'], attribution: Registry): SummaryRow {
  if (row.new !== null || row.old === null) return row;
  // A move to port 0 finds the occurrences; nothing is planned from it.
  const found = selectOccurrences(scanned, attribution, [{ project: row.project, service: row.service, from: row.old, to: 0 }]);
  const files = new Set([...found.occurrences, ...found.skipped].map((o) => o.fact.file));
  return files.size ? { ...row, note: `${row.note ? `${row.note}; ` : ''}still named in ${files.size} file${files.size === 1 ? '' : 's'}` } : row;
}
