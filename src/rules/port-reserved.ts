import { formatRange, reservationRange } from '../registry/types.js';
import { at, describePort, isHostPort } from './rule-index.js';
import type { Rule, RuleFinding } from './types.js';

export const portReserved: Rule = {
  meta: {
    id: 'port-reserved',
    defaultSeverity: 'error',
    description: 'A reserved port or a port in a reserved range (system ports, supervisor infrastructure).',
    fixable: false,
    scope: 'file',
  },
  check({ scan, index }) {
    const findings: RuleFinding[] = [];
    for (const p of scan.ports) {
      if (!isHostPort(p)) continue;
      const hard = index.reservationsAt(p.published!, p.publishedEnd ?? p.published!, p.project, p.protocol).filter(({ reservation }) => (reservation.severity ?? 'error') === 'error');
      const first = hard[0];
      if (!first) continue;
      const r = first.reservation;
      findings.push({
        ...at(p),
        message: `port ${describePort(p)} is reserved: ${r.reason} (${formatRange(reservationRange(r))})${r.owner ? `, for ${r.owner}` : ''}`,
        related: [index.registryLocation(['reserved', first.index], `reservation: ${r.reason}`)],
        key: `${p.project}|${p.service ?? p.composeService ?? p.variable}|${p.published}`,
      });
    }
    return findings;
  },
};
