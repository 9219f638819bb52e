/**
 * The lint run: the registry's own checks, the scanner's findings and every rule over the
 * inventory, then config severities, one error per port occurrence, suppressions and scope.
 */
import path from 'node:path';
import { compareFindings, type LintFinding, type Severity } from '../findings.js';
import { applySeverities, isOff, severityOf } from './severity.js';

export type { LintFinding } from '../findings.js';
import type { LoadedRegistry } from '../registry/load.js';
import type { Registry } from '../registry/types.js';
import type { BranchClaim } from '../registry/port-index.js';
import { ALL_RULES, CHECK_RULES, PORT_ERROR_PRECEDENCE, RULES_BY_ID } from '../rules/index.js';
import { fromFinding } from '../rules/reported-rules.js';
import { RuleIndex } from '../rules/rule-index.js';
import type { RuleContext, RuleFinding, RuleSetting } from '../rules/types.js';
import type { ScanOptions, ScanResult } from '../scan/scan.js';
import { scan as runScan } from '../scan/scan.js';
import type { GenerateSettings } from '../generate/plan.js';
import { mayJudgeAny } from '../generate/judged-files.js';

export interface LintOptions {
  root: string;
  registry: LoadedRegistry;
  rules?: Record<string, RuleSetting>;
  scan?: Omit<ScanOptions, 'root' | 'registry' | 'registryDir'>;
  /**
   * Report only on these files (relative to the root); everything is still analysed. With
   * `onlyFolders` and `onlyProjects`, a finding is reported when any of the three takes its file.
   */
  only?: ReadonlySet<string>;
  /** Report on every file under these folders (relative to the root; '' is the root). */
  onlyFolders?: readonly string[];
  /** Report on every file of these projects (a changed registry entry). */
  onlyProjects?: ReadonlySet<string>;
  /** Rules that compare projects need the whole tree; skipped when the tree is partial. */
  partial?: boolean;
  /** How messages name files (default: relative to the root). */
  show?: (file: string) => string;
  /** Where `portreg generate` puts the root table and the TypeScript module (generated-stale compares with them). */
  generate?: GenerateSettings;
  /** The ports other remote-tracking branches give away (registry/branch-claims.ts), for port-claimed-elsewhere. */
  branchClaims?: readonly BranchClaim[];
}

export interface LintResult {
  findings: LintFinding[];
  scan: ScanResult;
  /** Rules that did not run, and why. */
  skipped: { ruleId: string; reason: string }[];
  /** How many files the report covers (the scanned files in its scope, and the registry when in it): "0 problems in N files". */
  filesChecked: number;
}

