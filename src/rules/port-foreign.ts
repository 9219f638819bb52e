import { at, isHostPort, factKey } from '../scan/facts.js';
import type { Rule, RuleFinding } from './types.js';

export const portForeign: Rule = {
  meta: {
    id: 'port-foreign',
    defaultSeverity: 'error',
    description: "A project publishes a port registered to another project (referring to it, as a frontend's API_URL does, is fine).",
    fixable: false,
    scope: 'file',
  },
  check({ scan, index }) {
    const findings: RuleFinding[] = [];
    for (const p of scan.ports) {
      if (!isHostPort(p) || !p.project) continue;
      for (let port = p.published!; port <= (p.publishedEnd ?? p.published!); port++) {
        const owner = index.ownerOf(port, p.protocol);
        if (!owner || owner.project === p.project) continue;
        findings.push({
          ...at(p),
          message: `port ${port} is registered to service "${owner.service}" of project "${owner.project}", not to project "${p.project}"`,
          related: [index.registryLocation(['projects', owner.project, 'services', owner.service, 'port'], `registered to ${owner.project}/${owner.service}`)],
          key: factKey(p, port),
        });
        break;
      }
    }
    return findings;
  },
};
