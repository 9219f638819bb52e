/**
 * The lint run: the registry's own checks, the scanner's findings and every rule over the
 * inventory, then config severities, one error per port occurrence, suppressions and scope.
 */
import path from 'node:path';
import { compareFindings, lintFinding, type Finding, type LintFinding, type Severity } from '../findings.js';
import { applySeverities, isOff, severityOf } from './severity.js';

export type { LintFinding } from '../findings.js';
import type { LoadedRegistry } from '../registry/load.js';
import type { Registry } from '../registry/types.js';
import type { BranchClaim } from '../registry/port-index.js';
import { ALL_RULES, CHECK_RULES, PORT_ERROR_PRECEDENCE, RULES_BY_ID } from '../rules/index.js';
import { fromFinding } from '../rules/reported-rules.js';
import { RuleIndex } from '../rules/rule-index.js';
import { isFleetRule, type FleetCollector, type RuleContext, type RuleFinding, type RuleSetting } from '../rules/types.js';
import type { Directive } from '../scan/directives.js';
import { GROUP_FILES, scan as runScan, scanInGroups, SCAN_FORMAT_VERSION, type ScanOptions, type ScanResult } from '../scan/scan.js';
import { pushAll } from '../util/arrays.js';
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
  /**
   * Keep the whole inventory and return it (`portreg map` draws it). Without it the tree is read a
   * group of whole projects at a time and each group's inventory let go once its rules have run.
   */
  inventory?: boolean;
  /** About how many files a group holds (default GROUP_FILES). */
  groupFiles?: number;
}

export interface LintResult {
  findings: LintFinding[];
  /** The whole inventory, when asked for (`inventory`). */
  scan?: ScanResult;
  /** Rules that did not run, and why. */
  skipped: { ruleId: string; reason: string }[];
  /** How many files the report covers (the scanned files in its scope, and the registry when in it): "0 problems in N files". */
  filesChecked: number;
}

/** What the rules found, in the order of a run over the whole inventory, and what the report needs of the files. */
interface RulesRead {
  /** At each rule's own severity; the settings come later. */
  found: LintFinding[];
  skipped: LintResult['skipped'];
  directives: Directive[];
  /** Every scanned file's project. */
  projectOf: Map<string, string | null>;
  scan?: ScanResult;
}

export async function lint(options: LintOptions): Promise<LintResult> {
  const registry = options.registry.data as Registry;
  const registryFile = path.relative(options.root, options.registry.path).split(path.sep).join('/');
  const index = new RuleIndex(registry, registryFile, options.registry.doc);
  const runs = () => new RuleRuns(options, registry, registryFile, index);
  // A grouped read that stops (a compose file naming another group's file) leaves its rules' findings unfinished: the whole read starts anew.
  const read = (!options.inventory && (await readInGroups(options, registry, runs()))) || (await readWhole(options, registry, runs()));
  const { skipped, directives, projectOf } = read;

  // The findings of the rules that run (a scanner's or the registry's rule may be off), at their own severity: the settings come after the suppressions.
  let findings = read.found.filter((f) => !isOff(f.ruleId, options.rules));
  // Suppressions first: silencing the most specific error must not hide a second one silently.
  const notRun = new Set([
    ...skipped.map((s) => s.ruleId),
    ...Object.entries(options.rules ?? {})
      .filter(([, v]) => v === 'off')
      .map(([k]) => k),
  ]);
  findings = applySuppressions(findings, directives, notRun);
  // One severity step for every finding, unused-suppression included; the most specific error is chosen among the errors it leaves.
  findings = applySeverities(findings, options.rules);
  findings = oneErrorPerOccurrence(findings);
  const scoped = options.only || options.onlyFolders || options.onlyProjects;
  const inScope = scoped ? inReportScope(options, projectOf) : () => true;
  if (scoped) findings = findings.filter((f) => inScope(f.file));
  findings.sort(compareFindings);
  let filesChecked = !projectOf.has(registryFile) && inScope(registryFile) ? 1 : 0;
  for (const file of projectOf.keys()) if (inScope(file)) filesChecked++;
  return { findings, ...(read.scan ? { scan: read.scan } : {}), skipped, filesChecked };
}

/**
 * The rules of one lint run, and what each found so far. A rule that reads the inventory runs on
 * each group (or the whole); a fleet rule collects from each and finds at the end; generated-stale,
 * which reads what generate would write, runs once the files that hold generated text are known.
 */
class RuleRuns {
  /** Each rule's findings, kept as lint findings: a rule's own objects are let go at once. */
  private readonly found = new Map<string, LintFinding[]>();
  private readonly collectors = new Map<string, FleetCollector>();
  readonly skipped: LintResult['skipped'] = [];
  private readonly scanFindings: Finding[] = [];
  private readonly markerFiles = new Set<string>();

  constructor(
    private readonly options: LintOptions,
    private readonly registry: Registry,
    private readonly registryFile: string,
    private readonly index: RuleIndex,
  ) {
    for (const rule of CHECK_RULES) {
      if (isOff(rule.meta.id, options.rules)) continue;
      if (rule.meta.scope === 'fleet' && options.partial) {
        this.skipped.push({ ruleId: rule.meta.id, reason: 'needs the whole tree: run portreg lint without files' });
        continue;
      }
      this.found.set(rule.meta.id, []);
      if (isFleetRule(rule)) this.collectors.set(rule.meta.id, rule.collector());
    }
  }

