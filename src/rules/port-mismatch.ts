import { at, portText, isDevConfig, isHostPort, replacePort } from '../scan/facts.js';
import type { Rule, RuleFinding } from './types.js';

export const portMismatch: Rule = {
  meta: {
    id: 'port-mismatch',
    defaultSeverity: 'error',
    description:
      'A service publishes a port other than the one registered for it (matched by service name, or by its env variable); also a package.json script or a devcontainer.json that binds a port the service moved away from.',
    fixable: true,
    scope: 'file',
  },
  check({ scan, index, show }) {
    const findings: RuleFinding[] = [];
    for (const p of scan.ports) {
      // Env values and compose ${VAR:-default} digits are env-drift's: one finding per disagreement.
      // A script's or dev container's port is this rule's however it is written (`PORT=3001`, `--port ${PORT:-3001}`).
      if (!isHostPort(p) || !(p.source === 'compose' ? p.variable === null : isDevConfig(p))) continue;
      const service = index.service(p.project, p.service);
      if (!service || service.port === p.published) continue;
      const fix = replacePort(p, service.port);
      findings.push({
        ...at(p),
        message: `service "${p.service}" of project "${p.project}" is registered on port ${service.port}, but ${show(p.file)} gives it ${portText(p)}`,
        related: [index.registryLocation(['projects', p.project!, 'services', p.service!, 'port'], `registered port of ${p.project}/${p.service}`)],
        key: `${p.project}|${p.service}|${p.published}`,
        ...(fix ? { fix } : {}),
      });
    }
    return findings;
  },
};