export async function lint(options: LintOptions): Promise<LintResult> {
  const registry = options.registry.data as Registry;
  const registryFile = path.relative(options.root, options.registry.path).split(path.sep).join('/');
  const scan = await runScan({ ...(options.scan ?? {}), root: options.root, registry, registryDir: path.dirname(options.registry.path) });
  const index = new RuleIndex(registry, registryFile, options.registry.doc);
  const raw: { ruleId: string; finding: RuleFinding }[] = [];
  const skipped: LintResult['skipped'] = [];
  // What the generators would write, for the files that hold generated text: generated-stale judges it.
  let generated: RuleContext['generated'];
  const markerFiles = new Set(scan.files.filter((f) => f.generated).map((f) => f.path));
  // A lint of given files none of which the generators own skips them, modules and all.
  if (!isOff('generated-stale', options.rules) && (!options.only || mayJudgeAny(options.only, markerFiles, options.generate?.ts))) {
    const { planGenerate, FILE_TARGETS } = await import('../generate/plan.js');
    generated = await planGenerate({
      root: options.root,
      registry,
      registryDir: path.dirname(options.registry.path),
      ...(options.scan?.project ? { projectRepo: options.scan.project } : {}),
      targets: FILE_TARGETS,
      settings: options.generate ?? {},
      mode: 'judge',
      limit: { markerFiles, ...(options.only ? { only: options.only } : {}) },
    });
  }

  for (const f of options.registry.findings)
    raw.push({ ruleId: f.ruleId, finding: { ...fromFinding(f), file: registryFile, related: f.related?.map((r) => ({ ...r, file: registryFile })) } });
  for (const f of scan.findings) raw.push({ ruleId: f.ruleId, finding: fromFinding(f) });
  for (const rule of CHECK_RULES) {
    if (isOff(rule.meta.id, options.rules)) continue;
    if (rule.meta.scope === 'fleet' && options.partial) {
      skipped.push({ ruleId: rule.meta.id, reason: 'needs the whole tree: run portreg lint without files' });
      continue;
    }
    for (const finding of rule.check({ scan, registry, registryFile, index, show: options.show ?? ((f) => f), generated, branchClaims: options.branchClaims }))
      raw.push({ ruleId: rule.meta.id, finding });
  }

  // The findings of the rules that run, at their own severity: the settings come after the suppressions.
  let findings: LintFinding[] = [];
  for (const { ruleId, finding } of raw) {
    if (isOff(ruleId, options.rules)) continue;
    const { fix, key, severity: own, ...location } = finding;
    const severity = severityOf(ruleId, own, undefined)!;
    findings.push({ ...location, ruleId, severity, fixable: Boolean(fix), ...(fix ? { fix } : {}), ...(key ? { key } : {}) });
  }
  // Suppressions first: silencing the most specific error must not hide a second one silently.
  const notRun = new Set([
    ...skipped.map((s) => s.ruleId),
    ...Object.entries(options.rules ?? {})
      .filter(([, v]) => v === 'off')
      .map(([k]) => k),
  ]);
  findings = applySuppressions(findings, scan, notRun);
  // One severity step for every finding, unused-suppression included; the most specific error is chosen among the errors it leaves.
  findings = applySeverities(findings, options.rules);
  findings = oneErrorPerOccurrence(findings);
  const scoped = options.only || options.onlyFolders || options.onlyProjects;
  const inScope = scoped ? inReportScope(options, scan) : () => true;
  if (scoped) findings = findings.filter((f) => inScope(f.file));
  findings.sort(compareFindings);
  const scannedFiles = new Set(scan.files.map((f) => f.path));
  const filesChecked = [...scannedFiles].filter(inScope).length + (!scannedFiles.has(registryFile) && inScope(registryFile) ? 1 : 0);
  return { findings, scan, skipped, filesChecked };
}

/** The report's scope: a file given, a file under a folder given, or a file of a project given. */
function inReportScope(options: LintOptions, scan: ScanResult): (file: string) => boolean {
  const projectOf = new Map(scan.files.map((f) => [f.path, f.project]));
  const folders = options.onlyFolders ?? [];
  return (file) => {
    if (options.only?.has(file)) return true;
    if (underAny(file, folders)) return true;
    const project = projectOf.get(file);
    return Boolean(project && options.onlyProjects?.has(project));
  };
}

/** Whether a root-relative file lies in one of the folders ('' is the root). */
export function underAny(file: string, folders: readonly string[]): boolean {
  return folders.some((d) => d === '' || file === d || file.startsWith(d + '/'));
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
  // The directives on each file's line, in scan order: a search of all of them per finding was
  // quadratic (95,000 findings and 47,000 comments in one file took 45 s).
  const byLine = new Map<string, number[]>();
  scan.directives.forEach((d, i) => {
    const key = `${d.file}\0${d.targetLine}`;
    const list = byLine.get(key);
    if (list) list.push(i);
    else byLine.set(key, [i]);
  });
  const kept = findings.filter((f) => {
    const candidates = byLine.get(`${f.file}\0${f.line}`) ?? [];
    const i =
      candidates.find((c) => {
        const rules = scan.directives[c]!.rules;
        return rules.length === 0 || rules.includes(f.ruleId);
      }) ?? -1;
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
      kept.push(
        directiveFinding(d, 'warning', `this portreg-disable comment suppresses nothing${d.rules.length ? ` (${d.rules.join(', ')})` : ''}: remove it`),
      );
    }
  });
  return kept;
}

function directiveFinding(d: ScanResult['directives'][number], severity: Severity, message: string): LintFinding {
  return {
    ruleId: 'unused-suppression',
    severity,
    message,
    file: d.file,
    line: d.line,
    column: d.column,
    endLine: d.line,
    endColumn: d.column,
    fixable: false,
  };
}

export function knownRuleIds(): string[] {
  return ALL_RULES.map((r) => r.id);
}
