import path from 'node:path';
import type { Fix } from '../findings.js';
import { at } from '../scan/facts.js';
import type { PortFact, ScanResult } from '../scan/scan.js';
import { appendToTemplate, envTemplateIn } from './env-undocumented.js';
import type { Rule, RuleFinding } from './types.js';

/**
 * In a project with slots, each checkout runs on its slot's ports (portreg env writes them into
 * its .env). A compose host port written as a number cannot move with the slot: every checkout
 * publishes the same port and the second `docker compose up` fails. `${API_PORT:-5001}` moves.
 */
export const slotLiteralPort: Rule = {
  meta: {
    id: 'slot-literal-port',
    defaultSeverity: 'warning',
    description:
      'In a project with slots, a compose host port written as a number: it cannot move per checkout, so the second checkout fails to start (write ${VAR:-port}).',
    fixable: true,
    scope: 'file',
  },
  check({ scan, registry }) {
    const findings: RuleFinding[] = [];
    // Built on the first finding that may carry a fix: most trees have no project with slots.
    let filesByPath: Map<string, ScanResult['files'][number]> | undefined;
    const files = () => (filesByPath ??= new Map(scan.files.map((f) => [f.path, f])));
    for (const p of scan.ports) {
      if (p.source !== 'compose' || p.kind !== 'published' || p.published === null || p.variable !== null || !p.project) continue;
      const project = registry.projects[p.project];
      if (!project?.slots) continue;
      const owner = Object.entries(project.services ?? {}).find(([, s]) => s.port === p.published);
      // A shared service keeps its port in every slot: one instance, written as it is.
      if (owner?.[1].shared) continue;
      const variable = owner?.[1].env;
      const suggestion = variable ? `\${${variable}:-${p.published}}` : `\${VAR:-${p.published}} (and "env" on the service in the registry)`;
      findings.push({
        ...at(p),
        message: `host port ${p.published} is written as a number, but project "${p.project}" has slots: every checkout would publish it and the second one fails to start; write ${suggestion}, which portreg env sets per checkout`,
        key: `${p.project}|${p.composeService ?? ''}|${p.published}`,
        ...(variable ? withVariable(p, variable, files()) : {}),
      });
    }
    return findings;
  },
};

/**
 * The fix: the digits become `${VAR:-port}` (the registered port stays the default, so a checkout
 * without a slot runs as before), and the env template beside the compose file lists VAR when it
 * does not yet, as env-undocumented would ask. One fix, so both land in one change set. Offered
 * only where a template is there to list it (a fix never creates a file) or lists it already.
 */
function withVariable(p: PortFact, variable: string, filesByPath: ReadonlyMap<string, ScanResult['files'][number]>): { fix: Fix } | Record<string, never> {
  if (!/^\d+$/.test(p.text) || p.publishedEnd !== null || p.plainInFlow) return {};
  const template = envTemplateIn(filesByPath, path.posix.dirname(p.file));
  if (!template) return {};
  const edits: Fix['edits'] = [{ file: p.file, start: p.span.start, end: p.span.end, text: `\${${variable}:-${p.text}}`, expected: p.text }];
  if (!template.variables?.includes(variable)) edits.push(appendToTemplate(template, variable, Number(p.text)));
  return { fix: { edits } };
}
