import { UNSAFE_PORTS } from './unsafe-ports.js';
import { at, isHostPort, factKey } from '../scan/facts.js';
import type { Rule, RuleFinding } from './types.js';

export const portUnsafe: Rule = {
  meta: {
    id: 'port-unsafe',
    defaultSeverity: 'warning',
    description: 'A port to avoid: one browsers refuse to connect to, or one a common OS service holds (macOS AirPlay on 5000 and 7000).',
    fixable: false,
    scope: 'file',
  },
  check({ scan }) {
    const findings: RuleFinding[] = [];
    for (const p of scan.ports) {
      if (!isHostPort(p)) continue;
      for (let port = p.published!; port <= (p.publishedEnd ?? p.published!); port++) {
        const why = UNSAFE_PORTS.get(port);
        if (!why) continue;
        findings.push({
          ...at(p),
          message: `port ${port} is one to avoid: ${why}`,
          key: factKey(p, port),
        });
        break;
      }
    }
    return findings;
  },
};
