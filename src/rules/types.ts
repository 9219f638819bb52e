import type { Location, Severity } from '../findings.js';
import type { TextEdit } from '../findings.js';
import type { Registry } from '../registry/types.js';
import type { BranchClaim } from '../registry/port-index.js';
import type { ScanResult } from '../scan/scan.js';
import type { RuleIndex } from './rule-index.js';
import type { GeneratePlan } from '../generate/plan.js';

export type RuleSetting = 'off' | 'warn' | 'error';

/** What every rule declares about itself; the docs page and the SARIF rule come from it. */
export interface RuleMeta {
  id: string;
  defaultSeverity: Severity;
  description: string;
  /** Fixes are certain: --fix applies them without asking. */
  fixable: boolean;
  /** Rules that compare projects with each other need the whole tree (or the registry alone). */
  scope: 'file' | 'fleet';
  /** Reads what `portreg generate` would write (`RuleContext.generated`), not the inventory: runs once, after the scan. */
  judgesGenerated?: true;
}

/** A rule's finding before config decides its severity. */
export interface RuleFinding extends Location {
  message: string;
  related?: Location[];
  /** Exact text edits that fix it; present only when the fix is certain. */
  fix?: { edits: TextEdit[] };
  /** Stable identity for baselines: what the finding is about, not where it is. */
  key?: string;
  /** Overrides the rule's default severity (a rule with a warning and an error flavour). */
  severity?: Severity;
}

export interface RuleContext {
  scan: ScanResult;
  registry: Registry;
  /** The registry's path as reports show it. */
  registryFile: string;
  index: RuleIndex;
  /** How a file is named in a message (relative to the repository's top, like the report's locations). */
  show: (file: string) => string;
  /** What `portreg generate` would write, for the files that already hold generated text (generated-stale). */
  generated?: Pick<GeneratePlan, 'files' | 'problems'>;
  /** The ports other remote-tracking branches give away (port-claimed-elsewhere); none outside git. */
  branchClaims?: readonly BranchClaim[];
}

export interface Rule {
  meta: RuleMeta;
  check(context: RuleContext): RuleFinding[];
}

/**
 * A rule that compares projects, read a group of whole projects at a time (lint.ts reads a large
 * tree so, holding one group's inventory): it keeps what it needs of each group, then finds. Its
 * `check` is the same collector given the whole tree as one group, so the two never differ.
 */
export interface FleetRule extends Rule {
  collector(): FleetCollector;
}

export interface FleetCollector {
  /** One group of whole projects: `context.scan` is that group's inventory. */
  add(context: RuleContext): void;
  /** The findings, once every group is in. */
  finish(context: Omit<RuleContext, 'scan'>): RuleFinding[];
}

/** A fleet rule from its collector; `check` adds the one inventory it is given. */
export function fleetRule(meta: RuleMeta, collector: () => FleetCollector): FleetRule {
  return {
    meta,
    collector,
    check(context) {
      const c = collector();
      c.add(context);
      return c.finish(context);
    },
  };
}

export function isFleetRule(rule: Rule): rule is FleetRule {
  return 'collector' in rule;
}
