/**
 * Rules whose findings come from the scanner's parsers and the registry's own checks rather
 * than from a `check` over the inventory. They are rules all the same: config can set their
 * severity, they have docs pages, and yaml-base60 carries a fix.
 */
import type { Finding, Severity } from '../findings.js';
import type { RuleFinding, RuleMeta } from './types.js';

function meta(id: string, defaultSeverity: Severity, description: string, fixable = false): RuleMeta {
  return { id, defaultSeverity, description, fixable, scope: 'file' };
}

export const SCAN_RULES: RuleMeta[] = [
  meta('parse-error', 'error', 'A file that cannot be read or parsed (invalid YAML, an invalid port spec or template, not UTF-8, too large).'),
  meta('yaml-base60', 'warning', 'An unquoted NN:NN port mapping that a YAML 1.1 parser reads as a base-60 number.', true),
  meta('env-duplicate-key', 'warning', 'An env template sets a variable twice; the last value wins.'),
  meta('env-invalid-port', 'warning', 'A port variable in an env template whose value is not a port (1-65535).'),
  meta('scan-skipped', 'warning', 'A file the scan does not read: a symlink out of the root, or a reference to a file outside it.'),
  meta('scan-remote-include', 'warning', 'A compose include that is remote: it is not fetched, so its ports are not checked.'),
  meta(
    'scan-degraded',
    'warning',
    'A file read only in part, as plain text or not at all because it is past one of the limits (line length, nesting, lines, ports) or would stall the Markdown parser.',
  ),
  meta('baseline-stale', 'warning', 'A baseline entry that matches no finding any more: the problem is gone, shrink the baseline.'),
  meta('unused-suppression', 'warning', 'A portreg-disable comment that suppresses nothing, or names an unknown rule.'),
];

export const REGISTRY_RULES: RuleMeta[] = [
  meta('registry-parse', 'error', 'The registry is not valid JSON (syntax error, duplicate key).'),
  meta('registry-merge-conflict', 'error', 'The registry holds git conflict markers: a merge or rebase left both sides in it.'),
  meta('registry-schema', 'error', 'The registry does not match its JSON Schema.'),
  meta('registry-range-invalid', 'error', 'A range whose "from" is greater than its "to".'),
  meta('registry-range-overlap', 'error', 'Two projects whose ranges overlap.'),
  meta('registry-range-reserved', 'error', 'A project range that overlaps a reserved range or holds a reserved port.'),
  meta('registry-range-outside-space', 'warning', 'A project range outside the project space.'),
  meta('registry-port-outside-range', 'error', "A service port outside its project's range."),
  meta('registry-port-reserved', 'error', 'A service on a reserved port (or, as a warning, on a port to avoid).'),
  meta('registry-port-duplicate', 'error', 'One port and protocol given to two services (two branches that each took the same "next free" port).'),
  meta('registry-port-quarantined', 'warning', 'A service on a port another service released or left less than quarantineDays ago.'),
  meta('registry-env-duplicate', 'error', 'One env variable carrying the ports of two services of a project.'),
  meta('registry-service-ambiguous', 'warning', 'Two entries of one compose service that no container port tells apart.'),
  meta('registry-path-duplicate', 'error', 'Two projects with the same path.'),
];

/** A parser's finding as a rule finding, with the fix the parser could not express. */
export function fromFinding(f: Finding): RuleFinding {
  const { ruleId: _ruleId, severity, ...rest } = f;
  const out: RuleFinding = { ...rest, severity };
  if (f.ruleId === 'yaml-base60' && f.start !== undefined && f.end !== undefined) {
    out.fix = {
      edits: [
        { file: f.file, start: f.start, end: f.start, text: '"' },
        { file: f.file, start: f.end, end: f.end, text: '"' },
      ],
    };
  }
  return out;
}