  private context(scan: ScanResult, generated?: RuleContext['generated']): RuleContext {
    const { registry, registryFile, index, options } = this;
    return { scan, registry, registryFile, index, show: options.show ?? ((f) => f), generated, branchClaims: options.branchClaims };
  }

  /** One group of whole projects (or the whole tree). */
  add(scan: ScanResult): void {
    pushAll(this.scanFindings, scan.findings);
    for (const f of scan.files) if (f.generated) this.markerFiles.add(f.path);
    const context = this.context(scan);
    for (const rule of CHECK_RULES) {
      const found = this.found.get(rule.meta.id);
      if (!found || rule.meta.judgesGenerated) continue;
      const collector = this.collectors.get(rule.meta.id);
      if (collector) collector.add(context);
      else keep(found, rule.meta.id, rule.check(context));
    }
  }

  /** Every group in: the judge pass, the fleet rules' findings, and all of it in the order of one run over the whole. */
  async finish(): Promise<LintFinding[]> {
    const { options, registry, registryFile } = this;
    const generated = this.found.has('generated-stale') ? await judgeGenerated(options, registry, this.markerFiles) : undefined;
    const context = this.context(EMPTY_SCAN, generated);
    const all: LintFinding[] = [];
    for (const f of options.registry.findings)
      keep(all, f.ruleId, [{ ...fromFinding(f), file: registryFile, related: f.related?.map((r) => ({ ...r, file: registryFile })) }]);
    for (const f of this.scanFindings.sort(compareFindings)) keep(all, f.ruleId, [fromFinding(f)]);
    for (const rule of CHECK_RULES) {
      const found = this.found.get(rule.meta.id);
      if (!found) continue;
      const collector = this.collectors.get(rule.meta.id);
      if (collector) keep(found, rule.meta.id, collector.finish(context));
      else if (rule.meta.judgesGenerated) keep(found, rule.meta.id, rule.check(context));
      pushAll(all, found);
    }
    return all;
  }
}

/** Adds a rule's findings as lint findings, at their own severity (or the rule's default). */
function keep(into: LintFinding[], ruleId: string, findings: readonly RuleFinding[]): void {
  for (const f of findings) into.push(lintFinding(f, ruleId, severityOf(ruleId, f.severity, undefined)!, f.fix !== undefined));
}

const EMPTY_SCAN: ScanResult = { version: SCAN_FORMAT_VERSION, root: '', files: [], ports: [], stacks: [], findings: [], directives: [] };

/** The whole inventory at once; kept for the result when asked for. */
async function readWhole(options: LintOptions, registry: Registry, runs: RuleRuns): Promise<RulesRead> {
  const scan = await runScan({ ...(options.scan ?? {}), root: options.root, registry, registryDir: path.dirname(options.registry.path) });
  runs.add(scan);
  const read: RulesRead = {
    found: await runs.finish(),
    skipped: runs.skipped,
    directives: scan.directives,
    projectOf: new Map(scan.files.map((f) => [f.path, f.project])),
  };
  return options.inventory ? { ...read, scan } : read;
}

/**
 * The tree a group of whole projects at a time, each group's inventory let go once its rules have
 * run; null when a compose file names a file of another group (the caller reads the whole).
 */
async function readInGroups(options: LintOptions, registry: Registry, runs: RuleRuns): Promise<RulesRead | null> {
  const directives: Directive[] = [];
  const projectOf = new Map<string, string | null>();
  const end = await scanInGroups(
    { ...(options.scan ?? {}), root: options.root, registry, registryDir: path.dirname(options.registry.path), groupFiles: options.groupFiles ?? GROUP_FILES },
    (group) => {
      runs.add(group);
      pushAll(directives, group.directives);
      for (const f of group.files) projectOf.set(f.path, f.project);
    },
  );
  if (end === 'crossed') return null;
  return { found: await runs.finish(), skipped: runs.skipped, directives, projectOf };
}

/** What the generators would write, for the files that hold generated text: generated-stale judges it. */
async function judgeGenerated(options: LintOptions, registry: Registry, markerFiles: Set<string>): Promise<RuleContext['generated']> {
  // A lint of given files none of which the generators own skips them, modules and all.
  if (options.only && !mayJudgeAny(options.only, markerFiles, options.generate?.ts)) return undefined;
  const { planGenerate, FILE_TARGETS } = await import('../generate/plan.js');
  return planGenerate({
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

/** The report's scope: a file given, a file under a folder given, or a file of a project given. */
function inReportScope(options: LintOptions, projectOf: ReadonlyMap<string, string | null>): (file: string) => boolean {
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
function applySuppressions(findings: LintFinding[], directives: readonly Directive[], notRun: Set<string>): LintFinding[] {
  if (directives.length === 0) return findings;
  const used = new Set<number>();
  // The directives on each file's line, in scan order: a search of all of them per finding was
  // quadratic (95,000 findings and 47,000 comments in one file took 45 s).
  const byLine = new Map<string, number[]>();
  directives.forEach((d, i) => {
    const key = `${d.file}\0${d.targetLine}`;
    const list = byLine.get(key);
    if (list) list.push(i);
    else byLine.set(key, [i]);
  });
  const kept = findings.filter((f) => {
    const candidates = byLine.get(`${f.file}\0${f.line}`) ?? [];
    const i =
      candidates.find((c) => {
        const rules = directives[c]!.rules;
        return rules.length === 0 || rules.includes(f.ruleId);
      }) ?? -1;
    if (i === -1) return true;
    used.add(i);
    return false;
  });
  directives.forEach((d, i) => {
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

function directiveFinding(d: Directive, severity: Severity, message: string): LintFinding {
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
