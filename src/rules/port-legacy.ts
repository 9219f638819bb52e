import { formatRange } from '../registry/types.js';
import { UNSAFE_PORTS } from './unsafe-ports.js';
import { at, portText, isHostPort, factKey } from '../scan/facts.js';
import type { Rule, RuleFinding } from './types.js';

export const portLegacy: Rule = {
  meta: {
    id: 'port-legacy',
    defaultSeverity: 'warning',
    description: 'A port in a range the registry marks "avoid" (legacy/shared ports).',
    fixable: false,
    scope: 'file',
  },
  check({ scan, index }) {
    const findings: RuleFinding[] = [];
    for (const p of scan.ports) {
      if (!isHostPort(p)) continue;
      // Ports that port-unsafe knows (AirPlay, browser-refused) are reported there, not twice.
      const first = index.reservationsOn(p).find(({ severity, range }) => {
        if (severity !== 'warning') return false;
        for (let port = range.from; port <= range.to; port++) if (!UNSAFE_PORTS.has(port)) return true;
        return false;
      });
      if (!first) continue;
      const r = first.reservation;
      findings.push({
        ...at(p),
        message: `port ${portText(p)} is in a range to avoid: ${r.reason} (${formatRange(first.range)})`,
        related: [index.registryLocation(['reserved', first.index], `reservation: ${r.reason}`)],
        key: factKey(p),
      });
    }
    return findings;
  },
};
