/**
 * `reassign_port`: the plan of `portreg reassign` (the registry change and every edit the
 * rewrite engine would make), identified by a planId derived from its content, and applied only
 * when the caller passes back the planId of a plan that is still what a fresh computation gives.
 * The same engine as the CLI: openWorkspace, prepareRewrite, then one change set (commitChangeSet)
 * with the registry change planned again under the lock, and verifyCommitted.
 * Loaded only when the tool is called (it brings the scanner and its parsers).
 */
import { createHash } from 'node:crypto';
import { PortregError } from '../errors.js';
import { changeOf, commitChangeSet, uncommittedPolicy } from '../fix/commit.js';
import type { GeneratedFile } from '../generate/plan.js';
import { planRefresh, plannedFrom, refreshedLine, withRefreshed } from '../generate/refresh.js';
import type { LockOptions } from '../registry/lock.js';
import { loadRegistry } from '../registry/load.js';
import { reassignService, type PortMove } from '../registry/moves.js';
import { reassignmentChange } from '../registry/operations.js';
import { assertWritable } from '../registry/store.js';
import { prepareRewrite, verifyCommitted, type PreparedRewrite } from '../rewrite/execute.js';
import { reassignNote, skippedNotes, unreadNotes } from '../rewrite/report.js';
import { openWorkspace, type Workspace } from '../rewrite/workspace.js';

export interface ReassignToolRequest {
  cwd: string;
  env: NodeJS.ProcessEnv;
  registry?: string;
  project: string;
  service: string;
  port?: number;
  apply?: boolean;
  planId?: string;
  /** Rewrite files with uncommitted changes too (the CLI's --allow-dirty). */
  allowDirty?: boolean;
  now: () => Date;
  lock: LockOptions;
  livePorts?: ReadonlySet<string>;
}

export interface ReassignEditView {
  file: string;
  line: number;
  column: number;
  old: string;
  new: string;
  kind: string;
}

export interface ReassignPlanView {
  project: string;
  service: string;
  from: number;
  to: number;
  /** False when the service already has the port asked for. */
  changed: boolean;
  planId: string;
  applied: boolean;
  registry: { file: string; old: number; new: number; note: string | null };
  files: string[];
  edits: ReassignEditView[];
  written: string[];
  /** Generated files that exist and that the move changes: refreshed in the same change set. */
  refreshed: string[];
  dirty: string[];
  skippedLive: number[];
  warnings: string[];
  notes: string[];
}

export type ReassignToolOutcome =
  | { kind: 'plan'; view: ReassignPlanView }
  | { kind: 'applied'; view: ReassignPlanView }
  | { kind: 'stale'; view: ReassignPlanView; given: string }
  | { kind: 'needs-plan-id'; view: ReassignPlanView }
  | { kind: 'dirty'; view: ReassignPlanView; message: string };

/** sha256 of the registry text, the move, every edit (file, byte span, old and new text) and the generated files refreshed (their new bytes). */
export function reassignPlanId(registryText: string, move: PortMove, prepared: PreparedRewrite | null, refreshed: readonly GeneratedFile[] = []): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ registry: registryText, move: [move.project, move.service, move.from, move.to] }));
  for (const e of prepared?.rewrite.edits ?? []) hash.update('\n' + JSON.stringify([e.file, e.start, e.end, e.old, e.new]));
  for (const f of refreshed) hash.update('\n' + JSON.stringify([f.file, createHash('sha256').update(f.after).digest('hex')]));
  return hash.digest('hex');
}

interface Computed {
  ws: Workspace;
  move: PortMove;
  prepared: PreparedRewrite | null;
  /** The generated files the move changes (planned over the rewritten bytes). */
  refreshed: GeneratedFile[];
  /** The registry text everything was planned from. */
  registryText: string;
  view: ReassignPlanView;
}

async function compute(req: ReassignToolRequest): Promise<Computed> {
  const ws = await openWorkspace({ cwd: req.cwd, env: req.env, registry: req.registry });
  const loaded = await loadRegistry(ws.located.path, { now: req.now(), cwd: req.cwd });
  const registry = assertWritable(loaded);
  const planned = reassignService(
    registry,
    { project: req.project, service: req.service, port: req.port },
    { now: req.now(), livePorts: req.port === undefined ? req.livePorts : undefined },
  );
  const move: PortMove = { project: req.project, service: req.service, from: planned.from, to: planned.to };
  const prepared = planned.changed ? await prepareRewrite(ws, registry, [move]) : null;
  const refresh = prepared
    ? await planRefresh({ tree: ws, before: registry, after: planned.registry, contents: new Map(prepared.applied.map((f) => [f.file, f.after])) })
    : { files: [], notes: [] };
  const edits = (prepared?.rewrite.edits ?? []).map((e) => ({ file: ws.shown(e.file), line: e.line, column: e.column, old: e.old, new: e.new, kind: e.kind }));
  const view: ReassignPlanView = {
    project: req.project,
    service: req.service,
    from: planned.from,
    to: planned.to,
    changed: planned.changed,
    planId: reassignPlanId(loaded.text, move, prepared, refresh.files),
    applied: false,
    registry: { file: ws.shown(ws.registryFile), old: planned.from, new: planned.to, note: planned.changed ? reassignNote(move) : null },
    files: [...new Set(edits.map((e) => e.file))],
    edits,
    written: [],
    refreshed: refresh.files.map((f) => ws.shown(f.file)),
    dirty: (prepared?.dirty ?? []).map((f) => ws.shown(f)),
    skippedLive: planned.skippedLive,
    warnings: planned.warnings,
    notes: prepared ? [...unreadNotes(ws, prepared), ...skippedNotes(ws, prepared), ...refresh.notes.map((n) => `note: ${n}`)] : [],
  };
  return { ws, move, prepared, refreshed: refresh.files, registryText: loaded.text, view };
}

