import type { Rule, RuleFinding } from './types.js';

/**
 * A generated region (between portreg:start and portreg:end) or a generated whole file
 * (.supervisor-specific/*, the configured TypeScript module) that is not what
 * `portreg generate` writes from the registry now. The expected text is computed before the
 * rules run (lint.ts) and handed in; only files that already have markers, or whole generated
 * files that exist, are judged, so a repository without generators gets no finding.
 */
export const generatedStale: Rule = {
  meta: {
    id: 'generated-stale',
    defaultSeverity: 'error',
    description: 'A generated region or file (portreg generate) differs from what the registry gives now.',
    fixable: true,
    scope: 'file',
    judgesGenerated: true,
  },
  check({ generated }) {
    if (!generated) return [];
    const findings: RuleFinding[] = [];
    for (const f of generated.files) {
      if (f.created || f.before.equals(f.after)) continue;
      const whole = f.target === 'supervisor' || f.target === 'ts';
      findings.push({
        file: f.file,
        ...f.location,
        message: `this generated ${whole ? 'file' : 'region'} differs from what the registry gives now: run "portreg generate ${f.target} --write" (or portreg lint --fix)`,
        key: `${f.target}|${f.file}`,
        fix: { edits: f.edits },
      });
    }
    for (const p of generated.problems) {
      findings.push({
        file: p.file,
        line: p.line,
        column: p.column,
        endLine: p.line,
        endColumn: p.column,
        message: p.message.replace(/^[^:]+:\d+:\d+: /, ''),
        key: `${p.target}|${p.file}|markers`,
      });
    }
    return findings;
  },
};
