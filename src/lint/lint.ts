/**
 * The lint run: the registry's own checks, the scanner's findings and every rule over the
 * inventory, then config severities, one error per port occurrence, suppressions and scope.
 */
import path from 'node:path';
import { compareFindings, type Finding, type Severity } from '../findings.js';
import type { TextEdit } from '../fix/types.js';
import type { LoadedRegistry } from '../registry/load.js';
import type { Registry } from '../registry/types.js';
import { ALL_RULES, CHECK_RULES, PORT_ERROR_PRECEDENCE, RULES_BY_ID } from '../rules/index.js';
import { fromFinding } from '../rules/reported-rules.js';
import { RuleIndex } from '../rules/rule-index.js';
import type { RuleFinding, RuleSetting } from '../rules/types.js';
import type { ScanOptions, ScanResult } from '../scan/scan.js';
import { scan as runScan } from '../scan/scan.js';

export interface LintFinding extends Finding {
  fixable: boolean;
  fix?: { edits: TextEdit[] };
  /** What the finding is about, independent of its line (for baselines). */
  key?: string;
}

export interface LintOptions {
  root: string;
  registry: LoadedRegistry;
  rules?: Record<string, RuleSetting>;
  scan?: Omit<ScanOptions, 'root' | 'registry' | 'registryDir'>;
  /** Report only on these files (relative to the root); everything is still analysed. */
  only?: Set<string>;
  /** Rules that compare projects need the whole tree; skipped when the tree is partial. */
  partial?: boolean;
  /** How messages name files (default: relative to the root). */
  show?: (file: string) => string;
}

export interface LintResult {
  findings: LintFinding[];
  scan: ScanResult;
  /** Rules that did not run, and why. */
  skipped: { ruleId: string; reason: string }[];
}

export function effectiveSeverity(ruleId: string, own: Severity | undefined, settings: Record<string, RuleSetting> | undefined): Severity | null {
  const setting = settings?.[ruleId];
  if (setting === 'off') return null;
  if (setting === 'warn') return 'warning';
  if (setting === 'error') return 'error';
  return own ?? RULES_BY_ID.get(ruleId)?.defaultSeverity ?? 'error';
}

export async function lint(options: LintOptions): Promise<LintResult> {
  const registry = options.registry.data as Registry;
  const registryFile = path.relative(options.root, options.registry.path).split(path.sep).join('/');
  const scan = await runScan({ ...(options.scan ?? {}), root: options.root, registry, registryDir: path.dirname(options.registry.path) });
  const index = new RuleIndex(registry, registryFile, options.registry.doc);
  const raw: { ruleId: string; finding: RuleFinding }[] = [];
  const skipped: LintResult['skipped'] = [];

  for (const f of options.registry.findings) raw.push({ ruleId: f.ruleId, finding: { ...fromFinding(f), file: registryFile, related: f.related?.map((r) => ({ ...r, file: registryFile })) } });
  for (const f of scan.findings) raw.push({ ruleId: f.ruleId, finding: fromFinding(f) });
  for (const rule of CHECK_RULES) {
    if (options.rules?.[rule.meta.id] === 'off') continue;
    if (rule.meta.scope === 'fleet' && options.partial) {
      skipped.push({ ruleId: rule.meta.id, reason: 'needs the whole tree: run portreg lint without files' });
      continue;
    }
    for (const finding of rule.check({ scan, registry, registryFile, index, show: options.show ?? ((f) => f) })) raw.push({ ruleId: rule.meta.id, finding });
  }

  let findings: LintFinding[] = [];
  for (const { ruleId, finding } of raw) {
    const severity = effectiveSeverity(ruleId, finding.severity, options.rules);
    if (!severity) continue;
    const { fix, key, severity: _own, ...location } = finding;
    findings.push({ ...location, ruleId, severity, fixable: Boolean(fix), ...(fix ? { fix } : {}), ...(key ? { key } : {}) });
  }
  // Suppressions first: silencing the most specific error must not hide a second one silently.
  const notRun = new Set([...skipped.map((s) => s.ruleId), ...Object.entries(options.rules ?? {}).filter(([, v]) => v === 'off').map(([k]) => k)]);
  findings = applySuppressions(findings, scan, notRun);
  findings = oneErrorPerOccurrence(findings);
  if (options.only) findings = findings.filter((f) => options.only!.has(f.file));
  findings.sort(compareFindings);
  return { findings, scan, skipped };
}

/** Of the port rules' errors at one place, keep the most specific. */
function oneErrorPerOccurrence(findings: LintFinding[]): LintFinding[] {
  const best = new Map<string, LintFinding>();
  const rank = (f: LintFinding) => PORT_ERROR_PRECEDENCE.indexOf(f.ruleId);
  for (const f of findings) {
    if (f.severity !== 'error' || rank(f) === -1) continue;
    const place = `${f.file}|${f.start}|${f.end}`;
    const current = best.get(place);
    if (!current || rank(f) < rank(current)) best.set(place, f);
  }
  return findings.filter((f) => f.severity !== 'error' || rank(f) === -1 || best.get(`${f.file}|${f.start}|${f.end}`) === f);
}

/** Findings covered by a `portreg-disable-…` comment are dropped; comments that cover nothing are reported. */
function applySuppressions(findings: LintFinding[], scan: ScanResult, notRun: Set<string>): LintFinding[] {
  if (scan.directives.length === 0) return findings;
  const used = new Set<number>();
  const kept = findings.filter((f) => {
    const i = scan.directives.findIndex((d) => d.file === f.file && d.targetLine === f.line && (d.rules.length === 0 || d.rules.includes(f.ruleId)));
    if (i === -1) return true;
    used.add(i);
    return false;
  });
  scan.directives.forEach((d, i) => {
    const unknown = d.rules.filter((r) => !RULES_BY_ID.has(r));
    if (unknown.length) {
      kept.push(directiveFinding(d, 'error', `unknown rule${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} in a portreg-disable comment`));
    } else if (!used.has(i) && !(d.rules.length > 0 && d.rules.every((r) => notRun.has(r)))) {
      // A comment for a rule that did not run this time (off, or skipped on a partial tree) may still be needed.
      kept.push(directiveFinding(d, 'warning', `this portreg-disable comment suppresses nothing${d.rules.length ? ` (${d.rules.join(', ')})` : ''}: remove it`));
    }
  });
  return kept;
}

function directiveFinding(d: ScanResult['directives'][number], severity: Severity, message: string): LintFinding {
  return { ruleId: 'unused-suppression', severity, message, file: d.file, line: d.line, column: d.column, endLine: d.line, endColumn: d.column, fixable: false };
}

export function knownRuleIds(): string[] {
  return ALL_RULES.map((r) => r.id);
}