/** Plans, and with `apply` and a matching planId, writes the files, then the registry, then scans again. */
export async function reassignForMcp(req: ReassignToolRequest): Promise<ReassignToolOutcome> {
  const { ws, move, prepared, refreshed, registryText, view } = await compute(req);
  if (!req.apply) return { kind: 'plan', view };
  if (!req.planId) return { kind: 'needs-plan-id', view };
  if (req.planId !== view.planId) return { kind: 'stale', view, given: req.planId };
  if (!prepared) return { kind: 'applied', view: { ...view, applied: true } };
  let written: string[];
  const change = reassignmentChange(ws.located.path, move, { now: req.now(), cwd: req.cwd, lock: req.lock });
  try {
    ({ written } = await commitChangeSet({
      root: ws.root,
      files: withRefreshed(prepared.applied, refreshed).map(changeOf),
      registry: refreshed.length ? plannedFrom(change, registryText) : change,
      uncommitted: uncommittedPolicy(req.allowDirty, 'allowDirty: true'),
      verify: () => verifyCommitted(ws, prepared, new Set(refreshed.map((f) => f.file))),
      shown: ws.shown,
      journal: { command: 'reassign_port (MCP)', registryFile: ws.located.path },
    }));
  } catch (err) {
    // The refusal comes with the plan, so the agent sees what it would have written.
    if (err instanceof PortregError && err.code === 'files-dirty')
      return { kind: 'dirty', view: { ...view, dirty: err.details!.files as string[] }, message: err.message };
    throw err;
  }
  return { kind: 'applied', view: { ...view, applied: true, written: written.map((f) => ws.shown(f)) } };
}

/** The readable text of an outcome. */
export function reassignText(outcome: ReassignToolOutcome): string {
  const v = outcome.view;
  const who = `service "${v.service}" of project "${v.project}"`;
  const lines: string[] = [];
  if (outcome.kind === 'stale') {
    lines.push(
      `refused, nothing was written: the port or the files moved since plan ${outcome.given}; the plan as it is now is ${v.planId} (below): check it, then call reassign_port again with apply: true and planId "${v.planId}"`,
    );
  } else if (outcome.kind === 'needs-plan-id') {
    lines.push(`refused, nothing was written: apply needs the planId of the plan you checked; the plan as it is now is ${v.planId} (below)`);
  } else if (outcome.kind === 'dirty') {
    lines.push(outcome.message);
  }
  if (!v.changed) {
    lines.push(`${who} already has port ${v.to}; nothing to change`);
    return lines.join('\n');
  }
  lines.push(`${outcome.kind === 'applied' ? 'applied' : 'plan'} ${v.planId}: ${who}: port ${v.from} → ${v.to}`);
  lines.push(`registry ${v.registry.file}: ${v.registry.note}`);
  lines.push(
    `${v.edits.length} edit${v.edits.length === 1 ? '' : 's'} in ${v.files.length} file${v.files.length === 1 ? '' : 's'}${v.edits.length ? ':' : ''}`,
  );
  for (const e of v.edits) lines.push(`  ${e.file}:${e.line}:${e.column}: ${e.old} → ${e.new} (${e.kind})`);
  if (outcome.kind === 'applied') lines.push(...refreshedLine(v.refreshed));
  else if (v.refreshed.length) lines.push(`generated text to refresh with it: ${v.refreshed.join(', ')}`);
  if (v.skippedLive.length) lines.push(`skipped ${v.skippedLive.join(', ')}: in use on this machine right now`);
  lines.push(...v.warnings.map((w) => `warning: ${w}`), ...v.notes);
  if (outcome.kind === 'applied') {
    lines.push(
      `wrote ${v.written.length} file${v.written.length === 1 ? '' : 's'}${v.written.length ? ` (${v.written.join(', ')})` : ''} and ${v.registry.file}; a second scan finds every port where the plan put it`,
    );
  } else if (outcome.kind === 'plan') {
    if (v.dirty.length)
      lines.push(
        `${v.dirty.join(', ')} ${v.dirty.length === 1 ? 'has' : 'have'} uncommitted changes: applying will be refused until they are committed or stashed, unless allowDirty is true`,
      );
    lines.push(`nothing was written; to apply, call reassign_port with apply: true and planId "${v.planId}"`);
  }
  return lines.join('\n');
}

export function isRefusal(outcome: ReassignToolOutcome): boolean {
  return outcome.kind === 'stale' || outcome.kind === 'needs-plan-id' || outcome.kind === 'dirty';
}
