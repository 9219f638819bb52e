/**
 * What a rewrite prints: a unified diff of every file (the registry too), then the summary
 * table; or, with --format json, the plan itself: every edit with file, line, old and new text.
 */
import type { AppliedFile } from '../fix/apply.js';
import { unifiedDiff } from '../fix/diff.js';
import type { PortMove } from '../registry/moves.js';
import type { PreparedRewrite } from './execute.js';
import type { Workspace } from './workspace.js';

export interface RegistryPreview {
  /** The registry file's text now, and after the change. */
  before: string;
  after: string;
  /** One line per change, for people. */
  notes: string[];
}

export interface SummaryRow {
  project: string;
  service: string;
  old: number | null;
  new: number | null;
  filesChanged: number;
  note?: string;
}

export function summaryRows(prepared: PreparedRewrite): SummaryRow[] {
  return prepared.rewrite.summary.map((m) => ({ project: m.project, service: m.service, old: m.from, new: m.to, filesChanged: m.files.length }));
}

/** `project | service | old | new | files changed`, columns padded. */
export function formatTable(rows: SummaryRow[]): string {
  const header = ['project', 'service', 'old', 'new', 'files changed'];
  const cells = rows.map((r) => [
    r.project,
    r.service,
    r.old === null ? '-' : String(r.old),
    r.new === null ? '-' : String(r.new),
    String(r.filesChanged) + (r.note ? ` (${r.note})` : ''),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i]!)))
      .join(' | ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...cells.map(line)].join('\n') + '\n';
}

/** The diff of every file to write (the rewrite's edits and the generated text refreshed with them) and the registry. */
export function diffText(ws: Workspace, changes: readonly AppliedFile[], registry: RegistryPreview | null, color: boolean): string {
  const files = changes.map((f) => ({ ...f, file: ws.shown(f.file) }));
  if (registry && registry.before !== registry.after) {
    files.push({ file: ws.shown(ws.registryFile), before: Buffer.from(registry.before), after: Buffer.from(registry.after) });
  }
  if (files.every((f) => f.before.equals(f.after))) return '';
  return unifiedDiff(files, { color });
}

/** Notes for stderr: occurrences left alone and why. */
export function skippedNotes(ws: Workspace, prepared: PreparedRewrite): string[] {
  return prepared.rewrite.skipped.map((s) => `${ws.shown(s.fact.file)}:${s.fact.line}:${s.fact.column}: left as it is: ${s.reason}`);
}

const UNREAD = new Set(['scan-skipped', 'parse-error']);
const MAX_UNREAD_NOTES = 10;

/**
 * Files (or parts of files) the scan could not read: a port there cannot be found, so it is not
 * rewritten (a symbolic link that leads outside the root is never read, nor written through).
 */
export function unreadNotes(ws: Workspace, prepared: PreparedRewrite): string[] {
  const unread = prepared.scan.findings.filter((f) => UNREAD.has(f.ruleId));
  const notes = unread.slice(0, MAX_UNREAD_NOTES).map((f) => `warning: ${ws.shown(f.file)}:${f.line}:${f.column}: ${f.message}; ports there are not rewritten`);
  if (unread.length > MAX_UNREAD_NOTES)
    notes.push(`warning: … and ${unread.length - MAX_UNREAD_NOTES} more places the scan could not read (portreg scan lists them)`);
  return notes;
}

export function planJson(
  ws: Workspace,
  prepared: PreparedRewrite,
  extra: { write: boolean; written: string[]; rows: SummaryRow[]; registry: RegistryPreview | null; [key: string]: unknown },
): Record<string, unknown> {
  const { write, written, rows, registry, ...rest } = extra;
  return {
    dryRun: !write,
    ...rest,
    moves: rows.map((r) => ({
      ...r,
      files: prepared.rewrite.summary.find((m) => m.project === r.project && m.service === r.service)?.files.map((f) => ws.shown(f)) ?? [],
    })),
    edits: prepared.rewrite.edits.map((e) => ({
      file: ws.shown(e.file),
      line: e.line,
      column: e.column,
      start: e.start,
      end: e.end,
      old: e.old,
      new: e.new,
      project: e.project,
      service: e.service,
      kind: e.kind,
    })),
    skipped: prepared.rewrite.skipped.map((s) => ({
      file: ws.shown(s.fact.file),
      line: s.fact.line,
      column: s.fact.column,
      text: s.fact.text,
      project: s.move.project,
      service: s.move.service,
      reason: s.reason,
    })),
    registry: registry ? { file: ws.shown(ws.registryFile), changed: registry.before !== registry.after, changes: registry.notes } : null,
    dirty: prepared.dirty.map((f) => ws.shown(f)),
    written: written.map((f) => ws.shown(f)),
  };
}

/** The preview's note on the registry change of `reassign`. */
export function reassignNote(move: PortMove): string {
  return `service "${move.service}" of project "${move.project}": port ${move.from} → ${move.to}; ${move.from} stays in its history (quarantine)`;
}
