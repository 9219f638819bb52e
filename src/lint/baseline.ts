/**
 * Baselines: findings a team accepts while it adopts portreg, keyed by file, rule and what the
 * finding is about (service and port), not by line, so edits elsewhere in a file keep them valid.
 * Entries that no longer match anything are reported, so the baseline shrinks as problems go.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { usageError } from '../errors.js';
import type { LintFinding } from './lint.js';
import { applySeverities, type RuleSettings } from './severity.js';

/** A baseline file: where it is, and how the user named it (messages use that name). */
export interface BaselineFile {
  file: string;
  name: string;
}

export interface BaselineEntry {
  file: string;
  ruleId: string;
  key: string;
  count: number;
}

export interface Baseline {
  version: 1;
  entries: BaselineEntry[];
}

function keyOf(f: LintFinding): string {
  return f.key ?? f.message;
}

export function serializeBaseline(findings: LintFinding[]): string {
  const counts = new Map<string, BaselineEntry>();
  for (const f of findings) {
    const id = `${f.file}\u0000${f.ruleId}\u0000${keyOf(f)}`;
    const entry = counts.get(id) ?? { file: f.file, ruleId: f.ruleId, key: keyOf(f), count: 0 };
    entry.count++;
    counts.set(id, entry);
  }
  const entries = [...counts.values()].sort((a, b) => a.file.localeCompare(b.file) || a.ruleId.localeCompare(b.ruleId) || a.key.localeCompare(b.key));
  return JSON.stringify({ version: 1, entries }, null, 2) + '\n';
}

export function parseBaseline(text: string, name: string): Baseline {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw usageError('baseline-invalid', `${name} is not valid JSON: ${(err as Error).message}`);
  }
  const b = data as Baseline;
  if (b?.version !== 1 || !Array.isArray(b.entries)) throw usageError('baseline-invalid', `${name} is not a portreg baseline (version 1 with entries)`);
  return b;
}

/** The findings the baseline does not accept (`kept`), and a baseline-stale finding for each entry left over (`stale`). */
export function matchBaseline(findings: LintFinding[], baseline: Baseline, baselineFile: string): { kept: LintFinding[]; stale: LintFinding[] } {
  const left = new Map<string, number>();
  for (const e of baseline.entries) left.set(`${e.file}\u0000${e.ruleId}\u0000${e.key}`, e.count);
  const kept: LintFinding[] = [];
  for (const f of findings) {
    const id = `${f.file}\u0000${f.ruleId}\u0000${keyOf(f)}`;
    const n = left.get(id) ?? 0;
    if (n > 0) left.set(id, n - 1);
    else kept.push(f);
  }
  const stale: LintFinding[] = [];
  for (const e of baseline.entries) {
    const n = left.get(`${e.file}\u0000${e.ruleId}\u0000${e.key}`) ?? 0;
    if (n > 0) {
      stale.push({
        ruleId: 'baseline-stale',
        severity: 'warning',
        message: `the baseline accepts ${n} ${e.ruleId} finding${n === 1 ? '' : 's'} in ${e.file} (${e.key}) that no longer occur${n === 1 ? 's' : ''}: run --update-baseline`,
        file: baselineFile,
        line: 1,
        column: 1,
        endLine: 1,
        endColumn: 1,
        fixable: false,
      });
    }
  }
  return { kept, stale };
}

export async function readBaseline(baseline: BaselineFile): Promise<Baseline> {
  const text = await readFile(baseline.file, 'utf8').catch(() => {
    throw usageError('baseline-missing', `cannot read the baseline ${baseline.name}: write it with --update-baseline`);
  });
  return parseBaseline(text, baseline.name);
}

/** Writes the findings as the new baseline (its folder made when missing). */
export async function writeBaseline(baseline: BaselineFile, findings: LintFinding[]): Promise<void> {
  await mkdir(path.dirname(baseline.file), { recursive: true });
  await writeFile(baseline.file, serializeBaseline(findings));
}

/**
 * The findings the baseline does not accept, and a baseline-stale finding (placed in the baseline
 * file, named from `top` as the other findings are) for each entry left over, at the severity
 * the rule settings give it.
 */
export async function filterByBaseline(
  findings: LintFinding[],
  baseline: BaselineFile,
  top: string,
  settings: RuleSettings | undefined,
): Promise<LintFinding[]> {
  const shown = path.relative(top, baseline.file).split(path.sep).join('/');
  const { kept, stale } = matchBaseline(findings, await readBaseline(baseline), shown);
  return [...kept, ...applySeverities(stale, settings)];
}
