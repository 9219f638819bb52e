import { at, portText, isHostPort, factKey } from '../scan/facts.js';
import type { Rule, RuleFinding } from './types.js';

export const portPrivileged: Rule = {
  meta: {
    id: 'port-privileged',
    defaultSeverity: 'warning',
    description: 'A host port below 1024: binding it needs root or a capability.',
    fixable: false,
    scope: 'file',
  },
  check({ scan }) {
    const findings: RuleFinding[] = [];
    for (const p of scan.ports) {
      if (!isHostPort(p) || p.published! >= 1024) continue;
      findings.push({
        ...at(p),
        message: `port ${portText(p)} is below 1024: binding it needs root or CAP_NET_BIND_SERVICE`,
        key: factKey(p),
      });
    }
    return findings;
  },
};
