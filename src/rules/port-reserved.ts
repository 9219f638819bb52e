import { formatRange } from '../registry/types.js';
import { at, portText, isHostPort, replacePort, factKey } from '../scan/facts.js';
import type { Rule, RuleFinding } from './types.js';

export const portReserved: Rule = {
  meta: {
    id: 'port-reserved',
    defaultSeverity: 'error',
    description: 'A reserved port or a port in a reserved range (system ports, supervisor infrastructure).',
    fixable: true,
    scope: 'file',
  },
  check({ scan, index }) {
    const findings: RuleFinding[] = [];
    for (const p of scan.ports) {
      if (!isHostPort(p)) continue;
      const first = index.reservationsOn(p).find((r) => r.severity === 'error');
      if (!first) continue;
      const r = first.reservation;
      // The service moved away from this port (an import, a reassignment): the fix is its port now.
      const service = index.service(p.project, p.service);
      const movedFrom = service && service.port !== p.published && (service.history ?? []).some((h) => h.port === p.published);
      const fix = movedFrom ? replacePort(p, service.port) : undefined;
      findings.push({
        ...at(p),
        message: `port ${portText(p)} is reserved: ${r.reason} (${formatRange(first.range)})${r.owner ? `, for ${r.owner}` : ''}`,
        related: [index.registryLocation(['reserved', first.index], `reservation: ${r.reason}`)],
        key: factKey(p),
        ...(fix ? { fix } : {}),
      });
    }
    return findings;
  },
};
