import { at, portText, isHostPort, factKey } from '../scan/facts.js';
import type { Rule, RuleFinding } from './types.js';

export const portUnregistered: Rule = {
  meta: {
    id: 'port-unregistered',
    defaultSeverity: 'error',
    description: 'A host port in a project\'s config that the registry does not list for that project ("ask for a port first").',
    fixable: false,
    scope: 'file',
  },
  check({ scan, index }) {
    const findings: RuleFinding[] = [];
    for (const p of scan.ports) {
      if (!isHostPort(p) || !p.project) continue;
      // Every port of a range must be the project's.
      let missing: number | undefined;
      for (let port = p.published!; port <= (p.publishedEnd ?? p.published!) && missing === undefined; port++) {
        if (index.ownerOf(port, p.protocol)?.project !== p.project) missing = port;
      }
      if (missing === undefined) continue;
      const name = p.composeService ?? (p.variable?.replace(/_?PORTS?$/i, '').toLowerCase() || 'NAME');
      findings.push({
        ...at(p),
        message: `port ${portText(p)} is not registered for project "${p.project}": ask for a port first (portreg allocate --project ${p.project} --service ${name} --purpose "...")`,
        key: factKey(p),
      });
    }
    return findings;
  },
};
