import { at } from '../scan/facts.js';
import type { Rule, RuleFinding } from './types.js';

export const composeOverrideAppend: Rule = {
  meta: {
    id: 'compose-override-append',
    defaultSeverity: 'warning',
    description: 'An override file adds ports to a service that already publishes some in the base file: Compose appends rather than replaces (use !override).',
    fixable: false,
    scope: 'file',
  },
  check({ scan, show }) {
    const findings: RuleFinding[] = [];
    for (const stack of scan.stacks) {
      for (const service of stack.services) {
        let before = 0;
        let beforeFile = '';
        for (const step of service.steps) {
          if (step.mode === 'append' && step.count > 0 && before > 0) {
            const first = service.ports.map((i) => scan.ports[i]!).find((p) => p.file === step.file);
            if (first) {
              findings.push({
                ...at(first),
                message: `service "${service.name}": ${show(step.file)} adds ${step.count} port${step.count === 1 ? '' : 's'} to the ${before} that ${show(beforeFile)} publishes; Compose appends them rather than replacing: write "ports: !override" to replace`,
                key: `${stack.id}|${service.name}|${step.file}`,
              });
            }
          }
          before = step.mode === 'reset' ? 0 : step.mode === 'override' ? step.count : before + step.count;
          beforeFile = step.file;
        }
      }
    }
    return findings;
  },
};
