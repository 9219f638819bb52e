/**
 * The plan of a reassignment: the occurrences of the moving ports, turned into byte-exact
 * edits by the fix engine (src/fix): each edit replaces the digits at a fact's span and carries
 * the text it expects there, so a file that changed since the scan is refused, not patched.
 */
import { planFixes, type Fix, type Plan } from '../fix/plan.js';
import type { TextEdit } from '../findings.js';
import type { PortMove } from '../registry/moves.js';
import type { Registry } from '../registry/types.js';
import { replacePort, replaceText } from '../scan/facts.js';
import type { ScanResult } from '../scan/scan.js';
import { occurrenceText, selectOccurrences, type Occurrence, type SelectOptions, type SkippedOccurrence } from './occurrences.js';

export interface PlannedEdit {
  file: string;
  line: number;
  column: number;
  /** Byte offsets in the file before the change, end exclusive. */
  start: number;
  end: number;
  old: string;
  new: string;
  project: string;
  service: string;
  /** compose, env, url, mention, reference or docs. */
  kind: string;
  /** The scanner's fact kind (published, env, url, mention, reference). */
  factKind: string;
}

export interface MoveSummary extends PortMove {
  /** Files with at least one edit for this move, sorted. */
  files: string[];
  edits: number;
}

export interface RewritePlan {
  moves: PortMove[];
  /** One per place in a file, in file order. */
  edits: PlannedEdit[];
  occurrences: Occurrence[];
  skipped: SkippedOccurrence[];
  conflicts: string[];
  /** The engine's plan: the edits by file, for previewPlan (and then the change set's commit). */
  plan: Plan;
  summary: MoveSummary[];
}

export function planRewrite(scan: ScanResult, registry: Registry, moves: readonly PortMove[], options: SelectOptions = {}): RewritePlan {
  const selection = selectOccurrences(scan, registry, moves, options);
  const fixes: Fix[] = [];
  const edits = new Map<string, PlannedEdit>();
  for (const o of selection.occurrences) {
    const fix = o.text !== undefined ? replaceText(o.fact, o.text) : replacePort(o.fact, o.move.to);
    if (!fix) continue; // selectOccurrences only keeps plain digits (or a range's); replacePort agrees
    fixes.push(fix);
    const key = `${o.fact.file}|${o.fact.span.start}`;
    if (!edits.has(key)) {
      edits.set(key, {
        file: o.fact.file,
        line: o.fact.line,
        column: o.fact.column,
        start: o.fact.span.start,
        end: o.fact.span.end,
        old: o.fact.text,
        new: occurrenceText(o),
        project: o.move.project,
        service: o.move.service,
        kind: o.kind,
        factKind: o.fact.kind,
      });
    }
  }
  const plan = planFixes(fixes);
  const conflicts = [...selection.conflicts];
  if (plan.deferred > 0) conflicts.push(`${plan.deferred} edit${plan.deferred === 1 ? '' : 's'} overlap others and cannot be made in one step`);

  const byService = new Map<string, PlannedEdit[]>();
  for (const e of edits.values()) {
    const key = `${e.project}\u0000${e.service}`;
    byService.set(key, [...(byService.get(key) ?? []), e]);
  }
  const summary: MoveSummary[] = moves
    .filter((m) => m.from !== m.to)
    .map((m) => {
      const mine = byService.get(`${m.project}\u0000${m.service}`) ?? [];
      return { ...m, files: [...new Set(mine.map((e) => e.file))].sort((a, b) => a.localeCompare(b)), edits: mine.length };
    });
  return {
    moves: [...moves],
    edits: [...edits.values()].sort((a, b) => a.file.localeCompare(b.file) || a.start - b.start),
    occurrences: selection.occurrences,
    skipped: selection.skipped,
    conflicts,
    plan,
    summary,
  };
}

/**
 * After the write, the tree is scanned again: every edit must have left a port with its new
 * text where the plan said (its offset shifted by the edits before it in the file), and no
 * occurrence of a moving port may be left. Returns the problems, empty when all is well.
 * `regenerated`: files whose generated text was refreshed too (their edits' places are not checked).
 */
export function verifyRewrite(
  rewrite: RewritePlan,
  rescan: ScanResult,
  registry: Registry,
  options: SelectOptions = {},
  regenerated: ReadonlySet<string> = new Set(),
): string[] {
  const problems: string[] = [];
  const facts = new Map<string, { text: string }>();
  for (const f of rescan.ports) facts.set(`${f.file}|${f.span.start}|${f.span.end}`, f);
  for (const [file, list] of rewrite.plan.byFile) {
    // The generator rewrote this file's generated text over the edits (a table sorted anew moves
    // rows): the places shift, so only the check below, that no old port is left, holds for it.
    if (regenerated.has(file)) continue;
    let shift = 0;
    for (const e of list as TextEdit[]) {
      const start = e.start + shift;
      const end = start + Buffer.byteLength(e.text, 'utf8');
      shift += Buffer.byteLength(e.text, 'utf8') - (e.end - e.start);
      const found = facts.get(`${file}|${start}|${end}`);
      if (!found || found.text !== e.text) {
        const planned = rewrite.edits.find((p) => p.file === file && p.start === e.start);
        problems.push(
          `${file}${planned ? `:${planned.line}:${planned.column}` : ''}: the scan does not find port ${e.text} at bytes ${start}-${end} where the plan put it`,
        );
      }
    }
  }
  for (const o of selectOccurrences(rescan, registry, rewrite.moves, options).occurrences) {
    problems.push(
      `${o.fact.file}:${o.fact.line}:${o.fact.column}: port ${o.move.from} of service "${o.move.service}" of project "${o.move.project}" is still there`,
    );
  }
  return problems;
}
