/**
 * The one home of rule settings: `"off"`, `"warn"` or `"error"` in the config's `rules`, over a
 * finding's own severity (a rule with a warning and an error flavour), over the rule's default.
 * Every finding a lint reports passes through `applySeverities` once, whichever step made it:
 * a rule, a parser, the registry's checks, the suppression comments or the baseline.
 */
import { lintFinding, type LintFinding, type Severity } from '../findings.js';
import { RULES_BY_ID } from '../rules/index.js';
import type { RuleSetting } from '../rules/types.js';

export type RuleSettings = Readonly<Record<string, RuleSetting>>;

/** Whether a rule is turned off: it does not run, and its findings are dropped. */
export function isOff(ruleId: string, settings: RuleSettings | undefined): boolean {
  return settings?.[ruleId] === 'off';
}

/** A finding's severity under the settings; null when its rule is off. */
export function severityOf(ruleId: string, own: Severity | undefined, settings: RuleSettings | undefined): Severity | null {
  const setting = settings?.[ruleId];
  if (setting === 'off') return null;
  if (setting === 'warn') return 'warning';
  if (setting === 'error') return 'error';
  return own ?? RULES_BY_ID.get(ruleId)?.defaultSeverity ?? 'error';
}

/** The findings under the settings: those of rules turned off dropped, the others at their configured severity. */
export function applySeverities(findings: readonly LintFinding[], settings: RuleSettings | undefined): LintFinding[] {
  if (!settings) return [...findings];
  const out: LintFinding[] = [];
  for (const f of findings) {
    const severity = severityOf(f.ruleId, f.severity, settings);
    if (severity) out.push(severity === f.severity ? f : lintFinding(f, f.ruleId, severity, f.fixable));
  }
  return out;
}
