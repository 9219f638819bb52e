import { at, portText, isHostPort, factKey } from '../scan/facts.js';
import type { Rule, RuleFinding } from './types.js';

/** Linux's default ip_local_port_range: outgoing connections take their source ports here. */
export const EPHEMERAL = { from: 32768, to: 60999 };

export const portEphemeral: Rule = {
  meta: {
    id: 'port-ephemeral',
    defaultSeverity: 'warning',
    description: 'A host port in the OS ephemeral range (32768-60999), where outgoing connections may already hold it.',
    fixable: false,
    scope: 'file',
  },
  check({ scan }) {
    const findings: RuleFinding[] = [];
    for (const p of scan.ports) {
      if (!isHostPort(p)) continue;
      const end = p.publishedEnd ?? p.published!;
      if (end < EPHEMERAL.from || p.published! > EPHEMERAL.to) continue;
      findings.push({
        ...at(p),
        message: `port ${portText(p)} is in the ephemeral range ${EPHEMERAL.from}-${EPHEMERAL.to}: an outgoing connection may hold it when the service starts`,
        key: factKey(p),
      });
    }
    return findings;
  },
};
