import { formatRange } from '../registry/types.js';
import { at, portText, isHostPort, factKey } from '../scan/facts.js';
import type { Rule, RuleFinding } from './types.js';

export const portOutOfRange: Rule = {
  meta: {
    id: 'port-out-of-range',
    defaultSeverity: 'error',
    description: "A host port published by a project outside the project's range.",
    fixable: false,
    scope: 'file',
  },
  check({ scan, index }) {
    const findings: RuleFinding[] = [];
    for (const p of scan.ports) {
      if (!isHostPort(p) || !p.project) continue;
      const range = index.projectRange(p.project);
      if (!range) continue;
      const end = p.publishedEnd ?? p.published!;
      if (p.published! >= range.from && end <= range.to) continue;
      findings.push({
        ...at(p),
        message: `port ${portText(p)} is outside the range ${formatRange(range)} of project "${p.project}"`,
        related: [index.registryLocation(['projects', p.project, 'range'], `range of project "${p.project}"`)],
        key: factKey(p),
      });
    }
    return findings;
  },
};
